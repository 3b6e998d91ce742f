from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.editorial.admin import StampedAdmin

from . import saved_pages
from .models import Reliability, Source

# The key of the grade, one line under the field (from the choices, so it cannot drift).
RELIABILITY_KEY = (
    "How far this source has proved trustworthy, whatever it says here: " + "; ".join(Reliability.labels) + "."
)

# Where the fields read from a saved page wait for the add form (the session: a body is
# too long for an address).
FROM_PAGE_SESSION_KEY = "sources_from_page"


class SavedPageForm(forms.Form):
    page = forms.FileField(
        label="Saved page or text file",
        help_text=f"HTML (.html, .htm) or plain text (.txt), at most {saved_pages.MAX_BYTES // (1024 * 1024)} MB.",
    )

    def clean_page(self):
        upload = self.cleaned_data["page"]
        if upload.size > saved_pages.MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {saved_pages.MAX_BYTES // (1024 * 1024)} MB.")
        try:
            self.fields_read = saved_pages.source_fields(upload.name, upload.read())
        except saved_pages.Unreadable as error:
            raise forms.ValidationError(str(error)) from None
        return upload


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

    def get_urls(self):
        return [
            path("from-page/", self.admin_site.admin_view(self.from_page_view), name="sources_source_from_page"),
            *super().get_urls(),
        ]

    def from_page_view(self, request):
        """A saved web page or text file read into the add form, for the analyst to check."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SavedPageForm(request.POST, request.FILES) if request.method == "POST" else SavedPageForm()
        if request.method == "POST" and form.is_valid():
            fields = dict(form.fields_read)
            if "published_on" in fields:
                fields["published_on"] = fields["published_on"].isoformat()
            request.session[FROM_PAGE_SESSION_KEY] = {"name": form.cleaned_data["page"].name, "fields": fields}
            return redirect(reverse("admin:sources_source_add") + "?from_page=1")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add a source from a saved page",
            "form": form,
        }
        return TemplateResponse(request, "admin/sources/source/from_page.html", context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        read = request.session.get(FROM_PAGE_SESSION_KEY) if request.GET.get("from_page") else None
        if read:
            request.from_page = read["name"]
            initial.update(read["fields"])
        return {key: value for key, value in initial.items() if key != "from_page"}

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        if request.method == "POST" and response.status_code == 302:
            request.session.pop(FROM_PAGE_SESSION_KEY, None)  # saved: read, checked, done
        if getattr(request, "from_page", None) and hasattr(response, "context_data"):
            response.context_data["from_page"] = request.from_page
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "body" in form.changed_data:
            # Source.clean refused a body that loses a cited passage; the rest moved.
            obj.reanchor_citations()
        if change and "reliability" in form.changed_data and obj.reliability_lowered(form.initial.get("reliability")):
            grade = obj.get_reliability_display()
            obj.flag_entries(obj.citing_entries(), f"the reliability of “{obj}” was lowered to {grade}")
