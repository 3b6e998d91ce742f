"""Stored corroboration: ``corroboration_level`` and ``supporting_sources`` of every entry.

The rule lives in ``apps.editorial.corroboration.corroboration()``; this module runs it for
many entries at once, from a few value queries, and writes the result, so that the public
corroboration filter is one indexed comparison instead of the rule run over every entry,
and the badges of the public lists and search results (``stored_corroboration_badge``)
need no evidence loaded.

The stored values are the corroboration readers see: a claim is disputed by a
contradicting citation or by a ``contradicts`` relation to a *verified* claim (a draft
may never be published; see ``ClaimQuerySet.public``). The admin adds contradictions by
unpublished claims on top of it (``ClaimQuerySet.with_contradiction``).

They are recomputed whenever an input of the rule changes (``connect_signals``):

- a citation is saved or deleted: its entry, and the one it was moved away from;
- a claim relation is saved or deleted: both claims, before and after the change;
- a claim's status changes: the claims it is in a ``contradicts`` relation with;
- a source's outlet or relays change: every entry citing it.

Raw saves (``loaddata``, ``import_fixtures``, reverting a version) arrive in any order —
a citation before its entry, an entry before its citations — so the entries they touch
are recomputed once, together, when the transaction commits (what that writes bumps the
content version again, as every write does). Bulk writes send no signals: whoever makes
them calls ``refresh`` (``generate_corpus`` does), and ``check_corpus`` reports stale values.
"""

import functools
import threading

from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import registry
from .corroboration import corroboration

CHUNK = 500


class _Cited:
    """A citation as ``corroboration()`` reads it: a stance and a source."""

    def __init__(self, stance, source):
        self.stance = stance
        self.source = source


class _Outlet:
    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


class _Relays:
    """``source.relays`` as the rule reads it: ``.all()``, objects with a ``pk``."""

    __slots__ = ("outlets",)

    def __init__(self, outlet_ids):
        self.outlets = [_Outlet(pk) for pk in sorted(outlet_ids)]

    def all(self):
        return self.outlets


class _SourceStub:
    """A source with only what the independence rule reads (its id, its outlet, the
    outlets it relays), judged by the rule itself, the source model's ``is_independent_of``.

    A ``Source`` instance with ``relays`` prefetched gives the same answers, but builds
    a related manager on every read of ``relays``: recomputing an import of 100 000
    claims spent most of its time there.
    """

    __slots__ = ("pk", "outlet_id", "relays", "rule")

    def __init__(self, pk, outlet_id, relayed_ids, rule):
        self.pk, self.outlet_id, self.relays, self.rule = pk, outlet_id, _Relays(relayed_ids), rule

    def is_independent_of(self, other):
        return self.rule(self, other)


def _citation_model(model):
    """``(citation model, name of its foreign key to the entry)``; works on migration models too."""
    relation = model._meta.get_field("citations")
    return relation.related_model, relation.field.name


def _chunks(pks, size=CHUNK):
    pks = sorted(set(pks))
    for start in range(0, len(pks), size):
        yield pks[start : start + size]


def _contradicted(model, pks):
    """Ids among ``pks`` of entries in a ``contradicts`` relation with a verified entry:
    the pairs first, then the partners' statuses."""
    pairs = model.contradiction_pairs(pks)
    if not pairs:
        return set()
    partners = {partner for _, partner in pairs}
    verified = set(model.objects.filter(pk__in=partners, status="verified").values_list("pk", flat=True))
    return {pk for pk, partner in pairs if partner in verified}


def compute(model, pks):
    """``{pk: Corroboration}`` of the entries of ``model`` with these ids, in four queries
    per chunk whatever their citations (three for quotes and agreements)."""
    citation_model, entry = _citation_model(model)
    source_model = citation_model._meta.get_field("source").related_model
    relays_field = source_model._meta.get_field("relays")
    through = relays_field.remote_field.through
    from_column, to_column = relays_field.m2m_field_name(), relays_field.m2m_reverse_field_name()
    result = {}
    for chunk in _chunks(pks):
        rows = list(
            citation_model.objects.filter(**{f"{entry}_id__in": chunk})
            .order_by()
            .values_list(f"{entry}_id", "stance", "source_id", "source__outlet_id")
        )
        relays = {}
        source_ids = {row[2] for row in rows}
        for source_id, organization_id in (
            through.objects.filter(**{f"{from_column}_id__in": source_ids})
            .order_by()
            .values_list(f"{from_column}_id", f"{to_column}_id")
        ):
            relays.setdefault(source_id, set()).add(organization_id)
        sources = {
            source_id: _SourceStub(source_id, outlet_id, relays.get(source_id, ()), source_model.is_independent_of)
            for source_id, outlet_id in {(row[2], row[3]) for row in rows}
        }
        cited = {pk: [] for pk in chunk}
        for entry_id, stance, source_id, _ in rows:
            cited[entry_id].append(_Cited(stance, sources[source_id]))
        contradicted = _contradicted(model, chunk)
        for pk, citations in cited.items():
            result[pk] = corroboration(citations, contradicted=pk in contradicted)
    return result


