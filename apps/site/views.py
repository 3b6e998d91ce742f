from datetime import UTC, datetime

from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import TemplateView

from apps.claims.models import Claim, ClaimCitation, ClaimRelation, RelationKind
from apps.editorial import registry
from apps.editorial.models import NEWEST_VERIFIED, Status
from apps.events.models import Event


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
        entries += kind.model.objects.verified().select_related(*kind.shown_with).order_by(*NEWEST_VERIFIED)[:limit]
    oldest = datetime.min.replace(tzinfo=UTC)
    # A stable sort: entries verified at one instant stay in the registry's order, each by slug.
    return sorted(entries, key=lambda e: e.verified_at or oldest, reverse=True)[:limit]


def where_sources_differ(limit):
    """Claims disputed by their own evidence or by another verified claim, each with the
    evidence on both sides: ``[(left claim, right claim or None)]``."""
    pairs = list(
        ClaimRelation.objects.filter(
            kind=RelationKind.CONTRADICTS, from_claim__status=Status.VERIFIED, to_claim__status=Status.VERIFIED
        )
        .select_related("from_claim", "to_claim")
        # The newest contradictions first, by a key that travels with the data.
        .order_by("-from_claim__verified_at", "from_claim__slug", "to_claim__slug")[:limit]
    )
    in_pairs = {c.pk for r in pairs for c in (r.from_claim, r.to_claim)}
    contradicted = ClaimCitation.objects.filter(claim=OuterRef("pk"), stance="contradicts")
    alone = list(
        Claim.objects.verified()
        .filter(Exists(contradicted))
        .exclude(pk__in=in_pairs)
        .order_by(*NEWEST_VERIFIED)[: max(limit - len(pairs), 0)]
    )
    claims = [c for r in pairs for c in (r.from_claim, r.to_claim)] + alone
    prefetch_related_objects(
        claims,
        Prefetch(
            "citations",
            ClaimCitation.objects.select_related("source", "source__outlet").order_by("start", "end", "source__slug"),
        ),
    )
    return [(r.from_claim, r.to_claim) for r in pairs] + [(claim, None) for claim in alone]
