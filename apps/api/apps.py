from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only JSON API of verified entries (/api/), for every kind of entry the registry gives a serializer."""

    name = "apps.api"
    label = "api"
    verbose_name = "JSON API"
