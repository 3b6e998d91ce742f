import difflib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from . import registry
from .corroboration import Corroboration
from .corroboration import corroboration as corroboration_of


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    RETRACTED = "retracted", "Retracted"


class ProposalStatus(models.TextChoices):
    """Where a change to a published entry stands; the published version stays public meanwhile."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"


class ProposalKind(models.TextChoices):
    UPDATE = "update", "Update"
    CORRECTION = "correction", "Correction (the published version was wrong)"


class PublicationKind(models.TextChoices):
    FIRST = "first", "First verified"
    UPDATE = "update", "Updated"
    CORRECTION = "correction", "Corrected"
    IMPORTED = "imported", "Imported"
    RETRACTION = "retraction", "Retracted"


class SlugNaturalKeyManager(models.Manager):
    """Fixtures refer to every slugged model by its slug, never by a database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Conflict(ValidationError):
    """Someone saved the record after the form or page in hand was opened."""


class Versioned(models.Model):
    """A record people edit, perhaps two of them at once: a save from a stale copy is refused.

    Every change through the admin (its forms and inline rows), the workflow, a restore
    or an import counts ``version`` up. A form or page sends back the version it was
    opened at, and ``check_version`` (on the row locked for the save) refuses it, naming
    who changed the record and when, once someone else has saved in between; the person
    keeps what they typed. Concrete models have ``updated_by`` and ``updated_at`` for that
    message (``Stamped`` or ``LocallyStamped`` gives them). The counter is this
    instance's own: it never travels in a fixture (entries' fixtures have always carried
    theirs, and an import keeps this instance's: ``fixture_import.LOCAL_FIELDS``).
    """

    version = models.PositiveIntegerField(default=1, editable=False, serialize=False)

    class Meta:
        abstract = True

    @classmethod
    def lock(cls, pk):
        """The record, re-read with its row locked until the transaction ends."""
        # No join: after waiting for the lock, PostgreSQL re-reads the locked row but may
        # give an outer-joined row as NULL.
        return cls._default_manager.select_for_update().get(pk=pk)

    def stamp(self, user):
        """Note a change by ``user`` before saving it: every copy opened earlier is now stale."""
        self.updated_by = user
        if not self._state.adding:
            self.version += 1

    def check_version(self, seen):
        """Refuse a copy opened at another version than this one (``seen``, as the page sent it)."""
        try:
            seen = int(seen)
        except (TypeError, ValueError):
            raise Conflict(
                "The form did not say which version it was opened at: reload the page and try again."
            ) from None
        if seen != self.version:
            raise Conflict(self.conflict_message())

    def conflict_message(self):
        """Who changed this record and when, for a person whose copy is stale (a query for the who)."""
        who = self.updated_by.get_username() if self.updated_by_id else "someone else"
        when = ""
        if self.updated_at is not None:  # see LocallyStamped
            when = f" at {date_format(timezone.localtime(self.updated_at), 'j F Y, H:i:s')} (UTC)"
        return (
            f"“{self}” was changed by {who}{when}, after you opened it. "
            "Your changes were not saved: reload the page to see the current version."
        )


class LocallyStamped(Versioned):
    """A versioned record whose fixtures carry no stamps (topics, claim relations): who
    changed it last on this instance, and when, for the conflict message. Like the
    version, never exported; empty for a row that came from a fixture until it is saved."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        serialize=False,
    )
    updated_at = models.DateTimeField(auto_now=True, null=True, serialize=False)

    class Meta:
        abstract = True


class Topic(LocallyStamped):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:list") + f"?topic={self.slug}"

    def natural_key(self):
        return (self.slug,)


class TracksLoaded:
    """Keeps what ``tracked_fields`` (attribute names) held when the row was loaded, so that
    a ``post_save`` handler can tell what a save changed (the stored corroboration does)."""

    tracked_fields = ()

    @classmethod
    def tracked(cls):
        return cls.tracked_fields

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: instance.__dict__[f] for f in cls.tracked() if f in instance.__dict__}
        return instance


class Stamped(Versioned):
    """Who made a record and when it last changed; the admin fills these in."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def stamp(self, user):
        if self._state.adding:
            self.created_by = user
        super().stamp(user)


