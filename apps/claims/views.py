from django.db.models import Prefetch

from apps.agreements.models import Agreement
from apps.editorial.models import NEWEST_VERIFIED
from apps.editorial.public import PublicDetailView, PublicListView, absolute, evidence_by_stance
from apps.quotes.models import Quote

from .filters import ClaimFilter
from .models import Claim
from .structured_data import claim_structured_data


def topics(claim, request):
    return "; ".join(t.name for t in claim.topics.all())


def verdict(claim, request):
    rating = claim.rating
    return rating.name if rating else ""


class ClaimListView(PublicListView):
    filterset_class = ClaimFilter
    csv_name = "claims"
    csv_evidence = True
    csv_columns = [
        ("url", absolute),
        ("statement", lambda c, r: c.statement),
        ("quantity", lambda c, r: c.quantity_display),
        ("quantity_value", lambda c, r: "" if c.quantity is None else f"{c.quantity.normalize():f}"),
        ("quantity_unit", lambda c, r: c.quantity_unit),
        ("event", lambda c, r: c.event or ""),
        ("attributed_to", lambda c, r: c.attributed_to or ""),
        ("topics", topics),
        ("corroboration", lambda c, r: c.corroboration().label),
        ("credibility", lambda c, r: c.get_credibility_display()),
        ("verdict", verdict),
        ("verified_at", lambda c, r: c.verified_at.isoformat() if c.verified_at else ""),
    ]

    def get_queryset(self):
        claims = Claim.objects.public().select_related("event", "attributed_to").order_by(*NEWEST_VERIFIED)
        # The page's badges read the stored corroboration; the CSV's rows carry the evidence.
        return claims.with_evidence("source__outlet").prefetch_related("topics") if self.wants_csv() else claims


class ClaimDetailView(PublicDetailView):
    def get_queryset(self):
        return (
            Claim.objects.public()
            .with_evidence("source__outlet")
            .select_related("event", "event__parent", "attributed_to")
            .with_public_relations()
            .prefetch_related(
                "topics",
                Prefetch(
                    "quotes",
                    Quote.objects.verified().with_speakers(),
                    to_attr="public_quotes",
                ),
                Prefetch(
                    "agreements", Agreement.objects.verified().order_by("title", "slug"), to_attr="public_agreements"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        context["evidence"] = evidence_by_stance(claim.citations.all())
        context["corroboration"] = claim.corroboration()
        context["disputes"] = claim.disputes()
        context["relations"] = claim.cross_references()
        context["structured_data"] = claim_structured_data(claim, self.request)
        return context
