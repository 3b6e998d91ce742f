"""A published entry's state, proposed changes to it, and what they change.

Once an entry is verified its rows are what readers see, and they change only when an
editor approves a change. Until then a change waits in ``Entry.proposal`` as a *state*:
the entry's fields, links and parts (citations, relations) as plain data, with every
reference written as a natural key (a slug), so that it survives a backup loaded into
another instance. Everything that edits a published entry — the change form and its
inlines, a restore, an import — works on real rows inside a savepoint that is rolled
back (``sandbox``), reads the state the edit made (``state``) and keeps it as the
proposal; approving writes it for real (``apply``). One mechanism for every path, so
none of them can publish on its own.

A state::

    {"fields": {"statement": "…", "event": ["summit-2023"], …},
     "links": {"topics": [["trade"]], …},
     "parts": {"citations": [{"id": 12, "fields": {"source": ["article-1"], "excerpt": "…", …}}, …]}}

A part's ``id`` is its row's when the public version has it, and a negative number for
a part the change adds (a savepoint gives it that id, so that the form finds it again).
"""

import functools
import hashlib
import json
import re
from contextlib import contextmanager
from difflib import SequenceMatcher

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from summitcms.lib.words import shorten

from . import registry


def _plain(value):
    """A value as JSON holds it, the same text for the same value (dates, decimals)."""
    if value is None or type(value) in (str, int, bool):
        return value  # JSON holds these as they are: no round trip (check_corpus reads millions)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def editable_fields(model, exclude=()):
    """The fields people type: concrete or many-to-many, editable, not the primary key."""
    return [
        f
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and getattr(f, "editable", False)
        and not f.primary_key
        and f.name not in exclude
    ]


def entry_fields(model):
    """What readers see of an entry's own fields: not its status (the workflow's) nor
    the desk's internal notes."""
    return [f for f in editable_fields(model, {"status", *model.DESK_FIELDS}) if not f.many_to_many]


def link_fields(model):
    return [f for f in editable_fields(model, {"status", *model.DESK_FIELDS}) if f.many_to_many]


def parts(model):
    """``[(accessor, part model, name of its key to the entry)]``: citations, then the other parts."""
    kind = registry.entry_type(model)
    result = []
    for accessor in kind.follow():
        relation = model._meta.get_field(accessor)
        result.append((accessor, relation.related_model, relation.field.name))
    return result


def part_fields(part_model, key):
    return [f for f in editable_fields(part_model, {key}) if not f.many_to_many]


def _natural(obj):
    return list(obj.natural_key()) if obj is not None else None


def natural_key_paths(model):
    """The lookups of ``model``'s natural key, as the model declares them (a slug otherwise):
    ``natural_key()`` read as columns, by ``states()`` and the fixtures."""
    declared = getattr(model, "natural_key_lookups", None)
    return tuple(declared()) if declared else ("slug",)


def _field_value(obj, field):
    if field.is_relation:
        return _natural(getattr(obj, field.name))
    return _plain(getattr(obj, field.attname))


def state(entry):
    """The entry as its rows are now: what readers see of a published entry."""
    model = type(entry)
    result = {
        "fields": {f.name: _field_value(entry, f) for f in entry_fields(model)},
        "links": {f.name: sorted(_natural(obj) for obj in getattr(entry, f.name).all()) for f in link_fields(model)},
        "parts": {},
    }
    for accessor, part_model, key in parts(model):
        # Sorted here, not with order_by(): that would query again for each entry the rows
        # with_state() prefetched (a first publication in bulk reads hundreds of thousands).
        rows = sorted(getattr(entry, accessor).all(), key=lambda row: row.pk)
        fields = part_fields(part_model, key)
        result["parts"][accessor] = [
            {"id": row.pk, "fields": {f.name: _field_value(row, f) for f in fields}} for row in rows
        ]
    return result


