from django.contrib import admin

from apps.editorial.admin import CitationInline, EntryAdmin
from apps.editorial.changelists import AutocompleteFilter

from .models import Agreement, AgreementCitation


class AgreementCitationInline(CitationInline):
    model = AgreementCitation


@admin.register(Agreement)
class AgreementAdmin(EntryAdmin):
    list_display = [
        "heading_display",
        "kind",
        "documents",
        "signed_on",
        "event",
        "status",
        "supporting",
        "corroboration",
        "updated_at",
    ]
    list_select_related = ["event"]
    list_filter = ["status", "kind", ("event", AutocompleteFilter), ("topics", AutocompleteFilter), "updated_at"]
    search_fields = ["title", "slug", "summary"]
    autocomplete_fields = ["parties", "signatories", "event", "topics"]
    inlines = [AgreementCitationInline]

    @admin.display(description="title", ordering="title")
    def heading_display(self, obj):
        return super().heading_display(obj)  # on two lines at most, sorted by title as before

    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "documents"]}),
        ("Who and when", {"fields": ["parties", "signatories", "signed_on", "place", "event"]}),
        ("Content", {"fields": ["topics", "summary", "document_url", "notes"]}),
        EntryAdmin.record_fieldset,
    ]
