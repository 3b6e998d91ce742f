"""Importing a fixture: every rule checked first, then all of it written, or nothing.

Stock ``loaddata`` writes what the file says, object by object, through no rule of the
design: it stores a string longer than its column on SQLite, overwrites an existing
entry that has the same primary key or natural key (with no history), lets the last of
two objects with one natural key win, and keeps offsets and hashes it never checks.
``import_fixture`` reads the whole file (an object at a time, ``json_stream``),
resolves every reference (in the file or in the database), puts every object it adds or
changes through its model's own rules — the ones the admin's forms apply:
``clean_fields()``, ``clean()``, a citation's provenance check, an entry's rules on the
evidence the import leaves it — and only then writes, in one transaction. What is the
import's own is what only it can know: natural keys and references across the file and
the database, and the file's form. An object that is already in the database is left
alone when the file holds the same values, refused when it differs, and changed only
when ``update`` is set, with the change recorded in its history.

The import adds and changes; it never deletes. A many-to-many list in the file adds the
links the database lacks and keeps the others (an export leaves out links to entries it
does not export, and re-importing it must not cut them). The ``pk`` of an object, if the
file has one, is ignored: objects are matched by natural key only.
"""

import difflib
import functools
import itertools
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from types import MappingProxyType

import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, reset_queries, transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from apps.editorial import changes, stored_corroboration, workflow
from apps.editorial.models import ProposalStatus, Status, Versioned
from apps.search import vectors
from summitcms.lib.fields import auto_timestamps
from summitcms.lib.statistics import AsItGrows

from . import json_stream
from .fixtures import (
    NOT_EXPORTED,
    entry_labels,
    field_plans,
    fk_value,
    get_model,
    label_of,
    m2m_keys,
    model_labels,
    natural_key_paths,
    natural_keys,
    value_paths,
)
from .fixtures import (
    plan as fixture_plan,
)

# Kept by this instance, not carried over: the conflict counter of the admin's forms.
LOCAL_FIELDS = {"version"}


def local_fields(model):
    """What this instance keeps of an object already in it, whatever a file says: the
    conflict counter, and an entry's place in this instance's review (its status, who
    verified it and when, what waits for review): an import never publishes."""
    return {*LOCAL_FIELDS, *getattr(model, "WORKFLOW_FIELDS", ())}


BATCH = 500
# Objects checked and written at a time. A file of more is imported a part at a time in
# its one transaction, the database holding what earlier parts wrote (flat memory): see
# ``FixtureImport.run``.
PART_SIZE = 20_000
PART_TEXT = 5_000_000  # characters of text in a part, at most (about a thousand sources)
INSERT_BATCH = 2000  # rows per savepoint: a refused batch is inserted again row by row
ROWS_PER_STATEMENT = 500
MAX_PROBLEMS_SHOWN = 50


