"""The rules of the editorial workflow, in one place.

Every write that moves an entry through the workflow — the buttons on the change form,
the bulk actions, a restore from history — calls these functions. Each runs in one
transaction, locks the entry's row, refuses a stale version (``Versioned``), saves
through ``save()`` (never ``queryset.update()``, which would skip history and the
conflict check) and records a revision with who did it and why.
"""

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from .models import Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    sources: tuple
    target: str
    editors_only: bool
    needs_note: bool
    done: str  # "… was verified"


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit", "Submit for review", (Status.DRAFT,), Status.IN_REVIEW, False, False, "submitted for review"
        ),
        Transition("verify", "Verify", (Status.IN_REVIEW,), Status.VERIFIED, True, False, "verified"),
        Transition("send_back", "Send back", (Status.IN_REVIEW,), Status.DRAFT, True, True, "sent back to its author"),
        Transition("retract", "Retract", (Status.VERIFIED,), Status.RETRACTED, True, True, "retracted"),
    ]
}


def can_verify(user, model):
    """Whether ``user`` may verify, send back and retract entries of ``model``."""
    return user.has_perm(model.verify_permission())


def can_change(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def four_eyes():
    return settings.SUMMITCMS_FOUR_EYES


def refusals(entry, transition, user, note=""):
    """Why ``user`` may not apply ``transition`` to ``entry`` now: a list of sentences."""
    model = type(entry)
    noun = model._meta.verbose_name
    if not can_change(user, model):
        return [f"You cannot change {model._meta.verbose_name_plural}."]
    if transition.editors_only and not can_verify(user, model):
        return [f"Only an editor can {transition.label.lower()} a {noun}."]
    if entry.status not in transition.sources:
        allowed = " or ".join(Status(s).label.lower() for s in transition.sources)
        now = entry.get_status_display().lower()
        return [f"Only a {noun} that is {allowed} can be {transition.done}; this one is {now}."]
    problems = []
    if transition.needs_note and not note.strip():
        problems.append("Give a note saying why; the author and the history will show it.")
    if "\x00" in note:
        # As Django's form fields say it; PostgreSQL cannot store the character (a 500).
        problems.append("Null characters are not allowed in the note.")
    if transition.target == Status.VERIFIED:
        if not entry.supporting_citations():
            problems.append("It has no supporting citation: add the passage it rests on first.")
        if four_eyes() and entry.created_by_id is not None and entry.created_by_id == user.pk:
            problems.append("You created it: another editor must verify it (four-eyes rule).")
        problems += entry.evidence_problems()
    return problems


def available(entry, user):
    """The transitions ``user`` could start on ``entry`` (their rules are checked on applying)."""
    model = type(entry)
    return [
        t
        for t in TRANSITIONS.values()
        if entry.status in t.sources and can_change(user, model) and (not t.editors_only or can_verify(user, model))
    ]


def ensure_baseline(entry):
    """Record the entry as it is before its first recorded change.

    Entries that arrived through ``loaddata`` have no history yet; without this their
    first edit would keep the new values but lose the old ones.
    """
    if not Version.objects.get_for_object(entry).exists():
        with reversion.create_revision():
            reversion.set_comment("Version before the first recorded change.")
            reversion.add_to_revision(entry)


def apply(entry, name, user, note="", expected_version=None, withhold_text=False):
    """Apply the transition ``name`` to ``entry`` as ``user``; return the saved entry.

    ``withhold_text`` (retract only): readers will see that the entry was retracted, and
    the correction, but never again what it said.

    Raises ``models.Conflict`` when the entry changed since ``expected_version``, and
    ``ValidationError`` (with every reason) when a rule refuses it.
    """
    transition = TRANSITIONS[name]
    model = type(entry)
    with transaction.atomic():
        current = model.lock(entry.pk)
        if expected_version is not None:
            current.check_version(expected_version)
        problems = refusals(current, transition, user, note)
        if problems:
            raise ValidationError(problems)
        ensure_baseline(current)
        with reversion.create_revision():
            now = timezone.now()
            current.status = transition.target
            if transition.target == Status.IN_REVIEW:
                current.submitted_at = now
            elif transition.target == Status.VERIFIED:
                current.verified_by, current.verified_at = user, now
                current.review_note = ""
            elif name == "send_back":
                current.review_note = note.strip()
            elif transition.target == Status.RETRACTED:
                current.retracted_at, current.correction = now, note.strip()
                current.text_withheld = bool(withhold_text)
            if problems := current.record_problems():
                raise ValidationError(problems)
            current.stamp(user)
            current.save()
            reversion.set_user(user)
            withheld = " Its text is withheld from readers." if current.text_withheld and name == "retract" else ""
            reversion.set_comment(
                f"{transition.done.capitalize()}.{withheld}" + (f" Note: {note.strip()}" if note.strip() else "")
            )
    return current


def return_to_review(entry, user, reason):
    """A verified entry whose content or evidence changed goes back to review.

    Call inside the transaction (and revision) that made the change.
    """
    entry.status = Status.IN_REVIEW
    entry.submitted_at = timezone.now()
    entry.stamp(user)
    entry.save()
    if reversion.is_active():
        reversion.set_comment(f"Returned to review: {reason}")
