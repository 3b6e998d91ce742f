from django.db import migrations

# The groups and their permissions are kept in step with the registered models after
# every migrate (``apps.editorial.groups``, connected in EditorialConfig.ready()): a
# migration that imported them would break whenever a model moved. This migration once
# created them; it stays so that databases that applied it keep a consistent history.


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