class _Columns:
    """How ``state()`` writes ``fields`` of a row, read from ``values_list()`` columns
    (``paths``, after ``first`` others) instead of from an instance: a relation is its
    target's natural key, None without a target."""

    def __init__(self, fields, first):
        self.paths, self.fields = [], []
        for f in fields:
            at = first + len(self.paths)
            if f.is_relation:
                keys = [f"{f.name}__{path}" for path in natural_key_paths(f.related_model)]
                self.fields.append((f.name, at, range(at + 1, at + 1 + len(keys))))
                self.paths += [f.attname, *keys]
            else:
                self.fields.append((f.name, at, None))
                self.paths.append(f.attname)

    def read(self, row):
        return {
            name: _plain(row[at]) if keys is None else None if row[at] is None else [row[i] for i in keys]
            for name, at, keys in self.fields
        }


def states(entries):
    """``{pk: state(entry)}`` for the entries of the queryset ``entries``, read as rows in a
    query for the entries and one for each link and part, however many they are: no
    instance is built, and the entries are a subquery, not a list of ids sent again with
    each query. ``check_corpus`` compares the digest of every verified entry with its
    approval's (a million and more), where building each entry, its parts and their
    sources cost most of its time. The same states as ``state()`` (a test compares them
    on every kind)."""
    model, chosen = entries.model, entries.order_by().values("pk")
    columns = _Columns(entry_fields(model), first=1)
    result = {
        row[0]: {"fields": columns.read(row), "links": {}, "parts": {}}
        for row in entries.order_by().values_list("pk", *columns.paths)
    }
    for field in link_fields(model):
        # As the related manager reads them: the target's default manager, joined back.
        entry = field.related_query_name()
        linked = {pk: [] for pk in result}
        rows = field.related_model._default_manager.filter(**{f"{entry}__in": chosen})
        for pk, *key in rows.order_by().values_list(entry, *natural_key_paths(field.related_model)):
            if pk in linked:  # an entry written since the entries were read has no state here
                linked[pk].append(key)
        for pk, keys in linked.items():
            result[pk]["links"][field.name] = sorted(keys)
    for accessor, part_model, key in parts(model):
        columns = _Columns(part_fields(part_model, key), first=2)
        entry = part_model._meta.get_field(key).attname
        for pk in result:
            result[pk]["parts"][accessor] = []
        rows = part_model._default_manager.filter(**{f"{entry}__in": chosen}).order_by("pk")
        for row in rows.values_list(entry, "pk", *columns.paths):
            if row[0] in result:
                result[row[0]]["parts"][accessor].append({"id": row[1], "fields": columns.read(row)})
    return result


def state_now(entry):
    """``state(entry)`` as its rows are in the database, read as rows (``states``): the same
    few queries however many parts it has, where ``state()`` reads each part's targets (a
    citation's source) in a query of its own. For a page that shows an entry's state."""
    return states(type(entry)._default_manager.filter(pk=entry.pk))[entry.pk]


def with_state(queryset):
    """``queryset`` with what ``state()`` reads of each entry loaded in a few queries."""
    model = queryset.model
    related = [f.name for f in entry_fields(model) if f.is_relation]
    prefetches = [f.name for f in link_fields(model)]
    for accessor, part_model, key in parts(model):
        targets = [f.name for f in part_fields(part_model, key) if f.is_relation]
        prefetches.append(Prefetch(accessor, queryset=part_model._default_manager.select_related(*targets)))
    return queryset.select_related(*related).prefetch_related(*prefetches)


@functools.cache
def _later_links(generation):
    return {name for model in registry.entry_models() for name in model.LATER_LINKS}


def without_ids(entry_state):
    """The state without the ids of its parts, each list of parts in one order: two states
    that readers would see alike compare equal. A link added to its kind later
    (``Entry.LATER_LINKS``) is left out while it is empty: a state recorded before it
    existed reads the same."""
    if entry_state is None:
        return None
    later = _later_links(registry.generation())
    return {
        "fields": entry_state["fields"],
        "links": {name: keys for name, keys in entry_state["links"].items() if keys or name not in later},
        "parts": {
            accessor: sorted((row["fields"] for row in rows), key=lambda fields: json.dumps(fields, sort_keys=True))
            for accessor, rows in entry_state["parts"].items()
        },
    }