def stale(model, stored):
    """``{pk: (stored, computed)}`` for each ``(pk, level, supporting sources)`` in
    ``stored`` whose values differ from what ``corroboration()`` gives now."""
    stored = {pk: (level, count) for pk, level, count in stored}
    computed = compute(model, stored)
    differing = {}
    for pk, values in stored.items():
        now = (computed[pk].level, computed[pk].supporting_sources)
        if values != now:
            differing[pk] = (values, now)
    return differing


def refresh(model, pks):
    """Recompute and store the corroboration of these entries; return how many changed.

    Ids of deleted entries are ignored. Writes with ``update()``: a derived value is not
    an edit (no history, no new version that would make an open form stale).
    """
    changed = 0
    for chunk in _chunks(pks):
        stored = model.objects.filter(pk__in=chunk).values_list("pk", "corroboration_level", "supporting_sources")
        groups = {}
        for pk, (_, (level, count)) in stale(model, stored).items():
            groups.setdefault((level, count), []).append(pk)
        for (level, count), ids in groups.items():
            changed += model.objects.filter(pk__in=ids).update(corroboration_level=level, supporting_sources=count)
    return changed


def refresh_all(model, queryset=None):
    """``refresh`` every entry of ``queryset`` (default: all of ``model``), a chunk at a time."""
    queryset = model.objects.all() if queryset is None else queryset
    pks = list(queryset.order_by().values_list("pk", flat=True))
    return refresh(model, pks)


def citing(source_ids):
    """``[(entry model, ids of its entries citing one of these sources)]``."""
    found = []
    for citation_model in registry.citation_models():
        entry = citation_model.entry_field
        ids = set(
            citation_model.objects.filter(source_id__in=source_ids).values_list(f"{entry}_id", flat=True).distinct()
        )
        if ids:
            found.append((citation_model._meta.get_field(entry).related_model, ids))
    return found


def contradiction_partners(model, pks):
    """Ids of the entries in a ``contradicts`` relation with one of ``pks``."""
    return {partner for _, partner in model.contradiction_pairs(pks)}


# -- Keeping them current ----------------------------------------------------------------

_local = threading.local()


class _Batch:
    """Entries to recompute when the transaction of a raw save commits."""

    def __init__(self, using):
        self.using = using
        self.pending = {}

    def add(self, model, pks):
        self.pending.setdefault(model, set()).update(pk for pk in pks if pk is not None)

    def refresh(self):
        pending, self.pending = self.pending, {}
        return sum(refresh(model, pks) for model, pks in pending.items())

    def run(self):
        batches = _local.__dict__.get("batches", {})
        if batches.get(self.using) is self:
            del batches[self.using]
        if self.pending:  # the first of its callbacks does the work
            with transaction.atomic(using=self.using):
                self.refresh()


def _deferred(model, pks, using):
    """Recompute at commit (at once outside a transaction): for raw saves, which deliver
    related rows in any order and many at a time."""
    connection = connections[using]
    if not connection.in_atomic_block:
        refresh(model, pks)
        return
    batches = _local.__dict__.setdefault("batches", {})
    batch = batches.get(using)
    if batch is None:
        batch = batches[using] = _Batch(using)
    batch.add(model, pks)
    # With each save: a rollback drops the callbacks registered since its savepoint, and
    # a batch must run if any of its saves is committed. One left over from a rolled-back
    # transaction runs with the next (recomputing ids that were rolled back costs a
    # query, and changes nothing).
    transaction.on_commit(batch.run, using=using)


def settle(using="default"):
    """Recompute now, inside the transaction, what the raw saves made so far in it touched
    (an import ends with this, so the values are right in the same commit)."""
    batch = _local.__dict__.get("batches", {}).get(using)
    return batch.refresh() if batch is not None else 0


def _recompute(model, pks, raw, using):
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    if raw:
        _deferred(model, pks, using)
    else:
        refresh(model, pks)


UNKNOWN = object()


