from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The kernel: what every kind of entry shares, and the registry they join."""

    name = "apps.editorial"
    label = "editorial"

    def ready(self):
        from . import registry
        from .models import Topic

        registry.register_record(Topic)