# Newest verified first: the public lists, the overview and the feed. The slug breaks the
# ties (an import verifies many entries at one instant) because it travels with the data,
# which a database id does not: a backup loaded elsewhere shows the same pages. Each entry
# model has an index in this order, by status.
NEWEST_VERIFIED = ("-verified_at", "slug")


class EntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Status.VERIFIED)

    def for_review(self):
        """With what the review queue shows of each entry without a query per entry
        (claims add whether another claim contradicts them)."""
        return self

    def public(self):
        """What readers may see: verified entries only (claims add what ``corroboration()`` needs)."""
        return self.verified()

    def retracted(self):
        return self.filter(status=Status.RETRACTED)

    def with_disputes(self):
        """Prefetch what ``disputes()`` reads beside the evidence (``with_evidence()``):
        nothing more here; claims add their relations to other verified claims."""
        return self

    def with_evidence(self, *source_related):
        """Prefetch what ``corroboration()`` and an evidence list read, in two queries however
        many entries and citations there are: the citations with their sources (and
        ``source_related``, e.g. ``"source__outlet"``), and the outlets each source relays.
        """
        citation = self.model._meta.get_field("citations").related_model
        citations = citation.objects.select_related("source", *source_related).order_by(
            "source__published_on", "source__title", "source__slug", "start", "end"
        )
        return self.prefetch_related(models.Prefetch("citations", queryset=citations), "citations__source__relays")

    def _citations(self):
        citation = self.model._meta.get_field("citations").related_model
        return citation, citation.entry_field

    def disputed_condition(self):
        """SQL for ``corroboration().disputed``: a citation contradicts the entry.

        Claims add their ``contradicts`` relations (see ``ClaimQuerySet``). Uncorrelated
        subqueries: the database reads the citations once, not once per entry.
        """
        citation, entry = self._citations()
        return models.Q(pk__in=citation.objects.filter(stance="contradicts").values(entry))

    def disputed(self, disputed=True):
        condition = self.disputed_condition()
        return self.filter(condition) if disputed else self.exclude(condition)

    def at_corroboration_level(self, level):
        """Entries whose ``corroboration().level`` (as readers see it) is ``level``:
        disputed, none, single or corroborated. One indexed comparison: the level is stored
        (by the app that keeps them current)."""
        return self.filter(corroboration_level=level)


class EntryManager(SlugNaturalKeyManager.from_queryset(EntryQuerySet)):
    pass


def cut_at_word(words, length):
    """``words`` joined with hyphens, as many as fit in ``length`` characters (a first
    word longer than that is cut)."""
    slug = words[0][:length]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > length:
            break
        slug += "-" + word
    return slug


@dataclass(frozen=True)
class Dispute:
    """One reason an entry is disputed: a passage that contradicts it (``citation``), or
    another entry recorded as contradicting it (``other``), with the note the analyst wrote
    on that citation or relation ("" when none was written)."""

    reason: str
    citation: object = None
    other: object = None


class CorroborationLevel(models.TextChoices):
    DISPUTED = "disputed", "Disputed"
    NONE = "none", "No source"
    SINGLE = "single", "1 source"
    CORROBORATED = "corroborated", "2 or more independent sources"


# An entry's address: short enough to read and to share (``Entry.make_slug``).
SLUG_LENGTH = 80


