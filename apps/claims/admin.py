from django.contrib import admin

from apps.editorial.admin import CitationInline, EntryAdmin, KeysOnlyAutocomplete, StampedAdmin, VersionedInline
from apps.editorial.changelists import AutocompleteFilter

from .models import Claim, ClaimCitation, ClaimRelation, Credibility

# The key of the grade, one line under the field (from the choices, so it cannot drift).
CREDIBILITY_KEY = (
    "How likely the claim is true, whatever its sources' reliability: " + "; ".join(Credibility.labels) + "."
)


class ClaimCitationInline(CitationInline):
    model = ClaimCitation


class ClaimRelationInline(KeysOnlyAutocomplete, VersionedInline):
    model = ClaimRelation
    fk_name = "from_claim"
    autocomplete_fields = ["to_claim"]
    fields = ["kind", "to_claim", "note"]
    extra = 0
    verbose_name = "relation to another claim"
    verbose_name_plural = "relations to other claims"


@admin.register(Claim)
class ClaimAdmin(EntryAdmin):
    list_display = [
        "heading_display",
        "event",
        "credibility",
        "quantity_display",
        "status",
        "supporting",
        "corroboration",
        "updated_at",
    ]
    list_select_related = ["event", "created_by"]
    list_filter = ["status", "credibility", ("event", AutocompleteFilter), ("topics", AutocompleteFilter), "updated_at"]
    search_fields = ["statement", "slug"]
    autocomplete_fields = ["event", "topics", "attributed_to", "quotes", "agreements"]
    inlines = [ClaimCitationInline, ClaimRelationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_contradiction()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "credibility":
            field.help_text = CREDIBILITY_KEY
        return field

    fieldsets = [
        (None, {"fields": ["statement", "slug", "credibility", "attributed_to"]}),
        ("Quantity", {"fields": ["quantity_qualifier", "quantity", "quantity_unit", "quantity_period"]}),
        ("Context", {"fields": ["event", "topics", "quotes", "agreements", "notes"]}),
        EntryAdmin.record_fieldset,
    ]

    @admin.display(description="quantity")
    def quantity_display(self, obj):
        return obj.quantity_display


@admin.register(ClaimRelation)
class ClaimRelationAdmin(StampedAdmin):
    stamp_fields = ["updated_by", "updated_at"]
    list_display = ["from_claim", "kind", "to_claim"]
    list_select_related = ["from_claim", "to_claim"]
    list_filter = ["kind"]
    search_fields = ["from_claim__statement", "to_claim__statement"]
    autocomplete_fields = ["from_claim", "to_claim"]
