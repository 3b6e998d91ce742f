from django.db import migrations


def create_groups(apps, schema_editor):
    from apps.editorial.groups import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("events", "0001_initial"),
        ("sources", "0001_initial"),
        ("agreements", "0001_initial"),
        ("quotes", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