class FormerSlug(models.Model):
    """An address a published entry had before it changed: its page redirects to the
    entry's address now (301). Recorded by ``Entry.save`` whatever path changed the slug,
    and by the migrations that cut addresses longer than ``SLUG_LENGTH`` (the admin made
    them of up to 200 characters). This instance's own record (it follows the entry's
    database id): not exported."""

    entry_label = models.CharField(max_length=100, help_text="The kind of entry, e.g. claims.claim.")
    slug = models.CharField(max_length=200)
    entry_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry_label", "slug"], name="formerslug_unique_slug")]

    def __str__(self):
        return f"{self.entry_label} /{self.slug}/"

    @classmethod
    def current(cls, model, slug):
        """The entry of ``model`` that had the address ``slug``, if readers may follow it
        there (published or retracted: a draft's address is not given away), else None."""
        former = cls.objects.filter(entry_label=model._meta.label_lower, slug=slug).first()
        if former is None:
            return None
        return model._default_manager.filter(pk=former.entry_id, status__in=[Status.VERIFIED, Status.RETRACTED]).first()


class Entry(TracksLoaded, Stamped):
    """What claims, quotes and agreements share: a status in the editorial workflow."""

    tracked_fields = ("status", "slug")
    # Derived by ``corroboration()``, as readers see it, and kept current by
    # ``editorial.corroboration``; never written by a form, never exported.
    STORED_FIELDS = ("corroboration_level", "supporting_sources")

    slug = models.SlugField(
        max_length=SLUG_LENGTH,
        unique=True,
        blank=True,
        help_text=f"The entry's address. Left empty, it is made from the text (at most {SLUG_LENGTH} characters); "
        "it can be changed until the entry is first verified, and is fixed after that.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last went into review; the queue is oldest first."
    )
    review_note = models.TextField(blank=True, editable=False, help_text="Why an editor last sent it back.")
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction = models.TextField(
        "correction note", blank=True, editable=False, help_text="Shown to readers in place of a retracted entry."
    )
    # Set by the retract transition (``workflow.apply``) when the entry's words must not be
    # shown again (a legal reason): readers see that it was retracted and the correction, never
    # what it said. The desk keeps the text.
    text_withheld = models.BooleanField(
        "text withheld", default=False, editable=False, help_text="Retracted with its text withheld from readers."
    )
    notes = models.TextField("internal notes", blank=True, help_text="For the desk only; never shown to readers.")
    # A published entry's next version while it waits for review (``apps.editorial.changes``):
    # what its change form shows and approving it writes. Readers see the rows meanwhile.
    proposal = models.JSONField(null=True, blank=True, editable=False)
    proposal_status = models.CharField(
        "proposed change", max_length=20, choices=ProposalStatus.choices, blank=True, editable=False
    )
    proposal_kind = models.CharField(max_length=20, choices=ProposalKind.choices, blank=True, editable=False)
    submission_note = models.TextField(
        blank=True, editable=False, help_text="What its author said when submitting it for review."
    )
    # Who changed what waits for review, since the last published version (user ids, this
    # instance's own): none of them may approve it (four-eyes).
    contributors = models.JSONField(default=list, blank=True, editable=False, serialize=False)
    # A source it rests on changed (a cited passage moved, a lower reliability): an editor
    # looks at it again; it stays public meanwhile.
    evidence_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence_change = models.TextField(blank=True, editable=False)
    # ``Versioned``'s counter, which entries' fixtures carry (an import keeps this
    # instance's own: ``fixture_import.LOCAL_FIELDS``).
    version = models.PositiveIntegerField(default=1, editable=False)
    corroboration_level = models.CharField(
        max_length=12,
        choices=CorroborationLevel.choices,
        default=CorroborationLevel.NONE,
        db_index=True,
        editable=False,
        serialize=False,
    )
    supporting_sources = models.PositiveSmallIntegerField(default=0, editable=False, serialize=False)

    objects = EntryManager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="%(class)s_status_valid"),
        ]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.make_slug()
        # An instance loaded before a citation changed holds old stored values: a save of
        # its other fields must not write them back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.STORED_FIELDS
            ]
        loaded = {} if self._state.adding else getattr(self, "_loaded", {})
        moved_from = loaded.get("slug") if loaded.get("status") in (Status.VERIFIED, Status.RETRACTED) else None
        super().save(*args, **kwargs)
        if moved_from and moved_from != self.slug:
            # Readers may have the old address (links, feeds, search engines): whatever
            # changed it (an approved change, a restore), it keeps leading here.
            self.remember_address(moved_from)
        self._loaded = {**getattr(self, "_loaded", {}), "slug": self.slug}

    @property
    def address_is_fixed(self):
        """Once first verified, an entry's address is public: the admin no longer lets it
        change (an old one would redirect: ``FormerSlug``). Retracted entries keep theirs."""
        return self.status in (Status.VERIFIED, Status.RETRACTED)

    def remember_address(self, old_slug):
        """Make ``old_slug`` redirect to this entry (and forget it as a former address of
        this kind if it is this entry's own again)."""
        label = self._meta.label_lower
        FormerSlug.objects.update_or_create(entry_label=label, slug=old_slug, defaults={"entry_id": self.pk})
        FormerSlug.objects.filter(entry_label=label, slug=self.slug).delete()

    def make_slug(self):
        """A short, unique address made from the headline (a claim's statement, a quote's
        words, an agreement's title): at most ``SLUG_LENGTH`` characters, cut between
        words, with ``-2``, ``-3``… when it is taken (a query per try)."""
        words = slugify(getattr(self, registry.entry_type(self).headline_field, "") or "").split("-")
        words = [word for word in words if word] or [self._meta.model_name]
        base = cut_at_word(words, SLUG_LENGTH)
        others = type(self)._default_manager.exclude(pk=self.pk) if self.pk else type(self)._default_manager.all()
        former = FormerSlug.objects.filter(entry_label=self._meta.label_lower)

        def taken(slug):  # by another entry, or as another entry's former address (it redirects)
            return others.filter(slug=slug).exists() or former.filter(slug=slug).exclude(entry_id=self.pk).exists()

        slug, number = base, 1
        while taken(slug):
            number += 1
            suffix = f"-{number}"
            slug = cut_at_word(base.split("-"), SLUG_LENGTH - len(suffix)) + suffix
        return slug

    @classmethod
    def verify_permission(cls):
        """The permission that lets an editor verify, send back and retract this kind of entry."""
        return f"{cls._meta.app_label}.verify_{cls._meta.model_name}"

    def natural_key(self):
        return (self.slug,)

    # Fields for the desk only: saved on the row at once, never part of a proposed change.
    DESK_FIELDS = ("notes",)
    # What the workflow keeps about a proposed change (never written by a form or a restore).
    PROPOSAL_FIELDS = ("proposal", "proposal_status", "proposal_kind", "submission_note", "contributors")
    # This instance's review of the entry: an import never changes them on an entry it has.
    WORKFLOW_FIELDS = (
        "status",
        "text_withheld",
        "verified_by",
        "verified_at",
        "submitted_at",
        "review_note",
        "retracted_at",
        "correction",
        "evidence_changed_at",
        "evidence_change",
        *PROPOSAL_FIELDS,
    )
    # What an export of what readers see leaves out: the work waiting for review, and what
    # editors said of it.
    UNPUBLISHED_FIELDS = (*PROPOSAL_FIELDS, "review_note")
    # Many-to-many fields a kind gained after approvals of it were recorded: left out of
    # the state that ``changes.digest`` fingerprints while they are empty, so that an
    # approval recorded before they existed (here, or in another instance's fixture)
    # still matches what readers see.
    LATER_LINKS = ()

    @property
    def is_public(self):
        return self.status == Status.VERIFIED

    @property
    def review_state(self):
        """Where the work on this entry stands: draft, in_review (a first version or a
        proposed change), published (verified, nothing waiting) or retracted."""
        if self.status == Status.VERIFIED:
            return self.proposal_status or "published"
        return self.status

    @property
    def has_proposal(self):
        return self.status == Status.VERIFIED and self.proposal is not None

    def add_contributor(self, user):
        """Note that ``user`` changed what waits for review (a list of ids; saved by the caller)."""
        if user is not None and user.pk not in self.contributors:
            self.contributors = [*self.contributors, user.pk]

    def excluded_reviewers(self):
        """Who may not approve what waits for review: everyone who contributed to it, and
        for a first version its author."""
        excluded = set(self.contributors)
        if self.status != Status.VERIFIED and self.created_by_id is not None:
            excluded.add(self.created_by_id)
        return excluded

    @property
    def heading(self):
        """The entry in a line of a list (its statement, its words, its title)."""
        return str(self)

    @property
    def said(self):
        """What the entry said, in full, as readers read it (the corrections log and a
        retracted entry's page show it; quotes add who said it)."""
        return self.heading

    def feed_title(self):
        return f"{self._meta.verbose_name.capitalize()}: {self}"

    def feed_summary(self):
        """A line of plain text beside the title in the feed (its content has the rest)."""
        return f"Corroboration: {self.corroboration().label}."

    def supporting_citations(self, citations=None):
        """The citations that support this entry, among ``citations`` (by default its own,
        read from the database or the prefetch)."""
        citations = self.citations.all() if citations is None else citations
        return [c for c in citations if c.stance == "supports"]

    def evidence_problems(self, anchors=True, citations=None):
        """Sentences for each broken rule of this entry's evidence: each citation anchored
        in its source (unless ``anchors`` is false), a verified entry supported by one.

        ``citations``: the evidence to judge, when it is not the database's (an import
        passes the citations it will leave: the file's and those already recorded).
        """
        citations = list(self.citations.all() if citations is None else citations)
        problems = [problem for c in citations if (problem := c.anchor_problem())] if anchors else []
        if self.status == Status.VERIFIED and not self.supporting_citations(citations):
            problems.append("It is verified without a supporting citation.")
        return problems

    def link_problems(self, links):
        """``{field name: [sentences]}`` for each rule of this kind that its many-to-many
        links break (empty when sound). ``links``: ``{field name: [objects or pks]}`` as
        they will be — a form's choices, a proposed change's, an import's; a field left
        out is as recorded. Kinds with such a rule override it (a quote's co-speakers); the
        admin's form, ``changes.apply`` (approvals, restores) and ``import_fixtures`` call it,
        and ``check_corpus`` with the links recorded (read a chunk of entries at a time).
        """
        return {}

    def record_problems(self):
        """What the workflow records with the status and is missing here: sentences.

        A verified entry says when it was verified; a retracted one when, and the
        correction readers see in its place. ``workflow.apply`` writes nothing that breaks
        this, ``import_fixtures`` refuses it and ``check_corpus`` reports it.
        """
        problems = []
        if self.status == Status.VERIFIED and self.verified_at is None:
            problems.append("A verified entry needs the time it was verified (verified_at).")
        if self.status == Status.RETRACTED:
            if not (self.correction or "").strip():
                problems.append("A retracted entry needs a correction note for readers.")
            if self.retracted_at is None:
                problems.append("A retracted entry needs the time it was retracted (retracted_at).")
        return problems

    def integrity_problems(self, four_eyes=True, anchors=True, citations=None):
        """Every rule of the design this entry breaks, as sentences (empty when sound).

        ``check_corpus`` reports these for data that arrived without the admin's checks;
        it checks the anchors of citations source by source (``anchors=False`` here).
        ``import_fixtures`` refuses an entry that breaks one, judged on the evidence the
        import leaves (``citations``).
        """
        citations = list(self.citations.all() if citations is None else citations)
        problems = self.evidence_problems(anchors=anchors, citations=citations) + self.record_problems()
        if four_eyes and self.status == Status.VERIFIED:
            if self.verified_by_id and self.verified_by_id == self.created_by_id:
                problems.append("It was verified by the person who created it (four-eyes rule).")
        return problems

    def publication_problems(self, digest, four_eyes=True, publications=None):
        """What breaks the rules of review, as sentences: ``digest`` is that of the entry's
        state now (``changes.digest``). Reads ``publications`` (prefetch them for many), or
        judges those given (``check_corpus`` reads them a chunk of entries at a time)."""
        problems = []
        publications = self.publications.all() if publications is None else publications
        publications = sorted(publications, key=lambda p: p.number)
        approvals = [p for p in publications if p.kind != PublicationKind.RETRACTION]
        if self.status == Status.VERIFIED:
            if not approvals:
                problems.append(
                    "It is verified, but no approval of it is recorded: who published it, and when "
                    "(it arrived outside the review: loaddata or SQL)."
                )
            elif approvals[-1].digest and approvals[-1].digest != digest:
                when = date_format(approvals[-1].published_at, "j F Y")
                problems.append(
                    f"Readers see a version that no editor approved: it differs from the version approved on {when}."
                )
            if self.evidence_changed_at is not None:
                problems.append(f"Its evidence changed ({self.evidence_change}) and no editor has checked it since.")
        if four_eyes:
            for publication in approvals:
                if publication.published_by_id is not None and publication.published_by_id in publication.contributors:
                    when = date_format(publication.published_at, "j F Y")
                    problems.append(f"It was approved on {when} by someone who contributed to it (four-eyes rule).")
        return problems

    # How close a headline (a claim's statement, a quote's words, an agreement's title) must
    # be to another for ``near_duplicates``: PostgreSQL's trigram similarity, or on SQLite
    # difflib's ratio of the folded texts. Tried on the seed corpus's rewordings: a copy
    # with a word changed or a clause added passes both, two claims that merely share a
    # subject pass neither.
    TRIGRAM_THRESHOLD = 0.5
    RATIO_THRESHOLD = 0.75
    # On SQLite, the candidates are the entries sharing one of the text's longest words
    # (an index-free LIKE each); at most this many are compared.
    RATIO_CANDIDATES = 200

    def near_duplicates(self, limit=5):
        """Other entries of this kind whose headline is close to this one's, closest
        first: ``[(entry, similarity between 0 and 1)]``. The admin warns with them before
        saving (the analyst may save anyway). Any status: a draft repeating a draft is
        worth knowing too. One query (two on SQLite's fallback)."""
        field = registry.entry_type(self).headline_field
        text = (getattr(self, field, "") or "").strip()
        if not text:
            return []
        others = type(self)._default_manager.exclude(pk=self.pk) if self.pk else type(self)._default_manager.all()
        if connections[router.db_for_read(type(self))].vendor == "postgresql":
            from django.contrib.postgres.search import TrigramSimilarity

            found = (
                others.annotate(similarity=TrigramSimilarity(field, text))
                .filter(similarity__gte=self.TRIGRAM_THRESHOLD)
                .order_by("-similarity", "slug")[:limit]
            )
            return [(entry, entry.similarity) for entry in found]
        words = sorted(set(re.findall(r"\w{4,}", text.casefold())), key=len, reverse=True)[:6]
        if not words:
            return []
        shared = models.Q()
        for word in words:
            shared |= models.Q(**{f"{field}__icontains": word})
        folded = " ".join(text.casefold().split())
        scored = []
        for entry in others.filter(shared).order_by("slug")[: self.RATIO_CANDIDATES]:
            other = " ".join((getattr(entry, field) or "").casefold().split())
            ratio = difflib.SequenceMatcher(None, folded, other).ratio()
            if ratio >= self.RATIO_THRESHOLD:
                scored.append((entry, ratio))
        scored.sort(key=lambda pair: (-pair[1], pair[0].slug))
        return scored[:limit]

    def is_contradicted(self):
        """Whether another entry is recorded as contradicting this one (claims override)."""
        return False

    def disputes(self):
        """Why readers see this entry as disputed: ``[Dispute]``, a contradicting passage
        with the note the analyst wrote on it (claims add the verified claims recorded as
        contradicting them). Reads the prefetched citations (``with_evidence()``)."""
        return [Dispute(reason=c.note, citation=c) for c in self.citations.all() if c.stance == "contradicts"]

    # ``{field name: (what it is to this entry, what it names)}`` where the field's own
    # names would read badly in a sentence ("its speaker, the joint statement …").
    reference_labels = {}

    @classmethod
    def reference_names(cls, name):
        """What the foreign key ``name`` is to this entry, and what it names, for sentences."""
        if name in cls.reference_labels:
            return cls.reference_labels[name]
        field = cls._meta.get_field(name)
        return str(field.verbose_name), str(field.related_model._meta.verbose_name)

    @classmethod
    def contradiction_pairs(cls, pks):
        """``[(pk, partner's pk)]`` for the entries among ``pks`` that another entry of the
        same kind is recorded as contradicting, or that contradict one (claims record such
        relations; other kinds have none)."""
        return []

    @classmethod
    def count_supporting(cls, entries):
        """Set ``supporting_count`` on each of ``entries`` (a page of a list): how many of
        its citations support it, in one query, without loading the citations."""
        citation = cls.citations.rel.related_model
        entry_id = f"{citation.entry_field}_id"
        counts = dict(
            citation.objects.filter(**{f"{entry_id}__in": [entry.pk for entry in entries]}, stance="supports")
            .order_by()
            .values_list(entry_id)
            .annotate(count=models.Count("pk"))
            .values_list(entry_id, "count")
        )
        for entry in entries:
            entry.supporting_count = counts.get(entry.pk, 0)

    def stored_corroboration(self):
        """``corroboration()`` from the stored fields, without reading the evidence: they
        are kept current on every change of their inputs. What they
        leave out, contradiction by an unpublished claim, comes from ``is_contradicted``
        (annotate claims ``with_contradiction`` when showing many)."""
        disputed = self.corroboration_level == CorroborationLevel.DISPUTED or self.is_contradicted()
        return Corroboration(supporting_sources=self.supporting_sources, disputed=disputed)

    def corroboration(self):
        """How many independent sources support this entry, or whether it is disputed.

        Prefetch ``citations__source__relays`` (and, for claims, the relations) when
        showing many entries; otherwise this costs queries per entry.
        """
        return corroboration_of(self.citations.all(), contradicted=self.is_contradicted())


