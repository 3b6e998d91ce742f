"""Fixture export and import that other instances and version control can trust.

Export writes the corpus as a Django JSON fixture that stock ``loaddata`` loads into an
empty database: natural keys everywhere (never a database id), no user accounts (the
user foreign keys are written as null), and the same data always gives the same bytes —
models in dependency order, objects sorted by natural key, many-to-many lists sorted, one
JSON layout — so a diff between two exports shows what changed.

It streams: each model is read with ``.iterator()`` and written object by object, the
natural keys of foreign keys come from joins in the same query, and many-to-many links
are fetched once per chunk. Which objects go out is decided by the database (subqueries),
never by a set of ids held in memory.

Import (``import_fixture``) reads a fixture, checks every rule of the design against
the file and the database before it writes anything, then writes in one transaction:
added objects, and — only when asked — changed ones, with their history recorded.
It never deletes.
"""

import functools
import json
import os
import stat
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils import timezone

from apps.editorial import registry
from apps.editorial.changes import natural_key_paths
from apps.editorial.models import Status

# Models of the project that never travel in a fixture, and why.
NOT_EXPORTED = {
    "site.contentversion": "a counter of this instance's changes, for its page cache",
    "editorial.formerslug": "this instance's redirects from the old addresses of its entries (by database id)",
}
CHUNK_SIZE = 1000


@functools.cache
def get_model(label):
    return django_apps.get_model(label)


def label_of(model):
    return model._meta.label_lower


def entry_kinds_in_dependency_order():
    """The registered kinds of entry, each after the kinds its entries refer to (a quote
    names the agreement it is part of), in registration order otherwise."""
    kinds = registry.entry_types()
    models_ = {kind.model for kind in kinds}

    def refers_to(kind):
        fields = [f for f in kind.model._meta.get_fields() if (f.concrete or f.many_to_many) and not f.auto_created]
        return {f.related_model for f in fields if f.is_relation and f.related_model in models_} - {kind.model}

    ordered, placed = [], set()
    while len(ordered) < len(kinds):
        ready = [k for k in kinds if k.model not in placed and refers_to(k) <= placed]
        if not ready:
            raise ValueError("The kinds of entry refer to one another in a cycle: no order puts parents first.")
        ordered.append(ready[0])
        placed.add(ready[0].model)
    return ordered


@functools.cache
def _plan(generation):
    kinds = entry_kinds_in_dependency_order()
    models_ = [*registry.records(), *(m for kind in kinds for m in kind.models())]
    return {
        "models": models_,
        "labels": [label_of(model) for model in models_],
        "natural_keys": {label_of(model): natural_key_paths(model) for model in models_},
        "entries": {kind.label for kind in kinds},
        "citations": {label_of(kind.citation_model): (kind.label, kind.citation_model.entry_field) for kind in kinds},
        "parts": {label_of(part): (kind.label, name) for kind in kinds for part, name in kind.part_models},
        "publications": {
            label_of(kind.publication_model): (kind.label, kind.publication_model.entry_field) for kind in kinds
        },
    }


def plan():
    """What the registry says fixtures carry (computed once per state of the registry):
    ``models``, parents before children, so that a stock ``loaddata`` never meets a
    reference to an object it has not loaded yet — the records, then each kind of entry
    with its citations and parts —; their ``labels``; ``natural_keys`` (label → lookups);
    ``entries`` (labels); ``citations`` and ``parts`` (label → (entry label, key to it))."""
    return _plan(registry.generation())


def exported_models():
    return plan()["models"]


def model_labels():
    return plan()["labels"]


def natural_keys():
    """``{label: lookups of its natural key}`` of every exported model, in export order."""
    return plan()["natural_keys"]


def entry_labels():
    return plan()["entries"]


def chunk_size(model):
    """Rows read at a time: fewer of a model whose rows are long (``export_chunk_size``)."""
    return getattr(model, "export_chunk_size", CHUNK_SIZE)


def is_user_field(model_field):
    return model_field.is_relation and model_field.related_model is django_apps.get_model(settings.AUTH_USER_MODEL)


# -- How a model is written --------------------------------------------------------------


