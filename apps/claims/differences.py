"""Where sources differ: verified claims that contradict each other, or that a source
contradicts, each with the evidence of both sides and the reason the analyst recorded.
The overview shows the newest; an event's page, those about the event."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects

from apps.editorial.models import NEWEST_VERIFIED, Status

from .models import Claim, ClaimCitation, ClaimRelation, RelationKind


@dataclass(frozen=True)
class Difference:
    """Two claims recorded as contradicting each other (``right``, with the relation's
    ``note``), or one claim and the passages that contradict it (``right`` is None: each
    passage carries its own note)."""

    left: object
    right: object = None
    note: str = ""

    def contradicting_citations(self):
        return [c for c in self.left.citations.all() if c.stance == "contradicts"]


def where_sources_differ(limit, claims=None):
    """At most ``limit`` differences, newest first: contradicting pairs of verified claims,
    then claims a passage contradicts. ``claims``: only those involving these claims (a
    queryset), e.g. an event's. A fixed number of queries."""
    relations = ClaimRelation.objects.filter(
        kind=RelationKind.CONTRADICTS, from_claim__status=Status.VERIFIED, to_claim__status=Status.VERIFIED
    )
    alone = Claim.objects.verified()
    if claims is not None:
        relations = relations.filter(Q(from_claim__in=claims.values("pk")) | Q(to_claim__in=claims.values("pk")))
        alone = alone.filter(pk__in=claims.values("pk"))
    pairs = list(
        relations.select_related("from_claim", "to_claim")
        # The newest contradictions first, by a key that travels with the data.
        .order_by("-from_claim__verified_at", "from_claim__slug", "to_claim__slug")[:limit]
    )
    in_pairs = {c.pk for r in pairs for c in (r.from_claim, r.to_claim)}
    contradicted = ClaimCitation.objects.filter(claim=OuterRef("pk"), stance="contradicts")
    alone = list(
        alone.filter(Exists(contradicted))
        .exclude(pk__in=in_pairs)
        .order_by(*NEWEST_VERIFIED)[: max(limit - len(pairs), 0)]
    )
    shown = [c for r in pairs for c in (r.from_claim, r.to_claim)] + alone
    prefetch_related_objects(
        shown,
        Prefetch(
            "citations",
            ClaimCitation.objects.select_related("source", "source__outlet").order_by("start", "end", "source__slug"),
        ),
    )
    return [Difference(r.from_claim, r.to_claim, r.note) for r in pairs] + [Difference(claim) for claim in alone]
