from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from . import workflow
from .models import Status, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class StampedAdmin(admin.ModelAdmin):
    """Fills in who created and who last changed a record."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    stamp_fields = ["created_by", "created_at", "updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.stamp_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class CitationInline(admin.TabularInline):
    """Evidence rows under an entry: the source and the passage copied from it."""

    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "excerpt", "stance", "note", "start", "end"]
    readonly_fields = ["start", "end"]

    def get_formset(self, request, obj=None, **kwargs):
        # Excerpts are a sentence or a paragraph: a short box fits a row of the table.
        kwargs.setdefault("widgets", {"excerpt": forms.Textarea(attrs={"rows": 3, "cols": 60})})
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class EntryAdminForm(forms.ModelForm):
    editing_user = None  # set by EntryAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned:
            old = self.instance.status if self.instance.pk else Status.DRAFT
            try:
                workflow.check_status_change(self.editing_user, self.instance, old, cleaned["status"])
            except forms.ValidationError as error:
                self.add_error("status", error)
        return cleaned


class EntryAdmin(StampedAdmin):
    """What the admin of claims, quotes and agreements shares."""

    form = EntryAdminForm
    list_filter = ["status"]
    list_per_page = 100
    date_hierarchy = "updated_at"
    stamp_fields = [*StampedAdmin.stamp_fields, "verified_by", "verified_at", "version"]
    list_select_related = ["created_by"]

    @admin.display(description="evidence", ordering="supporting_count")
    def supporting(self, obj):
        return obj.supporting_count

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(supporting_count=Count("citations", filter=Q(citations__stance="supports")))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if "status" in form_class.base_fields:
            current = obj.status if obj is not None else Status.DRAFT
            allowed = workflow.statuses_for(request.user, self.model, current)
            form_class.base_fields["status"].choices = [(s.value, s.label) for s in allowed]
        form_class.editing_user = request.user
        return form_class

    def save_model(self, request, obj, form, change):
        if obj.status == Status.VERIFIED and (not change or "status" in form.changed_data):
            obj.verified_by = request.user
            obj.verified_at = timezone.now()
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
