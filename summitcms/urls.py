from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from apps.desk.views import review_queue_view
from apps.editorial.admin import view_on_site_view
from apps.site.feeds import VerifiedEntriesFeed
from apps.site.search_page import SearchView
from apps.site.sitemaps import SITEMAPS
from apps.site.views import HomeView, favicon

admin.site.site_header = "SummitCMS"
admin.site.site_title = "SummitCMS admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon),
    path("admin/review/", admin.site.admin_view(review_queue_view), name="review_queue"),
    # Shadows the admin's own "view on site" redirect (same address and name).
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site_view)),
    path("admin/", admin.site.urls),
    path("claims/", include("apps.claims.urls")),
    path("quotes/", include("apps.quotes.urls")),
    path("agreements/", include("apps.agreements.urls")),
    path("sources/", include("apps.sources.urls")),
    path("events/", include("apps.events.urls")),
    path("", include("apps.actors.urls")),
    # /search/?q=
    path("search/", SearchView.as_view(), name="search"),
    # /feeds/verified/
    path("feeds/", include(([path("verified/", VerifiedEntriesFeed(), name="verified")], "feeds"))),
    # /sitemap.xml: an index of /sitemap-<section>.xml, each at most 50 000 addresses
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap_index"
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
