"""Importing a fixture: every rule checked first, then all of it written, or nothing.

Stock ``loaddata`` writes what the file says, object by object, through no rule of the
design: it stores a string longer than its column on SQLite, overwrites an existing
entry that has the same primary key or natural key (with no history), lets the last of
two objects with one natural key win, and keeps offsets and hashes it never checks.
``import_fixture`` reads the whole file, resolves every reference (in the file or in the
database), checks the fields, the provenance rule and the verification rule, and only
then writes, in one transaction. An object that is already in the database is left
alone when the file holds the same values, refused when it differs, and changed only
when ``update`` is set, with the change recorded in its history.

The import adds and changes; it never deletes. A many-to-many list in the file adds the
links the database lacks and keeps the others (an export leaves out links to entries it
does not export, and re-importing it must not cut them). The ``pk`` of an object, if the
file has one, is ignored: objects are matched by natural key only.
"""

import difflib
import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.text import Truncator

from apps.editorial import stored_corroboration, workflow
from apps.editorial.models import Status, Versioned
from apps.sources import text
from summitcms.lib.fields import auto_timestamps

from .fixtures import (
    NOT_EXPORTED,
    entry_labels,
    field_plans,
    fk_value,
    get_model,
    m2m_keys,
    model_labels,
    natural_keys,
    value_paths,
)
from .fixtures import (
    plan as fixture_plan,
)

