from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "apps.quotes"
    label = "quotes"

    def ready(self):
        from apps.editorial import registry
        from apps.search.index import Searched

        from .filters import QuoteFilter
        from .models import Quote
        from .serializers import QuoteSerializer

        registry.register(
            registry.EntryType(
                Quote,
                filterset=QuoteFilter,
                serializer=QuoteSerializer,
                shown_with=("speaker", "speaker_organization", "speaker_statement", "occasion"),
                headline_field="text",
                search=Searched(
                    A=["text"],
                    B=["context", "citations__excerpt"],
                    C=[
                        "speaker__name",
                        "speaker__aliases",
                        "speaker_organization__name",
                        "speaker_organization__aliases",
                        # A joint statement is named only once it is verified itself.
                        ("speaker_statement__title", {"speaker_statement__status": "verified"}),
                        "occasion__name",
                    ],
                ),
            )
        )
