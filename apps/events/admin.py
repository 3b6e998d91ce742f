from django.contrib import admin

from apps.editorial.admin import StampedAdmin, VersionedInline

from .models import Event


class PartInline(VersionedInline):
    model = Event
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
