from django import forms
from django.contrib import admin

from apps.editorial.admin import StampedAdmin, VersionedInline

from .models import Event


class PartFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Django checks a part's slug against the events already saved, and against the
        # other parts, but not against the event it is saved with (that was a 500).
        for form in self.forms:
            if form.cleaned_data.get("slug") == self.instance.slug and not form.cleaned_data.get("DELETE"):
                raise forms.ValidationError(f"A part cannot have the slug of its event, “{self.instance.slug}”.")


class PartInline(VersionedInline):
    model = Event
    formset = PartFormSet
    fk_name = "parent"
    fields = ["name", "slug", "starts_on", "ends_on", "sequence", "place"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    show_change_link = True


@admin.register(Event)
class EventAdmin(StampedAdmin):
    list_display = ["name", "parent", "starts_on", "ends_on", "place"]
    list_select_related = ["parent"]
    list_filter = ["parent"]
    search_fields = ["name", "place"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "parent", "starts_on", "ends_on", "sequence", "place", "description"]
    inlines = [PartInline]
