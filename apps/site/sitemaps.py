from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import reverse

from apps.actors.models import Organization, Person
from apps.editorial import registry
from apps.events.models import Event
from apps.sources.models import Source

# The lists of the records readers meet beside the entries.
RECORD_LISTS = ["sources:list", "actors:people", "actors:organizations"]


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", *(kind.list_url for kind in registry.entry_types()), *RECORD_LISTS, "corrections"]

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


def sitemaps():
    """Sections of the sitemap: the lists, every kind of entry, then the records' pages.
    A function, so that a kind of entry registered later has its section too."""
    return {
        "pages": PagesSitemap,
        **{kind.name: sitemap_of(kind.model.objects.verified()) for kind in registry.entry_types()},
        "sources": sitemap_of(Source.objects.all()),
        "events": sitemap_of(Event.objects.public()),
        "people": sitemap_of(Person.objects.public()),
        "organizations": sitemap_of(Organization.objects.public()),
    }


def index(request):
    """``/sitemap.xml``: an index of ``/sitemap-<section>.xml``, each at most 50 000 addresses."""
    return sitemap_views.index(request, sitemaps(), sitemap_url_name="sitemap")


def section(request, section):
    return sitemap_views.sitemap(request, sitemaps(), section=section)
