from django.db.models import Prefetch

from apps.agreements.models import Agreement
from apps.editorial.models import NEWEST_VERIFIED, Status
from apps.editorial.public import PublicDetailView, PublicListView, absolute, evidence_by_stance
from apps.quotes.models import Quote

from .filters import ClaimFilter
from .models import Claim, ClaimRelation, RelationKind
from .structured_data import claim_review

VERIFIED = Status.VERIFIED
PASSIVE = {
    RelationKind.CONTRADICTS: "contradicted by",
    RelationKind.REFINES: "refined by",
    RelationKind.DUPLICATES: "duplicated by",
}


def topics(claim, request):
    return "; ".join(t.name for t in claim.topics.all())


class ClaimListView(PublicListView):
    filterset_class = ClaimFilter
    csv_name = "claims"
    csv_columns = [
        ("url", absolute),
        ("statement", lambda c, r: c.statement),
        ("quantity", lambda c, r: c.quantity_display),
        ("event", lambda c, r: c.event or ""),
        ("attributed_to", lambda c, r: c.attributed_to or ""),
        ("topics", topics),
        ("corroboration", lambda c, r: c.corroboration().label),
        ("credibility", lambda c, r: c.get_credibility_display()),
        ("verified_at", lambda c, r: c.verified_at.isoformat() if c.verified_at else ""),
    ]

    def get_queryset(self):
        claims = (
            Claim.objects.public().with_evidence().select_related("event", "attributed_to").order_by(*NEWEST_VERIFIED)
        )
        return claims.prefetch_related("topics") if self.wants_csv() else claims


class ClaimDetailView(PublicDetailView):
    def get_queryset(self):
        return (
            Claim.objects.public()
            .with_evidence("source__outlet")
            .select_related("event", "event__parent", "attributed_to")
            .prefetch_related(
                "topics",
                Prefetch(
                    "relations_from",
                    ClaimRelation.objects.filter(to_claim__status=VERIFIED)
                    .select_related("to_claim")
                    .order_by("kind", "to_claim__slug"),
                    to_attr="public_relations_from",
                ),
                Prefetch(
                    "relations_to",
                    ClaimRelation.objects.filter(from_claim__status=VERIFIED)
                    .select_related("from_claim")
                    .order_by("kind", "from_claim__slug"),
                    to_attr="public_relations_to",
                ),
                Prefetch(
                    "quotes",
                    Quote.objects.verified().select_related("speaker", "speaker_organization", "speaker_statement"),
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
        # "A contradicts B" reads, on B's page, "contradicted by A".
        context["relations"] = [(r.kind, r.get_kind_display(), r.to_claim) for r in claim.public_relations_from] + [
            (r.kind, PASSIVE[r.kind], r.from_claim) for r in claim.public_relations_to
        ]
        context["structured_data"] = claim_review(claim, self.request)
        return context
