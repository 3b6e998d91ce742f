from django.contrib import admin

from apps.editorial.admin import StampedAdmin

from .models import Reliability, Source

# The key of the grade, one line under the field (from the choices, so it cannot drift).
RELIABILITY_KEY = (
    "How far this source has proved trustworthy, whatever it says here: " + "; ".join(Reliability.labels) + "."
)


@admin.register(Source)
class SourceAdmin(StampedAdmin):
    list_display = ["title", "outlet", "published_on", "kind", "reliability", "language"]
    list_select_related = ["outlet"]
    # No date_hierarchy: its year links cost a MIN/MAX and a DISTINCT over every source
    # on each page view. The list is newest first, the column sorts, and the
    # "published on" filter (past 7 days, this month, this year) costs no query.
    list_filter = ["kind", "reliability", "language", "published_on"]
    search_fields = ["title", "authors", "url", "outlet__name"]
    autocomplete_fields = ["outlet", "relays"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["content_hash"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "outlet", "authors", "published_on", "url", "language", "kind"]}),
        ("Reliability", {"fields": ["reliability", "reliability_notes", "relays"]}),
        ("Text", {"fields": ["body", "content_hash", "notes"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "reliability":
            field.help_text = RELIABILITY_KEY
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "body" in form.changed_data:
            # Source.clean refused a body that loses a cited passage; the rest moved.
            obj.reanchor_citations()
        if change and "reliability" in form.changed_data and obj.reliability_lowered(form.initial.get("reliability")):
            grade = obj.get_reliability_display()
            obj.flag_entries(obj.citing_entries(), f"the reliability of “{obj}” was lowered to {grade}")
