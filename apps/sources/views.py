from django.db.models import Prefetch
from django.views.generic import DetailView

from apps.actors.models import Organization
from apps.editorial import registry
from apps.editorial.models import Status
from apps.editorial.public import PublicListView, absolute, count_of, first

from .filters import SourceFilter
from .models import PUBLISHED_LATEST_FIRST, Source
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
    counts = [
        count_of(model.objects.filter(**{f"{model.entry_field}__status": VERIFIED}), "source", model.entry_field, True)
        for model in registry.citation_models()
    ]
    return sum(counts[1:], counts[0])


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
        return super().get_queryset().annotate(verified_entries=verified_entries()).order_by(*PUBLISHED_LATEST_FIRST)


class SourceDetailView(SourceQueryMixin, DetailView):
    listed = 100  # citing entries shown per kind; every cited passage is marked

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        citations, prefetched = {}, {}
        for kind in registry.entry_types():
            entry = kind.citation_model.entry_field
            shown_with = [entry, *(f"{entry}__{name}" for name in kind.shown_with)]
            citations[kind.name] = kind.citation_model.objects.filter(
                source=source, **{f"{entry}__status": VERIFIED}
            ).select_related(*shown_with)
            prefetched[kind.name] = [f"{entry}__{name}" for name in kind.prefetched_with]
        spans, cited_by, more = set(), {}, False
        for kind, rows in citations.items():
            spans.update(rows.values_list("start", "end").distinct())
            entry = rows.model.entry_field
            listed = rows.prefetch_related(*prefetched[kind]).order_by("start", "end", f"{entry}__slug")
            shown, more_of_kind = first(listed, self.listed)
            more = more or more_of_kind
            entries = {}
            for citation in shown:
                citation.source = source  # the one being shown: no query per passage
                entries.setdefault(citation.entry, []).append(citation)
            cited_by[kind] = list(entries.items())
        context["marked_body"] = mark_passages(source.body, spans)
        context["cited_by"] = cited_by
        context["cited_by_any"] = any(cited_by.values())
        context["more_cited_by"] = more
        context["passages"] = len(spans)
        return context
