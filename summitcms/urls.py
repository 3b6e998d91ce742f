from django.contrib import admin
from django.urls import include, path

from apps.desk.views import review_queue_view, sent_back_view
from apps.editorial.admin import view_on_site_view

admin.site.site_header = "SummitCMS"
admin.site.site_title = "SummitCMS admin"
admin.site.index_title = "Editorial desk"
# No navigation column beside every admin page: it left the lists 581 pixels of a
# 1280-pixel screen. The home page and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False

# A database that does not answer is a 503 (read-only for now), not a 500.
handler500 = "summitcms.replicas.server_error"

urlpatterns = [
    path("admin/review/", admin.site.admin_view(review_queue_view), name="review_queue"),
    path("admin/sent-back/", admin.site.admin_view(sent_back_view), name="sent_back"),
    # Shadows the admin's own "view on site" redirect (same address and name).
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site_view)),
    path("admin/", admin.site.urls),
    path("claims/", include("apps.claims.urls")),
    path("quotes/", include("apps.quotes.urls")),
    path("agreements/", include("apps.agreements.urls")),
    path("sources/", include("apps.sources.urls")),
    path("events/", include("apps.events.urls")),
    path("", include("apps.actors.urls")),
    # /api/: the read-only JSON API of verified entries, /api/schema/ its OpenAPI description
    path("api/", include("apps.api.urls")),
    # The home page, search, the feed and the sitemaps.
    path("", include("apps.site.urls")),
]
