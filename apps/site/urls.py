from django.urls import include, path

from . import sitemaps
from .feeds import CorrectionsFeed, VerifiedEntriesFeed
from .search_page import SearchView
from .views import CorrectionsView, HomeView, favicon

feeds = [
    # /feeds/verified/
    path("verified/", VerifiedEntriesFeed(), name="verified"),
    # /feeds/corrections/
    path("corrections/", CorrectionsFeed(), name="corrections"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon),
    # /search/?q=
    path("search/", SearchView.as_view(), name="search"),
    # /corrections/: every retraction, newest first
    path("corrections/", CorrectionsView.as_view(), name="corrections"),
    path("feeds/", include((feeds, "feeds"))),
    # /sitemap.xml: an index of /sitemap-<section>.xml, each at most 50 000 addresses
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap"),
]
