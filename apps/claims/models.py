from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from apps.actors.models import Person
from apps.agreements.models import Agreement
from apps.editorial.models import (
    Dispute,
    Entry,
    EntryManager,
    EntryQuerySet,
    LocallyStamped,
    Publication,
    Status,
    Topic,
    TracksLoaded,
)
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.sources.models import Citation
from summitcms.lib import numbers
from summitcms.lib.probes import has_a_row
from summitcms.lib.words import shorten

# Claims in the order of their events (an event page, the list's "Event date"); claims of
# no event, or of an undated one, last, on SQLite as on PostgreSQL.
BY_EVENT_DATE = (
    models.F("event__starts_on").asc(nulls_last=True),
    models.F("event__sequence").asc(nulls_last=True),
    models.F("statement"),
    models.F("slug"),
)


class Credibility(models.IntegerChoices):
    """Information credibility on the NATO/Admiralty scale."""

    CONFIRMED = 1, "1 – confirmed by other sources"
    PROBABLY_TRUE = 2, "2 – probably true"
    POSSIBLY_TRUE = 3, "3 – possibly true"
    DOUBTFUL = 4, "4 – doubtful"
    IMPROBABLE = 5, "5 – improbable"
    CANNOT_BE_JUDGED = 6, "6 – truth cannot be judged"


@dataclass(frozen=True)
class Rating:
    """The editor's assessment of a claim as a verdict (schema.org ``Rating``).

    From the information credibility grade (NATO/Admiralty scale), turned so that more is
    truer, as ClaimReview expects: ``value`` = 6 − grade, from ``worst`` 1 (grade 5,
    improbable) to ``best`` 5 (grade 1, confirmed by other sources). Grade 6, "truth
    cannot be judged", is no verdict: no rating.
    """

    grade: int
    name: str  # the verdict in words: "Probably true"

    best = 5
    worst = 1
    NAMES = {1: "Confirmed", 2: "Probably true", 3: "Possibly true", 4: "Doubtful", 5: "Improbable"}
    SCALE = "1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable"

    @classmethod
    def of(cls, grade):
        return cls(grade=grade, name=cls.NAMES[grade]) if grade in cls.NAMES else None

    @property
    def value(self):
        return 6 - self.grade


class QuantityQualifier(models.TextChoices):
    EXACTLY = "exactly", "exactly"
    ABOUT = "about", "about"
    MORE_THAN = "more_than", "more than"
    AT_LEAST = "at_least", "at least"
    UP_TO = "up_to", "up to"


class ClaimQuerySet(EntryQuerySet):
    def with_contradiction(self):
        """Annotate ``contradicted``, so ``corroboration()`` needs no query per claim for it."""
        contradicts = ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS)
        return self.annotate(
            contradicted=models.Exists(contradicts.filter(from_claim=models.OuterRef("pk")))
            | models.Exists(contradicts.filter(to_claim=models.OuterRef("pk")))
        )

    def public_contradiction(self):
        """Whether a *verified* claim is recorded as contradicting this one, or this one it.

        On public pages a draft cannot dispute a published claim: it may never be verified.
        """
        contradicts = ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS)
        # Probed claim by claim: a page shows 25 of them (see has_a_row).
        return has_a_row(
            contradicts.filter(from_claim=models.OuterRef("pk"), to_claim__status=Status.VERIFIED)
        ) | has_a_row(contradicts.filter(to_claim=models.OuterRef("pk"), from_claim__status=Status.VERIFIED))

    def for_review(self):
        return self.with_contradiction()

    def with_disputes(self):
        return self.with_public_relations()

    def with_public_relations(self):
        """Prefetch each claim's relations to and from *verified* claims, with those claims
        (``Claim.public_relations``, ``disputes()``): two queries however many claims."""
        return self.prefetch_related(
            models.Prefetch(
                "relations_from",
                ClaimRelation.objects.filter(to_claim__status=Status.VERIFIED)
                .select_related("to_claim")
                .order_by("kind", "to_claim__slug"),
                to_attr="public_relations_from",
            ),
            models.Prefetch(
                "relations_to",
                ClaimRelation.objects.filter(from_claim__status=Status.VERIFIED)
                .select_related("from_claim")
                .order_by("kind", "from_claim__slug"),
                to_attr="public_relations_to",
            ),
        )

    def public(self):
        """Verified claims, with ``contradicted`` annotated as readers may see it (see above)."""
        return self.verified().annotate(contradicted=self.public_contradiction())

    def disputed_condition(self):
        contradicts = ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS)
        return (
            super().disputed_condition()
            | models.Q(pk__in=contradicts.filter(to_claim__status=Status.VERIFIED).values("from_claim"))
            | models.Q(pk__in=contradicts.filter(from_claim__status=Status.VERIFIED).values("to_claim"))
        )