def _remember(instance, *fields):
    """Note what ``fields`` hold now that the row is saved (``TracksLoaded`` notes them on load)."""
    instance._loaded = {**getattr(instance, "_loaded", {}), **{f: getattr(instance, f) for f in fields}}


def _before(instance, field):
    """The value ``field`` had when the instance was loaded or last saved, or ``UNKNOWN``."""
    return getattr(instance, "_loaded", {}).get(field, UNKNOWN)


def citation_saved(sender, instance, raw=False, using=None, **kwargs):
    column = f"{sender.entry_field}_id"
    entry_model = sender._meta.get_field(sender.entry_field).related_model
    _recompute(entry_model, {getattr(instance, column), _before(instance, column)} - {UNKNOWN}, raw, using)
    _remember(instance, column)


def citation_deleted(sender, instance, using=None, **kwargs):
    column = f"{sender.entry_field}_id"
    entry_model = sender._meta.get_field(sender.entry_field).related_model
    _recompute(entry_model, {getattr(instance, column)}, False, using)


def _entry_columns(part, entry_model):
    """The columns of a part's foreign keys to its entry (a relation has two: from and to)."""
    return [f.attname for f in part._meta.concrete_fields if f.is_relation and f.related_model is entry_model]


def part_saved(sender, instance, raw=False, using=None, entry_model=None, **kwargs):
    columns = _entry_columns(sender, entry_model)
    ids = {getattr(instance, column) for column in columns} | {_before(instance, column) for column in columns}
    _recompute(entry_model, ids - {UNKNOWN}, raw, using)
    _remember(instance, *columns)


def part_deleted(sender, instance, using=None, entry_model=None, **kwargs):
    _recompute(entry_model, {getattr(instance, column) for column in _entry_columns(sender, entry_model)}, False, using)


def entry_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    if raw:
        # Its citations and relations may have arrived before it.
        _recompute(sender, {instance.pk}, True, using)
    if not created and (raw or _before(instance, "status") != instance.status):
        # Only a verified entry disputes another as readers see it.
        _recompute(sender, contradiction_partners(sender, [instance.pk]), raw, using)
    _remember(instance, "status")


def source_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    if not created and (raw or _before(instance, "outlet_id") != instance.outlet_id):
        for model, ids in citing([instance.pk]):
            _recompute(model, ids, raw, using)
    _remember(instance, "outlet_id")


def relays_changed(sender, instance, action, reverse, pk_set, model=None, using=None, **kwargs):
    if action == "pre_clear" and reverse:
        # The organization's sources are gone after the clear: note them now.
        sources = sender.objects.filter(**{f"{sender_column(sender, instance)}": instance.pk})
        instance._corroboration_cleared = set(sources.values_list(source_column(sender, model), flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        sources = {instance.pk}
    elif action == "post_clear":
        sources = getattr(instance, "_corroboration_cleared", set())
    else:
        sources = set(pk_set or ())
    for model, ids in citing(sources):
        _recompute(model, ids, False, using)


def sender_column(through, instance):
    """The column of the many-to-many ``through`` table that points at ``instance``'s model."""
    return next(f.attname for f in through._meta.concrete_fields if f.related_model is type(instance))


def source_column(through, source_model):
    return next(f.attname for f in through._meta.concrete_fields if f.related_model is source_model)


def connect(kind):
    """Keep the stored corroboration of a kind of entry current (called when it registers):
    on every write of its entries, citations and parts, and of the sources they cite."""
    label = kind.label
    citation = kind.citation_model
    post_save.connect(citation_saved, sender=citation, dispatch_uid=f"corroboration-save-{label}-citation")
    post_delete.connect(citation_deleted, sender=citation, dispatch_uid=f"corroboration-delete-{label}-citation")
    for part, _ in kind.part_models:
        saved = functools.partial(part_saved, entry_model=kind.model)
        deleted = functools.partial(part_deleted, entry_model=kind.model)
        part_label = part._meta.label_lower
        post_save.connect(saved, sender=part, weak=False, dispatch_uid=f"corroboration-save-{part_label}")
        post_delete.connect(deleted, sender=part, weak=False, dispatch_uid=f"corroboration-delete-{part_label}")
    post_save.connect(entry_saved, sender=kind.model, dispatch_uid=f"corroboration-entry-{label}")
    source = citation._meta.get_field("source").related_model
    source_label = source._meta.label_lower
    post_save.connect(source_saved, sender=source, dispatch_uid=f"corroboration-{source_label}")
    m2m_changed.connect(
        relays_changed, sender=source.relays.through, dispatch_uid=f"corroboration-{source_label}-relays"
    )
