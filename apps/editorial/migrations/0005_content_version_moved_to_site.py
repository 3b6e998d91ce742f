from django.db import migrations


class Migration(migrations.Migration):
    """The content version belongs to the page cache's app now (site 0001); its table stays."""

    dependencies = [("editorial", "0004_topic_version"), ("site", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ContentVersion")]),
    ]
