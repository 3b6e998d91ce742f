from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import Truncator

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementKind
from apps.editorial.models import Entry, Publication, Topic
from apps.events.models import Event
from apps.sources import text
from apps.sources.models import Citation

# The public list's order: the latest said first, the slug breaking ties.
SAID_LATEST_FIRST = ("-said_on", "slug")


class Quote(Entry):
    """Words someone said or wrote, verbatim.

    The speaker is a person, an organization, or a joint statement (an Agreement of
    kind joint statement): exactly one of the three, so “the joint statement says”
    is recorded as what it is.
    """

    text = models.TextField(help_text="Verbatim, as the source prints it (without the quotation marks).")
    speaker = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes")
    speaker_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes"
    )
    speaker_statement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quoted_in",
        help_text="When the words are a joint statement's (an agreement of that kind).",
    )
    occasion = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes")
    said_on = models.DateField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=10, default="en", help_text="Language of the text as recorded.")
    is_partial = models.BooleanField("partial quote", default=False, help_text="Only part of a sentence is quoted.")
    is_paraphrase = models.BooleanField(default=False, help_text="The source reports the words, not verbatim.")
    context = models.TextField(blank=True, help_text="What was going on when it was said.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="quotes")
    agreements = models.ManyToManyField(
        Agreement, blank=True, related_name="quotes", help_text="Agreements it refers to."
    )

    reference_labels = {"speaker_statement": ("speaker", "joint statement")}

    class Meta(Entry.Meta):
        ordering = ["-said_on", "slug"]
        permissions = [("verify_quote", "Can verify, send back and retract quotes")]
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            # The admin's order (Meta.ordering; slug is unique, so it is total), unfiltered
            # and by status: page 1 reads index entries instead of sorting the table.
            models.Index(fields=["-said_on", "slug"]),
            models.Index(fields=["status", "-said_on", "slug"]),
            models.Index(fields=["speaker", "status"]),
            # Newest verified first (``NEWEST_VERIFIED``), on public lists, the overview and the feed.
            models.Index(fields=["status", "-verified_at", "slug"]),
        ]
        constraints = [
            *Entry.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(
                    speaker__isnull=False, speaker_organization__isnull=True, speaker_statement__isnull=True
                )
                | models.Q(speaker__isnull=True, speaker_organization__isnull=False, speaker_statement__isnull=True)
                | models.Q(speaker__isnull=True, speaker_organization__isnull=True, speaker_statement__isnull=False),
                name="quote_has_one_speaker",
            ),
        ]

    def __str__(self):
        return f"{self.speaker_name}: “{Truncator(self.text).chars(70)}”"

    def get_absolute_url(self):
        return reverse("quotes:detail", args=[self.slug])

    @property
    def speaker_name(self):
        """Costs a query per speaker field that was not loaded with select_related."""
        who = self.speaker or self.speaker_organization or self.speaker_statement
        return str(who) if who else "Unknown speaker"

    @property
    def public_speaker_name(self):
        """The speaker as readers may see it: a joint statement that is not verified is not named."""
        if self.speaker_statement_id and not self.speaker_statement.is_public:
            return "A joint statement"
        return self.speaker_name

    @property
    def heading(self):
        return f"“{self.text}”"

    @property
    def said(self):
        return f"{self.public_speaker_name}: “{self.text}”"

    def feed_title(self):
        return f"Quote: {self.public_speaker_name}: “{self.text}”"

    def clean(self):
        speakers = [self.speaker_id, self.speaker_organization_id, self.speaker_statement_id]
        if sum(s is not None for s in speakers) != 1:
            raise ValidationError("Give exactly one speaker: a person, an organization or a joint statement.")
        if problem := self.speaker_statement_problem():
            raise ValidationError({"speaker_statement": problem})

    def speaker_statement_problem(self):
        """A sentence when the agreement speaking is not a joint statement, else None.

        The admin's form and ``import_fixtures`` both refuse it through ``clean``. Reads
        ``speaker_statement`` (a query unless it is loaded or set).
        """
        statement = self.speaker_statement if self.speaker_statement_id is not None else None
        if statement is None or statement.kind == AgreementKind.JOINT_STATEMENT:
            return None
        return f"The agreement “{statement}” is not a joint statement (its kind is “{statement.get_kind_display()}”)."

    def text_missing_from(self, excerpts):
        """The provenance rule for quotes: the text must occur in one of the supporting excerpts.

        Returns an error sentence, or None when the rule holds (or there is no evidence yet).
        """
        excerpts = list(excerpts)
        if not excerpts or any(text.contains(excerpt, self.text) for excerpt in excerpts):
            return None
        return f"The quote “{Truncator(self.text).chars(80)}” is not in any of its supporting excerpts."

    def evidence_problems(self, anchors=True, citations=None):
        citations = list(self.citations.all() if citations is None else citations)
        problems = super().evidence_problems(anchors, citations)
        if missing := self.check_text_in_evidence(citations):
            problems.append(missing)
        return problems

    def check_text_in_evidence(self, citations=None):
        """``text_missing_from`` the supporting excerpts of ``citations`` (by default its own)."""
        return self.text_missing_from(c.excerpt for c in self.supporting_citations(citations))


class QuoteCitation(Citation):
    entry_field = "quote"
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        constraints = [
            *Citation.Meta.constraints,
            models.UniqueConstraint(fields=["quote", "source", "start", "end"], name="quotecitation_unique_passage"),
        ]

    def natural_key(self):
        return (self.quote.slug, self.source.slug, self.start, self.end)

    natural_key.dependencies = ["sources.source", "quotes.quote"]


class QuotePublication(Publication):
    entry_field = "quote"
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="publications")

    class Meta(Publication.Meta):
        constraints = [
            models.UniqueConstraint(fields=["quote", "number"], name="quotepublication_unique_number"),
        ]

    def natural_key(self):
        return (self.quote.slug, self.number)

    natural_key.dependencies = ["quotes.quote"]
