import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    RETRACTED = "retracted", "Retracted"


# Statuses only an editor may give an entry.
EDITOR_STATUSES = {Status.VERIFIED, Status.RETRACTED}


class SlugNaturalKeyManager(models.Manager):
    """Fixtures refer to every slugged model by its slug, never by a database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


@reversion.register()
class Topic(models.Model):
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


class Stamped(models.Model):
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


class EntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Status.VERIFIED)


class EntryManager(SlugNaturalKeyManager.from_queryset(EntryQuerySet)):
    pass


class Entry(Stamped):
    """What claims, quotes and agreements share: a status in the editorial workflow."""

    slug = models.SlugField(max_length=200, unique=True)
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
    notes = models.TextField("internal notes", blank=True, help_text="For the desk only; never shown to readers.")
    # Bumped on every save: a form that was opened at an older version is stale.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EntryManager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="%(class)s_status_valid"),
        ]

    @classmethod
    def verify_permission(cls):
        """The permission that lets an editor verify, send back and retract this kind of entry."""
        return f"{cls._meta.app_label}.verify_{cls._meta.model_name}"

    def natural_key(self):
        return (self.slug,)

    @property
    def is_public(self):
        return self.status == Status.VERIFIED

    def supporting_citations(self):
        return [c for c in self.citations.all() if c.stance == "supports"]

    def evidence_problems(self):
        """Sentences for each broken provenance rule of this entry's evidence."""
        return [problem for c in self.citations.all() if (problem := c.anchor_problem())]

    def integrity_problems(self, four_eyes=True):
        """Every rule of the design this entry breaks, as sentences (empty when sound).

        ``check_corpus`` reports these for data that arrived without the admin's checks.
        """
        problems = self.evidence_problems()
        if self.status == Status.VERIFIED:
            if not self.supporting_citations():
                problems.append("It is verified without a supporting citation.")
            if four_eyes and self.verified_by_id and self.verified_by_id == self.created_by_id:
                problems.append("It was verified by the person who created it (four-eyes rule).")
        return problems

    def is_contradicted(self):
        """Whether another entry is recorded as contradicting this one (claims override)."""
        return False

    def corroboration(self):
        """How many independent sources support this entry, or whether it is disputed.

        Prefetch ``citations__source__relays`` (and, for claims, the relations) when
        showing many entries; otherwise this costs queries per entry.
        """
        from apps.sources.corroboration import corroboration

        return corroboration(self.citations.all(), contradicted=self.is_contradicted())


class ContentVersionQuerySet(models.QuerySet):
    def current(self):
        """``(number, changed_at)`` of the published content; one query."""
        row = self.filter(pk=1).values_list("number", "changed_at").first()
        return row or (0, None)

    def bump(self):
        """Mark the content changed; every cached public page is stale from now on."""
        from django.utils import timezone

        if not self.filter(pk=1).update(number=models.F("number") + 1, changed_at=timezone.now()):
            self.get_or_create(pk=1, defaults={"number": 1, "changed_at": timezone.now()})


class ContentVersion(models.Model):
    """One row counting changes to anything a reader can see.

    Public pages are cached under this number, and every worker reads it from the
    database on each request: a change made by any process (an admin save, a command,
    loaddata) makes every cached page stale for the very next request.
    """

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    objects = ContentVersionQuerySet.as_manager()

    def __str__(self):
        return f"content version {self.number}"
