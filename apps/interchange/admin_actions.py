"""The admin action that exports what is selected; InterchangeConfig.ready() gives it to the admin
of every kind of entry and of sources."""

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone

from . import fixtures


@admin.action(description="Export selected as fixture", permissions=["view"])
def export_selected_as_fixture(modeladmin, request, queryset):
    """Download the selected claims, quotes, agreements or sources with what they refer to.

    The same export as ``export_fixtures`` (natural keys, no user accounts, stable
    order), limited to the selection, in whatever status it is: whoever sees the
    changelist may take away what it shows. Streamed, so "select all" on a large table
    does not build the file in memory.
    """
    exporter = fixtures.Exporter(fixtures.Selection.of(queryset))
    taken = timezone.now().strftime("%Y%m%d-%H%M%S")
    filename = f"summitcms-{modeladmin.opts.model_name}-{taken}.json"
    response = StreamingHttpResponse(exporter.chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