def digest(entry_state):
    """A fingerprint of what readers see: the same for the same state on any instance."""
    text = json.dumps(without_ids(entry_state), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def same(first, second):
    return without_ids(first) == without_ids(second)


# -- Writing a state ----------------------------------------------------------------------


class Unresolvable(ValidationError):
    """The state names a record that is not in this database."""


def _resolve(field, value):
    if value is None:
        return None
    target = field.related_model
    try:
        return target._default_manager.get_by_natural_key(*value)
    except ObjectDoesNotExist:
        noun = target._meta.verbose_name
        raise Unresolvable(f"It names the {noun} “{' / '.join(map(str, value))}”, which no longer exists.") from None


def _set(obj, field, value):
    if field.is_relation:
        setattr(obj, field.name, _resolve(field, value))
    else:
        setattr(obj, field.attname, field.to_python(value) if value is not None else None)


def apply(entry, entry_state, *, keep_new_ids=False, user=None):
    """Write ``entry_state`` to the entry's rows: its fields, links and parts, deleting the
    parts the state does not have. Citations anchor again in their sources as they save
    (refused when a source no longer has the passage). ``keep_new_ids``: parts the
    change adds keep their negative ids (in a savepoint, for a form to find them again).

    Writes only: the caller decides on history and the workflow, and stamps the entry;
    parts that count their versions are stamped here as ``user`` when they change.
    """
    model = type(entry)
    for field in entry_fields(model):
        if field.name in entry_state["fields"]:
            _set(entry, field, entry_state["fields"][field.name])
    entry.full_clean(exclude=[f.name for f in model._meta.fields if not f.editable], validate_unique=False)
    links = {
        field.name: [_resolve(field, key) for key in entry_state["links"][field.name]]
        for field in link_fields(model)
        if field.name in entry_state["links"]
    }
    if problems := entry.link_problems(links):
        raise ValidationError(problems)
    entry.save()
    for name, objects in links.items():
        getattr(entry, name).set(objects)
    for accessor, part_model, key in parts(model):
        wanted = entry_state["parts"].get(accessor, [])
        kept_ids = {row["id"] for row in wanted if row.get("id") is not None}
        existing = {row.pk: row for row in getattr(entry, accessor).all()}
        # Deleted first: a part that takes the place of another must not meet it.
        for pk, row in existing.items():
            if pk not in kept_ids:
                row.delete()
        for row_state in wanted:
            row_id = row_state.get("id")
            if row_id in existing:
                row = existing[row_id]
            elif keep_new_ids and row_id is not None and row_id < 0:
                row = part_model(pk=row_id)
            else:
                row = part_model()
            setattr(row, key, entry)
            fields = part_fields(part_model, key)
            before = {f.name: _field_value(row, f) for f in fields} if row.pk in existing else None
            for field in fields:
                if field.name in row_state["fields"]:
                    _set(row, field, row_state["fields"][field.name])
            if hasattr(row, "stamp") and before != {f.name: _field_value(row, f) for f in fields}:
                row.stamp(user)
            row.full_clean(exclude=[key, *(f.name for f in part_model._meta.fields if not f.editable)])
            try:
                row.save()
            except IntegrityError as error:
                raise ValidationError(f"The {part_model._meta.verbose_name} cannot be written: {error}") from None
    return entry


def with_new_ids(entry_state, public_ids):
    """The state with a negative id on each part that is not one of the public version's
    (``public_ids``: ``{accessor: ids}``), as proposals keep them."""
    lowest = min([0, *(row["id"] for rows in entry_state["parts"].values() for row in rows if (row["id"] or 0) < 0)])
    for accessor, rows in entry_state["parts"].items():
        for row in rows:
            if row["id"] is None or (row["id"] > 0 and row["id"] not in public_ids.get(accessor, set())):
                lowest -= 1
                row["id"] = lowest
    return entry_state


def public_ids(entry):
    return {
        accessor: set(getattr(entry, accessor).values_list("pk", flat=True)) for accessor, _, _ in parts(type(entry))
    }


@contextmanager
def sandbox(using="default"):
    """A savepoint whose writes are always rolled back: see what an edit would make
    without making it. Must run inside a transaction (``transaction.atomic``)."""
    point = transaction.savepoint(using=using)
    try:
        yield
    finally:
        transaction.savepoint_rollback(point, using=using)


def proposed_state(entry):
    """What the entry would be if its change were approved (its rows when none waits,
    read as rows: ``state_now``)."""
    return entry.proposal if entry.has_proposal else state_now(entry)


# -- What a change changes ----------------------------------------------------------------


class _Names:
    """What the natural keys in some states stand for, in words: read a model at a time,
    all the keys it is asked for at once (a query per model with a one-column key, not
    one per citation's source); any other key when it is asked for."""

    def __init__(self, wanted):
        self.words = {}
        for model, keys in wanted.items():
            (path, *more) = natural_key_paths(model)
            if more:
                continue
            for obj in model._default_manager.filter(**{f"{path}__in": {key[0] for key in keys}}):
                self.words[model, tuple(obj.natural_key())] = str(obj)

    @classmethod
    def of(cls, model, states):
        """The keys of ``model``'s relations, links and parts' relations in ``states``."""
        wanted = {}

        def want(field, value):
            if field.is_relation and value not in (None, "", []):
                wanted.setdefault(field.related_model, set()).add(tuple(value))

        for entry_state in states:
            for field in entry_fields(model):
                want(field, entry_state["fields"].get(field.name))
            for field in link_fields(model):
                for key in entry_state["links"].get(field.name, []):
                    want(field, key)
            for accessor, part_model, key in parts(model):
                fields = part_fields(part_model, key)
                for row in entry_state["parts"].get(accessor, []):
                    for field in fields:
                        want(field, row["fields"].get(field.name))
        return cls(wanted)

    def __call__(self, model, key):
        key = tuple(key)
        if (model, key) not in self.words:
            try:
                self.words[model, key] = str(model._default_manager.get_by_natural_key(*key))
            except ObjectDoesNotExist:
                self.words[model, key] = " / ".join(map(str, key))
        return self.words[model, key]


def _display(field, value, names):
    """A value of ``field`` (as a state holds it) in words."""
    if value in (None, "", []):
        return ""
    if field.is_relation:
        return names(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(field.to_python(value), value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# A word with the spaces after it: a change of several words reads as one change.
WORD = r"\S+\s*|\s+"


def word_diff(before, after):
    """``(before, after)`` as HTML with the words that differ in ``<del>`` and ``<ins>``."""
    old, new = re.findall(WORD, before or ""), re.findall(WORD, after or "")
    left, right = [], []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            left.append(escape(removed))
            right.append(escape(added))
        else:
            for side, text, tag in ((left, removed, "del"), (right, added, "ins")):
                if text:
                    word = text.rstrip()
                    side.append(format_html("<{}>{}</{}>", tag, word, tag) if word else "")
                    side.append(escape(text[len(word) :]))
    return mark_safe("".join(map(str, left))), mark_safe("".join(map(str, right)))


def _describe_part(part_model, key, fields_state, names):
    shown = []
    for field in part_fields(part_model, key):
        value = _display(field, fields_state.get(field.name), names)
        if value:
            shown.append(f"{field.verbose_name}: {value}")
    return "; ".join(shown)


def differences(model, before, after):
    """What changes from state ``before`` (None: nothing yet) to state ``after``:
    ``[{"label", "before", "after", "before_html", "after_html"}]``, fields first, then
    links, then each part added, removed or changed."""
    rows = []
    before = before or {"fields": {}, "links": {}, "parts": {}}
    names = _Names.of(model, (before, after))

    def add(label, old, new):
        old_html, new_html = word_diff(old, new)
        rows.append({"label": label, "before": old, "after": new, "before_html": old_html, "after_html": new_html})

    for field in entry_fields(model):
        old, new = before["fields"].get(field.name), after["fields"].get(field.name)
        shown = _display(field, old, names), _display(field, new, names)
        if old != new and shown[0] != shown[1]:  # not a blank field's None and "" of a first version
            add(str(field.verbose_name), *shown)
    for field in link_fields(model):
        old, new = before["links"].get(field.name, []), after["links"].get(field.name, [])
        if sorted(old) != sorted(new):
            target = field.related_model

            def named(keys, target=target):
                return ", ".join(sorted(names(target, key) for key in keys))

            add(str(field.verbose_name), named(old), named(new))
    for accessor, part_model, key in parts(model):
        noun = str(part_model._meta.verbose_name)
        old_rows = {row["id"]: row["fields"] for row in before["parts"].get(accessor, [])}
        new_rows = {row["id"]: row["fields"] for row in after["parts"].get(accessor, [])}
        unchanged_new = [fields for fields in new_rows.values() if fields in old_rows.values()]
        for row_id, fields in new_rows.items():
            if row_id in old_rows:
                if fields != old_rows[row_id]:
                    old_text = _describe_part(part_model, key, old_rows[row_id], names)
                    add(f"{noun} changed", old_text, _describe_part(part_model, key, fields, names))
            elif fields not in old_rows.values():
                add(f"{noun} added", "", _describe_part(part_model, key, fields, names))
        for row_id, fields in old_rows.items():
            if row_id not in new_rows and fields not in unchanged_new:
                add(f"{noun} removed", _describe_part(part_model, key, fields, names), "")
    return rows


def summary(model, before, after, limit=300):
    """``[{"label", "before", "after"}]`` in plain words, for the public log of versions."""
    return [
        {
            "label": row["label"],
            "before": shorten(row["before"], limit),
            "after": shorten(row["after"], limit),
        }
        for row in differences(model, before, after)
    ]


def fill_missing_digests(using="default", **kwargs):
    """A ``post_migrate`` handler: entries verified before approvals were recorded got a
    first publication from a migration, without the digest of what it published (a
    migration cannot compute it: the rules are today's code). It is the rows as they are."""
    for kind in registry.entry_types():
        publications = kind.publication_model._default_manager.using(using).filter(digest="")
        pending = set(publications.values_list(f"{kind.publication_model.entry_field}_id", flat=True))
        if not pending:
            continue
        entries = with_state(kind.model._default_manager.using(using).filter(pk__in=pending, status="verified"))
        for entry in entries:
            entry_publications = publications.filter(**{kind.publication_model.entry_field: entry})
            entry_publications.update(digest=digest(state(entry)))


def record_first_publications(model, pks, kind="first", reason="", chunk=2000, using="default"):
    """Record the first publication of the verified entries among ``pks`` that have none,
    as written in bulk (a generated corpus, an import into an empty instance): when is
    their ``verified_at``, who their ``verified_by``, and the digest of what they show."""
    publication = registry.entry_type(model).publication_model
    key = publication.entry_field
    pks = sorted(set(pks))
    for start in range(0, len(pks), chunk):
        ids = pks[start : start + chunk]
        done = set(
            publication._default_manager.using(using)
            .filter(**{f"{key}_id__in": ids})
            .values_list(f"{key}_id", flat=True)
        )
        entries = with_state(
            model._default_manager.using(using).filter(pk__in=ids, status="verified").exclude(pk__in=done)
        )
        publication._default_manager.using(using).bulk_create(
            publication(
                **{key: entry},
                number=1,
                kind=kind,
                reason=reason,
                published_at=entry.verified_at or entry.updated_at,
                published_by_id=entry.verified_by_id,
                digest=digest(state(entry)),
            )
            for entry in entries
        )