@dataclass(frozen=True)
class FieldPlan:
    """One field of a model as a fixture carries it."""

    field: models.Field
    kind: str  # "value", "user" (always null), "fk" (a natural key) or "m2m" (a list of them)
    paths: tuple = ()  # for "fk": the lookups of the target's natural key, e.g. ("event__slug",)

    @property
    def name(self):
        return self.field.name


@functools.cache
def field_plans(model):
    """The fields of ``model`` in the order stock ``dumpdata`` writes them (computed once per model)."""
    plans = []
    for model_field in model._meta.local_fields:
        if model_field.primary_key or not model_field.serialize:
            continue
        if is_user_field(model_field):
            plans.append(FieldPlan(model_field, "user"))
        elif model_field.is_relation:
            target = natural_key_paths(model_field.related_model)
            plans.append(FieldPlan(model_field, "fk", tuple(f"{model_field.name}__{p}" for p in target)))
        else:
            plans.append(FieldPlan(model_field, "value"))
    for model_field in model._meta.local_many_to_many:
        plans.append(FieldPlan(model_field, "m2m"))
    return tuple(plans)


def value_paths(model):
    paths = ["pk"]
    for plan in field_plans(model):
        if plan.kind == "value":
            paths.append(plan.field.attname)
        elif plan.kind == "fk":
            paths.extend(plan.paths)
    return paths


def final_field(model, path):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field("pk" if name == "pk" else name)


def bytewise(model, path):
    """Order strings by code point on every database, so both give the same file.

    PostgreSQL sorts by the database's locale (``en_US`` ignores hyphens, ICU puts
    capitals among small letters); the ``C`` collation compares bytes, as SQLite's
    default does and as Python sorts strings.
    """
    if connection.vendor == "postgresql" and isinstance(final_field(model, path), models.CharField):
        return Collate(F(path), "C")
    return F(path)


def natural_key_ordering(model):
    return [bytewise(model, path) for path in natural_key_paths(model)]


