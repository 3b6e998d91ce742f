"""SummitCMS's URLs plus the stock reference admin under /stock-admin/ (benchmark only)."""

from django.urls import path

from summitcms.urls import urlpatterns as summitcms_urlpatterns

from .stock_admin import site

urlpatterns = [path("stock-admin/", site.urls), *summitcms_urlpatterns]
