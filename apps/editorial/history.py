"""What changed between the recorded versions of a record, and restoring one.

django-reversion stores each save as a revision: the record and, for an entry, its
citations and relations (the models follow them). Here we compare consecutive
revisions field by field so the admin can show old and new values, and restore an
earlier version through the same rules as any other change.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from reversion.models import Version

from . import registry, workflow
from .models import Entry, Status, Versioned

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
    return Truncator(str(value)).chars(300)


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


def restore(obj, version, user, expected_version=None):
    """Make ``obj`` what it was in ``version``: its fields, citations and relations.

    The workflow fields stay as they are (a restore is an edit, not a verification): a
    verified entry whose content changes goes back to review. Refuses a stale copy and
    anything the rules refuse, changing nothing.
    """
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
                if is_entry and current.status == Status.VERIFIED:
                    workflow.return_to_review(current, user, "restored an earlier version.")
                if is_entry and model.__name__ == "Quote" and (problem := current.check_text_in_evidence()):
                    raise ValidationError(problem)
                reversion.set_user(user)
                when = version.revision.date_created.strftime("%Y-%m-%d %H:%M:%S")
                reversion.set_comment(f"Restored the version of {when} (UTC).")
        except IntegrityError as error:
            raise ValidationError(f"That version cannot be restored: {error}") from None
    return current
