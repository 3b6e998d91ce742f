from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "apps.claims"
    label = "claims"

    def ready(self):
        from apps.editorial import registry
        from apps.search.index import Searched

        from .filters import ClaimFilter
        from .models import Claim
        from .serializers import ClaimSerializer

        registry.register(
            registry.EntryType(
                Claim,
                filterset=ClaimFilter,
                serializer=ClaimSerializer,
                parts=("relations_from",),
                shown_with=("event", "attributed_to"),
                headline_field="statement",
                search=Searched(
                    A=["statement"],
                    B=["citations__excerpt"],
                    C=["attributed_to__name", "attributed_to__aliases", "event__name", "quantity_unit"],
                ),
            )
        )