class FixtureError(Exception):
    """The fixture was refused; ``problems`` says why, one sentence per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def record_baseline(obj):
    """Keep ``obj`` as it is now in its history, if its history has no version yet.

    Objects that arrived through ``loaddata`` or an earlier import have no history; the
    import's change must not lose the values it replaces.
    """
    if reversion.is_registered(type(obj)):
        workflow.ensure_baseline(obj)


def record_update(obj, user=None, comment=""):
    """Record ``obj`` as changed (with its citations and relations, which it follows).

    The one place an import writes history: django-reversion when the model is
    registered, otherwise nothing to record.
    """
    if not reversion.is_registered(type(obj)):
        return
    with reversion.create_revision():
        reversion.add_to_revision(obj)
        reversion.set_comment(comment)
        if user is not None:
            reversion.set_user(user)


def citation_labels():
    return list(fixture_plan()["citations"])


@functools.cache
def plans_by_name(model):
    return {plan.name: plan for plan in field_plans(model)}


def show_key(key):
    return " / ".join("–" if part is None else str(part).replace("\x00", "\\u0000") for part in key)


NONE = MappingProxyType({})  # the links or references of an object that has none (shared, read-only)


def holds_nul(value):
    """Whether a value of the file holds a NUL character, in a string or in a natural key.

    The admin's forms refuse one in any text (Django's ``ProhibitNullCharactersValidator``);
    SQLite would store it, PostgreSQL refuses it with an error.
    """
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(holds_nul(part) for part in value)
    return False


@dataclass(slots=True)
class Item:
    """One object of the file, parsed (slots: an import holds hundreds of thousands).

    Kept small, since every object of the file has one until the import ends: the names
    of fields are the model's own strings (not the copies each parsed object brings),
    references share the natural key of the object they name, and what an object lacks
    (links, references, changes) is one shared empty value."""

    number: int  # its position in the file, from 1
    label: str
    values: dict = field(default_factory=dict)  # plain fields the file gives
    fks: dict = field(default_factory=lambda: NONE)  # foreign key name → natural key (tuple) or None
    m2m: dict = field(default_factory=lambda: NONE)  # many-to-many name → [natural key, …]
    key: tuple | None = None
    pk: int | None = None  # the object in the database: found there, or once the import inserts it
    current: dict | None = None  # its values there, as an export row
    state: str = "added"  # "added", "changed" or "unchanged"
    changes: list | tuple = ()
    kept: list | None = None  # what the file would change of this instance's review (made when there is some)

    @property
    def model(self):
        return get_model(self.label)

    def __str__(self):
        if self.key is None:
            return f"object {self.number} ({self.label})"
        return f"{self.label} “{show_key(self.key)}” (object {self.number})"


@dataclass
class Report:
    """What an import added, changed and left as it was, by model."""

    dry_run: bool = False
    added: dict = field(default_factory=lambda: defaultdict(int))
    changed: dict = field(default_factory=lambda: defaultdict(int))
    unchanged: dict = field(default_factory=lambda: defaultdict(int))
    proposed: list = field(default_factory=list)  # published entries whose change waits for review
    for_review: list = field(default_factory=list)  # new entries verified elsewhere, in review here
    # A line per added or changed object, kept on disk past a megabyte: a million objects'
    # lines are no memory of the import's.
    spool: object = field(
        default_factory=lambda: tempfile.SpooledTemporaryFile(max_size=2**20, mode="w+", encoding="utf-8")
    )

    def count(self, items):
        """Count ``items`` (the objects of one part of the file) and keep their lines."""
        for item in items:
            getattr(self, item.state)[item.label] += 1
            if item.state == "changed":
                self.keep("changed", f"changed {item}: {', '.join(item.changes)}")
            elif item.state == "added":
                self.keep("added", f"added {item}")
            if item.kept:
                what = ", ".join(item.kept)
                self.keep("changed", f"kept {item}: {what} as this instance has it (an import never changes it)")

    def keep(self, state, line):
        self.spool.write(json.dumps([state, line]) + "\n")

    def lines(self, states=("added", "changed")):
        """A line per added or changed object (or those of ``states``), then the entries
        whose change waits for review and those that arrive in review."""
        self.spool.seek(0)
        for row in self.spool:
            state, line = json.loads(row)
            if state in states:
                yield line
        verb = "would propose" if self.dry_run else "proposed"
        for entry in self.proposed:
            yield f"{verb} a change to {entry}: it is published, and the change waits for review"
        for entry in self.for_review:
            yield f"{entry} is verified in the file: it arrives here in review"

    def summary(self):
        def total(counts):
            return sum(counts.values())

        verb = ("would add", "would change") if self.dry_run else ("added", "changed")
        parts = []
        for label in model_labels():
            counts = zip(
                (self.added[label], self.changed[label], self.unchanged[label]), (*verb, "unchanged"), strict=True
            )
            shown = ", ".join(f"{count} {what}" for count, what in counts if count)
            if shown:
                parts.append(f"{label} {shown}")
        head = (
            f"{'Dry run: ' if self.dry_run else ''}{total(self.added)} {verb[0]}, "
            f"{total(self.changed)} {verb[1]}, {total(self.unchanged)} unchanged"
        )
        tail = " Nothing was written." if self.dry_run else ""
        return head + (" (" + "; ".join(parts) + ")." if parts else ".") + tail


class FixtureImport:
    def __init__(self, *, update=False, name="the fixture", user=None, part_size=None, progress=None):
        self.update = update
        self.name = name
        self.user = user
        self.part_size = part_size or PART_SIZE
        self.progress = progress  # progress(objects read so far), after each part of a long file
        self.in_parts = False  # whether the file is imported a part at a time (``run``)
        self.problems = []
        self.labels = {label: label for label in natural_keys()}  # one string per model for all its items
        self.instance_was_empty = None
        self.for_review = set()  # (label, key) of the new entries verified elsewhere
        self.proposed = []
        self.proposed_keys = set()  # (label, key) of the entries in ``proposed``
        self.start_part()

    def start_part(self):
        """Let go of what the import held of the previous part of the file."""
        self.items = []
        self.by_label = defaultdict(list)  # label → its items, in file order
        self.index = defaultdict(dict)  # label → natural key → item
        self.in_database = defaultdict(dict)  # label → natural key → pk, for references not in the file
        self.may_hold_nul = True  # whether the object being parsed may hold a NUL (``parse``)
        self.kept_problems = []  # bad values of what this instance keeps (``differences``)

    # -- the steps --------------------------------------------------------------------

    def run(self, source, *, dry_run=False):
        """Check ``source`` (the file opened in binary mode, or its bytes) and, unless
        ``dry_run``, write it; return a Report. The file is read a piece at a time and
        parsed an object at a time: the import holds what it keeps of each object, never
        the file's text nor all its parsed objects.

        A file of more than ``part_size`` objects is checked and written a part at a time,
        in one transaction, so that the import's memory does not grow with the file
        (``run_in_parts``). A smaller one is checked whole before anything is written.
        """
        if isinstance(source, str):
            source = source.encode()
        self.outcome = Report(dry_run=dry_run)
        objects = enumerate(self.load(source), start=1)
        self.parse(objects)
        following = next(objects, None)
        if following is not None:
            self.run_in_parts(itertools.chain([following], objects), dry_run)
        else:
            self.check_part()
            if dry_run:
                self.outcome.proposed = [f"{label} “{key[0]}”" for label, key in self.published_touched()]
            else:
                self.write()
                self.outcome.proposed = self.proposed
        self.outcome.for_review = [f"{label} “{key[0]}”" for label, key in sorted(self.for_review)]
        return self.outcome

    def check_part(self):
        """Every rule of the objects parsed (the file, or a part of it), and the report's count."""
        self.stop_on_problems()
        self.resolve()
        self.stop_on_problems()
        self.check()
        self.stop_on_problems()
        self.review_rules()
        self.outcome.count(self.items)

    def run_in_parts(self, objects, dry_run):
        """Check and write the file a part at a time, in one transaction: a problem in any
        part, or in the checks that need the whole file (``finish_parts``), writes nothing.

        What the earlier parts wrote is in the database, where the later parts find it as
        they find what was there before: references to it, and a natural key the file
        gives twice (an object whose id is above the ids the tables had when the import
        began is one the import added, ``high_water``). What only the whole file can tell
        is checked at the end, from the database: the evidence of each entry the import
        added or changed (its citations come later in the file), and what the import
        proposes; then the first publications are recorded. A dry run writes too, and
        rolls it all back.
        """
        self.in_parts = True
        self.changed_before = defaultdict(set)  # label → pks the earlier parts changed
        with transaction.atomic(), vectors.deferred():
            self.high_water = {label: high_water(get_model(label)) for label in model_labels()}
            self.instance_was_empty = holds_no_entries()
            read, statistics = 0, AsItGrows()
            while self.items or self.problems:
                read = self.items[-1].number if self.items else read
                self.check_part()
                self.write()
                statistics.wrote(read)
                for item in self.items:
                    if item.state == "changed":
                        self.changed_before[item.label].add(item.pk)
                if self.progress:
                    self.progress(read)
                # With DEBUG on, Django logs the SQL of the last 9 000 queries: a part's
                # INSERTs carry its text, and a million-claim file grew that log to 1.5 GB.
                reset_queries()
                self.start_part()
                self.parse(objects)
            self.finish_parts()
            self.stop_on_problems()
            self.outcome.proposed = self.proposed
            if dry_run:
                transaction.set_rollback(True)

    def problem(self, item, message):
        self.problems.append(f"{item}: {message}" if item is not None else message)

    def stop_on_problems(self):
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS_SHOWN]
            if len(self.problems) > MAX_PROBLEMS_SHOWN:
                shown.append(f"… and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems.")
            raise FixtureError(shown)

    # -- reading the file -------------------------------------------------------------

    def load(self, source):
        """The file's objects, one at a time, with whether each may hold a NUL."""
        reader = json_stream.ListReader(source)
        try:
            first = reader.first()
            if not first:
                raise FixtureError([f"{self.name} is empty: there is nothing to import."])
            if first != "[":
                data = reader.whole_value()
                raise FixtureError([f"{self.name} must hold a JSON list of objects, not a {type(data).__name__}."])
            yield from reader
        except json_stream.NotUTF8 as error:
            raise FixtureError([f"{self.name} is not UTF-8 text (byte {error.position} cannot be read)."]) from None
        except json_stream.NotJSON as error:
            raise FixtureError([f"{self.name} is not valid JSON: {error.message}."]) from None

    def parse(self, objects):
        """Parse ``objects`` (``(number, (object, may hold a NUL))``) into items, until a part
        is full: ``part_size`` objects, or ``PART_TEXT`` characters of text (a part of long
        sources holds fewer objects than a part of citations)."""
        read = text = 0
        for number, (obj, may_hold_nul) in objects:
            # JSON writes a NUL as \u0000: without one in its text, no field of it holds one.
            self.may_hold_nul = may_hold_nul
            item = self.parse_object(number, obj)
            del obj  # the item keeps what it needs of it
            read += 1
            if item is not None:
                self.hold(item)
                text += sum(len(value) for value in item.values.values() if isinstance(value, str))
            if read >= self.part_size or text >= PART_TEXT:
                return

    def hold(self, item):
        """Keep a parsed object in the part, indexed by its natural key (refused when given twice)."""
        self.items.append(item)
        self.by_label[item.label].append(item)
        if item.key is not None:
            twin = self.index[item.label].get(item.key)
            if twin is not None:
                self.problem(
                    item,
                    f"it appears twice in the file (objects {twin.number} and {item.number}); "
                    "stock loaddata would keep the last one silently. Keep one.",
                )
            else:
                self.index[item.label][item.key] = item

    def parse_object(self, number, obj):
        if not isinstance(obj, dict) or not isinstance(obj.get("model"), str):
            self.problem(None, f'Object {number} is not of the form {{"model": …, "fields": {{…}}}}.')
            return None
        extra = set(obj) - {"model", "fields", "pk"}
        if extra:
            self.problem(None, f"Object {number} has unknown keys: {', '.join(sorted(extra))}.")
            return None
        label = self.labels.get(obj["model"].lower())
        if label is None:
            self.problem(None, f"Object {number}: {self.unknown_model(obj['model'].lower())}")
            return None
        fields = obj.get("fields", {})
        if not isinstance(fields, dict):
            self.problem(None, f"Object {number} ({label}): “fields” must be an object.")
            return None
        item = Item(number, label)
        plans = plans_by_name(item.model)
        # Before anything else reads them: PostgreSQL refuses a NUL in any text, even in a
        # query that looks an object up by its natural key.
        nul = [name for name, value in fields.items() if holds_nul(value)] if self.may_hold_nul else []
        for name, value in fields.items():
            plan = plans.get(name)
            if plan is None:
                self.problem(item, f"{label} has no field “{name}”.")
            elif plan.kind == "user":
                if value is not None:
                    self.problem(item, f"user accounts do not travel in fixtures: “{name}” must be null.")
            elif plan.kind == "fk":
                key = self.parse_key(item, name, value, plan.field.related_model)
                if key is not None or value is None:
                    if item.fks is NONE:
                        item.fks = {}
                    item.fks[plan.name] = key
            elif plan.kind == "m2m":
                if not isinstance(value, list):
                    self.problem(item, f"“{name}” must be a list of natural keys.")
                    continue
                keys = [self.parse_key(item, name, one, plan.field.related_model) for one in value]
                if item.m2m is NONE:
                    item.m2m = {}
                item.m2m[plan.name] = list(dict.fromkeys(key for key in keys if key is not None))
            else:
                try:
                    parsed = plan.field.to_python(value)
                except ValidationError as error:
                    self.problem(item, f"{name}: {' '.join(error.messages)}")
                    continue
                if parsed is not None and plan.field.get_internal_type() == "DateTimeField":
                    if timezone.is_naive(parsed):
                        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
                elif isinstance(parsed, str) and plan.field.choices:
                    parsed = sys.intern(parsed)  # a status, a kind: a few values, repeated
                item.values[plan.name] = parsed
        item.key = self.natural_key(item)
        for name in nul:
            self.problem(item, f"{name}: {ProhibitNullCharactersValidator.message}")  # the admin's words
        return item

    def unknown_model(self, label):
        if label in NOT_EXPORTED:
            return f"{label} is not imported: it is {NOT_EXPORTED[label]}."
        if label.split(".")[-1] in ("user", "group", "permission"):
            return f"{label} is not imported: user accounts and permissions never travel in fixtures."
        close = difflib.get_close_matches(label, model_labels(), n=1)
        hint = f" Did you mean “{close[0]}”?" if close else ""
        return f"there is no model “{label}” among those a fixture carries.{hint}"

    def parse_key(self, item, name, value, target):
        size = len(natural_keys()[target._meta.label_lower])
        if value is None:
            return None
        if isinstance(value, list) and len(value) == size and all(isinstance(p, str | int) for p in value):
            key = tuple(value)
            # The file's objects come before those that refer to them: share the key they have.
            named = self.index[target._meta.label_lower].get(key)
            return named.key if named is not None else key
        if isinstance(value, int):
            self.problem(
                item,
                f"“{name}” refers to a {target._meta.verbose_name} by database id ({value}); ids differ between "
                "instances, so a fixture must use natural keys (export_fixtures writes them).",
            )
        else:
            self.problem(item, f"“{name}” must be a natural key such as {json.dumps(['slug'] * size)}, not {value!r}.")
        return None

    def natural_key(self, item):
        parts = []
        for path in natural_keys()[item.label]:
            if "__" in path:
                name, rest = path.split("__", 1)
                target = item.model._meta.get_field(name).related_model
                key = item.fks.get(name)
                part = key[natural_keys()[target._meta.label_lower].index(rest)] if key else None
            else:
                part = item.values.get(path)
            if part is None or part == "":
                self.problem(item, f"it has no “{path.split('__')[0]}”, which is part of its natural key.")
                return None
            parts.append(part)
        return tuple(parts)

    # -- what the database already holds -----------------------------------------------

    def lookup(self, label, keys):
        """``{natural key: pk}`` of the objects of ``label`` with these keys in the database."""
        model, paths = get_model(label), natural_keys()[label]
        found = {}
        keys = list(keys)
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            firsts = {key[0] for key in batch}
            wanted = set(batch)
            for *key, pk in model.objects.filter(**{f"{paths[0]}__in": firsts}).values_list(*paths, "pk"):
                if tuple(key) in wanted:
                    found[tuple(key)] = pk
        return found

    def resolve(self):
        """Find the file's objects in the database, and every reference in the file or there."""
        for label in model_labels():
            keyed = [item for item in self.by_label[label] if item.key is not None]
            existing = self.lookup(label, [item.key for item in keyed])
            for item in keyed:
                item.pk = existing.get(item.key)
                if self.in_parts and item.pk is not None and self.written_before(label, item.pk):
                    self.problem(
                        item,
                        "it appears twice in the file (an earlier object has the same natural key); "
                        "stock loaddata would keep the last one silently. Keep one.",
                    )
        wanted = defaultdict(set)
        for item in self.items:
            model = item.model
            for name, key in item.fks.items():
                if key is not None:
                    wanted[model._meta.get_field(name).related_model._meta.label_lower].add(key)
            for name, keys in item.m2m.items():
                wanted[model._meta.get_field(name).related_model._meta.label_lower].update(keys)
        for label, keys in wanted.items():
            self.in_database[label] = self.lookup(label, keys - set(self.index[label]))
        for item in self.items:
            model = item.model
            references = [(name, key) for name, key in item.fks.items() if key is not None]
            references += [(name, key) for name, keys in item.m2m.items() for key in keys]
            for name, key in references:
                target = model._meta.get_field(name).related_model._meta.label_lower
                if key in self.index[target] or key in self.in_database[target]:
                    continue
                if self.in_parts:
                    self.problem(
                        item,
                        f"“{name}” refers to {target} “{show_key(key)}”, which is neither earlier in the "
                        f"file nor in the database (a file of more than {self.part_size} objects must give "
                        "an object before those that refer to it, as export_fixtures writes them).",
                    )
                else:
                    self.problem(
                        item,
                        f"“{name}” refers to {target} “{show_key(key)}”, which is neither in the file "
                        "nor in the database.",
                    )
        self.compare_with_database()

    def written_before(self, label, pk):
        """Whether an earlier part of the file added or changed the object ``pk`` (``run_in_parts``)."""
        return pk > self.high_water[label] or pk in self.changed_before[label]

    def compare_with_database(self):
        """Mark each object added, unchanged or changed (listing what changes)."""
        for label in model_labels():
            existing = [item for item in self.by_label[label] if item.pk is not None]
            if not existing:
                continue
            model = get_model(label)
            plans = field_plans(model)
            for start in range(0, len(existing), BATCH):
                batch = {item.pk: item for item in existing[start : start + BATCH]}
                paths = [*value_paths(model), *reference_attnames(model)]
                rows = {row["pk"]: row for row in model.objects.filter(pk__in=batch).values(*paths)}
                m2m = {f.name: m2m_keys(f, list(batch)) for f in model._meta.local_many_to_many}
                for pk, item in batch.items():
                    item.current = {**rows[pk], **{name: links.get(pk, []) for name, links in m2m.items()}}
                    item.changes = self.differences(item, plans)
                    if item.changes:
                        item.state = "changed"
                        if not self.update:
                            what = "the verified entry" if item.current.get("status") == Status.VERIFIED else "it"
                            self.problem(
                                item,
                                f"{what} is already in the database with other values "
                                f"({', '.join(item.changes)}): run with --update to change it.",
                            )
                    else:
                        item.state = "unchanged"

    def review_rules(self):
        """What reaches readers through an import goes through review here too.

        Into an instance with no entries yet, entries verified in the file stay verified
        (the file is another instance's verified record) with their log of publications, or
        an "imported" one. Into one that has entries, a new entry verified elsewhere arrives
        in review, without that log. An entry already here keeps its own log and status;
        a change to a published one (``published_touched``) is proposed, not written.
        """
        labels = entry_labels()
        if self.instance_was_empty is None:
            self.instance_was_empty = holds_no_entries()
        for label in labels:
            for item in self.by_label[label]:
                if (
                    item.state == "added"
                    and item.values.get("status") == Status.VERIFIED
                    and not self.instance_was_empty
                ):
                    item.values.update(status=Status.IN_REVIEW, verified_at=None)
                    item.values["submission_note"] = f"Verified in {self.name}; imported here for review."
                    self.for_review.add((label, item.key))
        for label, (entry_label, name) in fixture_plan()["publications"].items():
            for item in self.by_label[label]:
                entry_key = item.fks.get(name)
                if not self.adds(entry_label, entry_key) or (entry_label, entry_key) in self.for_review:
                    item.state = "unchanged"  # this instance's log is its own

    def adds(self, label, key):
        """Whether the import adds the object with this key: in the objects parsed, or in
        an earlier part of the file (``run_in_parts``)."""
        item = self.index[label].get(key)
        if item is not None:
            return item.state == "added"
        pk = self.in_database[label].get(key)
        return self.in_parts and pk is not None and pk > self.high_water[label]

    def published_touched(self):
        """``{(entry label, key): pk}`` of the published entries the import would change:
        their own fields and links, or a citation or part of theirs added or changed."""
        owners = {**fixture_plan()["citations"], **fixture_plan()["parts"]}
        candidates = defaultdict(set)  # entry label → keys of entries the file changes or adds to
        for label in entry_labels():
            candidates[label].update(item.key for item in self.by_label[label] if item.pk is not None)
        for label, (entry_label, name) in owners.items():
            candidates[entry_label].update(item.fks.get(name) for item in self.by_label[label] if item.fks.get(name))
        published = {}
        for label in entry_labels():
            keys = sorted(candidates[label])
            model = get_model(label)
            for start in range(0, len(keys), BATCH):
                slugs = [key[0] for key in keys[start : start + BATCH]]
                verified = model.objects.filter(slug__in=slugs, status=Status.VERIFIED)
                if self.in_parts:  # not those an earlier part of the file added
                    verified = verified.filter(pk__lte=self.high_water[label])
                for pk, slug in verified.values_list("pk", "slug"):
                    published[(label, (slug,))] = pk
        touched = {}
        for label in entry_labels():
            for item in self.by_label[label]:
                if item.state == "changed" and (label, item.key) in published:
                    touched[(label, item.key)] = published[(label, item.key)]
        for label, (entry_label, name) in owners.items():
            for item in self.by_label[label]:
                key = (entry_label, item.fks.get(name))
                if item.state != "unchanged" and key in published:
                    touched[key] = published[key]
        return touched

    def owned_by(self, item, touched):
        """Whether ``item`` is a published entry of ``touched``, or one of its citations or parts."""
        if (item.label, item.key) in touched:
            return True
        owners = {**fixture_plan()["citations"], **fixture_plan()["parts"]}
        if item.label in owners:
            entry_label, name = owners[item.label]
            return (entry_label, item.fks.get(name)) in touched
        return False

    def differences(self, item, plans):
        changes = []
        kept = set(getattr(item.model, "WORKFLOW_FIELDS", ())) - {"verified_by"}
        for plan in plans:
            name = plan.name
            if name in kept and name in item.values and item.values[name] != item.current[plan.field.attname]:
                try:  # kept as it is here, and still bad input when it is
                    plan.field.clean(item.values[name], None)
                except ValidationError as error:
                    # Reported with the rules' problems, so that all are reported at once.
                    self.kept_problems.append(f"{item}: {name}: {' '.join(error.messages)}")
                item.kept = [*(item.kept or []), name]
            if plan.kind == "value" and name in item.values and name not in local_fields(item.model):
                if item.values[name] != item.current[plan.field.attname]:
                    changes.append(name)
            elif plan.kind == "fk" and name in item.fks:
                current = fk_value(plan, item.current)
                if item.fks[name] != (tuple(current) if current else None):
                    changes.append(name)
            elif plan.kind == "m2m" and name in item.m2m:
                if set(item.m2m[name]) - {tuple(key) for key in item.current[name]}:
                    changes.append(f"{name} (adds links)")
        return changes

    # -- the final state: the file over the database ------------------------------------

    def value(self, item, name):
        if name in item.values:
            return item.values[name]
        if item.current is not None:
            return item.current[item.model._meta.get_field(name).attname]
        return item.model._meta.get_field(name).get_default()

    def fk(self, item, name):
        if name in item.fks:
            return item.fks[name]
        if item.current is not None:
            plan = next(p for p in field_plans(item.model) if p.name == name)
            current = fk_value(plan, item.current)
            return tuple(current) if current else None
        return None

    # -- the rules: the models' own, on instances with the final values ----------------

    def check(self):
        """Every object the file adds or changes, through its model's own rules.

        Each becomes a model instance with its final values — the database's, the file's
        over them (``build``) — whose foreign keys point at instances with final values
        too (``attach_related``), and goes through ``clean_fields()`` (references are
        resolved above), ``clean()``, the provenance check of a citation
        (``anchor_problem``) and the rules of an entry on the evidence the import leaves
        it (``integrity_problems``): the rules the admin's forms and ``check_corpus``
        apply, not copies of them. What a rule would read from the database for one
        object (a source's duplicate, an entry's citations) is read here for a chunk of
        objects at once and handed to it. Instances are built a chunk at a time and
        dropped: never saved, never all at once.
        """
        self.problems += self.kept_problems
        self.file_citations = self.citations_by_entry()
        self.by_number = {item.number: item for item in self.items if item.pk is None}
        self.changed_by_pk = {(item.label, item.pk): item for item in self.items if item.state == "changed"}
        self.texts = {}  # a source's text (its hash) → the first source of the file with it
        citation_items = []
        for label in model_labels():
            items = [item for item in self.by_label[label] if item.state != "unchanged"]
            if label in fixture_plan()["citations"]:
                citation_items += items
                continue
            for start in range(0, len(items), BATCH):
                self.check_chunk(label, items[start : start + BATCH], {})
        # The citations of every kind of entry together, source by source: each body is
        # folded once for the citations of a chunk that cite it, not once per kind.
        citation_items.sort(key=lambda item: item.fks["source"])
        for start in range(0, len(citation_items), BATCH):
            by_label, known = defaultdict(list), {}
            for item in citation_items[start : start + BATCH]:
                by_label[item.label].append(item)
            for label, items in by_label.items():
                self.check_chunk(label, items, known)
        if not self.in_parts:
            self.check_entries_of_citations()
        self.check_unique_values()

    def check_chunk(self, label, items, known):
        """The rules of a chunk of objects of ``label``; ``known``: instances with final
        values of what they refer to, by (model, pk), shared by chunks of one window."""
        instances = [self.build(item) for item in items]
        self.attach_related(instances, known)
        if label == "sources.source":
            self.prepare_sources(items, instances)
        is_entry = label in entry_labels()
        # In a part of a long file, an entry's citations may come in a later part: its
        # evidence is judged at the end (``check_evidence_written``).
        evidence = self.evidence(label, items) if is_entry and not self.in_parts else None
        links = self.final_links(label, items) if is_entry else None
        is_citation = label in fixture_plan()["citations"]
        clean = []
        for item, instance in zip(items, instances, strict=True):
            if self.apply_rules(item, instance, is_citation):
                clean.append(instance)
            if is_entry:
                if evidence is None:
                    problems = instance.record_problems()
                else:
                    # Four-eyes is the workflow's rule on who verifies: no user travels in a fixture.
                    citations = evidence[item.number]
                    problems = instance.integrity_problems(four_eyes=False, anchors=False, citations=citations)
                for problem in problems:
                    self.problem(item, problem)
                if problems := instance.link_problems(links[item.number]):
                    self.report(item, ValidationError(problems))
        if label == "sources.source":
            self.check_passages_stay(items, clean)

    def apply_rules(self, item, instance, is_citation=False):
        """``clean_fields()`` and ``clean()`` of the instance, and a citation's provenance
        check; whether ``clean()`` passed."""
        try:
            instance.clean_fields(exclude=self.not_checked(item))
        except ValidationError as error:
            self.report(item, error)
        if is_citation and instance.excerpt:
            if problem := instance.anchor_problem():
                # clean() would anchor the excerpt again, and refuse it in the same words.
                self.problem(item, problem)
                return False
        try:
            instance.clean()
        except ValidationError as error:
            self.report(item, error)
            return False
        return True

    def report(self, item, error):
        """A problem per message of a ``ValidationError``, after the field it is about."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.problem(item, message)
            return
        for name, messages in error.message_dict.items():
            for message in messages:
                self.problem(item, message if name == NON_FIELD_ERRORS else f"{name}: {message}")

    def not_checked(self, item):
        """Fields ``clean_fields()`` leaves alone: the primary key, the references (resolved
        above, with the import's own words), and what the file leaves as the database has it."""
        if item.current is None:
            return relation_names(item.model)
        left = [plan.name for plan in field_plans(item.model) if plan.kind == "value" and plan.name not in item.values]
        return {*relation_names(item.model), *left, *local_fields(item.model)}

    # -- instances with the final values -------------------------------------------------

    def build(self, item):
        """A model instance with the final values of ``item``: the database's, then the
        file's. An object the file adds has no pk yet: it gets minus its position in the
        file, so that rules can tell objects apart and follow references to it (never saved)."""
        shape = Shape.of(item.model)
        values = shape.defaults()
        if item.current is not None:
            for index, attname in shape.current:
                values[index] = item.current[attname]
        changed = item.state == "changed"
        for name, value in item.values.items():
            if not (changed and name in local_fields(item.model)):
                values[shape.index[name]] = value
        for name, key in item.fks.items():
            target = shape.targets[name]
            values[shape.index[name]] = self.pk_of(target, key, temporary=True) if key is not None else None
        values[shape.pk] = item.pk if item.pk is not None else -item.number
        instance = item.model(*values)  # positional: the fast way the ORM builds rows it reads
        instance._state.adding = item.pk is None
        return instance

    def attach_related(self, instances, known):
        """Point each reference of ``instances`` at an instance with the final values of its
        target, so that a rule may follow it (a quote's joint statement, a citation's
        source): read from the database (a query per model and chunk), or built from the
        file — an entry (a citation's claim) only when a rule first follows it: there is
        about one per row, and most rules follow none. A reference to the model's own
        kind (an event's parent) is followed to the top, each parent with its final
        values, so that a rule may walk it."""
        model = type(instances[0])
        fields = [(f, f.related_model, label_of(f.related_model)) for f in related_fields(model)]
        wanted = defaultdict(set)
        for instance in instances:
            for f, target, label in fields:
                pk = getattr(instance, f.attname)
                if pk is not None and pk > 0 and (target, pk) not in known and (label, pk) not in self.changed_by_pk:
                    wanted[target].add(pk)
        for target, pks in wanted.items():
            known.update(((target, pk), obj) for pk, obj in target._default_manager.in_bulk(list(pks)).items())
        entries = entry_labels()
        for f, target, label in fields:
            if target is model:
                for instance in instances:
                    self.attach_parents(instance, f, known)
                continue
            for instance in instances:
                pk = getattr(instance, f.attname)
                if pk is not None:
                    f.set_cached_value(instance, self.related(target, pk, known, lazily=label in entries))

    def related(self, model, pk, known, lazily=False):
        """The instance with final values of ``model`` ``pk``: from the file, or the database."""
        if (model, pk) not in known:
            item = self.by_number.get(-pk) if pk < 0 else self.changed_by_pk.get((label_of(model), pk))
            if item is None:
                known[(model, pk)] = model._default_manager.filter(pk=pk).first()
            elif lazily:
                known[(model, pk)] = SimpleLazyObject(functools.partial(self.build, item))
            else:
                known[(model, pk)] = self.build(item)
        return known[(model, pk)]

    def attach_parents(self, instance, field_, known):
        node, seen = instance, {instance.pk}
        while (parent_pk := getattr(node, field_.attname)) is not None:
            parent = self.related(type(node), parent_pk, known)  # a query per level above the file's
            if parent is None:
                return
            setattr(node, field_.name, parent)
            if parent.pk in seen:
                return
            seen.add(parent.pk)
            node = parent

    # -- what a rule would read from the database, for a chunk at once ------------------

    def prepare_sources(self, items, instances):
        """A source's hash, as the model derives it; and what ``Source.clean`` reads from the
        database: the source already recorded with the same text, the passages cited from it."""
        for item, instance in zip(items, instances, strict=True):
            if "content_hash" in item.values and (problem := instance.hash_problem()):
                self.problem(item, f"{problem} Export the source again, or leave content_hash out.")
            instance.hash_text()
            item.values["content_hash"] = instance.content_hash  # what the import writes
        Source = get_model("sources.source")
        recorded = {}
        hashes = [instance.content_hash for instance in instances]
        for source in Source.objects.filter(content_hash__in=hashes).only("pk", "slug", "title", "content_hash"):
            if ("sources.source", source.pk) not in self.changed_by_pk:  # else the file says its text
                recorded[source.content_hash] = source
        cited = self.recorded_citations(items, instances)
        for item, instance in zip(items, instances, strict=True):
            duplicate = recorded.get(instance.content_hash)
            if duplicate is None or duplicate.pk == instance.pk:
                first = self.texts.setdefault(instance.content_hash, item)
                duplicate = self.build(first) if first is not item else None
            instance.recorded_duplicate = duplicate
            instance.cited_passages = cited.get(instance.pk, [])

    def recorded_citations(self, items, instances):
        """``{source pk: [citation]}``: for each source whose text the file changes, the
        citations of it that the import leaves as they are (a query per kind of entry)."""
        changed = {
            instance.pk: item
            for item, instance in zip(items, instances, strict=True)
            if item.current is not None and instance.body != item.current["body"]
        }
        cited = defaultdict(list)
        if not changed:
            return cited
        for label, (_, entry) in fixture_plan()["citations"].items():
            in_file = self.index[label]
            for citation in get_model(label).objects.filter(source__in=changed).select_related(entry):
                key = (citation.entry.slug, changed[citation.source_id].key[0], citation.start, citation.end)
                if key not in in_file or in_file[key].state == "unchanged":
                    cited[citation.source_id].append(citation)
        return cited

    def check_passages_stay(self, items, instances):
        """A changed text must hold the passages cited from it where they are: the import
        writes no citation it is not given (the admin moves them: ``reanchor_citations``).
        For sources ``Source.clean`` let through: it refuses a text that loses a passage."""
        items = {-item.number if item.pk is None else item.pk: item for item in items}
        for instance in instances:
            for citation in instance.cited_passages:
                citation.source = instance
                if problem := citation.anchor_problem():
                    entry = citation.entry
                    self.problem(
                        items[instance.pk],
                        f"{entry._meta.label_lower} “{entry.slug}”: {problem} An import does not move "
                        "citations: keep the passage where it is, or change the text in the admin.",
                    )

    def citations_by_entry(self):
        """``{(entry label, entry key): [citation items of the file]}``."""
        found = defaultdict(list)
        for label, (entry_label, entry) in fixture_plan()["citations"].items():
            for item in self.by_label[label]:
                found[(entry_label, item.fks[entry])].append(item)
        return found

    def evidence(self, label, items):
        """``{item number: the citations the import leaves the entry}``, as instances: the
        file's, and those of the database that the file does not give again."""
        recorded = self.recorded_evidence(label, [item.pk for item in items if item.pk is not None])
        return {item.number: self.final_citations(label, item.key, recorded.get(item.pk, ())) for item in items}

    def final_links(self, label, items):
        """``{item number: {many-to-many name: [pk, …]}}``: the links the import leaves each
        entry — those recorded and the file's (it adds, never removes) — as the pks its
        instances refer to (``build``). A recorded link to what the file does not name is
        looked up a chunk at a time."""
        fields = [(f.name, label_of(f.related_model)) for f in get_model(label)._meta.local_many_to_many]

        def keys(item, name):
            recorded = (tuple(key) for key in (item.current or {}).get(name, ()))
            return dict.fromkeys([*recorded, *item.m2m.get(name, ())])

        unknown = defaultdict(set)
        for name, target in fields:
            in_file, in_database = self.index[target], self.in_database[target]
            for item in items:
                unknown[target].update(key for key in keys(item, name) if key not in in_file and key not in in_database)
        found = {target: self.lookup(target, wanted) for target, wanted in unknown.items() if wanted}
        return {
            item.number: {
                name: [
                    found[target][key] if key in found.get(target, {}) else self.pk_of(target, key, temporary=True)
                    for key in keys(item, name)
                ]
                for name, target in fields
            }
            for item in items
        }

    def recorded_evidence(self, label, pks):
        """``{entry pk: [citation]}`` of these entries, from the database (one query)."""
        found = defaultdict(list)
        if pks:
            citation_model = get_model(label).citations.rel.related_model
            entry_id = f"{citation_model.entry_field}_id"
            for citation in citation_model.objects.filter(**{f"{entry_id}__in": pks}):
                found[getattr(citation, entry_id)].append(citation)
        return found

    def final_citations(self, label, key, recorded):
        from_file = self.file_citations.get((label, key), ())
        if recorded:  # those the file gives again are the file's
            given = {(self.pk_of("sources.source", c.fks["source"]), *c.key[2:]) for c in from_file}
            recorded = [c for c in recorded if (c.source_id, c.start, c.end) not in given]
        return [*(self.build(c) for c in from_file), *recorded]

    def check_entries_of_citations(self):
        """The rules of an entry on its evidence, for each entry the file leaves as it is
        but gives citations: the entry as the database has it, with the citations the
        import leaves it (the entries the file adds or changes are checked with them)."""
        for label, (entry_label, entry) in fixture_plan()["citations"].items():
            touched = {}  # entry key → the first citation of the file that changes its evidence
            for item in self.by_label[label]:
                owner = self.index[entry_label].get(item.fks[entry])
                if item.state != "unchanged" and (owner is None or owner.state == "unchanged"):
                    touched.setdefault(item.fks[entry], item)
            keys = list(touched)
            model = get_model(entry_label)
            for start in range(0, len(keys), BATCH):
                entries = model.objects.filter(slug__in=[key[0] for key in keys[start : start + BATCH]])
                entries = {(entry.slug,): entry for entry in entries}
                recorded = self.recorded_evidence(entry_label, [entry.pk for entry in entries.values()])
                for key, instance in entries.items():
                    citations = self.final_citations(entry_label, key, recorded.get(instance.pk, ()))
                    for problem in instance.evidence_problems(anchors=False, citations=citations):
                        self.problem(touched[key], f"{entry_label} “{key[0]}”: {problem}")

    def check_unique_values(self):
        """Unique values besides the natural key (a topic's name), across the file and the
        database: like natural keys, a matter of where each object is. A unique value the
        model derives (a source's hash of its text) is its ``clean``'s (``recorded_duplicate``)."""
        for label in model_labels():
            model = get_model(label)
            for model_field in unique_fields(model):
                name, what = model_field.name, f"the {model_field.verbose_name}"
                items = [item for item in self.index[label].values() if item.state != "unchanged"]
                seen = {}
                for item in items:
                    value = self.value(item, name)
                    if value in seen:
                        self.problem(item, f"{what} is the same as that of object {seen[value].number}.")
                    seen.setdefault(value, item)
                values = list(seen)
                key_path = natural_keys()[label][0]
                for start in range(0, len(values), BATCH):
                    clash = model.objects.filter(**{f"{name}__in": values[start : start + BATCH]})
                    for value, key in clash.values_list(name, key_path):
                        item = seen[value]
                        if item.key is None or key != item.key[0]:
                            self.problem(item, f"{what} is already recorded, as {label} “{key}”.")

    # -- what needs the whole file, once every part is written (``run_in_parts``) ----------

    def finish_parts(self):
        self.check_evidence_written()
        if self.instance_was_empty and not self.problems:
            for label in entry_labels():
                model = get_model(label)
                for pks in self.added_pks(model):
                    changes.record_first_publications(model, pks, kind="imported", reason=f"Imported from {self.name}.")
        stored_corroboration.settle()

    def added_pks(self, model):
        """The pks of the objects of ``model`` the import added, a chunk at a time."""
        last = self.high_water[label_of(model)]
        while pks := list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: BATCH * 4]):
            yield pks
            last = pks[-1]

    def check_evidence_written(self):
        """The rules of an entry on its evidence (``evidence_problems``), for each entry the
        import added or changed or gave a citation, as the database now has it: a chunk of
        entries and their citations in a query each."""
        for citation_label, (label, entry) in fixture_plan()["citations"].items():
            model, citation_model = get_model(label), get_model(citation_label)
            entry_id = f"{entry}_id"
            older = set(self.changed_before[label])  # entries that were here before the import
            given = citation_model.objects.filter(pk__gt=self.high_water[citation_label])
            older.update(given.filter(**{f"{entry_id}__lte": self.high_water[label]}).values_list(entry_id, flat=True))
            changed = citation_model.objects.filter(pk__in=self.changed_before[citation_label])
            older.update(changed.values_list(entry_id, flat=True))
            older = sorted(older)
            chunks = itertools.chain(self.added_pks(model), (older[i : i + BATCH] for i in range(0, len(older), BATCH)))
            for pks in chunks:
                citations = defaultdict(list)
                for citation in citation_model.objects.filter(**{f"{entry_id}__in": pks}):
                    citations[getattr(citation, entry_id)].append(citation)
                for instance in model.objects.filter(pk__in=pks).order_by("pk"):
                    if (label, (instance.slug,)) in self.for_review:
                        instance.status = Status.VERIFIED  # judged as the file has it, like the others
                    for problem in instance.evidence_problems(anchors=False, citations=citations[instance.pk]):
                        self.problem(None, f"{label} “{instance.slug}”: {problem}")
        for label, key in sorted(self.proposed_keys):
            with changes.sandbox():  # the change the import proposes, as approving it would leave the entry
                entry = get_model(label).objects.get(slug=key[0])
                try:
                    changes.apply(entry, entry.proposal)
                    problems = entry.evidence_problems(anchors=False)
                except ValidationError as error:
                    problems = error.messages
            for problem in problems:
                self.problem(None, f"{label} “{key[0]}”: {problem}")

    # -- writing ----------------------------------------------------------------------

    def write(self):
        """Write every added and changed object in one transaction; any failure undoes all.

        A change to a published entry is proposed instead of written (``docs/reviewing.md``):
        the whole import is written once inside a savepoint that is rolled back, to read what
        it makes of each such entry (its proposed state), then written again without them.
        """
        with transaction.atomic():
            touched = self.published_touched()
            if touched:
                added = [item for item in self.items if item.state == "added"]
                with changes.sandbox():
                    for (label, key), pk in touched.items():
                        if (label, key) in self.proposed_keys:  # an earlier part proposed a change to it
                            entry = get_model(label).objects.get(pk=pk)
                            changes.apply(entry, entry.proposal)
                    self.write_items(self.items)
                    captured = {key: changes.state(get_model(key[0]).objects.get(pk=pk)) for key, pk in touched.items()}
                for item in added:
                    item.pk = None  # inserted in the savepoint, rolled back
                self.write_items([item for item in self.items if not self.owned_by(item, touched)])
                for (label, key), pk in touched.items():
                    self.propose(get_model(label), pk, captured[(label, key)])
            else:
                self.write_items(self.items)
            if self.instance_was_empty and not self.in_parts:  # else at the end (``finish_parts``)
                for label in entry_labels():
                    pks = [item.pk for item in self.by_label[label] if item.state == "added"]
                    changes.record_first_publications(
                        get_model(label), pks, kind="imported", reason=f"Imported from {self.name}."
                    )

    def propose(self, model, pk, proposed):
        """Keep what the import made of a published entry as its proposed change."""
        entry = model.lock(pk)
        public = changes.state(entry)
        workflow.ensure_baseline(entry)
        if changes.same(proposed, public):
            return
        entry.proposal = changes.with_new_ids(proposed, changes.public_ids(entry))
        entry.proposal_status = entry.proposal_status or ProposalStatus.DRAFT
        entry.add_contributor(self.user)
        entry.stamp(self.user)
        lines = ", ".join(dict.fromkeys(row["label"] for row in changes.differences(model, public, proposed)))
        with reversion.create_revision():
            entry.save()
            reversion.set_comment(f"Proposed by import_fixtures from {self.name}: {lines}.")
            if self.user is not None:
                reversion.set_user(self.user)
        if (model._meta.label_lower, (entry.slug,)) not in self.proposed_keys:
            self.proposed_keys.add((model._meta.label_lower, (entry.slug,)))
            self.proposed.append(f"{model._meta.label_lower} “{entry.slug}”")

    def write_items(self, items):
        """Added and changed objects among ``items``, model by model in dependency order:
        those the file adds go in with bulk inserts, a batch at a time, and those it
        changes (each recorded in its history) are saved one by one. Bulk inserts send
        no signals: what the signals would do is done here, once, at the end (stored
        corroboration; the database's triggers bump the content version)."""
        chosen = {id(item) for item in items}
        by_label = {label: [item for item in self.by_label[label] if id(item) in chosen] for label in model_labels()}
        history = self.history_to_record(chosen)
        for model, pk in history:
            record_baseline(model.objects.get(pk=pk))
        now = timezone.now()
        written = False
        for label in model_labels():
            changed = [item for item in by_label[label] if item.state == "changed"]
            added = [item for item in by_label[label] if item.state == "added"]
            if label == "events.event":
                added = parents_first(added, self)
            self.insert(added, now)
            for item in changed:  # after: a changed event may now be part of an added one
                self.save(item, now)
            self.link([*changed, *added])
            written = written or bool(changed or added)
        for (model, pk), reasons in history.items():
            comment = f"Changed by import_fixtures from {self.name}: {', '.join(reasons)}."
            record_update(model.objects.get(pk=pk), user=self.user, comment=comment)
        if written:
            for model, pks in self.entries_to_corroborate(by_label).items():
                stored_corroboration.refresh(model, pks)
        # Changed objects were saved raw, in file order: their entries' corroboration now.
        stored_corroboration.settle()

    def history_to_record(self, chosen=None):
        """``{(model, pk): [what changed]}`` for each object already in the database that the import changes.

        An entry follows its citations and relations in its history, so a changed or
        added citation is recorded as a change of its entry.
        """
        history = defaultdict(list)
        for item in self.items:
            if item.state == "changed" and (chosen is None or id(item) in chosen):
                history[(item.model, item.pk)].extend(item.changes)
        owners = {**fixture_plan()["citations"], **fixture_plan()["parts"]}
        for label, (entry_label, entry) in owners.items():
            what = (
                "citations" if label in fixture_plan()["citations"] else f"{get_model(label)._meta.verbose_name_plural}"
            )
            for item in self.index[label].values():
                if item.state == "unchanged" or (chosen is not None and id(item) not in chosen):
                    continue
                entry_key = item.fks.get(entry)
                if self.adds(entry_label, entry_key):
                    continue  # a new entry's history begins when it is first changed here
                entry_item = self.index[entry_label].get(entry_key)
                entry_pk = entry_item.pk if entry_item is not None else self.in_database[entry_label].get(entry_key)
                if entry_pk is not None:
                    history[(get_model(entry_label), entry_pk)].append(f"{what} {item.state}")
        return {key: list(dict.fromkeys(reasons)) for key, reasons in history.items()}

    def pk_of(self, label, key, temporary=False):
        """The pk of the object with this natural key, in the file or only in the database;
        ``temporary``: minus its position in the file for an object the file adds (``build``)."""
        item = self.index[label].get(key)
        if item is None:
            return self.in_database[label][key]
        return -item.number if item.pk is None and temporary else item.pk

    def assigned(self, item):
        """``{attname: value}`` the file sets on this object: plain values, references as pks."""
        values = {}
        for plan in field_plans(item.model):
            if plan.kind == "value" and plan.name in item.values:
                if plan.name in local_fields(item.model) and item.state == "changed":
                    continue
                values[plan.field.attname] = item.values[plan.name]
            elif plan.kind == "fk" and plan.name in item.fks:
                key = item.fks[plan.name]
                target = plan.field.related_model._meta.label_lower
                values[plan.field.attname] = self.pk_of(target, key) if key is not None else None
        return values

    def fill(self, instance, item, now):
        """Set the file's values on ``instance``, and now on the stamps it leaves empty or
        never carries (a topic's ``updated_at`` is this instance's own)."""
        for attname, value in self.assigned(item).items():
            setattr(instance, attname, value)
        for stamp in auto_timestamps(item.model):
            if getattr(instance, stamp.attname) is None or not stamp.serialize:
                setattr(instance, stamp.attname, now)
        return instance

    def save(self, item, now):
        """Save a changed object (its signals keep stored corroboration and the page cache right)."""
        instance = self.fill(item.model.objects.get(pk=item.pk), item, now)
        if isinstance(instance, Versioned):
            instance.stamp(self.user)  # an admin form opened before the import is now stale
        try:
            # Like loaddata: the values as the file has them, offsets and hashes included (checked above).
            instance.save_base(raw=True)
        except DatabaseError as error:
            raise FixtureError([f"{item}: the database refused it: {error}"]) from error

    def insert(self, items, now):
        """Insert the added objects of one model, a batch at a time; each item gets its pk.

        An object that refers to another of the same model (an event to its parent) waits
        for a later batch when its parent is in the current one, so its reference is known.
        """
        if not items:
            return
        model = items[0].model
        own = [plan.name for plan in field_plans(model) if plan.kind == "fk" and plan.field.related_model is model]
        batch, keys = [], set()
        for item in items:
            if len(batch) == INSERT_BATCH or any(item.fks.get(name) in keys for name in own):
                self.insert_batch(model, batch, now)
                batch, keys = [], set()
            batch.append(item)
            keys.add(item.key)
        self.insert_batch(model, batch, now)

    def insert_batch(self, model, items, now):
        fields = insert_fields(model)
        rows = [self.row(item, fields, now) for item in items]
        try:
            with transaction.atomic():  # a savepoint: on a refusal, find the object refused
                insert_rows(model, fields, rows)
        except DatabaseError as error:
            for item, row in zip(items, rows, strict=True):
                try:
                    with transaction.atomic():
                        insert_rows(model, fields, [row])
                except DatabaseError as refusal:
                    raise FixtureError([f"{item}: the database refused it: {refusal}"]) from refusal
            message = f"{items[0]} and the {len(items) - 1} after it: the database refused them: {error}"
            raise FixtureError([message]) from error
        label = model._meta.label_lower
        if label in referenced_labels():
            pks = self.lookup(label, [item.key for item in items])
            for item in items:
                item.pk = pks[item.key]

    def row(self, item, fields, now):
        """The database values of a new object, as ``save_base(raw=True)`` would write them."""
        given = self.assigned(item)
        database = connections[DEFAULT_DB_ALIAS]  # not the proxy: it costs a look-up per value
        row = []
        for model_field in fields:
            value = given[model_field.attname] if model_field.attname in given else model_field.get_default()
            if value is None and model_field in auto_timestamps(item.model):
                value = now  # a stamp the file leaves out: now, as if the object were saved here
            row.append(model_field.get_db_prep_save(value, database))
        return row

    def link(self, items):
        """Add the many-to-many links of these objects that the database lacks, in bulk."""
        if not items:
            return
        model = items[0].model
        for many in model._meta.local_many_to_many:
            through = many.remote_field.through
            fields = [
                through._meta.get_field(many.m2m_field_name()),
                through._meta.get_field(many.m2m_reverse_field_name()),
            ]
            target_label = many.related_model._meta.label_lower
            rows = []
            for item in items:
                keys = item.m2m.get(many.name, ())
                if item.current is not None:
                    keys = [key for key in keys if list(key) not in item.current[many.name]]
                rows.extend((item.pk, self.pk_of(target_label, key)) for key in keys)
            for start in range(0, len(rows), INSERT_BATCH):
                insert_rows(through, fields, rows[start : start + INSERT_BATCH])

    def entries_to_corroborate(self, by_label):
        """``{entry model: pks}`` whose stored corroboration the bulk inserts of the items
        ``by_label`` may change: the added entries, the entries of added citations, the
        claims of added relations."""
        entries = defaultdict(set)
        for label in entry_labels():
            entries[get_model(label)].update(item.pk for item in by_label[label] if item.state == "added")
        for label, (entry_label, entry) in fixture_plan()["citations"].items():
            for item in by_label[label]:
                if item.state == "added":
                    entries[get_model(entry_label)].add(self.pk_of(entry_label, item.fks[entry]))
        for label, (entry_label, _) in fixture_plan()["parts"].items():
            entry_model = get_model(entry_label)
            names = [f.name for f in get_model(label)._meta.concrete_fields if f.related_model is entry_model]
            for item in by_label[label]:
                if item.state == "added":
                    entries[entry_model].update(self.pk_of(entry_label, item.fks[name]) for name in names)
        return entries


