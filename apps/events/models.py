from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse

from apps.editorial import registry
from apps.editorial.models import SlugNaturalKeyManager, Stamped


def root(prefix=""):
    """The top of an event's family (the summit of a day of talks), three levels deep."""
    return Coalesce(f"{prefix}parent__parent_id", f"{prefix}parent_id", f"{prefix}id" if prefix else "pk")


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events of a summit with a verified entry anywhere in it: the summit, its parts
        (even a state dinner nobody is quoted at), and their parts. An event recorded
        only for unpublished work stays with the desk."""
        # The families of events that a verified entry names, each probed through the
        # entry's index on its event, rather than every verified entry read per event.
        named = registry.named_by_a_verified_entry(Event)
        families = Event.objects.filter(named).annotate(family=root()).values("family")
        return self.alias(family=root()).filter(family__in=families)

    def named_by(self, entries, field):
        """For a filter's choices: the events that a row of ``entries`` names in ``field``,
        directly or through one of their parts. The parts are probed one by one through
        the index on ``field``, not by joining every entry to its event."""
        named = models.Exists(entries.filter(**{field: models.OuterRef("pk")}))
        parts = Event.objects.filter(parent=models.OuterRef("pk")).filter(named)
        return self.filter(named | models.Exists(parts))


class Event(Stamped):
    """A summit, or a part of one (talks, a state dinner, a press briefing)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="The event this is part of.",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # Orders the parts of one day, which a date alone cannot.
    sequence = models.PositiveSmallIntegerField(default=0, help_text="Order among parts on the same day.")

    objects = SlugNaturalKeyManager.from_queryset(EventQuerySet)()

    class Meta:
        ordering = ["starts_on", "sequence", "name"]
        indexes = [models.Index(fields=["starts_on", "sequence"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="event_not_its_own_parent"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "An event cannot end before it starts."})
        # Up the parents: through loaded ones, or a query per level. The walk stops at a
        # parent met twice, a loop above this event that is not this event's to refuse.
        seen = set()
        ancestor = self.parent
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "An event cannot be part of itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
