from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .corroboration import Corroboration
from .corroboration import corroboration as corroboration_of


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    RETRACTED = "retracted", "Retracted"


class SlugNaturalKeyManager(models.Manager):
    """Fixtures refer to every slugged model by its slug, never by a database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Conflict(ValidationError):
    """Someone saved the record after the form or page in hand was opened."""


class Versioned(models.Model):
    """A record people edit, perhaps two of them at once: a save from a stale copy is refused.

    Every change through the admin (its forms and inline rows), the workflow, a restore
    or an import counts ``version`` up. A form or page sends back the version it was
    opened at, and ``check_version`` (on the row locked for the save) refuses it, naming
    who changed the record and when, once someone else has saved in between; the person
    keeps what they typed. Concrete models have ``updated_by`` and ``updated_at`` for that
    message (``Stamped`` or ``LocallyStamped`` gives them). The counter is this
    instance's own: it never travels in a fixture (entries' fixtures have always carried
    theirs, and an import keeps this instance's: ``fixture_import.LOCAL_FIELDS``).
    """

    version = models.PositiveIntegerField(default=1, editable=False, serialize=False)

    class Meta:
        abstract = True

    @classmethod
    def lock(cls, pk):
        """The record, re-read with its row locked until the transaction ends."""
        # No join: after waiting for the lock, PostgreSQL re-reads the locked row but may
        # give an outer-joined row as NULL.
        return cls._default_manager.select_for_update().get(pk=pk)

    def stamp(self, user):
        """Note a change by ``user`` before saving it: every copy opened earlier is now stale."""
        self.updated_by = user
        if not self._state.adding:
            self.version += 1

    def check_version(self, seen):
        """Refuse a copy opened at another version than this one (``seen``, as the page sent it)."""
        try:
            seen = int(seen)
        except (TypeError, ValueError):
            raise Conflict(
                "The form did not say which version it was opened at: reload the page and try again."
            ) from None
        if seen != self.version:
            raise Conflict(self.conflict_message())

    def conflict_message(self):
        """Who changed this record and when, for a person whose copy is stale (a query for the who)."""
        who = self.updated_by.get_username() if self.updated_by_id else "someone else"
        when = ""
        if self.updated_at is not None:  # see LocallyStamped
            when = f" at {date_format(timezone.localtime(self.updated_at), 'j F Y, H:i:s')} (UTC)"
        return (
            f"“{self}” was changed by {who}{when}, after you opened it. "
            "Your changes were not saved: reload the page to see the current version."
        )


class LocallyStamped(Versioned):
    """A versioned record whose fixtures carry no stamps (topics, claim relations): who
    changed it last on this instance, and when, for the conflict message. Like the
    version, never exported; empty for a row that came from a fixture until it is saved."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        serialize=False,
    )
    updated_at = models.DateTimeField(auto_now=True, null=True, serialize=False)

    class Meta:
        abstract = True


class Topic(LocallyStamped):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:list") + f"?topic={self.slug}"

    def natural_key(self):
        return (self.slug,)


class TracksLoaded:
    """Keeps what ``tracked_fields`` (attribute names) held when the row was loaded, so that
    a ``post_save`` handler can tell what a save changed (the stored corroboration does)."""

    tracked_fields = ()

    @classmethod
    def tracked(cls):
        return cls.tracked_fields

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: instance.__dict__[f] for f in cls.tracked() if f in instance.__dict__}
        return instance


