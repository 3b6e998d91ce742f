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

from . import changes
from .models import ProposalKind, ProposalStatus, PublicationKind, Status

REVIEW_STATES = {"draft": "draft", "in_review": "in review", "published": "published", "retracted": "retracted"}


@dataclass(frozen=True)
class Transition:
    """A step of the workflow. It acts on what waits for review: a first version (the
    entry itself, not yet public) or a proposed change to a published entry (which stays
    public meanwhile)."""

    name: str
    label: str  # the button
    sources: tuple  # review states (``Entry.review_state``) it starts from
    editors_only: bool
    needs_note: bool
    done: str  # "… was verified"

    def applies(self, entry):
        if self.name == "retract":
            return entry.status == Status.VERIFIED
        if self.name == "withdraw":
            return entry.has_proposal
        if self.name == "check_evidence":
            return entry.status == Status.VERIFIED and entry.evidence_changed_at is not None
        return entry.review_state in self.sources


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", ("draft",), False, False, "submitted for review"),
        Transition("verify", "Verify", ("in_review",), True, False, "verified"),
        Transition("send_back", "Send back", ("in_review",), True, True, "sent back to its author"),
        Transition("retract", "Retract", ("published",), True, True, "retracted"),
        Transition(
            "withdraw", "Withdraw the proposed change", ("draft", "in_review"), False, False, "left as published"
        ),
        Transition("check_evidence", "Evidence checked", ("published",), True, False, "marked as checked"),
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
    if not transition.applies(entry):
        allowed = " or ".join(REVIEW_STATES[s] for s in transition.sources)
        now = REVIEW_STATES[entry.review_state]
        if transition.name == "withdraw":
            return [f"No change to this {noun} waits for review."]
        if transition.name == "check_evidence":
            return [f"The evidence of this {noun} did not change."]
        return [f"Only a {noun} that is {allowed} can be {transition.done}; this one is {now}."]
    problems = []
    if transition.needs_note and not note.strip():
        problems.append("Give a note saying why; the author and the history will show it.")
    if "\x00" in note:
        # As Django's form fields say it; PostgreSQL cannot store the character (a 500).
        problems.append("Null characters are not allowed in the note.")
    if transition.name == "verify":
        proposed = changes.proposed_state(entry)
        citations = proposed["parts"].get("citations", [])
        if not any(row["fields"].get("stance") == "supports" for row in citations):
            problems.append("It has no supporting citation: add the passage it rests on first.")
        if four_eyes() and user.pk in entry.excluded_reviewers():
            if entry.has_proposal:
                problems.append("You contributed to this change: another editor must approve it (four-eyes rule).")
            elif entry.created_by_id == user.pk:
                problems.append("You created it: another editor must verify it (four-eyes rule).")
            else:
                problems.append("You contributed to it: another editor must verify it (four-eyes rule).")
        if not entry.has_proposal:
            problems += entry.evidence_problems()
    return problems


def available(entry, user):
    """The transitions ``user`` could start on ``entry`` (their rules are checked on applying)."""
    model = type(entry)
    return [
        t
        for t in TRANSITIONS.values()
        if t.applies(entry) and can_change(user, model) and (not t.editors_only or can_verify(user, model))
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


def apply(entry, name, user, note="", expected_version=None, kind="", withhold_text=False):
    """Apply the transition ``name`` to ``entry`` as ``user``; return the saved entry.

    ``kind``, when a change to a published entry is submitted: an update or a correction
    (the published version was wrong; readers find it in the corrections).
    ``withhold_text`` (retract only): readers will see that the entry was retracted, and
    the correction, but never again what it said.

    Raises ``models.Conflict`` when the entry changed since ``expected_version``, and
    ``ValidationError`` (with every reason) when a rule refuses it.
    """
    transition = TRANSITIONS[name]
    model = type(entry)
    note = note.strip()
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
            proposal = current.has_proposal
            if name == "submit":
                if proposal:
                    current.proposal_status = ProposalStatus.IN_REVIEW
                    current.proposal_kind = kind or ProposalKind.UPDATE
                else:
                    current.status = Status.IN_REVIEW
                current.submitted_at, current.submission_note, current.review_note = now, note, ""
            elif name == "verify":
                publish(current, user, now)
            elif name == "send_back":
                if proposal:
                    current.proposal_status = ProposalStatus.DRAFT
                else:
                    current.status = Status.DRAFT
                current.review_note = note
            elif name == "retract":
                clear_proposal(current)
                current.status, current.retracted_at, current.correction = Status.RETRACTED, now, note
                current.text_withheld = bool(withhold_text)
                record_publication(current, user, now, PublicationKind.RETRACTION, reason=note)
            elif name == "withdraw":
                clear_proposal(current)
            elif name == "check_evidence":
                note = note or current.evidence_change
                current.evidence_changed_at, current.evidence_change = None, ""
            if problems := current.record_problems():
                raise ValidationError(problems)
            current.stamp(user)
            current.save()
            reversion.set_user(user)
            withheld = " Its text is withheld from readers." if current.text_withheld and name == "retract" else ""
            reversion.set_comment(f"{transition.done.capitalize()}.{withheld}" + (f" Note: {note}" if note else ""))
    return current


def clear_proposal(entry):
    entry.proposal, entry.proposal_status, entry.proposal_kind = None, "", ""
    entry.submission_note, entry.contributors = "", []


def publish(entry, user, now):
    """Make what waits for review the public version (call inside ``apply``'s transaction):
    write a proposed change to the rows, or publish a first version; refuse what the
    evidence rules refuse; record who, when, why and what changed."""
    before = changes.state(entry) if entry.has_proposal else None
    reason = entry.submission_note
    if entry.has_proposal:
        kind = PublicationKind.CORRECTION if entry.proposal_kind == ProposalKind.CORRECTION else PublicationKind.UPDATE
        changes.apply(entry, entry.proposal, user=user)
        if problems := entry.evidence_problems():
            raise ValidationError(problems)
    else:
        kind = PublicationKind.FIRST
    contributors = sorted(entry.excluded_reviewers())
    entry.status, entry.verified_by, entry.verified_at = Status.VERIFIED, user, now
    entry.review_note = ""
    entry.evidence_changed_at, entry.evidence_change = None, ""
    clear_proposal(entry)
    after = changes.state(entry)
    record_publication(
        entry,
        user,
        now,
        kind,
        reason=reason,
        summary=changes.summary(type(entry), before, after) if before is not None else [],
        digest=changes.digest(after),
        contributors=contributors,
    )


def record_publication(entry, user, now, kind, reason="", summary=(), digest="", contributors=()):
    publications = entry.publications
    last = publications.order_by("-number").values_list("number", flat=True).first() or 0
    publications.create(
        number=last + 1,
        published_at=now,
        published_by=user,
        kind=kind,
        reason=reason,
        changes=list(summary),
        digest=digest,
        contributors=list(contributors),
    )
