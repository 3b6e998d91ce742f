from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementKind
from apps.editorial.models import Entry, EntryManager, EntryQuerySet, Publication, Topic
from apps.events.models import Event
from apps.sources import text
from apps.sources.models import Citation
from summitcms.lib.indexes import LatestFirstIndex
from summitcms.lib.words import and_list, shorten

# The public list's order: the latest said first, the slug breaking ties, the undated last
# (on PostgreSQL as on SQLite, which disagree on NULL).
SAID_LATEST_FIRST = (models.F("said_on").desc(nulls_last=True), models.F("slug"))
# Who said a quote: one of these, read with it (``select_related``) wherever it is shown.
SPEAKER_FIELDS = ("speaker", "speaker_organization", "speaker_statement")


class QuoteQuerySet(EntryQuerySet):
    def with_speakers(self):
        """With everyone a quote's line names — its speaker, and the people who said it
        with them (one query more, for all of them) — so that ``public_speakers`` and
        ``speaker_name`` cost no query per quote."""
        return self.select_related(*SPEAKER_FIELDS).prefetch_related("co_speakers")

    def for_review(self):
        """The review queue names each quote's speakers (``str(quote)``)."""
        return self.with_speakers()

    def said_by(self, people):
        """Quotes that one of ``people`` (people, or a query of them) said, as the speaker
        or with the speaker; each quote once."""
        together = Quote.co_speakers.through.objects.filter(quote=OuterRef("pk"), person__in=people)
        return self.filter(Q(speaker__in=people) | Exists(together))


class QuoteManager(EntryManager.from_queryset(QuoteQuerySet)):
    pass


class Quote(Entry):
    """Words someone said or wrote, verbatim.

    The speaker is a person, an organization, or a joint statement (an Agreement of
    kind joint statement): exactly one of the three, so “the joint statement says”
    is recorded as what it is. Words said together (“the two leaders urged …”) have the
    others who said them as ``co_speakers``, beside a person or an organization; a joint
    statement's signatories are the agreement's own (``Agreement.signatories``).
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
    co_speakers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="quotes_said_with",
        verbose_name="said with",
        help_text="Others who said these words together with the speaker, e.g. both leaders. "
        "Not for a joint statement: its signatories are recorded on the agreement.",
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
    # Added after approvals of quotes were first recorded (``Entry.LATER_LINKS``).
    LATER_LINKS = ("co_speakers",)

    objects = QuoteManager()

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
            # The public list's order (``SAID_LATEST_FIRST``) of the verified: page 1 reads
            # index entries instead of sorting them.
            LatestFirstIndex(models.F("status"), *SAID_LATEST_FIRST, name="quote_public_said"),
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
        return f"{self.speaker_name}: “{shorten(self.text, 70)}”"

    def get_absolute_url(self):
        return reverse("quotes:detail", args=[self.slug])

    @property
    def speaker_name(self):
        """Who said it, every one of them: “Xi Jinping and Vladimir Putin”. Costs a query
        per speaker field that was not loaded with select_related, and one for the
        co-speakers unless they were prefetched (``with_speakers``)."""
        who = self.speaker or self.speaker_organization or self.speaker_statement
        if who is None:
            return "Unknown speaker"
        return and_list([str(who), *(person.name for person in self.co_speaker_list)])

    @property
    def co_speaker_list(self):
        """The people who said it with the speaker, by name (see ``speaker_name`` for the
        cost). None beside a joint statement: its signatories speak through it."""
        if self.pk is None or self.speaker_statement_id is not None:
            return []
        return sorted(self.co_speakers.all(), key=lambda person: (person.name, person.slug))

    @property
    def public_speakers(self):
        """``[(name, page address or None)]``: who said it as readers may see them, the
        speaker first. A joint statement that is not verified is not named; people named
        by a verified quote are public (``Person.objects.public()``)."""
        if self.speaker_statement_id:
            statement = self.speaker_statement
            if not statement.is_public:
                return [("A joint statement", None)]
            return [(statement.title, statement.get_absolute_url())]
        who = self.speaker or self.speaker_organization
        if who is None:
            return [("Unknown speaker", None)]
        return [(who.name, who.get_absolute_url()), *((p.name, p.get_absolute_url()) for p in self.co_speaker_list)]

    @property
    def public_speaker_name(self):
        """The speakers as readers may see them: “Xi Jinping and Vladimir Putin”; a joint
        statement that is not verified is not named."""
        return and_list(name for name, _ in self.public_speakers)

    @property
    def statement_signatories(self):
        """The people who signed the joint statement speaking, when readers may see it
        (a query unless ``speaker_statement__signatories`` was prefetched)."""
        statement = self.speaker_statement if self.speaker_statement_id else None
        if statement is None or not statement.is_public:
            return []
        return sorted(statement.signatories.all(), key=lambda person: (person.name, person.slug))

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

    def co_speakers_problem(self, co_speakers):
        """A sentence when ``co_speakers`` (people, or their pks) cannot have said the
        words with this quote's speaker, else None. The rule of every path that writes
        them: the admin's form, ``changes.apply`` and ``import_fixtures`` call it through
        ``link_problems``, and ``check_corpus`` reports links written behind their backs.
        Reads ``speaker`` for the sentence (a query unless it is loaded) only on a problem.

        Co-speakers say the words with a person or an organization; a joint statement's
        signatories are the agreement's, and the speaker is not their own co-speaker.
        """
        pks = {getattr(person, "pk", person) for person in co_speakers}
        if not pks:
            return None
        if self.speaker_statement_id is not None:
            return (
                "A joint statement speaks for its signatories: record who signed it on the agreement, "
                "not as people who said the words with it."
            )
        if self.speaker_id is not None and self.speaker_id in pks:
            return f"{self.speaker} is the speaker: “said with” names the others who said the words with them."
        return None

    def link_problems(self, links):
        if "co_speakers" in links:
            co_speakers = links["co_speakers"]
        else:
            co_speakers = self.co_speakers.all() if self.pk is not None else ()
        problem = self.co_speakers_problem(co_speakers)
        return {"co_speakers": [problem]} if problem else {}

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
        return f"The quote “{shorten(self.text, 80)}” is not in any of its supporting excerpts."

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
