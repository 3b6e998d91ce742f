from django.db.models import Prefetch

from apps.actors.models import Organization, Person
from apps.claims.models import Claim
from apps.editorial.public import PublicDetailView, PublicListView, absolute, evidence_by_stance
from apps.quotes.models import Quote

from .filters import AgreementFilter
from .models import SIGNED_LATEST_FIRST, Agreement


def names(objects):
    return "; ".join(str(o) for o in objects)


class AgreementListView(PublicListView):
    filterset_class = AgreementFilter
    csv_name = "agreements"
    csv_evidence = True
    csv_columns = [
        ("url", absolute),
        ("title", lambda a, r: a.title),
        ("kind", lambda a, r: a.get_kind_display()),
        ("documents", lambda a, r: a.documents),
        ("parties", lambda a, r: names(a.parties.all())),
        ("signatories", lambda a, r: names(a.signatories.all())),
        ("signed_on", lambda a, r: a.signed_on.isoformat() if a.signed_on else ""),
        ("place", lambda a, r: a.place),
        ("event", lambda a, r: a.event or ""),
        ("corroboration", lambda a, r: a.corroboration().label),
        ("verified_at", lambda a, r: a.verified_at.isoformat() if a.verified_at else ""),
    ]

    def get_queryset(self):
        agreements = Agreement.objects.public().select_related("event").order_by(*SIGNED_LATEST_FIRST)
        # The page's badges read the stored corroboration; the CSV's rows carry the evidence.
        if self.wants_csv():
            return agreements.with_evidence("source__outlet").prefetch_related(
                Prefetch("parties", Organization.objects.order_by("name", "slug")),
                Prefetch("signatories", Person.objects.order_by("name", "slug")),
            )
        return agreements


class AgreementDetailView(PublicDetailView):
    def get_queryset(self):
        return (
            Agreement.objects.public()
            .with_evidence("source__outlet")
            .select_related("event", "event__parent")
            .prefetch_related(
                "topics",
                Prefetch("parties", Organization.objects.order_by("name", "slug")),
                Prefetch("signatories", Person.objects.order_by("name", "slug")),
                Prefetch(
                    "quotes",
                    Quote.objects.verified().with_speakers(),
                    to_attr="public_quotes",
                ),
                Prefetch(
                    "quoted_in",
                    Quote.objects.verified().select_related("speaker_statement").order_by("said_on", "slug"),
                    to_attr="public_statement_quotes",
                ),
                Prefetch(
                    "claims",
                    Claim.objects.verified().select_related("event", "attributed_to").order_by("statement", "slug"),
                    to_attr="public_claims",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evidence"] = evidence_by_stance(self.object.citations.all())
        # Its own words are under "What it says", not again among the quotes about it.
        context["quotes_about"] = [q for q in self.object.public_quotes if q.speaker_statement_id != self.object.pk]
        return context