class Stamped(Versioned):
    """Who made a record and when it last changed; the admin fills these in."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def stamp(self, user):
        if self._state.adding:
            self.created_by = user
        super().stamp(user)


# Newest verified first: the public lists, the overview and the feed. The slug breaks the
# ties (an import verifies many entries at one instant) because it travels with the data,
# which a database id does not: a backup loaded elsewhere shows the same pages. Each entry
# model has an index in this order, by status.
NEWEST_VERIFIED = ("-verified_at", "slug")


class EntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Status.VERIFIED)

    def for_review(self):
        """With what the review queue shows of each entry without a query per entry
        (claims add whether another claim contradicts them)."""
        return self

    def public(self):
        """What readers may see: verified entries only (claims add what ``corroboration()`` needs)."""
        return self.verified()

    def with_evidence(self, *source_related):
        """Prefetch what ``corroboration()`` and an evidence list read, in two queries however
        many entries and citations there are: the citations with their sources (and
        ``source_related``, e.g. ``"source__outlet"``), and the outlets each source relays.
        """
        citation = self.model._meta.get_field("citations").related_model
        citations = citation.objects.select_related("source", *source_related).order_by(
            "source__published_on", "source__title", "source__slug", "start", "end"
        )
        return self.prefetch_related(models.Prefetch("citations", queryset=citations), "citations__source__relays")

    def _citations(self):
        citation = self.model._meta.get_field("citations").related_model
        return citation, citation.entry_field

    def disputed_condition(self):
        """SQL for ``corroboration().disputed``: a citation contradicts the entry.

        Claims add their ``contradicts`` relations (see ``ClaimQuerySet``). Uncorrelated
        subqueries: the database reads the citations once, not once per entry.
        """
        citation, entry = self._citations()
        return models.Q(pk__in=citation.objects.filter(stance="contradicts").values(entry))

    def disputed(self, disputed=True):
        condition = self.disputed_condition()
        return self.filter(condition) if disputed else self.exclude(condition)

    def at_corroboration_level(self, level):
        """Entries whose ``corroboration().level`` (as readers see it) is ``level``:
        disputed, none, single or corroborated. One indexed comparison: the level is stored
        (by the app that keeps them current)."""
        return self.filter(corroboration_level=level)


class EntryManager(SlugNaturalKeyManager.from_queryset(EntryQuerySet)):
    pass


class CorroborationLevel(models.TextChoices):
    DISPUTED = "disputed", "Disputed"
    NONE = "none", "No source"
    SINGLE = "single", "1 source"
    CORROBORATED = "corroborated", "2 or more independent sources"


class Entry(TracksLoaded, Stamped):
    """What claims, quotes and agreements share: a status in the editorial workflow."""

    tracked_fields = ("status",)
    # Derived by ``corroboration()``, as readers see it, and kept current by
    # ``editorial.corroboration``; never written by a form, never exported.
    STORED_FIELDS = ("corroboration_level", "supporting_sources")

    slug = models.SlugField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last went into review; the queue is oldest first."
    )
    review_note = models.TextField(blank=True, editable=False, help_text="Why an editor last sent it back.")
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction = models.TextField(
        "correction note", blank=True, editable=False, help_text="Shown to readers in place of a retracted entry."
    )
    notes = models.TextField("internal notes", blank=True, help_text="For the desk only; never shown to readers.")
    # ``Versioned``'s counter, which entries' fixtures carry (an import keeps this
    # instance's own: ``fixture_import.LOCAL_FIELDS``).
    version = models.PositiveIntegerField(default=1, editable=False)
    corroboration_level = models.CharField(
        max_length=12,
        choices=CorroborationLevel.choices,
        default=CorroborationLevel.NONE,
        db_index=True,
        editable=False,
        serialize=False,
    )
    supporting_sources = models.PositiveSmallIntegerField(default=0, editable=False, serialize=False)

    objects = EntryManager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="%(class)s_status_valid"),
        ]

    def save(self, *args, **kwargs):
        # An instance loaded before a citation changed holds old stored values: a save of
        # its other fields must not write them back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.STORED_FIELDS
            ]
        super().save(*args, **kwargs)

    @classmethod
    def verify_permission(cls):
        """The permission that lets an editor verify, send back and retract this kind of entry."""
        return f"{cls._meta.app_label}.verify_{cls._meta.model_name}"

    def natural_key(self):
        return (self.slug,)

    @property
    def is_public(self):
        return self.status == Status.VERIFIED

    @property
    def heading(self):
        """The entry in a line of a list (its statement, its words, its title)."""
        return str(self)

    def feed_title(self):
        return f"{self._meta.verbose_name.capitalize()}: {self}"

    def feed_summary(self):
        return str(self)

    def supporting_citations(self):
        return [c for c in self.citations.all() if c.stance == "supports"]

    def evidence_problems(self, anchors=True):
        """Sentences for each broken provenance rule of this entry's evidence (without the
        anchoring of each citation in its source when ``anchors`` is false)."""
        if not anchors:
            return []
        return [problem for c in self.citations.all() if (problem := c.anchor_problem())]

    # What the workflow records with a status, which ``record_problems_of`` checks.
    RECORD_FIELDS = ("status", "verified_at", "retracted_at", "correction")

    @staticmethod
    def record_problems_of(status, verified_at, retracted_at, correction):
        """What the workflow records with ``status`` and is missing here: sentences.

        A verified entry says when it was verified; a retracted one when, and the
        correction readers see in its place. ``workflow.apply`` writes nothing that breaks
        this, ``import_fixtures`` refuses it (on a file's values, without building an
        entry for each) and ``check_corpus`` reports it.
        """
        problems = []
        if status == Status.VERIFIED and verified_at is None:
            problems.append("A verified entry needs the time it was verified (verified_at).")
        if status == Status.RETRACTED:
            if not (correction or "").strip():
                problems.append("A retracted entry needs a correction note for readers.")
            if retracted_at is None:
                problems.append("A retracted entry needs the time it was retracted (retracted_at).")
        return problems

    def record_problems(self):
        return self.record_problems_of(**{name: getattr(self, name) for name in self.RECORD_FIELDS})

    def integrity_problems(self, four_eyes=True, anchors=True):
        """Every rule of the design this entry breaks, as sentences (empty when sound).

        ``check_corpus`` reports these for data that arrived without the admin's checks;
        it checks the anchors of citations source by source (``anchors=False`` here).
        """
        problems = self.evidence_problems(anchors=anchors) + self.record_problems()
        if self.status == Status.VERIFIED:
            if not self.supporting_citations():
                problems.append("It is verified without a supporting citation.")
            if four_eyes and self.verified_by_id and self.verified_by_id == self.created_by_id:
                problems.append("It was verified by the person who created it (four-eyes rule).")
        return problems

    def is_contradicted(self):
        """Whether another entry is recorded as contradicting this one (claims override)."""
        return False

    # ``{field name: (what it is to this entry, what it names)}`` where the field's own
    # names would read badly in a sentence ("its speaker, the joint statement …").
    reference_labels = {}

    @classmethod
    def reference_names(cls, name):
        """What the foreign key ``name`` is to this entry, and what it names, for sentences."""
        if name in cls.reference_labels:
            return cls.reference_labels[name]
        field = cls._meta.get_field(name)
        return str(field.verbose_name), str(field.related_model._meta.verbose_name)

    @classmethod
    def contradiction_pairs(cls, pks):
        """``[(pk, partner's pk)]`` for the entries among ``pks`` that another entry of the
        same kind is recorded as contradicting, or that contradict one (claims record such
        relations; other kinds have none)."""
        return []

    @classmethod
    def count_supporting(cls, entries):
        """Set ``supporting_count`` on each of ``entries`` (a page of a list): how many of
        its citations support it, in one query, without loading the citations."""
        citation = cls.citations.rel.related_model
        entry_id = f"{citation.entry_field}_id"
        counts = dict(
            citation.objects.filter(**{f"{entry_id}__in": [entry.pk for entry in entries]}, stance="supports")
            .order_by()
            .values_list(entry_id)
            .annotate(count=models.Count("pk"))
            .values_list(entry_id, "count")
        )
        for entry in entries:
            entry.supporting_count = counts.get(entry.pk, 0)

    def stored_corroboration(self):
        """``corroboration()`` from the stored fields, without reading the evidence: they
        are kept current on every change of their inputs. What they
        leave out, contradiction by an unpublished claim, comes from ``is_contradicted``
        (annotate claims ``with_contradiction`` when showing many)."""
        disputed = self.corroboration_level == CorroborationLevel.DISPUTED or self.is_contradicted()
        return Corroboration(supporting_sources=self.supporting_sources, disputed=disputed)

    def corroboration(self):
        """How many independent sources support this entry, or whether it is disputed.

        Prefetch ``citations__source__relays`` (and, for claims, the relations) when
        showing many entries; otherwise this costs queries per entry.
        """
        return corroboration_of(self.citations.all(), contradicted=self.is_contradicted())


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

    def __str__(self):
        return f"content version {self.number}"
