from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm, for ``Entry.near_duplicates`` (the admin's duplicate warning). On any other
    database the operation does nothing (SQLite compares texts with difflib instead)."""

    dependencies = [("editorial", "0005_content_version_moved_to_site")]

    operations = [TrigramExtension()]
