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


def review_queue_view(request):
    """What awaits an editor across every kind of entry, oldest first: first versions and
    changes to published entries in review, each with its author's note, and published
    entries whose evidence changed."""
    models_ = [m for m in registry.entry_models() if workflow.can_verify(request.user, m)]
    if not models_:
        raise PermissionDenied
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
                    "own": request.user.pk in entry.excluded_reviewers(),
                }
            )
        for entry in model.objects.filter(status=Status.VERIFIED, evidence_changed_at__isnull=False).order_by(
            "evidence_changed_at", "slug"
        ):
            evidence.append({"entry": entry, "kind": model._meta.verbose_name, "url": change_url(entry)})
    rows.sort(key=lambda row: (row["entry"].submitted_at is None, row["entry"].submitted_at, row["entry"].slug))
    context = {**admin.site.each_context(request), "title": "Review queue", "rows": rows, "evidence": evidence}
    return TemplateResponse(request, "admin/desk/review_queue.html", context)


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
