"""The site's URLs plus views that fail, for the error-page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from summitcms.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("secret internal detail")


def suspicious(request):
    raise SuspiciousOperation("tampered input")


urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *site_urlpatterns]