class PublicationManager(models.Manager):
    def get_by_natural_key(self, entry_slug, number):
        return self.get(**{f"{self.model.entry_field}__slug": entry_slug, "number": number})


class Publication(models.Model):
    """A version of an entry made public: when, by whom, why, and what changed.

    Each kind of entry has its own (``ClaimPublication`` …, ``related_name="publications"``,
    ``entry_field``); readers see the log on the entry's page, and the digest of the public
    state lets ``check_corpus`` find rows changed outside review.
    """

    Kind = PublicationKind
    entry_field = None

    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=PublicationKind.choices)
    reason = models.TextField(blank=True, help_text="Why, as readers see it.")
    # ``[{"label", "before", "after"}]``: what changed, in words a reader can read.
    changes = models.JSONField(default=list, blank=True)
    # Of the public state this version made public (``changes.digest``).
    digest = models.CharField(max_length=64, blank=True)
    # Who contributed to it (user ids, this instance's own).
    contributors = models.JSONField(default=list, blank=True, serialize=False)

    objects = PublicationManager()

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self):
        return f"{self.entry} #{self.number} ({self.get_kind_display().lower()})"

    @property
    def entry(self):
        return getattr(self, self.entry_field)

    def natural_key(self):
        return (self.entry.slug, self.number)

    @classmethod
    def natural_key_lookups(cls):
        return (f"{cls.entry_field}__slug", "number")
