from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.sources.models import Source


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "claims:list",
            "quotes:list",
            "agreements:list",
            "sources:list",
            "actors:people",
            "actors:organizations",
        ]

    def location(self, item):
        return reverse(item)


class ModelSitemap(Sitemap):
    """Every public object of a model, with when it last changed."""

    queryset = None
    limit = 10_000  # addresses per sitemap page: each renders in well under a second

    def items(self):
        # By slug, not id: the same pages on an instance loaded from a backup.
        return self.queryset.only("slug", "updated_at").order_by("slug")

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate, not every row (Django's default loads them all).
        return self.queryset.aggregate(latest=Max("updated_at"))["latest"]


def sitemap_of(queryset):
    return type(f"{queryset.model.__name__}Sitemap", (ModelSitemap,), {"queryset": queryset})


SITEMAPS = {
    "pages": PagesSitemap,
    "claims": sitemap_of(Claim.objects.verified()),
    "quotes": sitemap_of(Quote.objects.verified()),
    "agreements": sitemap_of(Agreement.objects.verified()),
    "sources": sitemap_of(Source.objects.all()),
    "events": sitemap_of(Event.objects.public()),
    "people": sitemap_of(Person.objects.public()),
    "organizations": sitemap_of(Organization.objects.public()),
}
