from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "apps.sources"
    label = "sources"

    def ready(self):
        from apps.editorial import registry
        from apps.search.index import Searched, register

        from .models import Source

        registry.register_record(Source)
        register(Source, Searched(A=["title"], B=["authors", "outlet__name", "outlet__aliases"], D=["body"]))
