from collections import Counter

from django.db.models import F
from django.views.generic import DetailView

from apps.agreements.models import Agreement
from apps.claims.differences import where_sources_differ
from apps.claims.models import BY_EVENT_DATE, Claim
from apps.editorial.public import count_of, first
from apps.quotes.models import Quote

from .models import Event

# The coverage matrix shows at most this many claims (the claims list has them all) and
# this many sources, those citing most of the claims shown.
MATRIX_ROWS = 100
MATRIX_COLUMNS = 12
# Where the sources about the event differ: at most this many (the claims list has every
# disputed claim).
DIFFERENCES = 10
STANCE_ORDER = ["supports", "contradicts", "mentions"]


def coverage_matrix(claims):
    """``(sources, rows, more sources)``: the sources that cite most of the claims, oldest
    first, and for each claim ``(claim, [its citations of each source])``. Reads the
    claims' prefetched citations."""
    sources, citing = {}, Counter()
    for claim in claims:
        for citation in claim.citations.all():
            sources.setdefault(citation.source.pk, citation.source)
            citing[citation.source.pk] += 1
    most_citing = [pk for pk, _ in citing.most_common(MATRIX_COLUMNS)]
    sources = sorted(
        (sources[pk] for pk in most_citing), key=lambda s: (s.published_on is None, s.published_on, s.title, s.slug)
    )
    rows = []
    for claim in claims:
        cited = {}
        for citation in sorted(claim.citations.all(), key=lambda c: (STANCE_ORDER.index(c.stance), c.start)):
            cited.setdefault(citation.source.pk, []).append(citation)
        rows.append((claim, [cited.get(source.pk, []) for source in sources]))
    return sources, rows, len(citing) - len(sources)


class EventDetailView(DetailView):
    queryset = Event.objects.public().select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        # The family from every event's link to its parent (two numbers each), and the
        # counts for the parts shown only: counted for every event, they read every
        # verified entry (1.7 s of the page at a million claims).
        children = {}
        for pk, parent in Event.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        # The event and every part of it, however deep; a loop written past the form's
        # check (through the shell, say) is walked once.
        family, stack = [], [event.pk]
        while stack:
            pk = stack.pop()
            if pk not in family:
                family.append(pk)
                stack.extend(children.get(pk, []))
        claims = (
            Claim.objects.public()
            .filter(event__in=family)
            .with_evidence("source__outlet")
            .select_related("event")
            .order_by(*BY_EVENT_DATE)
        )
        matrix_claims = list(claims[: MATRIX_ROWS + 1])
        context["more_claims"] = len(matrix_claims) > MATRIX_ROWS
        context["matrix_sources"], context["matrix_rows"], context["more_sources"] = coverage_matrix(
            matrix_claims[:MATRIX_ROWS]
        )
        context["differences"] = where_sources_differ(DIFFERENCES, claims=Claim.objects.filter(event__in=family))
        context["more_differences"] = len(context["differences"]) == DIFFERENCES
        context["parts"] = (
            Event.objects.filter(parent=event)
            .annotate(
                verified_claims=count_of(Claim.objects.verified(), "event"),
                verified_quotes=count_of(Quote.objects.verified(), "occasion"),
                verified_agreements=count_of(Agreement.objects.verified(), "event"),
            )
            .order_by(F("starts_on").asc(nulls_last=True), "sequence", "name", "slug")
        )
        context["quotes"], context["more_quotes"] = first(
            Quote.objects.verified()
            .filter(occasion__in=family)
            .with_speakers()
            .select_related("occasion")
            .order_by(F("said_on").asc(nulls_last=True), "slug")
        )
        context["agreements"], context["more_agreements"] = first(
            Agreement.objects.verified()
            .filter(event__in=family)
            .order_by(F("signed_on").asc(nulls_last=True), "title", "slug")
        )
        return context
