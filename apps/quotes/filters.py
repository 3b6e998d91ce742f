import django_filters
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement
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

from .models import SAID_LATEST_FIRST, Quote

VERIFIED = Status.VERIFIED
# The speaker filter's values say which kind of speaker they name: "person:vladimir-putin".
SPEAKER_FIELDS = {"person": "speaker", "organization": "speaker_organization", "statement": "speaker_statement"}


def tagged(kind):
    return Concat(Value(f"{kind}:"), "slug", output_field=CharField())


class QuoteFilter(PublicFilterSet):
    q = SearchFilter()
    topic = choice_filter("Topic", "Any topic", field_name="topics__slug")
    event = choice_filter("Occasion", "Any occasion", method="filter_event")
    speaker = choice_filter("Speaker", "Anyone", method="filter_speaker")
    said_from = django_filters.DateFilter(label="Said from", field_name="said_on", lookup_expr="gte", widget=DateInput)
    said_to = django_filters.DateFilter(label="Said until", field_name="said_on", lookup_expr="lte", widget=DateInput)
    corroboration = CorroborationFilter()
    order = OrderFilter(
        {
            "said": ("Date said, latest first", SAID_LATEST_FIRST),
            "recent": ("Recently verified", NEWEST_VERIFIED),
            # People A–Z, then organizations, then joint statements, on SQLite as on PostgreSQL.
            "speaker": (
                "Speaker",
                [
                    F("speaker__name").asc(nulls_last=True),
                    F("speaker_organization__name").asc(nulls_last=True),
                    F("speaker_statement__title").asc(nulls_last=True),
                    "slug",
                ],
            ),
        }
    )

    class Meta:
        model = Quote
        fields = []

    def choice_specs(self):
        quotes = Quote.objects.verified()
        return [
            ("topic", Topic.objects.filter(used_by(quotes, topics="pk")), "slug", "name"),
            (
                "event",
                Event.objects.named_by(quotes, "occasion"),
                "slug",
                "name",
            ),
            (
                "speaker",
                Person.objects.filter(used_by(quotes, speaker="pk") | used_by(quotes, co_speakers="pk")),
                tagged("person"),
                "name",
            ),
            (
                "speaker",
                Organization.objects.filter(used_by(quotes, speaker_organization="pk")),
                tagged("organization"),
                "name",
            ),
            (
                "speaker",
                Agreement.objects.verified().filter(used_by(quotes, speaker_statement="pk")),
                tagged("statement"),
                "title",
            ),
        ]

    def filter_event(self, queryset, name, value: str):  # the type: for the API's OpenAPI description
        return queryset.filter(Q(occasion__slug=value) | Q(occasion__parent__slug=value))

    def filter_speaker(self, queryset, name, value):
        kind, _, slug = value.partition(":")
        if kind == "person":  # what they said, alone or with others
            return queryset.said_by(Person.objects.filter(slug=slug))
        return queryset.filter(**{f"{SPEAKER_FIELDS[kind]}__slug": slug})