def encode(value):
    """A field value as JSON writes it; the same value always gives the same text."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def fk_value(plan, row):
    key = [row[path] for path in plan.paths]
    return None if all(part is None for part in key) else key


def fields_of(model, row, m2m, blank=()):
    """The ``fields`` of a fixture object, from a ``values()`` row and its many-to-many keys;
    the fields named in ``blank`` as they are when empty (what waits for review, in an
    export of what readers see)."""
    result = {}
    for plan in field_plans(model):
        if plan.name in blank:
            result[plan.name] = encode(plan.field.get_default())
        elif plan.kind == "value":
            result[plan.name] = encode(row[plan.field.attname])
        elif plan.kind == "user":
            result[plan.name] = None
        elif plan.kind == "fk":
            result[plan.name] = fk_value(plan, row)
        else:
            result[plan.name] = sorted(m2m.get(plan.name, {}).get(row["pk"], []))
    return result


_encoder = json.JSONEncoder(ensure_ascii=False)


def dump(value):
    """``json.dumps(value, ensure_ascii=False)``, faster for the values a fixture holds.

    An export encodes tens of values per object; json.dumps() with options builds an
    encoder for each call.
    """
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(dump, value)) + "]"
    if isinstance(value, dict):
        # PostgreSQL returns a JSON object's keys in its own order: one order everywhere.
        return "{" + ", ".join(f"{dump(key)}: {dump(value[key])}" for key in sorted(value)) + "}"
    return _encoder.encode(value)


def render(obj, indent):
    """One fixture object as text.

    ``indent`` 0 or None: on one line. Otherwise a field per line, a natural key on the
    line of its field (``"event": ["summit-2023"]``) and a many-to-many list one key per
    line, so that adding a topic changes one line of a diff.
    """
    if not indent:
        return dump(obj)
    pad = " " * indent
    lines = []
    for name, value in obj["fields"].items():
        if isinstance(value, list) and value and isinstance(value[0], list):
            keys = ",\n".join(f"{pad * 3}{dump(key)}" for key in value)
            lines.append(f"{pad * 2}{dump(name)}: [\n{keys}\n{pad * 2}]")
        else:
            lines.append(f"{pad * 2}{dump(name)}: {dump(value)}")
    fields = ",\n".join(lines)
    return f'{{\n{pad}"model": {dump(obj["model"])},\n{pad}"fields": {{\n{fields}\n{pad}}}\n}}'


def m2m_keys(model_field, owner_pks, targets=None):
    """``{owner pk: [natural key, …]}`` for one many-to-many field of a chunk.

    ``targets`` limits the links to objects that are exported too. It is checked in a
    second query on the few targets the chunk links to: as a subquery of the first,
    SQLite would scan the whole link table for every chunk.
    """
    through = model_field.remote_field.through
    owner, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    paths = [f"{target}__{p}" for p in natural_key_paths(model_field.related_model)]
    links = list(through.objects.filter(**{f"{owner}__in": owner_pks}).values_list(owner, target, *paths))
    if targets is not None:
        allowed = set(targets.filter(pk__in={link[1] for link in links}).values_list("pk", flat=True))
        links = [link for link in links if link[1] in allowed]
    result = defaultdict(list)
    for owner_pk, _target_pk, *key in links:
        result[owner_pk].append(list(key))
    return result


def chunked(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- What an export holds ----------------------------------------------------------------


@dataclass
class Selection:
    """The entries an export starts from; everything they refer to follows.

    ``entries``: ``{entry model: queryset}`` (a kind left out exports none of its own).
    ``records``: ``{record model: queryset}`` of records to export whatever refers to
    them (the sources picked in the admin, the events of ``--event``). ``statuses``: the
    statuses an entry may have to be exported when another exported entry refers to it
    (None: any). ``everything``: every row of every model, also what nothing refers to
    (a full backup).
    """

    entries: dict
    records: dict = field(default_factory=dict)
    statuses: tuple | None = (Status.VERIFIED,)
    everything: bool = False

    @classmethod
    def for_corpus(cls, *, all_statuses=False, event=None):
        """What ``export_fixtures`` writes: verified entries (or all), of one event or all."""
        statuses = None if all_statuses else (Status.VERIFIED,)
        entries = {model: model.objects.all() for model in registry.entry_models()}
        if statuses:
            entries = {model: queryset.filter(status__in=statuses) for model, queryset in entries.items()}
        records = {}
        if event is not None:
            family = event_and_parts(event)
            records[type(event)] = type(event).objects.filter(pk__in=family)
            of_event = {model: Q(pk__in=[]) for model in entries}
            for model, name in registry.naming(type(event)):
                of_event[model] |= Q(**{f"{name}__in": family})
            entries = {model: queryset.filter(of_event[model]) for model, queryset in entries.items()}
        return cls(entries, records, statuses=statuses, everything=all_statuses and not event)

    @classmethod
    def of(cls, queryset):
        """The objects picked in an admin changelist (entries of one kind, or records), in any status."""
        model = queryset.model
        picked = model.objects.filter(pk__in=queryset.order_by().values("pk"))
        entries = {kind: kind.objects.none() for kind in registry.entry_models()}
        if model in entries:
            return cls({**entries, model: picked}, statuses=None)
        return cls(entries, {model: picked}, statuses=None)


def event_and_parts(event):
    """The pks of ``event`` and of its parts, at any depth (a query per level)."""
    Event = type(event)
    family, level = {event.pk}, {event.pk}
    while level:
        level = set(Event.objects.filter(parent__in=level).exclude(pk__in=family).values_list("pk", flat=True))
        family |= level
    return family


def with_ancestors(model, pks, parent="parent"):
    """``pks`` and the pks of all their parents (a query per level)."""
    found, level = set(pks), set(pks)
    while level:
        rows = model.objects.filter(pk__in=level, **{f"{parent}__isnull": False}).values_list(parent, flat=True)
        level = set(rows) - found
        found |= level
    return found


def any_of(*subqueries):
    """Rows whose id one of ``subqueries`` gives: one ``IN`` of their ``UNION ALL``.

    Not ``IN a OR IN b``: under an ``OR`` PostgreSQL cannot join a subquery, and one too
    large to hash in memory is read again for every row: at a million claims, one query
    of the export's selection ran 22 minutes before it was stopped.
    """
    parts = [subquery.order_by() for subquery in subqueries]
    if not parts:
        return Q(pk__in=[])
    return Q(pk__in=parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])


def relations_to(model, targets):
    """``[(field, True when many-to-many)]`` of ``model``'s own fields that refer to ``targets``."""
    return [
        (f, f.many_to_many)
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created and f.is_relation and f.related_model in targets
    ]


