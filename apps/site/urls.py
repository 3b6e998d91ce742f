from django.urls import include, path

from . import sitemaps
from .feeds import VerifiedEntriesFeed
from .search_page import SearchView
from .views import HomeView, favicon

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon),
    # /search/?q=
    path("search/", SearchView.as_view(), name="search"),
    # /feeds/verified/
    path("feeds/", include(([path("verified/", VerifiedEntriesFeed(), name="verified")], "feeds"))),
    # /sitemap.xml: an index of /sitemap-<section>.xml, each at most 50 000 addresses
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap"),
]
