from django.contrib import admin

from apps.editorial.admin import StampedAdmin

from .models import Organization, Person


@admin.register(Person)
class PersonAdmin(StampedAdmin):
    list_display = ["name", "role", "country", "updated_at"]
    list_filter = ["country"]
    search_fields = ["name", "aliases", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "country", "aliases", "notes"]


@admin.register(Organization)
class OrganizationAdmin(StampedAdmin):
    list_display = ["name", "kind", "country", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "country", "aliases", "url", "notes"]
