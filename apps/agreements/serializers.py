"""An agreement in the JSON API: what was signed, by whom, when and where."""

from django.db.models import Prefetch
from rest_framework import serializers

from apps.actors.models import Organization, Person
from apps.editorial.serializers import EntrySerializer, Named, WebUrl

from .models import SIGNED_LATEST_FIRST, Agreement, AgreementKind


class AgreementSerializer(EntrySerializer):
    """A verified agreement: what was signed, by whom, when and where, its corroboration and evidence."""

    title = serializers.CharField()
    agreement_kind = serializers.ChoiceField(source="kind", choices=AgreementKind.choices)
    documents = serializers.IntegerField(help_text="How many documents it stands for (14 agreements signed as one).")
    parties = Named(many=True, source="parties.all")
    signatories = Named(many=True, source="signatories.all")
    signed_on = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    event = Named(allow_null=True)
    topics = Named(many=True, source="topics.all")
    summary = serializers.CharField()
    document_url = WebUrl(help_text="The text of the document, where known.")

    class Meta:
        model = Agreement
        order = SIGNED_LATEST_FIRST

    @classmethod
    def queryset(cls):
        return (
            super()
            .queryset()
            .select_related("event")
            .prefetch_related(
                "topics",
                Prefetch("parties", Organization.objects.order_by("name", "slug")),
                Prefetch("signatories", Person.objects.order_by("name", "slug")),
            )
        )
