from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.actors.models import Organization
from apps.editorial import registry
from apps.editorial.models import SlugNaturalKeyManager, Stamped, TracksLoaded
from summitcms.lib.indexes import LatestFirstIndex
from summitcms.lib.words import shorten

from . import text

# The public's orders of sources. Undated sources come last either way, on SQLite and on
# PostgreSQL alike (which otherwise disagree on where NULL sorts).
PUBLISHED_LATEST_FIRST = (models.F("published_on").desc(nulls_last=True), models.F("title"), models.F("slug"))
PUBLISHED_EARLIEST_FIRST = (models.F("published_on").asc(nulls_last=True), models.F("title"), models.F("slug"))


class Reliability(models.TextChoices):
    """Source reliability on the NATO/Admiralty scale."""

    A = "A", "A – completely reliable"
    B = "B", "B – usually reliable"
    C = "C", "C – fairly reliable"
    D = "D", "D – not usually reliable"
    E = "E", "E – unreliable"
    F = "F", "F – reliability cannot be judged"


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", "News report"
    ANALYSIS = "analysis", "Analysis"
    TRANSCRIPT = "transcript", "Transcript"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    WIRE = "wire", "Wire"


class Source(TracksLoaded, Stamped):
    """A piece of coverage, kept whole so that every excerpt can be found in it."""

    tracked_fields = ("outlet_id",)  # its entries' corroboration depends on it

    Kind = SourceKind
    Reliability = Reliability
    # A fixture export reads sources fewer at a time: each carries its full text.
    export_chunk_size = 200

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    outlet = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="Who published it, where known.",
    )
    authors = models.CharField(max_length=300, blank=True, help_text="As the source names them.")
    published_on = models.DateField(null=True, blank=True, db_index=True)
    url = models.URLField("URL", max_length=500, blank=True)
    language = models.CharField(max_length=10, default="en", help_text="ISO 639-1 code, e.g. en, ru, zh.")
    kind = models.CharField(max_length=30, choices=SourceKind.choices, default=SourceKind.NEWS_REPORT)
    body = models.TextField(help_text="The full text, as published. Excerpts must be found in it.")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_notes = models.TextField(blank=True, help_text="Why this grade.")
    relays = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="relayed_by",
        help_text="Outlets this source is based on (“reported RT”). It is not independent of them.",
    )
    notes = models.TextField(blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            models.Index(fields=["outlet", "published_on"]),
            # The admin's order (Meta.ordering, made total with "-id" by the changelist):
            # page 1 of the source list reads index entries instead of sorting the table.
            models.Index(fields=["-published_on", "title", "-id"]),
            # The public list's order: its first page reads 25 index entries instead of
            # sorting every source (200 of the page's 270 ms at 100 000 sources). The
            # earliest first is PostgreSQL's own order of published_on's index.
            LatestFirstIndex(*PUBLISHED_LATEST_FIRST, name="source_published_desc"),
            # The admin's language filter lists the languages in use (SELECT DISTINCT):
            # from this small index, not from a table of multi-kilobyte bodies.
            models.Index(fields=["language"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reliability__in=Reliability.values), name="source_reliability_valid"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=~models.Q(body=""), name="source_body_not_empty"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("sources:detail", args=[self.slug])

    def clean(self):
        if not self.body or not self.body.strip():
            raise ValidationError({"body": "A source needs its full text."})
        duplicate = self.recorded_duplicate
        if duplicate is not None:
            raise ValidationError(
                {"body": f"This text is already recorded as the source “{duplicate}” ({duplicate.slug})."}
            )
        lost = [c for c in self.cited_passages if text.locate_folded(c.excerpt, self.folded_body()) is None]
        if lost:
            names = "; ".join(f"“{shorten(c.excerpt, 60)}” ({c.entry})" for c in lost)
            raise ValidationError({"body": f"The new text no longer contains {len(lost)} cited excerpt(s): {names}."})

    # What ``clean`` reads from the database, once per instance. A caller that read it for
    # many sources at once (``import_fixtures``) sets it instead: ``source.cited_passages = […]``.

    @cached_property
    def recorded_duplicate(self):
        """Another source recorded with the same text (compared folded), or None: a query."""
        digest = text.content_hash(self.body)
        return Source.objects.filter(content_hash=digest).exclude(pk=self.pk).only("pk", "slug", "title").first()

    @cached_property
    def cited_passages(self):
        """The citations a new body must still hold: every citation of a recorded source."""
        return self.citations() if self.pk is not None else []

    def save(self, *args, **kwargs):
        self.hash_text()
        super().save(*args, **kwargs)

    def hash_text(self):
        """Set ``content_hash`` from the body (``save`` does; an import before its checks)."""
        self.content_hash = text.content_hash(self.body)

    def hash_problem(self):
        """A sentence when the stored ``content_hash`` is not that of the body, else None."""
        if self.content_hash != text.content_hash(self.body):
            return "Its content hash does not match its text."
        return None

    def folded_body(self):
        """``text.fold(self.body)``, folded once for all the excerpts looked for in this
        instance (again when the body is replaced)."""
        body, folded = getattr(self, "_folded", (None, None))
        if body is not self.body:
            folded = text.fold(self.body)
            self._folded = (self.body, folded)
        return folded

    def citations(self):
        """Every citation of this source, whatever entry it supports (a query per kind of entry)."""
        return [
            citation
            for model in registry.citation_models()
            for citation in model.objects.filter(source=self).select_related(model.entry_field)
        ]

    def reanchor_citations(self):
        """Recompute the offsets of every citation after the body changed; the published
        entries whose passage moved are flagged for an editor to look at again."""
        moved = []
        for citation in self.citations():
            before = (citation.start, citation.end)
            citation.source = self
            citation.save()
            if (citation.start, citation.end) != before:
                moved.append(citation.entry)
        self.flag_entries(moved, f"a passage it cites moved in the text of “{self}”")

    def reliability_lowered(self, before):
        """Whether the grade went down from ``before`` (A, the best, to F, cannot be judged)."""
        return bool(before) and self.reliability > before

    def flag_entries(self, entries, reason):
        """Mark the published ones among ``entries`` (resting on this source) as having
        changed evidence: they stay public, and an editor looks at them again."""
        now = timezone.now()
        for entry in entries:
            if entry.status == "verified":
                type(entry).objects.filter(pk=entry.pk).update(evidence_changed_at=now, evidence_change=reason)

    def citing_entries(self):
        return list({(type(c.entry), c.entry.pk): c.entry for c in self.citations()}.values())

    def is_independent_of(self, other):
        """The independence rule: the same outlet, or relaying the other's outlet, counts once.

        Reads ``relays`` of both sources: prefetch it when comparing many.
        """
        if self.pk == other.pk:
            return False
        if self.outlet_id and self.outlet_id == other.outlet_id:
            return False
        if other.outlet_id and other.outlet_id in {o.pk for o in self.relays.all()}:
            return False
        if self.outlet_id and self.outlet_id in {o.pk for o in other.relays.all()}:
            return False
        return True


class CitationStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    MENTIONS = "mentions", "Mentions"


class CitationManager(models.Manager):
    def get_by_natural_key(self, entry_slug, source_slug, start, end):
        entry_field = self.model.entry_field
        return self.get(**{f"{entry_field}__slug": entry_slug, "source__slug": source_slug, "start": start, "end": end})


class Citation(TracksLoaded, models.Model):
    """A verbatim passage of a source that an entry rests on.

    Concrete citations (ClaimCitation, …) add a foreign key to their entry and name it
    in ``entry_field``. The offsets are computed from the excerpt, never typed.
    """

    Stance = CitationStance
    entry_field = None

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    excerpt = models.TextField(help_text="Copy the passage verbatim from the source.")
    start = models.PositiveIntegerField(editable=False, help_text="Offset of the passage in the source body.")
    end = models.PositiveIntegerField(editable=False)
    stance = models.CharField(max_length=20, choices=CitationStance.choices, default=CitationStance.SUPPORTS)
    note = models.CharField(max_length=500, blank=True)

    objects = CitationManager()

    class Meta:
        abstract = True
        ordering = ["source", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="%(class)s_offsets_ordered"),
            models.CheckConstraint(condition=models.Q(stance__in=CitationStance.values), name="%(class)s_stance_valid"),
        ]

    def __str__(self):
        return f"{self.source} [{self.start}:{self.end}]"

    def save(self, *args, **kwargs):
        self.anchor()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.source.get_absolute_url()}#passage-{self.start}-{self.end}"

    @classmethod
    def tracked(cls):
        return (f"{cls.entry_field}_id",)  # a citation moved to another entry changes both

    @property
    def entry(self):
        return getattr(self, self.entry_field)

    def natural_key(self):
        return (self.entry.slug, self.source.slug, self.start, self.end)

    natural_key.dependencies = ["sources.source"]

    @classmethod
    def natural_key_lookups(cls):
        """The natural key as lookups (fixtures sort and refer by it)."""
        return (f"{cls.entry_field}__slug", "source__slug", "start", "end")

    def anchor(self):
        """Find the excerpt in the source body and set the offsets; refuse it when it is not there."""
        span = self.locate()
        if span is None:
            raise ValidationError({"excerpt": self.not_found()})
        self.start, self.end = span

    def clean(self):
        if self.source_id is not None and self.excerpt:
            self.anchor()

    def locate(self):
        """``(start, end)`` of the excerpt in the source's body, or None; found once for an
        excerpt and a body (the provenance check and ``clean`` both look)."""
        body = self.source.folded_body()
        excerpt, folded, span = getattr(self, "_located", (None, None, None))
        if excerpt is not self.excerpt or folded is not body:
            span = text.locate_folded(self.excerpt, body)
            self._located = (self.excerpt, body, span)
        return span

    def not_found(self):
        excerpt = shorten(self.excerpt.strip(), 80)
        message = f"The excerpt “{excerpt}” is not in the source “{self.source}”."
        nearest = self.nearest_passage()
        if nearest:
            message += f" The closest passage it contains: “{nearest}”."
        return message

    def nearest_passage(self):
        """The passage of the source closest to the excerpt (a word mistyped or changed),
        exactly as the source prints it, or "" when none is close."""
        span = text.nearest(self.excerpt, self.source.body)
        return self.source.body[span[0] : span[1]] if span else ""

    def anchor_problem(self):
        """The provenance check of recorded offsets: a sentence when they do not point at
        the excerpt in the source, else None.

        Catches data that arrived without ``save()`` (``loaddata``, raw SQL), and what an
        import would write. The source's body is folded once for all the citations that
        share the source instance (``Source.folded_body``).
        """
        span = self.locate()
        if span is None:
            return self.not_found()
        if span != (self.start, self.end):
            excerpt = shorten(self.excerpt.strip(), 80)
            return (
                f"The excerpt “{excerpt}” is recorded at {self.start}–{self.end} of “{self.source}” "
                f"but found at {span[0]}–{span[1]}."
            )
        return None

    @property
    def passage(self):
        """The cited characters exactly as the source prints them."""
        return self.source.body[self.start : self.end]