class ClaimManager(EntryManager.from_queryset(ClaimQuerySet)):
    pass


class Claim(Entry):
    """A factual assertion the coverage makes, in the analyst's words, resting on excerpts."""

    Credibility = Credibility
    Qualifier = QuantityQualifier

    statement = models.TextField(help_text="One checkable assertion, in your words.")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    attributed_to = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims_made",
        help_text="When the coverage reports the claim as someone's assertion or allegation.",
    )
    credibility = models.PositiveSmallIntegerField(choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED)
    quantity = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_unit = models.CharField(max_length=50, blank=True, help_text="E.g. USD, %, agreements.")
    quantity_qualifier = models.CharField(max_length=20, choices=QuantityQualifier.choices, blank=True)
    quantity_period = models.CharField(
        max_length=50, blank=True, help_text="The date or period the number refers to: 2022, March 2023, by 2030."
    )
    quotes = models.ManyToManyField(Quote, blank=True, related_name="claims")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="claims")

    class Meta(Entry.Meta):
        ordering = ["-updated_at"]
        permissions = [("verify_claim", "Can verify, send back and retract claims")]
        indexes = [
            # The admin's order, newest change first, unfiltered and by status (the
            # changelist adds "-id" to make the order total): page 1 reads 100 index
            # entries instead of sorting the table.
            models.Index(fields=["-updated_at", "-id"]),
            models.Index(fields=["status", "-updated_at", "-id"]),
            models.Index(fields=["event", "status"]),
            # Newest verified first (``NEWEST_VERIFIED``), on public lists, the overview and the feed.
            models.Index(fields=["status", "-verified_at", "slug"]),
            # The same, filtered by corroboration (``?corroboration=disputed``).
            models.Index(fields=["status", "corroboration_level", "-verified_at", "slug"]),
        ]
        constraints = [
            *Entry.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(credibility__gte=1, credibility__lte=6), name="claim_credibility_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_qualifier="") | models.Q(quantity_qualifier__in=QuantityQualifier.values),
                name="claim_quantity_qualifier_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=False)
                | (models.Q(quantity_unit="") & models.Q(quantity_qualifier="")),
                name="claim_unit_needs_quantity",
            ),
        ]

    def __str__(self):
        return shorten(self.statement, 90)

    def get_absolute_url(self):
        return reverse("claims:detail", args=[self.slug])

    @property
    def heading(self):
        return self.statement

    def feed_title(self):
        return f"Claim: {self.statement}"

    def feed_summary(self):
        rating = self.rating
        verdict = rating.name if rating else "The truth cannot be judged"
        return f"Assessment: {verdict}. {super().feed_summary()}"

    def clean(self):
        if self.quantity is None and (self.quantity_unit or self.quantity_qualifier):
            raise ValidationError({"quantity": "A unit or qualifier needs a quantity."})

    objects = ClaimManager()

    def is_contradicted(self):
        if hasattr(self, "contradicted"):
            return self.contradicted
        return any(r.kind == RelationKind.CONTRADICTS for r in self.relations_from.all()) or any(
            r.kind == RelationKind.CONTRADICTS for r in self.relations_to.all()
        )

    @classmethod
    def contradiction_pairs(cls, pks):
        # Plain lookups by indexed ids: a join on the partner's status makes SQLite scan the claims.
        contradicts = ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS).order_by()
        return [
            *contradicts.filter(from_claim_id__in=pks).values_list("from_claim_id", "to_claim_id"),
            *contradicts.filter(to_claim_id__in=pks).values_list("to_claim_id", "from_claim_id"),
        ]

    @property
    def quantity_display(self):
        """The quantity as a report writes it: "more than $200 billion (2023)",
        "about two-thirds (66.7 %) of bilateral trade"."""
        if self.quantity is None:
            return ""
        qualifier = self.get_quantity_qualifier_display() if self.quantity_qualifier else ""
        shown = " ".join(p for p in [qualifier, numbers.amount(self.quantity, self.quantity_unit)] if p)
        return f"{shown} ({self.quantity_period})" if self.quantity_period else shown

    def disputes(self):
        """Contradicting passages, then the verified claims recorded as contradicting this
        one (or that it contradicts), each with the relation's note. Reads the relations
        that ``ClaimQuerySet.with_public_relations()`` prefetches (a query each without)."""
        relations = [(r, r.to_claim) for r in self.public_relations("from")] + [
            (r, r.from_claim) for r in self.public_relations("to")
        ]
        return super().disputes() + [
            Dispute(reason=relation.note, other=other)
            for relation, other in relations
            if relation.kind == RelationKind.CONTRADICTS
        ]

    def cross_references(self):
        """``[CrossReference]``: this claim's relations to verified claims, each read from
        this claim's side ("A contradicts B" is, on B's page, "contradicted by A")."""
        return [
            CrossReference(r.kind, r.get_kind_display(), r.to_claim, r.note) for r in self.public_relations("from")
        ] + [CrossReference(r.kind, PASSIVE[r.kind], r.from_claim, r.note) for r in self.public_relations("to")]

    def public_relations(self, direction):
        """This claim's relations ``"from"`` it or ``"to"`` it whose other claim is verified."""
        prefetched = getattr(self, f"public_relations_{direction}", None)
        if prefetched is not None:
            return prefetched
        other = "to_claim" if direction == "from" else "from_claim"
        return list(
            getattr(self, f"relations_{direction}")
            .filter(**{f"{other}__status": Status.VERIFIED})
            .select_related(other)
            .order_by("kind", f"{other}__slug")
        )

    @property
    def rating(self):
        """The editor's verdict in ClaimReview's terms, or None when the truth cannot be judged."""
        return Rating.of(self.credibility)


