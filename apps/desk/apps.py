from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The editorial desk's pages that span entry types: the review queue."""

    name = "apps.desk"
    label = "desk"
    verbose_name = "Editorial desk"
