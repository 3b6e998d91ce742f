from django.db.models import F, Prefetch
from django.views.generic import DetailView

from apps.actors.models import Organization
from apps.agreements.models import AgreementCitation
from apps.claims.models import ClaimCitation
from apps.editorial.models import Status
from apps.editorial.public import PublicListView, absolute, count_of, first
from apps.quotes.models import QuoteCitation

from .filters import SourceFilter
from .models import Source
from .passages import mark_passages

VERIFIED = Status.VERIFIED


class SourceQueryMixin:
    def get_queryset(self):
        # Sources are published articles: all of them are public. What is marked and
        # listed on them is only what verified entries cite.
        relays = Organization.objects.order_by("name", "slug")
        return Source.objects.select_related("outlet").prefetch_related(Prefetch("relays", relays))


def verified_entries():
    """How many verified entries cite the source (an annotation)."""
    return (
        count_of(ClaimCitation.objects.filter(claim__status=VERIFIED), "source", "claim", distinct=True)
        + count_of(QuoteCitation.objects.filter(quote__status=VERIFIED), "source", "quote", distinct=True)
        + count_of(AgreementCitation.objects.filter(agreement__status=VERIFIED), "source", "agreement", distinct=True)
    )


class SourceListView(SourceQueryMixin, PublicListView):
    filterset_class = SourceFilter
    csv_name = "sources"
    csv_columns = [
        ("url", absolute),
        ("title", lambda s, r: s.title),
        ("outlet", lambda s, r: s.outlet or ""),
        ("authors", lambda s, r: s.authors),
        ("published_on", lambda s, r: s.published_on.isoformat() if s.published_on else ""),
        ("kind", lambda s, r: s.get_kind_display()),
        ("language", lambda s, r: s.language),
        ("reliability", lambda s, r: s.reliability),
        ("relays", lambda s, r: "; ".join(o.name for o in s.relays.all())),
        ("original_url", lambda s, r: s.url),
        ("verified_entries_citing", lambda s, r: s.verified_entries),
    ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(verified_entries=verified_entries())
            .order_by(F("published_on").desc(nulls_last=True), "title", "slug")
        )


class SourceDetailView(SourceQueryMixin, DetailView):
    listed = 100  # citing entries shown per kind; every cited passage is marked

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        citations = {
            "claims": ClaimCitation.objects.filter(source=source, claim__status=VERIFIED).select_related("claim"),
            "quotes": QuoteCitation.objects.filter(source=source, quote__status=VERIFIED).select_related(
                "quote", "quote__speaker", "quote__speaker_organization", "quote__speaker_statement"
            ),
            "agreements": AgreementCitation.objects.filter(source=source, agreement__status=VERIFIED).select_related(
                "agreement"
            ),
        }
        spans, cited_by, more = set(), {}, False
        for kind, rows in citations.items():
            spans.update(rows.values_list("start", "end").distinct())
            entry = rows.model.entry_field
            shown, more_of_kind = first(rows.order_by("start", "end", f"{entry}__slug"), self.listed)
            more = more or more_of_kind
            entries = {}
            for citation in shown:
                citation.source = source  # the one being shown: no query per passage
                entries.setdefault(citation.entry, []).append(citation)
            cited_by[kind] = list(entries.items())
        context["marked_body"] = mark_passages(source.body, spans)
        context["cited_by"] = cited_by
        context["more_cited_by"] = more
        context["passages"] = len(spans)
        return context
