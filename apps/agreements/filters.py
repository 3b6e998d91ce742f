import django_filters
from django.db.models import Q

from apps.actors.models import Organization, Person
from apps.editorial.models import NEWEST_VERIFIED, Status, Topic
from apps.editorial.public import (
    CorroborationFilter,
    DateInput,
    OrderFilter,
    PublicFilterSet,
    choice_filter,
    used_by,
)
from apps.events.models import Event
from apps.search.filters import SearchFilter

from .models import SIGNED_LATEST_FIRST, Agreement, AgreementKind

VERIFIED = Status.VERIFIED


class AgreementFilter(PublicFilterSet):
    q = SearchFilter()
    topic = choice_filter("Topic", "Any topic", field_name="topics__slug")
    event = choice_filter("Event", "Any event", method="filter_event")
    kind = django_filters.ChoiceFilter(label="Kind", empty_label="Any kind", choices=AgreementKind.choices)
    party = choice_filter("Party", "Any party", field_name="parties__slug")
    signatory = choice_filter("Signed by", "Anyone", field_name="signatories__slug")
    signed_from = django_filters.DateFilter(
        label="Signed from", field_name="signed_on", lookup_expr="gte", widget=DateInput
    )
    signed_to = django_filters.DateFilter(
        label="Signed until", field_name="signed_on", lookup_expr="lte", widget=DateInput
    )
    corroboration = CorroborationFilter()
    order = OrderFilter(
        {
            "signed": ("Date signed, latest first", SIGNED_LATEST_FIRST),
            "title": ("Title, A–Z", ["title", "slug"]),
            "recent": ("Recently verified", NEWEST_VERIFIED),
        }
    )

    class Meta:
        model = Agreement
        fields = []

    def choice_specs(self):
        agreements = Agreement.objects.verified()
        return [
            ("topic", Topic.objects.filter(used_by(agreements, topics="pk")), "slug", "name"),
            (
                "event",
                Event.objects.named_by(agreements, "event"),
                "slug",
                "name",
            ),
            ("party", Organization.objects.filter(used_by(agreements, parties="pk")), "slug", "name"),
            ("signatory", Person.objects.filter(used_by(agreements, signatories="pk")), "slug", "name"),
        ]

    def filter_event(self, queryset, name, value):
        return queryset.filter(Q(event__slug=value) | Q(event__parent__slug=value))