class ClaimCitation(Citation):
    entry_field = "claim"
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        constraints = [
            *Citation.Meta.constraints,
            models.UniqueConstraint(fields=["claim", "source", "start", "end"], name="claimcitation_unique_passage"),
        ]

    def natural_key(self):
        return (self.claim.slug, self.source.slug, self.start, self.end)

    natural_key.dependencies = ["sources.source", "claims.claim"]


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "contradicts"
    REFINES = "refines", "refines"
    DUPLICATES = "duplicates", "duplicates"


PASSIVE = {
    RelationKind.CONTRADICTS: "contradicted by",
    RelationKind.REFINES: "refined by",
    RelationKind.DUPLICATES: "duplicated by",
}


@dataclass(frozen=True)
class CrossReference:
    kind: str  # contradicts, refines, duplicates
    label: str  # as read from this claim: "refines", "refined by"
    claim: object  # the other claim
    note: str


class ClaimRelationManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_claim__slug=from_slug, to_claim__slug=to_slug, kind=kind)


class ClaimRelation(TracksLoaded, LocallyStamped):
    """“from_claim contradicts / refines / duplicates to_claim”."""

    Kind = RelationKind
    tracked_fields = ("from_claim_id", "to_claim_id")

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    note = models.CharField(max_length=500, blank=True)

    objects = ClaimRelationManager()

    class Meta:
        ordering = ["from_claim", "kind", "to_claim"]
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim", "kind"], name="claimrelation_unique"),
            models.CheckConstraint(
                condition=~models.Q(from_claim=models.F("to_claim")), name="claimrelation_not_to_itself"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=RelationKind.values), name="claimrelation_kind_valid"),
        ]

    def __str__(self):
        return f"{self.from_claim} {self.get_kind_display()} {self.to_claim}"

    def natural_key(self):
        return (self.from_claim.slug, self.to_claim.slug, self.kind)

    natural_key.dependencies = ["claims.claim"]

    @classmethod
    def natural_key_lookups(cls):
        return ("from_claim__slug", "to_claim__slug", "kind")

    def clean(self):
        if self.from_claim_id and self.from_claim_id == self.to_claim_id:
            raise ValidationError("A claim cannot be related to itself.")


class ClaimPublication(Publication):
    entry_field = "claim"
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="publications")

    class Meta(Publication.Meta):
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="claimpublication_unique_number"),
        ]

    def natural_key(self):
        return (self.claim.slug, self.number)

    natural_key.dependencies = ["claims.claim"]
