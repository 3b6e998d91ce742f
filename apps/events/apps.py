from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"

    def ready(self):
        from apps.editorial import registry

        from .models import Event

        registry.register_record(Event)