def referred(queryset, field_, many):
    """A subquery of the ids that ``field_`` of the rows of ``queryset`` refers to."""
    if not many:
        return queryset.filter(**{f"{field_.name}__isnull": False}).values(field_.name)
    through = field_.remote_field.through
    return through.objects.filter(**{f"{field_.m2m_field_name()}__in": queryset}).values(
        field_.m2m_reverse_field_name()
    )


def resolve(selection):
    """``{label: queryset}``: exactly the objects the export writes, and what it leaves out.

    Returns ``(querysets, left_out)``: ``left_out`` is ``[(entry model, queryset)]`` of
    entries that were selected but refer, by a foreign key, to an entry that may not be
    exported (a verified quote of an unverified joint statement): writing it would leak
    the other entry or break its key. Links (many-to-many) to entries that are not
    exported are dropped instead (``object_rows``).
    """
    models_ = exported_models()
    if selection.everything:
        return {label_of(m): m.objects.all() for m in models_}, []

    kinds = entry_kinds_in_dependency_order()
    entry_models = {kind.model for kind in kinds}
    chosen = dict(selection.entries)
    left_out = []
    # Those that refer to other kinds first (claims, then quotes): what they need is added
    # to the kinds that come before them in the file.
    for kind in reversed(kinds):
        queryset = chosen.get(kind.model, kind.model.objects.none())
        for field_, many in relations_to(kind.model, entry_models - {kind.model}):
            if many:
                continue
            target = field_.related_model
            if selection.statuses is not None:
                # The other entry's status through a join, not "IN (the allowed ones)": see any_of.
                keeps = Q(**{f"{field_.name}__isnull": True}) | Q(**{f"{field_.name}__status__in": selection.statuses})
                left_out.append((kind.model, queryset.exclude(keeps), field_.name))
                queryset = queryset.filter(keeps)
            wanted = chosen.get(target, target.objects.none()).values("pk")
            chosen[target] = target.objects.filter(any_of(wanted, referred(queryset, field_, many)))
        chosen[kind.model] = queryset

    result = {}
    for kind in kinds:
        entries = chosen[kind.model]
        result[kind.model] = entries
        citation = kind.citation_model
        result[citation] = citation.objects.filter(**{f"{citation.entry_field}__in": entries})
        for part, _ in kind.part_models:
            # A part (a relation between two claims) goes when every entry it joins goes.
            links = {f"{f.name}__in": entries for f, many in relations_to(part, {kind.model}) if not many}
            result[part] = part.objects.filter(**links)
        # The log of published versions goes with its entry.
        publication = kind.publication_model
        result[publication] = publication.objects.filter(**{f"{publication.entry_field}__in": entries})

    # Records: what the exported rows refer to, those that refer to other records first
    # (sources, then the events, people and organizations they and the entries name).
    for record in reversed(registry.records()):
        wanted = [queryset.values("pk") for model, queryset in selection.records.items() if model is record]
        for model, queryset in list(result.items()):
            for field_, many in relations_to(model, {record}):
                if model is not record:
                    wanted.append(referred(queryset, field_, many))
        parents = [f for f, many in relations_to(record, {record}) if not many]
        if parents:
            # A part of an event goes with its parent: these are few, their ids may be held.
            pks = set(record.objects.filter(any_of(*wanted)).values_list("pk", flat=True))
            result[record] = record.objects.filter(pk__in=with_ancestors(record, pks, parents[0].name))
        else:
            result[record] = record.objects.filter(any_of(*wanted))
    return {label_of(m): result[m] for m in models_}, left_out


# -- Writing an export -------------------------------------------------------------------


def object_rows(label, queryset):
    """``(pk, fixture object)`` for each object of ``queryset``, sorted by natural key, in chunks."""
    model = get_model(label)
    entries = entry_labels()
    entry_targets = {}
    for plan in field_plans(model):
        if plan.kind == "m2m" and label_of(plan.field.related_model) in entries:
            entry_targets[plan.name] = label_of(plan.field.related_model)
    rows = queryset.order_by(*natural_key_ordering(model)).values(*value_paths(model))
    return rows, entry_targets, chunk_size(model)


