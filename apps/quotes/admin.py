from django import forms
from django.contrib import admin

from apps.editorial.admin import CitationFormSet, CitationInline, EntryAdmin
from apps.editorial.changelists import AutocompleteFilter
from apps.sources.models import CitationStance

from .models import Quote, QuoteCitation


class QuoteCitationFormSet(CitationFormSet):
    def clean(self):
        super().clean()
        supporting = [
            form.cleaned_data["excerpt"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("stance") == CitationStance.SUPPORTS
            and form.cleaned_data.get("excerpt")
        ]
        problem = self.instance.text_missing_from(supporting)
        if problem:
            raise forms.ValidationError(problem)


class QuoteCitationInline(CitationInline):
    model = QuoteCitation
    formset = QuoteCitationFormSet


@admin.register(Quote)
class QuoteAdmin(EntryAdmin):
    list_display = [
        "heading_display",
        "speakers",
        "said_on",
        "occasion",
        "is_partial",
        "status",
        "supporting",
        "corroboration",
        "updated_at",
    ]
    list_select_related = ["speaker", "speaker_organization", "speaker_statement", "occasion"]
    list_filter = [
        "status",
        "is_partial",
        "is_paraphrase",
        ("occasion", AutocompleteFilter),
        ("topics", AutocompleteFilter),
        "updated_at",
    ]
    search_fields = ["text", "slug", "speaker__name", "speaker_organization__name", "co_speakers__name", "context"]
    autocomplete_fields = [
        "speaker",
        "speaker_organization",
        "speaker_statement",
        "co_speakers",
        "occasion",
        "topics",
        "agreements",
    ]
    inlines = [QuoteCitationInline]
    fieldsets = [
        (None, {"fields": ["text", "slug"]}),
        ("Who said it", {"fields": ["speaker", "speaker_organization", "speaker_statement", "co_speakers"]}),
        ("When and where", {"fields": ["occasion", "said_on", "language", "is_partial", "is_paraphrase", "context"]}),
        ("Cross-references", {"fields": ["topics", "agreements", "notes"]}),
        EntryAdmin.record_fieldset,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("co_speakers")

    @admin.display(description="speaker", ordering="speaker__name")
    def speakers(self, obj):
        """Who said it: the person, organization or joint statement, and who said it with them."""
        return obj.speaker_name
