from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import TemplateView

from apps.claims.differences import where_sources_differ
from apps.editorial import registry
from apps.editorial.models import NEWEST_VERIFIED
from apps.events.models import Event

from .corrections import corrections


def favicon(request):
    """Browsers ask for /favicon.ico on every site, the admin included."""
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("site/favicon.svg"), permanent=True)


class HomeView(TemplateView):
    """The overview: the event, how much is verified, the latest entries, where sources differ."""

    template_name = "site/home.html"
    latest = 8
    differences = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(
            Event.objects.public()
            .filter(parent__isnull=True)
            .order_by(F("starts_on").desc(nulls_last=True), "name", "slug")[:3]
        )
        context["counts"] = [
            (kind.model._meta, kind.model.objects.verified().count(), kind.list_url) for kind in registry.entry_types()
        ]
        context["latest"] = latest_verified(self.latest)
        context["differences"] = where_sources_differ(self.differences)
        return context


def latest_verified(limit):
    """The ``limit`` most recently verified entries of every kind, newest first."""
    entries = []
    for kind in registry.entry_types():
        entries += (
            kind.model.objects.verified()
            .select_related(*kind.shown_with)
            .prefetch_related(*kind.prefetched_with)
            .order_by(*NEWEST_VERIFIED)[:limit]
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    # A stable sort: entries verified at one instant stay in the registry's order, each by slug.
    return sorted(entries, key=lambda e: e.verified_at or oldest, reverse=True)[:limit]


class CorrectionsView(TemplateView):
    """``/corrections/``: every retraction, newest first, what it said (unless withheld),
    what was wrong, when; a page number out of range shows the first or the last page."""

    template_name = "site/corrections.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(corrections(), self.per_page).get_page(self.request.GET.get("page"))
        context["page_obj"], context["paginator"] = page, page.paginator
        context["rows"] = page.object_list
        context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context