# Kept by this instance, not carried over: the conflict counter of the admin's forms.
LOCAL_FIELDS = {"version"}
BATCH = 500
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
    """One object of the file, parsed (slots: an import holds hundreds of thousands)."""

    number: int  # its position in the file, from 1
    label: str
    values: dict = field(default_factory=dict)  # plain fields the file gives
    fks: dict = field(default_factory=dict)  # foreign key name → natural key (tuple) or None
    m2m: dict = field(default_factory=dict)  # many-to-many name → [natural key, …]
    key: tuple | None = None
    pk: int | None = None  # the object in the database: found there, or once the import inserts it
    current: dict | None = None  # its values there, as an export row
    state: str = "added"  # "added", "changed" or "unchanged"
    changes: list = field(default_factory=list)

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
    items: list = field(default_factory=list)

    def lines(self, states=("added", "changed")):
        """A line per added or changed object (or those of ``states``), made as they are read:
        kept, a line for each of hundreds of thousands of objects is memory for nothing."""
        for item in self.items:
            if item.state == "changed" and "changed" in states:
                yield f"changed {item}: {', '.join(item.changes)}"
            elif item.state == "added" and "added" in states:
                yield f"added {item}"

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
    def __init__(self, *, update=False, name="the fixture", user=None):
        self.update = update
        self.name = name
        self.user = user
        self.problems = []
        self.items = []
        self.by_label = defaultdict(list)  # label → its items, in file order
        self.index = defaultdict(dict)  # label → natural key → item
        self.in_database = defaultdict(dict)  # label → natural key → pk, for references not in the file
        self.may_hold_nul = True  # JSON writes a NUL as \u0000: without one in the file, no field holds one

    # -- the steps --------------------------------------------------------------------

    def run(self, raw, *, dry_run=False):
        """Check ``raw`` (the file's bytes) and, unless ``dry_run``, write it; return a Report.

        Pass the bytes without keeping a reference (``run(path.read_bytes())``): the import
        lets go of them, and of each parsed object once it is read, to keep one copy of the
        file in memory rather than three.
        """
        held = [raw]  # so that load() holds the only reference, and drops it once decoded
        del raw
        data = self.load(held)
        self.parse(data)
        del data
        self.stop_on_problems()
        self.resolve()
        self.stop_on_problems()
        self.check()
        self.stop_on_problems()
        report = Report(dry_run=dry_run, items=self.items)
        for item in self.items:
            getattr(report, item.state)[item.label] += 1
        if not dry_run:
            self.write()
        return report

    def problem(self, item, message):
        self.problems.append(f"{item}: {message}" if item is not None else message)

    def stop_on_problems(self):
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS_SHOWN]
            if len(self.problems) > MAX_PROBLEMS_SHOWN:
                shown.append(f"… and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems.")
            raise FixtureError(shown)

    # -- reading the file -------------------------------------------------------------

    def load(self, held):
        """The file's JSON list of objects, from ``[the file's bytes]``."""
        raw = held.pop()
        if not raw or raw.isspace():  # not raw.strip(): that copies the whole file
            raise FixtureError([f"{self.name} is empty: there is nothing to import."])
        try:
            content = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as error:
            raise FixtureError([f"{self.name} is not UTF-8 text (byte {error.start} cannot be read)."]) from None
        del raw  # the text is all the parser needs
        self.may_hold_nul = "\\u0000" in content  # one scan of the text, not one per field of each object
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise FixtureError(
                [f"{self.name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."]
            ) from None
        if not isinstance(data, list):
            raise FixtureError([f"{self.name} must hold a JSON list of objects, not a {type(data).__name__}."])
        return data

    def parse(self, data):
        for number, obj in enumerate(data, start=1):
            data[number - 1] = None  # the item keeps what it needs of it
            item = self.parse_object(number, obj)
            if item is None:
                continue
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
        label = obj["model"].lower()
        if label not in natural_keys():
            self.problem(None, f"Object {number}: {self.unknown_model(label)}")
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
                    item.fks[name] = key
            elif plan.kind == "m2m":
                if not isinstance(value, list):
                    self.problem(item, f"“{name}” must be a list of natural keys.")
                    continue
                keys = [self.parse_key(item, name, one, plan.field.related_model) for one in value]
                item.m2m[name] = list(dict.fromkeys(key for key in keys if key is not None))
            else:
                try:
                    parsed = plan.field.to_python(value)
                except ValidationError as error:
                    self.problem(item, f"{name}: {' '.join(error.messages)}")
                    continue
                if parsed is not None and plan.field.get_internal_type() == "DateTimeField":
                    if timezone.is_naive(parsed):
                        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
                item.values[name] = parsed
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
            return tuple(value)
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
                if key not in self.index[target] and key not in self.in_database[target]:
                    self.problem(
                        item,
                        f"“{name}” refers to {target} “{show_key(key)}”, which is neither in the file "
                        "nor in the database.",
                    )
        self.compare_with_database()

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
                rows = {row["pk"]: row for row in model.objects.filter(pk__in=batch).values(*value_paths(model))}
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

    def differences(self, item, plans):
        changes = []
        for plan in plans:
            name = plan.name
            if plan.kind == "value" and name in item.values and name not in LOCAL_FIELDS:
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

    # -- the rules --------------------------------------------------------------------

    def check(self):
        for item in self.items:
            if item.state == "unchanged":
                continue
            rule = getattr(self, "check_" + item.label.split(".")[1], None)
            if rule is not None:
                rule(item)  # first: it fills in what the file may leave out (a source's hash)
            self.check_fields(item)
            if item.label in entry_labels():
                self.check_record(item)
        self.check_citations()
        self.check_sources_keep_their_citations()
        self.check_unique_values()
        self.check_evidence()

    def check_fields(self, item):
        """Lengths, choices, blanks, formats: the model's own field validation.

        What ``Model.clean_fields()`` does for the plain fields, on the final values,
        without building a model instance for each object of the file.
        """
        for plan in field_plans(item.model):
            if plan.kind != "value" or (item.current is not None and plan.name not in item.values):
                continue  # references are resolved above; what the file leaves alone is the database's
            value = self.value(item, plan.name)
            if plan.field.blank and value in plan.field.empty_values:
                continue
            try:
                plan.field.clean(value, None)
            except ValidationError as error:
                for message in error.messages:
                    self.problem(item, f"{plan.name}: {message}")

    def check_record(self, item):
        """What the workflow records with an entry's status: the model's rule, on the final values."""
        record = {name: self.value(item, name) for name in item.model.RECORD_FIELDS}
        for problem in item.model.record_problems_of(**record):
            self.problem(item, problem)

    def check_citations(self):
        """Each citation's excerpt at its offsets in its source, a source at a time: each
        body is folded once, and let go of before the next (not kept for the whole file)."""
        citations = defaultdict(list)  # source key → citations the import adds or changes
        for label in citation_labels():
            for item in self.by_label[label]:
                if item.state != "unchanged":
                    citations[self.fk(item, "source")].append(item)
        citations.pop(None, None)  # a citation without a source is reported already
        bodies = self.source_bodies(citations)
        for source, items in citations.items():
            body = bodies.get(source)
            if body is None:
                continue  # a missing source is reported already
            folded = text.fold(body)
            for item in items:
                self.check_citation(item, source, folded)

    def source_bodies(self, slugs):
        """``{source slug: body}`` of these sources, from the file or the database."""
        bodies = {}
        in_file = self.index["sources.source"]
        from_database = [slug for slug in slugs if slug not in in_file]
        Source = get_model("sources.source")
        for start in range(0, len(from_database), BATCH):
            batch = [slug for (slug,) in from_database[start : start + BATCH]]
            for slug, body in Source.objects.filter(slug__in=batch).values_list("slug", "body"):
                bodies[(slug,)] = body
        for key, item in in_file.items():
            bodies[key] = self.value(item, "body")
        return bodies

    def check_source(self, item):
        body = self.value(item, "body") or ""
        if not body.strip():
            self.problem(item, "body: a source needs its full text.")
            return
        digest = text.content_hash(body)
        given = item.values.get("content_hash")
        if given and given != digest:
            self.problem(
                item,
                "content_hash does not match its body: the text changed after the hash was computed, "
                "or the hash was typed. Export the source again, or leave content_hash out.",
            )
        item.values["content_hash"] = digest

    def check_sources_keep_their_citations(self):
        """A changed body must still hold, at the same place, every passage cited from it."""
        in_file = {(label, key) for label in citation_labels() for key in self.index[label]}
        for item in self.index["sources.source"].values():
            if item.pk is None or "body" not in item.values or item.values["body"] == item.current["body"]:
                continue
            folded = text.fold(item.values["body"])
            for label in citation_labels():
                entry_label, entry = fixture_plan()["citations"][label]
                citations = get_model(label).objects.filter(source=item.pk)
                for key in citations.values_list(f"{entry}__slug", "source__slug", "start", "end", "excerpt"):
                    if (label, key[:4]) in in_file:
                        continue
                    if locate(key[4], folded) != key[2:4]:
                        excerpt = Truncator(key[4]).chars(60)
                        self.problem(
                            item,
                            f"its new body moves or loses the passage “{excerpt}” that {entry} “{key[0]}” "
                            "cites: change the citation in the same file, or keep the text.",
                        )

    def check_citation(self, item, source, folded_body):
        excerpt = self.value(item, "excerpt") or ""
        if not excerpt.strip():
            return  # a missing excerpt is reported already
        span = locate(excerpt, folded_body)
        recorded = (self.value(item, "start"), self.value(item, "end"))
        if span == recorded:
            return
        shown = Truncator(excerpt.strip()).chars(80)
        if span is None:
            self.problem(item, f"the excerpt “{shown}” is not in the source “{source[0]}”.")
        else:
            self.problem(
                item,
                f"the excerpt “{shown}” is recorded at {recorded[0]}–{recorded[1]} "
                f"of “{source[0]}” but is found at {span[0]}–{span[1]}.",
            )

    def check_event(self, item):
        starts, ends = self.value(item, "starts_on"), self.value(item, "ends_on")
        if starts and ends and ends < starts:
            self.problem(item, "ends_on: an event cannot end before it starts.")
        seen, parent = {item.key}, self.fk(item, "parent")
        while parent is not None:
            if parent in seen:
                self.problem(item, "parent: an event cannot be part of itself.")
                return
            seen.add(parent)
            parent = self.parent_of(parent)

    def parent_of(self, key):
        if key in self.index["events.event"]:
            return self.fk(self.index["events.event"][key], "parent")
        row = get_model("events.event").objects.filter(slug=key[0]).values_list("parent__slug", flat=True).first()
        return (row,) if row else None

    def check_claim(self, item):
        if self.value(item, "quantity") is None and (
            self.value(item, "quantity_unit") or self.value(item, "quantity_qualifier")
        ):
            self.problem(item, "quantity: a unit or qualifier needs a quantity.")

    def check_claimrelation(self, item):
        if item.key[0] == item.key[1]:
            self.problem(item, "a claim cannot be related to itself.")

    def check_agreement(self, item):
        if (self.value(item, "documents") or 0) < 1:
            self.problem(item, "documents: an agreement has at least one document.")

    def check_quote(self, item):
        speakers = {name: self.fk(item, name) for name in ("speaker", "speaker_organization", "speaker_statement")}
        if sum(key is not None for key in speakers.values()) != 1:
            self.problem(item, "give exactly one speaker: a person, an organization or a joint statement.")
        statement = speakers["speaker_statement"]
        if statement is not None:
            if statement in self.index["agreements.agreement"]:
                kind = self.value(self.index["agreements.agreement"][statement], "kind")
            else:
                Agreement = get_model("agreements.agreement")
                kind = Agreement.objects.filter(slug=statement[0]).values_list("kind", flat=True).first()
            if kind is not None and kind != "joint_statement":
                self.problem(item, f"speaker_statement: “{statement[0]}” is a {kind}, not a joint statement.")

    def check_unique_values(self):
        """Unique columns other than the natural key: a topic's name, a source's text."""
        for label, name, what in (
            ("editorial.topic", "name", "the name"),
            ("sources.source", "content_hash", "the text"),
        ):
            items = [item for item in self.index[label].values() if item.state != "unchanged"]
            seen = {}
            for item in items:
                value = self.value(item, name)
                if value in seen:
                    self.problem(item, f"{what} is the same as that of object {seen[value].number}.")
                seen.setdefault(value, item)
            model = get_model(label)
            values = list(seen)
            for start in range(0, len(values), BATCH):
                clash = model.objects.filter(**{f"{name}__in": values[start : start + BATCH]})
                for value, slug in clash.values_list(name, "slug"):
                    item = seen[value]
                    if (slug,) != item.key:
                        self.problem(item, f"{what} is already recorded, as {label} “{slug}”.")

    def check_evidence(self):
        """The verification rule and the quote rule, on the citations the import leaves."""
        entries = defaultdict(dict)  # (entry label, entry key) → {citation key: (stance, excerpt)}
        touched = {}  # (entry label, entry key) → the item a problem is reported on
        for label in citation_labels():
            entry_label, entry = fixture_plan()["citations"][label]
            slugs = {item.key[0] for item in self.index[entry_label].values() if item.pk is not None}
            slugs |= {key[0] for key in self.index[label]}
            model = get_model(label)
            slugs = sorted(slugs)
            for start in range(0, len(slugs), BATCH):
                rows = model.objects.filter(**{f"{entry}__slug__in": slugs[start : start + BATCH]}).values_list(
                    f"{entry}__slug", "source__slug", "start", "end", "stance", "excerpt"
                )
                for *key, stance, excerpt in rows:
                    entries[(entry_label, (key[0],))][tuple(key)] = (stance, excerpt)
            for key, item in self.index[label].items():
                entries[(entry_label, (key[0],))][key] = (self.value(item, "stance"), self.value(item, "excerpt"))
                touched.setdefault((entry_label, (key[0],)), item)
        for label in entry_labels():
            for key, item in self.index[label].items():
                if item.state != "unchanged":
                    touched[(label, key)] = item
        for (entry_label, key), where in sorted(touched.items(), key=lambda pair: pair[1].number):
            item = self.index[entry_label].get(key)
            status = self.value(item, "status") if item is not None else self.status_in_database(entry_label, key)
            supporting = [excerpt for stance, excerpt in entries[(entry_label, key)].values() if stance == "supports"]
            if status == Status.VERIFIED and not supporting:
                self.problem(
                    where,
                    f"{entry_label} “{key[0]}” is verified but has no supporting citation; "
                    "an entry is verified only on the evidence of a passage.",
                )
            if entry_label == "quotes.quote" and supporting:
                quote_text = self.value(item, "text") if item is not None else self.text_in_database(key)
                if not any(text.contains(excerpt, quote_text) for excerpt in supporting):
                    self.problem(
                        where,
                        f"the quote “{Truncator(quote_text).chars(80)}” is not in any of its supporting excerpts.",
                    )

    def status_in_database(self, label, key):
        return get_model(label).objects.filter(slug=key[0]).values_list("status", flat=True).first()

    def text_in_database(self, key):
        return get_model("quotes.quote").objects.filter(slug=key[0]).values_list("text", flat=True).first() or ""

    # -- writing ----------------------------------------------------------------------

    def write(self):
        """Write every added and changed object in one transaction; any failure undoes all.

        Model by model in dependency order, objects the file adds go in with bulk
        inserts, a batch at a time, and those it changes (each recorded in its history)
        are saved one by one. Bulk inserts send no signals: what the signals would do is
        done here, once, at the end (stored corroboration; the database's triggers bump
        the content version).
        """
        with transaction.atomic():
            history = self.history_to_record()
            for model, pk in history:
                record_baseline(model.objects.get(pk=pk))
            now = timezone.now()
            written = False
            for label in model_labels():
                changed = [item for item in self.by_label[label] if item.state == "changed"]
                added = [item for item in self.by_label[label] if item.state == "added"]
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
                for model, pks in self.entries_to_corroborate().items():
                    stored_corroboration.refresh(model, pks)
            # Changed objects were saved raw, in file order: their entries' corroboration now.
            stored_corroboration.settle()

    def history_to_record(self):
        """``{(model, pk): [what changed]}`` for each object already in the database that the import changes.

        An entry follows its citations and relations in its history, so a changed or
        added citation is recorded as a change of its entry.
        """
        history = defaultdict(list)
        for item in self.items:
            if item.state == "changed":
                history[(item.model, item.pk)].extend(item.changes)
        owners = {**fixture_plan()["citations"], **fixture_plan()["parts"]}
        for label, (entry_label, entry) in owners.items():
            what = (
                "citations" if label in fixture_plan()["citations"] else f"{get_model(label)._meta.verbose_name_plural}"
            )
            for item in self.index[label].values():
                if item.state == "unchanged":
                    continue
                entry_key = item.fks.get(entry)
                entry_item = self.index[entry_label].get(entry_key)
                entry_pk = entry_item.pk if entry_item is not None else self.in_database[entry_label].get(entry_key)
                if entry_pk is not None:
                    history[(get_model(entry_label), entry_pk)].append(f"{what} {item.state}")
        return {key: list(dict.fromkeys(reasons)) for key, reasons in history.items()}

    def pk_of(self, label, key):
        """The pk of the object with this natural key, in the file or only in the database."""
        item = self.index[label].get(key)
        return item.pk if item is not None else self.in_database[label][key]

    def assigned(self, item):
        """``{attname: value}`` the file sets on this object: plain values, references as pks."""
        values = {}
        for plan in field_plans(item.model):
            if plan.kind == "value" and plan.name in item.values:
                if plan.name in LOCAL_FIELDS and item.state == "changed":
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

    def entries_to_corroborate(self):
        """``{entry model: pks}`` whose stored corroboration the bulk inserts may change:
        the added entries, the entries of added citations, the claims of added relations."""
        entries = defaultdict(set)
        for label in entry_labels():
            entries[get_model(label)].update(item.pk for item in self.by_label[label] if item.state == "added")
        for label, (entry_label, entry) in fixture_plan()["citations"].items():
            for item in self.by_label[label]:
                if item.state == "added":
                    entries[get_model(entry_label)].add(self.pk_of(entry_label, item.fks[entry]))
        for label, (entry_label, _) in fixture_plan()["parts"].items():
            entry_model = get_model(entry_label)
            names = [f.name for f in get_model(label)._meta.concrete_fields if f.related_model is entry_model]
            for item in self.by_label[label]:
                if item.state == "added":
                    entries[entry_model].update(self.pk_of(entry_label, item.fks[name]) for name in names)
        return entries


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


locate = text.locate_folded