def holds_no_entries():
    """Whether this instance has no entry of any kind yet (``review_rules``)."""
    return not any(get_model(label).objects.exists() for label in entry_labels())


def high_water(model):
    """The highest id of ``model``'s table: the ids the import adds are above it (ids
    only grow: PostgreSQL's sequences, SQLite's AUTOINCREMENT)."""
    return model.objects.aggregate(top=models.Max("pk"))["top"] or 0


@functools.cache
def reference_attnames(model):
    """The columns of ``model``'s foreign keys (``event_id``), users' included."""
    return [f.attname for f in model._meta.concrete_fields if f.is_relation]


@dataclass(frozen=True)
class Shape:
    """How ``build`` lays out an instance of a model: its concrete fields in order."""

    defaults: object  # () → a new list of the fields' defaults
    index: dict  # field name → its position
    current: tuple  # (position, attname) of what a database row of an object gives
    targets: dict  # foreign key name → label of its target
    pk: int

    @classmethod
    @functools.cache
    def of(cls, model):
        fields = model._meta.concrete_fields
        template = [f.get_default() for f in fields]
        fresh = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]

        def defaults():
            values = list(template)
            for i, f in fresh:
                values[i] = f.get_default()
            return values

        index = {f.name: i for i, f in enumerate(fields)}
        plans = field_plans(model)
        current = [plan.field for plan in plans if plan.kind == "value"] + [f for f in fields if f.is_relation]
        return cls(
            defaults=defaults,
            index=index,
            current=tuple((index[f.name], f.attname) for f in current),
            targets={plan.name: label_of(plan.field.related_model) for plan in plans if plan.kind == "fk"},
            pk=index[model._meta.pk.name],
        )


