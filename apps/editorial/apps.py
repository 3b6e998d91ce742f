from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "apps.editorial"
    label = "editorial"

    def ready(self):
        from django.apps import apps

        from .cache import connect_signals

        connect_signals(apps)
