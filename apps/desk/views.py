from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.editorial import registry, workflow
from apps.editorial.models import Status


def review_queue_view(request):
    """What awaits review across every kind of entry, oldest first."""
    models_ = [m for m in registry.entry_models() if workflow.can_verify(request.user, m)]
    if not models_:
        raise PermissionDenied
    rows = []
    for model in models_:
        queryset = model.objects.filter(status=Status.IN_REVIEW).select_related("created_by").for_review()
        for entry in queryset.prefetch_related("citations__source__relays"):
            rows.append(
                {
                    "entry": entry,
                    "kind": model._meta.verbose_name,
                    "url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[entry.pk]),
                    "supporting": len(entry.supporting_citations()),
                    "corroboration": entry.corroboration(),
                    "own": entry.created_by_id == request.user.pk,
                }
            )
    rows.sort(key=lambda row: (row["entry"].submitted_at is None, row["entry"].submitted_at, row["entry"].pk))
    context = {**admin.site.each_context(request), "title": "Review queue", "rows": rows}
    return TemplateResponse(request, "admin/desk/review_queue.html", context)
