import django_filters

from apps.actors.models import Organization
from apps.editorial.public import DateInput, OrderFilter, PublicFilterSet, choice_filter, used_by
from apps.search.filters import SearchFilter

from .models import PUBLISHED_EARLIEST_FIRST, PUBLISHED_LATEST_FIRST, Reliability, Source, SourceKind


class SourceFilter(PublicFilterSet):
    q = SearchFilter()
    outlet = choice_filter("Outlet", "Any outlet", field_name="outlet__slug")
    kind = django_filters.ChoiceFilter(label="Kind", empty_label="Any kind", choices=SourceKind.choices)
    reliability = django_filters.ChoiceFilter(label="Reliability", empty_label="Any grade", choices=Reliability.choices)
    language = choice_filter("Language", "Any language", field_name="language")
    published_from = django_filters.DateFilter(
        label="Published from", field_name="published_on", lookup_expr="gte", widget=DateInput
    )
    published_to = django_filters.DateFilter(
        label="Published until", field_name="published_on", lookup_expr="lte", widget=DateInput
    )
    order = OrderFilter(
        {
            "published": ("Date published, latest first", PUBLISHED_LATEST_FIRST),
            "oldest": ("Date published, earliest first", PUBLISHED_EARLIEST_FIRST),
            "title": ("Title, A–Z", ["title", "slug"]),
            "cited": ("Most cited", ["-verified_entries", "title", "slug"]),
        }
    )

    class Meta:
        model = Source
        fields = []

    def choice_specs(self):
        return [
            ("outlet", Organization.objects.filter(used_by(Source.objects.all(), outlet="pk")), "slug", "name"),
            ("language", Source.objects.all(), "language", "language"),
        ]
