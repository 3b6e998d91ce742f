from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "apps.quotes"
    label = "quotes"

    def ready(self):
        from apps.editorial import registry
        from apps.search.index import Searched

        from .filters import QuoteFilter
        from .models import SPEAKER_FIELDS, Quote
        from .serializers import QuoteSerializer

        registry.register(
            registry.EntryType(
                Quote,
                filterset=QuoteFilter,
                serializer=QuoteSerializer,
                shown_with=(*SPEAKER_FIELDS, "occasion"),
                prefetched_with=("co_speakers",),
                headline_field="text",
                search=Searched(
                    A=["text"],
                    B=["context", "citations__excerpt"],
                    C=[
                        "speaker__name",
                        "speaker__aliases",
                        "speaker_organization__name",
                        "speaker_organization__aliases",
                        "co_speakers__name",
                        "co_speakers__aliases",
                        # A joint statement is named only once it is verified itself.
                        ("speaker_statement__title", {"speaker_statement__status": "verified"}),
                        "occasion__name",
                    ],
                ),
            )
        )
