from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "apps.editorial"
    label = "editorial"

    def ready(self):
        from django.apps import apps

        from . import corroboration
        from .cache import connect_signals

        connect_signals(apps)
        corroboration.connect_signals(apps)
