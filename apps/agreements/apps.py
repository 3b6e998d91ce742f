from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "apps.agreements"
    label = "agreements"

    def ready(self):
        from apps.editorial import registry
        from apps.search.index import Searched

        from .filters import AgreementFilter
        from .models import Agreement
        from .serializers import AgreementSerializer

        registry.register(
            registry.EntryType(
                Agreement,
                filterset=AgreementFilter,
                serializer=AgreementSerializer,
                headline_field="title",
                search=Searched(
                    A=["title"],
                    B=["summary", "citations__excerpt"],
                    C=[
                        "place",
                        "parties__name",
                        "parties__aliases",
                        "signatories__name",
                        "signatories__aliases",
                        "event__name",
                    ],
                ),
            )
        )
