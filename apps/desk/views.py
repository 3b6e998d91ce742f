from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.editorial import registry, workflow
from apps.editorial.models import ProposalStatus, Status


def change_url(entry):
    opts = entry._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])


def review_url(entry):
    opts = entry._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[entry.pk, "verify"])


def review_rows(user):
    """``(rows, evidence)``: what awaits ``user`` as an editor across every kind of entry,
    oldest first: first versions and changes in review, each with its author's note, and
    published entries whose evidence changed. None when they verify no kind of entry."""
    models_ = [m for m in registry.entry_models() if workflow.can_verify(user, m)]
    if not models_:
        return None
    rows, evidence = [], []
    for model in models_:
        waiting = Q(status=Status.IN_REVIEW) | Q(status=Status.VERIFIED, proposal_status=ProposalStatus.IN_REVIEW)
        queryset = model.objects.filter(waiting).select_related("created_by").for_review()
        for entry in queryset.prefetch_related("citations__source__relays"):
            rows.append(
                {
                    "entry": entry,
                    "kind": model._meta.verbose_name,
                    "what": "change" if entry.has_proposal else "first version",
                    "url": review_url(entry),
                    "supporting": len(entry.supporting_citations()),
                    "corroboration": entry.corroboration(),
                    "own": user.pk in entry.excluded_reviewers(),
                }
            )
        for entry in model.objects.filter(status=Status.VERIFIED, evidence_changed_at__isnull=False).order_by(
            "evidence_changed_at", "slug"
        ):
            evidence.append({"entry": entry, "kind": model._meta.verbose_name, "url": change_url(entry)})
    rows.sort(key=lambda row: (row["entry"].submitted_at is None, row["entry"].submitted_at, row["entry"].slug))
    return rows, evidence


def review_queue_view(request):
    """The review queue (``review_rows``), for editors."""
    found = review_rows(request.user)
    if found is None:
        raise PermissionDenied
    rows, evidence = found
    context = {**admin.site.each_context(request), "title": "Review queue", "rows": rows, "evidence": evidence}
    return TemplateResponse(request, "admin/desk/review_queue.html", context)


def my_work(user, limit=20):
    """The work of ``user`` that is not published, in three lists (the admin home page
    shows them): ``sent_back`` (with the editor's note), ``drafts`` and ``in_review``;
    first versions they created or worked on, and changes to published entries they
    worked on. The newest change first, at most ``limit`` of each kind of entry."""
    work = {"sent_back": [], "drafts": [], "in_review": []}
    open_ = Q(status__in=[Status.DRAFT, Status.IN_REVIEW]) | Q(
        status=Status.VERIFIED, proposal_status__in=ProposalStatus.values
    )
    # ``contributors`` is a list of ids: the text search narrows it down ("5" is in
    # "[15]" too), ``excluded_reviewers`` decides.
    theirs = Q(created_by=user) | Q(contributors__icontains=str(user.pk))
    for model in registry.entry_models():
        if not workflow.can_change(user, model):
            continue
        for entry in model.objects.filter(open_, theirs).order_by("-updated_at", "slug")[: limit * 3]:
            if user.pk not in entry.excluded_reviewers():
                continue
            row = {"entry": entry, "kind": model._meta.verbose_name, "url": change_url(entry)}
            state = entry.review_state
            if state == Status.IN_REVIEW:
                group = "in_review"
            else:
                group = "sent_back" if entry.review_note else "drafts"
            if len([r for r in work[group] if r["kind"] == row["kind"]]) < limit:
                work[group].append(row)
    for rows in work.values():
        rows.sort(key=lambda row: row["entry"].updated_at, reverse=True)
    return work


def sent_back_view(request):
    """What editors sent back to the person asking, with their notes: first versions and
    proposed changes they contributed to or created."""
    rows = []
    for model in registry.entry_models():
        if not workflow.can_change(request.user, model):
            continue
        sent_back = (Q(status=Status.DRAFT) | Q(status=Status.VERIFIED, proposal_status=ProposalStatus.DRAFT)) & ~Q(
            review_note=""
        )
        for entry in model.objects.filter(sent_back).order_by("-updated_at", "slug"):
            if request.user.pk in entry.excluded_reviewers():
                rows.append({"entry": entry, "kind": model._meta.verbose_name, "url": change_url(entry)})
    context = {**admin.site.each_context(request), "title": "Sent back to you", "rows": rows}
    return TemplateResponse(request, "admin/desk/sent_back.html", context)
