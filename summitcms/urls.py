from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from apps.editorial.admin import review_queue_view
from apps.editorial.views import favicon

admin.site.site_header = "SummitCMS"
admin.site.site_title = "SummitCMS admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("", TemplateView.as_view(template_name="site/home.html"), name="home"),
    path("favicon.ico", favicon),
    path("admin/review/", admin.site.admin_view(review_queue_view), name="review_queue"),
    path("admin/", admin.site.urls),
    path("claims/", include("apps.claims.urls")),
    path("quotes/", include("apps.quotes.urls")),
    path("agreements/", include("apps.agreements.urls")),
    path("sources/", include("apps.sources.urls")),
    path("events/", include("apps.events.urls")),
    path("", include("apps.actors.urls")),
]
