from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "apps.actors"
    label = "actors"

    def ready(self):
        from apps.editorial import registry

        from .models import Organization, Person

        registry.register_record(Organization)
        registry.register_record(Person)