class Exporter:
    """Writes a selection as a fixture, object by object.

    ``progress(label, done, total)`` is called after each chunk, when given.
    """

    def __init__(self, selection, *, indent=2, progress=None):
        self.selection = selection
        self.indent = indent or None
        self.progress = progress
        self.counts = {}
        self.left_out = []

    def dumps(self, obj):
        return render(obj, self.indent)

    def blank(self, model):
        """A change waiting for review is not what readers see: only a full backup keeps it."""
        if self.selection.everything:
            return ()
        return getattr(model, "UNPUBLISHED_FIELDS", ())

    def chunks(self):
        """The fixture as pieces of text, in order (for a streaming response or a file)."""
        querysets, left_out = resolve(self.selection)
        self.left_out = []
        for model, queryset, name in left_out:
            role, target = model.reference_names(name)
            noun = model._meta.verbose_name
            rows = queryset.order_by(bytewise(model, "slug")).values_list("slug", f"{name}__slug")
            self.left_out += [
                f"{noun} “{slug}”: its {role}, the {target} “{other}”, is not verified" for slug, other in rows
            ]
        first = True
        yield "["
        for label, queryset in querysets.items():
            for obj in self.objects(label, queryset, querysets):
                yield ("\n" if first else ",\n") + self.dumps(obj)
                first = False
        yield "\n]\n"

    def objects(self, label, queryset, querysets):
        model = get_model(label)
        total = queryset.count() if self.progress else None
        done = 0
        if label == "events.event":
            # Parents before their parts, so that a plain loaddata never defers a key.
            rows = preorder(list(queryset.order_by(*natural_key_ordering(model)).values(*value_paths(model))))
            for row in rows:
                yield {"model": label, "fields": fields_of(model, row, {}, self.blank(model))}
            done = len(rows)
        else:
            rows, entry_targets, size = object_rows(label, queryset)
            m2m_fields = model._meta.local_many_to_many
            for chunk in chunked(rows.iterator(chunk_size=size), size):
                pks = [row["pk"] for row in chunk]
                m2m = {}
                for m2m_field in m2m_fields:
                    target = entry_targets.get(m2m_field.name)
                    m2m[m2m_field.name] = m2m_keys(m2m_field, pks, querysets[target] if target else None)
                for row in chunk:
                    yield {"model": label, "fields": fields_of(model, row, m2m, self.blank(model))}
                done += len(chunk)
                if self.progress:
                    self.progress(label, done, total)
        self.counts[label] = done

    def write(self, stream):
        """Write the whole fixture to a text stream; in one snapshot on PostgreSQL."""
        with Snapshot():
            for piece in self.chunks():
                stream.write(piece)
        return self.counts


def preorder(rows):
    """Events in tree order: each root by slug, then its parts by slug, depth first."""
    children = defaultdict(list)
    slugs = {row["slug"] for row in rows}
    for row in rows:
        parent = row["parent__slug"]
        children[parent if parent in slugs else None].append(row)
    ordered = []
    stack = list(reversed(sorted(children[None], key=lambda r: r["slug"])))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(sorted(children[row["slug"]], key=lambda r: r["slug"])))
    return ordered


class Snapshot:
    """On PostgreSQL, read the whole export in one repeatable-read transaction.

    A long export then sees one state of the database even while people edit: no
    citation of a claim that was deleted halfway through. SQLite reads each query on
    its own (a transaction there would lock out writers for the whole export).
    """

    def __enter__(self):
        self.atomic = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        if self.atomic is not None:
            return self.atomic.__exit__(*exc)
        return False


def export_to_file(selection, path, **options):
    """Write the export next to ``path`` and move it in place: never a half-written file.

    A path that is not a regular file (/dev/null, a pipe) is written to directly:
    moving a file over it would replace the device or pipe itself.
    """
    path = os.path.realpath(path)  # through a symbolic link to the file it names
    if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
        exporter = Exporter(selection, **options)
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            exporter.write(stream)
        return exporter
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".export-", suffix=".json")
    exporter = Exporter(selection, **options)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            exporter.write(stream)
        # mkstemp makes the file private; give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return exporter
