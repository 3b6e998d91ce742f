from django.db import migrations, models

SLUG_LENGTH = 80


def shorten_slugs(apps, schema_editor):
    """Addresses longer than 80 characters (the admin used to make them from up to 200
    characters of the text) cut between words, made unique; a published entry's old
    address redirects to the new one (``editorial.FormerSlug``). A copy of
    ``Entry.make_slug``'s rule: a migration imports no application code."""
    Model = apps.get_model("agreements", "Agreement")
    FormerSlug = apps.get_model("editorial", "FormerSlug")
    taken = set(Model.objects.values_list("slug", flat=True))
    for entry in Model.objects.filter(slug__regex=r"^.{81,}$").order_by("pk"):
        words = [word for word in entry.slug.split("-") if word] or ["agreement"]
        slug, number = cut(words, SLUG_LENGTH), 1
        while slug in taken:
            number += 1
            slug = cut(words, SLUG_LENGTH - len(f"-{number}")) + f"-{number}"
        taken.add(slug)
        if entry.status in ("verified", "retracted"):
            FormerSlug.objects.create(entry_label="agreements.agreement", slug=entry.slug, entry_id=entry.pk)
        Model.objects.filter(pk=entry.pk).update(slug=slug)


def cut(words, length):
    slug = words[0][:length]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > length:
            break
        slug += "-" + word
    return slug


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_text_withheld"),
        ("editorial", "0007_formerslug"),
    ]

    operations = [
        migrations.RunPython(shorten_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="agreement",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The entry's address. Left empty, it is made from the text (at most 80 characters); it can be changed until the entry is first verified, and is fixed after that.",
                max_length=80,
                unique=True,
            ),
        ),
    ]
