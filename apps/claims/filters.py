import django_filters
from django.db.models import Exists, OuterRef, Q

from apps.actors.models import Organization, Person
from apps.editorial.models import NEWEST_VERIFIED, Status, Topic
from apps.editorial.public import (
    CorroborationFilter,
    DateInput,
    OrderFilter,
    PublicFilterSet,
    choice_filter,
    probe_used_by,
    used_by,
)
from apps.events.models import Event
from apps.search.filters import SearchFilter
from apps.sources.models import Source

from .models import BY_EVENT_DATE, Claim, ClaimCitation

VERIFIED = Status.VERIFIED


class ClaimFilter(PublicFilterSet):
    q = SearchFilter()
    topic = choice_filter("Topic", "Any topic", field_name="topics__slug")
    event = choice_filter("Event", "Any event", method="filter_event")
    speaker = choice_filter("Attributed to", "Anyone", field_name="attributed_to__slug")
    outlet = choice_filter("Reported by", "Any outlet", method="filter_outlet")
    reported_from = django_filters.DateFilter(label="Reported from", method="filter_reported", widget=DateInput)
    reported_to = django_filters.DateFilter(label="Reported until", method="filter_reported", widget=DateInput)
    corroboration = CorroborationFilter()
    order = OrderFilter(
        {
            "recent": ("Recently verified", NEWEST_VERIFIED),
            "statement": ("Statement, A–Z", ["statement", "slug"]),
            "event": ("Event date", BY_EVENT_DATE),
        }
    )

    class Meta:
        model = Claim
        fields = []

    def choice_specs(self):
        claims = Claim.objects.verified()
        cited = ClaimCitation.objects.filter(claim__status=VERIFIED)
        return [
            ("topic", Topic.objects.filter(probe_used_by(claims, topics="pk")), "slug", "name"),
            (
                "event",
                Event.objects.named_by(claims, "event"),
                "slug",
                "name",
            ),
            ("speaker", Person.objects.filter(used_by(claims, attributed_to="pk")), "slug", "name"),
            (
                "outlet",
                # Driven from the outlet's sources: from the claims, it would read every citation.
                Organization.objects.filter(
                    probe_used_by(
                        Source.objects.filter(probe_used_by(cited, source="pk")),
                        outlet="pk",
                    )
                ),
                "slug",
                "name",
            ),
        ]

    def filter_event(self, queryset, name, value):
        # An event's claims include those of its parts (the talks, the state dinner).
        return queryset.filter(Q(event__slug=value) | Q(event__parent__slug=value))

    def filter_outlet(self, queryset, name, value: str):  # the type: for the API's OpenAPI description
        return queryset.filter(Exists(ClaimCitation.objects.filter(claim=OuterRef("pk"), source__outlet__slug=value)))

    def filter_reported(self, queryset, name, value):
        """Claims that one source published within the dates reports (both ends at once)."""
        dates = self.form.cleaned_data
        if name == "reported_to" and dates.get("reported_from"):
            return queryset  # done with reported_from
        lookups = {}
        if dates.get("reported_from"):
            lookups["source__published_on__gte"] = dates["reported_from"]
        if dates.get("reported_to"):
            lookups["source__published_on__lte"] = dates["reported_to"]
        return queryset.filter(Exists(ClaimCitation.objects.filter(claim=OuterRef("pk"), **lookups)))
