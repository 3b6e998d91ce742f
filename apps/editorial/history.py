"""What changed between the recorded versions of a record, and restoring one.

django-reversion stores each save as a revision: the record and, for an entry, its
citations and relations (the models follow them). Here we compare consecutive
revisions field by field so the admin can show old and new values, and restore an
earlier version through the same rules as any other change.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from reversion.models import Version

from summitcms.lib.words import shorten

from . import changes, registry, workflow
from .models import Entry, ProposalStatus, Status, Versioned

# Kept by the workflow and the stamps; a restore never writes them, a diff shows status only.
WORKFLOW_FIELDS = {
    "status",
    "verified_by",
    "verified_at",
    "submitted_at",
    "review_note",
    "retracted_at",
    "correction",
    "text_withheld",
    "version",
}
STAMP_FIELDS = {"created_by", "created_at", "updated_by", "updated_at"}
DERIVED_FIELDS = {"content_hash", "start", "end"}
HIDDEN_IN_DIFF = STAMP_FIELDS | DERIVED_FIELDS | {"version", "verified_at", "submitted_at", "retracted_at"}


def content_fields(model):
    """Fields a restore writes back: what people typed, not what the workflow keeps."""
    return [
        f
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and f.name not in WORKFLOW_FIELDS | STAMP_FIELDS | DERIVED_FIELDS
        and not f.primary_key
        and not (f.many_to_many and not f.concrete)
    ]


def children(model):
    """The followed relations: ``[(accessor, child model, name of its key to the parent)]``."""
    result = []
    follow = registry.entry_type(model).follow() if model in registry.entry_models() else ()
    for name in follow:
        relation = model._meta.get_field(name)
        result.append((name, relation.related_model, relation.field.name))
    return result


def _display(field, value, names):
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join(sorted(names.get((field.related_model, pk), f"#{pk}") for pk in value))
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return shorten(value, 300)


def _names(model, dicts):
    """Readable names of every object the dicts refer to: one query per related model."""
    wanted = {}
    for field in model._meta.get_fields():
        if not (field.concrete or field.many_to_many) or not field.is_relation or field.auto_created:
            continue
        key = field.attname if not field.many_to_many else field.name
        for data in dicts:
            value = data.get(key)
            for pk in value if isinstance(value, list) else [value]:
                if pk is not None:
                    wanted.setdefault(field.related_model, set()).add(pk)
    names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = obj.get_username() if hasattr(obj, "get_username") else str(obj)
    return names


def field_changes(model, old, new):
    """``[(label, old value, new value)]`` for the fields that differ between two field dicts."""
    shown = [
        f
        for f in model._meta.get_fields()
        if (f.concrete or (f.many_to_many and f.concrete)) and not f.auto_created and f.name not in HIDDEN_IN_DIFF
    ]
    names = _names(model, [old, new])
    changes = []
    for field in shown:
        key = field.name if field.many_to_many else field.attname
        before, after = old.get(key), new.get(key)
        if field.many_to_many:
            before, after = sorted(before or []), sorted(after or [])
        if before != after:
            changes.append((str(field.verbose_name), _display(field, before, names), _display(field, after, names)))
    return changes


def _child_snapshot(revision, child_model, parent_key, parent_pk):
    """``{pk: field dict}`` of the children of one parent stored in ``revision``."""
    versions = [v for v in revision.version_set.all() if v.content_type.model_class() is child_model]
    snapshot = {}
    for version in versions:
        data = version.field_dict
        if data.get(f"{parent_key}_id") == parent_pk:
            snapshot[int(version.object_id)] = data
    return snapshot


def child_changes(model, obj, old_revision, new_revision):
    """Added, removed and changed citations and relations between two revisions."""
    lines = []
    for _name, child_model, parent_key in children(model):
        old = _child_snapshot(old_revision, child_model, parent_key, obj.pk) if old_revision else {}
        new = _child_snapshot(new_revision, child_model, parent_key, obj.pk)
        noun = child_model._meta.verbose_name
        names = _names(child_model, [*old.values(), *new.values()])

        def describe(data, child_model=child_model, parent_key=parent_key, names=names):
            hidden = HIDDEN_IN_DIFF | {"id", parent_key}
            fields = [f for f in child_model._meta.concrete_fields if f.name not in hidden]
            return "; ".join(
                f"{f.verbose_name}: {_display(f, data.get(f.attname), names)}" for f in fields if data.get(f.attname)
            )

        for pk in sorted(new.keys() - old.keys()):
            lines.append((f"{noun} added", "—", describe(new[pk])))
        for pk in sorted(old.keys() - new.keys()):
            lines.append((f"{noun} removed", describe(old[pk]), "—"))
        for pk in sorted(old.keys() & new.keys()):
            if describe(old[pk]) != describe(new[pk]):
                lines.append((f"{noun} changed", describe(old[pk]), describe(new[pk])))
    return lines


def timeline(obj):
    """Every recorded version of ``obj``, newest first, each with what it changed."""
    model = type(obj)
    versions = list(
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .prefetch_related("revision__version_set__content_type")
        .order_by("revision__date_created", "pk")
    )
    rows = []
    previous = None
    for version in versions:
        data = version.field_dict
        changes = field_changes(model, previous.field_dict, data) if previous else []
        changes += child_changes(model, obj, previous.revision if previous else None, version.revision)
        rows.append({"version": version, "revision": version.revision, "changes": changes, "first": previous is None})
        previous = version
    rows.reverse()
    return rows


def version_state(entry, version):
    """What ``entry`` was in ``version``, as a state (``changes.state``): its fields,
    links and parts, every reference a natural key. Raises ``changes.Unresolvable`` when it
    names a record that no longer exists."""
    model = type(entry)
    data = version.field_dict

    def value(field, stored):
        if stored is None:
            return None
        if field.is_relation:
            target = field.related_model._default_manager.filter(pk=stored).first()
            if target is None:
                noun = field.related_model._meta.verbose_name
                raise changes.Unresolvable(f"That version names a {noun} that no longer exists.")
            return list(target.natural_key())
        return changes._plain(stored)

    result = {
        "fields": {f.name: value(f, data.get(f.attname)) for f in changes.entry_fields(model) if f.attname in data},
        "links": {},
        "parts": {},
    }
    for field in changes.link_fields(model):
        result["links"][field.name] = sorted(value(field, pk) for pk in data.get(field.name, []))
    for accessor, part_model, key in changes.parts(model):
        rows = _child_snapshot(version.revision, part_model, key, entry.pk)
        fields = changes.part_fields(part_model, key)
        result["parts"][accessor] = [
            {"id": pk, "fields": {f.name: value(f, row.get(f.attname)) for f in fields}}
            for pk, row in sorted(rows.items())
        ]
    return result


def restore_entry(entry, version, user, expected_version=None):
    """Propose what ``entry`` was in ``version`` as a change, reviewed like any other.

    A published entry keeps its published rows: the version becomes its proposed change
    (``changes``). An entry not yet published is its own work in progress: its rows are
    written. Nothing of the workflow changes either way.
    """
    model = type(entry)
    with transaction.atomic():
        current = model.lock(entry.pk)
        if expected_version is not None:
            current.check_version(expected_version)
        workflow.ensure_baseline(current)
        restored = version_state(current, version)
        when = version.revision.date_created.strftime("%Y-%m-%d %H:%M:%S")
        # The desk's own fields (internal notes) are restored on the row: never reviewed.
        for name in model.DESK_FIELDS:
            field = model._meta.get_field(name)
            setattr(current, field.attname, version.field_dict.get(field.attname, field.get_default()))
        with reversion.create_revision():
            if current.status == Status.VERIFIED:
                public = changes.state(current)
                restored = changes.with_new_ids(restored, changes.public_ids(current))
                if changes.same(restored, public):
                    workflow.clear_proposal(current)
                else:
                    if not changes.same(restored, changes.proposed_state(current)):
                        current.add_contributor(user)
                    current.proposal = restored
                    current.proposal_status = current.proposal_status or ProposalStatus.DRAFT
                comment = f"Proposed the version of {when} (UTC) again, as a change to review."
            else:
                try:
                    changes.apply(current, restored, user=user)
                except IntegrityError as error:
                    raise ValidationError(f"That version cannot be restored: {error}") from None
                if problems := current.evidence_problems():
                    raise ValidationError(problems)
                current.add_contributor(user)
                comment = f"Restored the version of {when} (UTC)."
            current.stamp(user)
            current.save()
            reversion.set_user(user)
            reversion.set_comment(comment)
    return current


def restore(obj, version, user, expected_version=None):
    """Make ``obj`` what it was in ``version``: its fields (and, for an entry, through
    ``restore_entry``). Refuses a stale copy and anything the rules refuse, changing nothing.
    """
    if isinstance(obj, Entry):
        return restore_entry(obj, version, user, expected_version)
    model = type(obj)
    is_entry = issubclass(model, Entry)
    with transaction.atomic():
        current = model.lock(obj.pk)
        if expected_version is not None:
            current.check_version(expected_version)
        workflow.ensure_baseline(current)
        try:
            with reversion.create_revision():
                old = version.field_dict
                many = []
                for field in content_fields(model):
                    if field.many_to_many:
                        many.append((field, old.get(field.name, [])))
                    else:
                        setattr(current, field.attname, old.get(field.attname, field.get_default()))
                current.stamp(user)
                current.full_clean(validate_unique=False)
                current.save()
                for field, pks in many:
                    getattr(current, field.name).set(pks)
                for accessor, child_model, parent_key in children(model):
                    snapshot = _child_snapshot(version.revision, child_model, parent_key, current.pk)
                    getattr(current, accessor).exclude(pk__in=snapshot.keys()).delete()
                    for pk, data in snapshot.items():
                        # The row as it is, when it is still there: a relation keeps counting its version.
                        child = child_model._default_manager.filter(pk=pk).first() or child_model(pk=pk)
                        for field in content_fields(child_model):
                            if field.attname in data:
                                setattr(child, field.attname, data[field.attname])
                        if isinstance(child, Versioned):
                            child.stamp(user)
                        child.save()  # citations re-anchor; refused when the source no longer has the passage
                if is_entry and (problems := current.evidence_problems()):
                    raise ValidationError(problems)
                reversion.set_user(user)
                when = version.revision.date_created.strftime("%Y-%m-%d %H:%M:%S")
                reversion.set_comment(f"Restored the version of {when} (UTC).")
        except IntegrityError as error:
            raise ValidationError(f"That version cannot be restored: {error}") from None
    return current
