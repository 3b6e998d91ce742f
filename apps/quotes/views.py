from django.db.models import Prefetch

from apps.actors.models import Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial.public import PublicDetailView, PublicListView, absolute, evidence_by_stance

from .filters import QuoteFilter
from .models import SAID_LATEST_FIRST, Quote
from .structured_data import quotation


class QuoteListView(PublicListView):
    filterset_class = QuoteFilter
    csv_name = "quotes"
    csv_evidence = True
    csv_columns = [
        ("url", absolute),
        ("text", lambda q, r: q.text),
        ("speaker", lambda q, r: q.public_speaker_name),
        ("said_on", lambda q, r: q.said_on.isoformat() if q.said_on else ""),
        ("occasion", lambda q, r: q.occasion or ""),
        ("language", lambda q, r: q.language),
        ("partial", lambda q, r: "yes" if q.is_partial else "no"),
        ("paraphrase", lambda q, r: "yes" if q.is_paraphrase else "no"),
        ("corroboration", lambda q, r: q.corroboration().label),
        ("verified_at", lambda q, r: q.verified_at.isoformat() if q.verified_at else ""),
    ]

    def get_queryset(self):
        quotes = Quote.objects.public().with_speakers().select_related("occasion").order_by(*SAID_LATEST_FIRST)
        # The page's badges read the stored corroboration; the CSV's rows carry the evidence.
        return quotes.with_evidence("source__outlet") if self.wants_csv() else quotes


class QuoteDetailView(PublicDetailView):
    def get_queryset(self):
        return (
            Quote.objects.public()
            .with_evidence("source__outlet")
            .with_speakers()
            .select_related("occasion__parent")
            .prefetch_related(
                "topics",
                # A joint statement's signatories, said beside it (no query for a person's words).
                Prefetch("speaker_statement__signatories", Person.objects.order_by("name", "slug")),
                Prefetch(
                    "agreements", Agreement.objects.verified().order_by("title", "slug"), to_attr="public_agreements"
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
        context["structured_data"] = quotation(self.object, self.request)
        return context