@functools.cache
def relation_names(model):
    """The primary key and the foreign keys of ``model``, by name."""
    return frozenset(f.name for f in model._meta.concrete_fields if f.is_relation or f.primary_key)


@functools.cache
def related_fields(model):
    """The foreign keys of ``model`` that a fixture carries (not users)."""
    return [plan.field for plan in field_plans(model) if plan.kind == "fk"]


@functools.cache
def unique_fields(model):
    """Unique fields a person fills in, other than the natural key (a topic's name)."""
    key = {path.split("__")[0] for path in natural_key_paths(model)}
    return [
        f for f in model._meta.concrete_fields if f.unique and f.editable and not f.primary_key and f.name not in key
    ]


@functools.cache
def insert_fields(model):
    """The columns an INSERT of ``model`` writes: every concrete field but the automatic id."""
    return [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]


@functools.cache
def referenced_labels():
    """Models other objects of a fixture refer to: their new rows' ids are needed."""
    return {
        plan.field.related_model._meta.label_lower
        for label in model_labels()
        for plan in field_plans(get_model(label))
        if plan.kind in ("fk", "m2m")
    }


def insert_rows(model, fields, rows):
    """INSERT ``rows`` (database values of ``fields``, in order) into ``model``'s table.

    A few hundred rows per statement, written here: the ORM's ``bulk_create()`` compiles
    SQL for every value (half the time of a large import), and would stamp ``auto_now``
    fields with the time of the import where the import, like ``loaddata``'s raw save,
    keeps the file's values. (Not ``executemany``: on PostgreSQL it sends a statement per
    row, which the server parses again each time.)
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(ROWS_PER_STATEMENT, (connection.features.max_query_params or 2**16 - 1) // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row_marks] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def parents_first(items, importer):
    """Events of the file ordered so that each comes after its parent."""
    by_key = {item.key: item for item in items}
    ordered, done = [], set()

    def visit(item, path=()):
        if item.key in done or item.key in path:
            return
        parent = importer.fk(item, "parent")
        if parent in by_key:
            visit(by_key[parent], (*path, item.key))
        done.add(item.key)
        ordered.append(item)

    for item in items:
        visit(item)
    return ordered
