"""The content version the page cache keys its pages by, and the triggers that bump it."""

from datetime import UTC

from django.db import connections, models, transaction

# The database marks the content changed, whatever writes it: a trigger on every table a
# reader can see (``ContentVersionQuerySet.watch``). What they run, by vendor:
CHANGED_FLAG = "summitcms.content_changed"  # PostgreSQL: set once bumped in this transaction
TRIGGER = "content_version"  # the name of each trigger (SQLite: a prefix)

# One statement: the row is made if it is missing (a flushed or new database).
BUMP = {
    "postgresql": """
        INSERT INTO {table} (id, number, changed_at) VALUES (1, 1, clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1, changed_at = excluded.changed_at""",
    # SQLite keeps datetimes as UTC text; 'now' is UTC, to the millisecond.
    "sqlite": """
        INSERT INTO {table} (id, number, changed_at) VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'))
        ON CONFLICT (id) DO UPDATE SET number = number + 1, changed_at = excluded.changed_at""",
}


class ContentVersionQuerySet(models.QuerySet):
    def current(self):
        """``(number, changed_at)`` of the published content; one query.

        Every public request runs it, cached page or not, so it skips the ORM's query
        compiler: on a cached page that would cost more than the rest of the request.
        """
        from django.utils.dateparse import parse_datetime

        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        query = f"SELECT number, changed_at FROM {table} WHERE id = 1"
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # Read inside a transaction (a test, a management command): the next change
            # in it must bump again, or this reader would keep a stale page. The trigger
            # bumps once per transaction, until this flag is cleared.
            query = (
                f"SELECT v.number, v.changed_at FROM (SELECT set_config('{CHANGED_FLAG}', '', true)) AS reset"
                f" LEFT JOIN {table} AS v ON v.id = 1"
            )
        with connection.cursor() as cursor:
            cursor.execute(query)
            row = cursor.fetchone()
        if row is None or row[0] is None:
            return 0, None
        number, changed_at = row
        if isinstance(changed_at, str):  # SQLite hands back the stored text
            changed_at = parse_datetime(changed_at)
        if changed_at is not None and changed_at.tzinfo is None:  # SQLite stores UTC
            changed_at = changed_at.replace(tzinfo=UTC)
        return number, changed_at

    def watch(self, models):
        """Install the triggers that bump the version on every write to the tables of
        ``models`` and of their many-to-many relations (and remove those on any other
        table), then bump it once: what was written while they were missing (a migration
        that remade a table on SQLite drops its triggers) is a change too.

        Idempotent; run after every ``migrate`` (``cache.watch_public_tables``). Tables
        that do not exist (yet) are left out.

        - PostgreSQL: a statement trigger (also on TRUNCATE) that bumps at most once per
          transaction, marked by a transaction-local setting that a rollback, to a
          savepoint too, undoes along with the bump. Updating the one row again and again
          in one transaction would be quadratic: PostgreSQL keeps every version of the
          row until the commit, and each update walks them.
        - SQLite has no statement triggers: a row trigger on each insert, update and
          delete (SQLite keeps no row versions: a few microseconds a row).
        """
        connection = connections[self.db]
        existing = set(connection.introspection.table_names())
        version_table = self.model._meta.db_table
        tables = set()
        for model in models:
            tables.add(model._meta.db_table)
            tables.update(field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many)
        # Without the version's table (migrated back past it), a trigger would make every
        # write fail: none then.
        tables = sorted(tables & existing) if version_table in existing else []
        quote = connection.ops.quote_name
        bump = BUMP[connection.vendor].format(table=quote(version_table))
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""CREATE OR REPLACE FUNCTION {TRIGGER}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF coalesce(current_setting('{CHANGED_FLAG}', true), '') = '' THEN
                            PERFORM set_config('{CHANGED_FLAG}', 'bumped', true);
                            {bump};
                        END IF;
                        RETURN NULL;
                    END $$"""
                )
                cursor.execute(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    " WHERE t.tgname = %s AND pg_table_is_visible(c.oid)",
                    [TRIGGER],
                )
                for (table,) in cursor.fetchall():
                    if table not in tables:
                        cursor.execute(f"DROP TRIGGER {TRIGGER} ON {quote(table)}")
                for table in tables:
                    cursor.execute(
                        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                        f" ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_bump()"
                    )
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                    [f"{TRIGGER}:%"],
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f"DROP TRIGGER {quote(name)}")
                for table in tables:
                    for event in ("INSERT", "UPDATE", "DELETE"):
                        name = quote(f"{TRIGGER}:{table}:{event.lower()}")
                        cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN {bump}; END")
            if tables:
                cursor.execute(bump)


class ContentVersion(models.Model):
    """One row counting changes to anything a reader can see.

    Public pages are cached under this number, and every worker reads it from the
    database on each request. Triggers in the database bump it (``watch``), so any
    change — the admin, a command, ``QuerySet.update()``, ``loaddata``, raw SQL, another
    program writing to the same database — makes every cached page stale for the very
    next request, and a rolled-back change bumps nothing.
    """

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        # Made by the kernel's migrations before the page cache had an app of its own.
        db_table = "editorial_contentversion"

    def __str__(self):
        return f"content version {self.number}"
