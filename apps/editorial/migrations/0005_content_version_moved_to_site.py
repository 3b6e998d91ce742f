from django.db import migrations


class Migration(migrations.Migration):
    """The content version belongs to the page cache's app now; its table stays (a state-only move)."""

    dependencies = [("editorial", "0004_topic_version")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ContentVersion")]),
    ]
