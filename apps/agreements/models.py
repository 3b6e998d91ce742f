from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from apps.actors.models import Organization, Person
from apps.editorial.models import Entry, Publication, Topic
from apps.events.models import Event
from apps.sources.models import Citation
from summitcms.lib.indexes import LatestFirstIndex

# The public list's order; the slug makes it total with a key that travels with the data.
# Undated agreements come last, on PostgreSQL as on SQLite (which disagree on NULL).
SIGNED_LATEST_FIRST = (models.F("signed_on").desc(nulls_last=True), models.F("title"), models.F("slug"))


class AgreementKind(models.TextChoices):
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    AGREEMENT = "agreement", "Agreement"
    PROTOCOL = "protocol", "Protocol"
    MEMORANDUM = "memorandum", "Memorandum of understanding"
    CONTRACT = "contract", "Contract"


class Agreement(Entry):
    """A signed document, or a group of documents the coverage counts together."""

    Kind = AgreementKind

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=AgreementKind.choices, db_index=True)
    documents = models.PositiveSmallIntegerField(
        "number of documents", default=1, help_text="More than one when the coverage reports a group (“six memoranda”)."
    )
    parties = models.ManyToManyField(Organization, blank=True, related_name="agreements")
    signatories = models.ManyToManyField(Person, blank=True, related_name="agreements_signed")
    signed_on = models.DateField(null=True, blank=True, db_index=True)
    place = models.CharField(max_length=200, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements")
    topics = models.ManyToManyField(Topic, blank=True, related_name="agreements")
    summary = models.TextField(blank=True)
    document_url = models.URLField("document URL", max_length=500, blank=True)

    class Meta(Entry.Meta):
        ordering = ["-signed_on", "title"]
        permissions = [("verify_agreement", "Can verify, send back and retract agreements")]
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            # The admin's order (Meta.ordering, made total with "-id" by the changelist),
            # unfiltered and by status: page 1 reads index entries, no sort.
            models.Index(fields=["-signed_on", "title", "-id"]),
            models.Index(fields=["status", "-signed_on", "title", "-id"]),
            models.Index(fields=["event", "status"]),
            # Newest verified first (``NEWEST_VERIFIED``), on public lists, the overview and the feed.
            models.Index(fields=["status", "-verified_at", "slug"]),
            # The public list's order (``SIGNED_LATEST_FIRST``) of the verified: page 1 reads
            # index entries instead of sorting them.
            LatestFirstIndex(models.F("status"), *SIGNED_LATEST_FIRST, name="agreement_public_signed"),
        ]
        constraints = [
            *Entry.Meta.constraints,
            models.CheckConstraint(condition=models.Q(kind__in=AgreementKind.values), name="agreement_kind_valid"),
            models.CheckConstraint(condition=models.Q(documents__gte=1), name="agreement_documents_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.slug])

    @property
    def heading(self):
        return self.title

    def feed_title(self):
        return f"Agreement: {self.title}"

    def clean(self):
        # The check constraint ``agreement_documents_positive``, in words: a form and an
        # import say this rather than the constraint's name.
        if self.documents is not None and self.documents < 1:
            raise ValidationError({"documents": "An agreement has at least one document."})


class AgreementCitation(Citation):
    entry_field = "agreement"
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        constraints = [
            *Citation.Meta.constraints,
            models.UniqueConstraint(
                fields=["agreement", "source", "start", "end"], name="agreementcitation_unique_passage"
            ),
        ]

    def natural_key(self):
        return (self.agreement.slug, self.source.slug, self.start, self.end)

    natural_key.dependencies = ["sources.source", "agreements.agreement"]


class AgreementPublication(Publication):
    entry_field = "agreement"
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="publications")

    class Meta(Publication.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreementpublication_unique_number"),
        ]

    def natural_key(self):
        return (self.agreement.slug, self.number)

    natural_key.dependencies = ["agreements.agreement"]
