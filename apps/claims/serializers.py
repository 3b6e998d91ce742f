"""A claim in the JSON API: the statement, its quantity, the editor's verdict beside its
corroboration, and its relations to other verified claims."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agreements.models import Agreement
from apps.editorial.models import NEWEST_VERIFIED
from apps.editorial.serializers import EntryRef, EntrySerializer, Named
from apps.quotes.models import Quote

from .models import Claim, QuantityQualifier, RelationKind


class QuantitySerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=20, decimal_places=4, source="quantity", help_text="Exact, as recorded."
    )
    unit = serializers.CharField(source="quantity_unit", help_text="E.g. USD, %, agreements.")
    qualifier = serializers.ChoiceField(
        source="quantity_qualifier", choices=QuantityQualifier.choices, allow_blank=True, help_text="about, more than…"
    )
    period = serializers.CharField(source="quantity_period", help_text="The date or period it refers to.")
    display = serializers.CharField(
        source="quantity_display", help_text='As the pages write it: "more than $200 billion (2023)".'
    )


class CredibilitySerializer(serializers.Serializer):
    grade = serializers.IntegerField(source="credibility", help_text="1 (confirmed) to 6 (truth cannot be judged).")
    label = serializers.CharField(source="get_credibility_display")


class VerdictSerializer(serializers.Serializer):
    """The editor's verdict on the scale of ClaimReview: 6 − the credibility grade."""

    name = serializers.CharField(help_text="Confirmed, Probably true, Possibly true, Doubtful or Improbable.")
    value = serializers.IntegerField(help_text="From worst 1 (improbable) to best 5 (confirmed).")
    best = serializers.IntegerField()
    worst = serializers.IntegerField()


class CrossReferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    relation = serializers.CharField(source="label", help_text='Read from this claim: "refines", "refined by".')
    note = serializers.CharField()
    claim = EntryRef()


class ClaimSerializer(EntrySerializer):
    """A verified claim: its statement and quantity, the editor's verdict beside its corroboration, why it is
    disputed, its evidence, and the verified claims, quotes and agreements it is linked to."""

    statement = serializers.CharField()
    quantity = serializers.SerializerMethodField()
    event = Named(allow_null=True)
    attributed_to = Named(allow_null=True)
    topics = Named(many=True, source="topics.all")
    credibility = CredibilitySerializer(source="*")
    verdict = VerdictSerializer(
        source="rating", allow_null=True, help_text="The editor's assessment; null when the truth cannot be judged."
    )
    related_claims = CrossReferenceSerializer(many=True, source="cross_references")
    quotes = EntryRef(many=True, source="public_quotes", help_text="Verified quotes it concerns.")
    agreements = EntryRef(many=True, source="public_agreements", help_text="Verified agreements it concerns.")

    class Meta:
        model = Claim
        order = NEWEST_VERIFIED

    @extend_schema_field(QuantitySerializer(allow_null=True))
    def get_quantity(self, claim):
        return None if claim.quantity is None else QuantitySerializer(claim).data

    @classmethod
    def queryset(cls):
        return (
            super()
            .queryset()
            .prefetch_related(
                "topics",
                Prefetch("quotes", Quote.objects.verified().order_by("slug"), to_attr="public_quotes"),
                Prefetch(
                    "agreements", Agreement.objects.verified().order_by("title", "slug"), to_attr="public_agreements"
                ),
            )
        )
