from django.db import migrations, models


class Migration(migrations.Migration):
    """The content version moves from the kernel to the page cache's app; its table stays."""

    initial = True

    dependencies = [("editorial", "0003_content_version")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.BigIntegerField(default=0)),
                        ("changed_at", models.DateTimeField(null=True)),
                    ],
                    options={"db_table": "editorial_contentversion"},
                ),
            ],
        ),
    ]
