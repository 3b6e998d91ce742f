import django_filters
from django.db.models import Q

from apps.editorial.public import OrderFilter, PublicFilterSet, choice_filter

from .models import Organization, OrganizationKind, Person


def name_filter():
    return django_filters.CharFilter(label="Name", method="filter_name", max_length=200)


class NameFilterMixin:
    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))


class PersonFilter(NameFilterMixin, PublicFilterSet):
    q = name_filter()
    country = choice_filter("Country", "Any country", field_name="country")
    order = OrderFilter(
        {
            "name": ("Name, A–Z", ["name", "slug"]),
            "quotes": ("Most quoted", ["-verified_quotes", "name", "slug"]),
        }
    )

    class Meta:
        model = Person
        fields = []

    def choice_specs(self):
        return [("country", Person.objects.public().exclude(country=""), "country", "country")]


class OrganizationFilter(NameFilterMixin, PublicFilterSet):
    q = name_filter()
    kind = django_filters.ChoiceFilter(label="Kind", empty_label="Any kind", choices=OrganizationKind.choices)
    country = choice_filter("Country", "Any country", field_name="country")
    order = OrderFilter(
        {
            "name": ("Name, A–Z", ["name", "slug"]),
            "sources": ("Most sources published", ["-source_count", "name", "slug"]),
            "agreements": ("Most agreements", ["-verified_agreements", "name", "slug"]),
        }
    )

    class Meta:
        model = Organization
        fields = []

    def choice_specs(self):
        return [("country", Organization.objects.public().exclude(country=""), "country", "country")]
