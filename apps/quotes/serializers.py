"""A quote in the JSON API: the words, who said them, when, and the verified entries it is linked to."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial.serializers import EntryRef, EntrySerializer, Named

from .models import SAID_LATEST_FIRST, Quote


class SpeakerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organization", "joint statement"])
    name = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="Its page; null for a joint statement not published.")


class QuoteSerializer(EntrySerializer):
    """A verified quote: the words, who said them, when and where, its corroboration, evidence and links."""

    text = serializers.CharField(help_text="Verbatim, as the source prints it.")
    speaker = serializers.SerializerMethodField()
    co_speakers = Named(
        many=True,
        source="co_speaker_list",
        help_text="Others who said the words with the speaker (both leaders, say), by name. "
        "A joint statement has none: its signatories are the agreement's.",
    )
    said_on = serializers.DateField(allow_null=True)
    occasion = Named(allow_null=True)
    language = serializers.CharField()
    is_partial = serializers.BooleanField()
    is_paraphrase = serializers.BooleanField()
    context = serializers.CharField()
    topics = Named(many=True, source="topics.all")
    agreements = EntryRef(many=True, source="public_agreements", help_text="Verified agreements it refers to.")
    claims = EntryRef(many=True, source="public_claims", help_text="Verified claims about it.")

    class Meta:
        model = Quote
        order = SAID_LATEST_FIRST

    @extend_schema_field(SpeakerSerializer)
    def get_speaker(self, quote):
        """As the pages name the speaker: a joint statement that is not verified is not named."""
        request = self.context["request"]
        if quote.speaker_id:
            kind, who = "person", quote.speaker
        elif quote.speaker_organization_id:
            kind, who = "organization", quote.speaker_organization
        else:
            kind, who = "joint statement", quote.speaker_statement if quote.speaker_statement.is_public else None
        url = request.build_absolute_uri(who.get_absolute_url()) if who else None
        name, _ = quote.public_speakers[0]  # those who said it with them are ``co_speakers``
        return {"kind": kind, "name": name, "url": url}

    @classmethod
    def queryset(cls):
        return (
            super()
            .queryset()
            .prefetch_related(
                "topics",
                Prefetch(
                    "agreements", Agreement.objects.verified().order_by("title", "slug"), to_attr="public_agreements"
                ),
                Prefetch("claims", Claim.objects.verified().order_by("statement", "slug"), to_attr="public_claims"),
            )
        )
