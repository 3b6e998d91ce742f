from django.apps import apps
from django.db import models
from django.urls import reverse

from apps.editorial import registry
from apps.editorial.models import SlugNaturalKeyManager, Stamped


def alias_list(aliases):
    return [line.strip() for line in aliases.splitlines() if line.strip()]


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People a verified entry names: as a speaker, a signatory, or the author of a claim.

        Anyone else is known only to the desk, perhaps from work that is never published.
        """
        return self.filter(registry.named_by_a_verified_entry(self.model))


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        """Organizations a reader can meet: outlets of sources (published articles, public),
        outlets a source relays, and parties and speakers of verified entries."""
        source = apps.get_model("sources.Source")
        return self.filter(
            models.Exists(source.objects.filter(outlet=models.OuterRef("pk")))
            | models.Exists(source.objects.filter(relays=models.OuterRef("pk")))
            | registry.named_by_a_verified_entry(self.model)
        )


class Person(Stamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField("role or title", max_length=300, blank=True, help_text="E.g. “President of Russia”.")
    country = models.CharField(max_length=100, blank=True)
    aliases = models.TextField(blank=True, help_text="Other names the coverage uses, one per line.")
    notes = models.TextField(blank=True)

    objects = SlugNaturalKeyManager.from_queryset(PersonQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:person", args=[self.slug])

    @property
    def alias_list(self):
        return alias_list(self.aliases)


class OrganizationKind(models.TextChoices):
    STATE = "state", "State"
    GOVERNMENT_BODY = "government_body", "Government body"
    COMPANY = "company", "Company"
    MEDIA_OUTLET = "media_outlet", "Media outlet"
    INTERNATIONAL_BODY = "international_body", "International body"
    OTHER = "other", "Other"


class Organization(Stamped):
    """A state, ministry, company, outlet or international body: one model serves an
    outlet (TASS publishes news) and a party (TASS signs with Xinhua)."""

    Kind = OrganizationKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    country = models.CharField(max_length=100, blank=True)
    aliases = models.TextField(blank=True, help_text="Other names the coverage uses, one per line.")
    url = models.URLField("web site", blank=True)
    notes = models.TextField(blank=True)

    objects = SlugNaturalKeyManager.from_queryset(OrganizationQuerySet)()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:organization", args=[self.slug])

    @property
    def alias_list(self):
        return alias_list(self.aliases)

    @property
    def is_outlet(self):
        return self.kind == self.Kind.MEDIA_OUTLET
