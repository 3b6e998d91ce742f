"""Admin changelists that cost the same at a hundred rows and at a hundred thousand.

Stock Django counts the whole filtered table for its paginator on every page view (even
with ``show_full_result_count = False``, which only drops the second, unfiltered count),
and lists every related object in a filter's sidebar. Here the count stops at a cap a few
pages past the one shown, and filters on large related tables pick their value through
the admin's autocomplete instead of listing every choice.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext

from summitcms.lib.counting import AtLeast


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows: exact below it, ``AtLeast(cap)`` beyond.

    The count is ``COUNT(*)`` over a ``LIMIT cap + 1`` subquery without ordering, so the
    database stops after ``cap + 1`` index entries instead of reading the whole table.
    When capped there are ``cap // per_page + 1`` known pages, the last holding at least
    one row, so every page link leads to a real page.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, cap):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = cap

    @cached_property
    def count(self):
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        return AtLeast(self.cap) if counted > self.cap else counted

    @property
    def capped(self):
        return isinstance(self.count, AtLeast)


class RowsChangeList(ChangeList):
    """A changelist that reverses the change view's address once, not once per row."""

    @cached_property
    def change_url_pattern(self):
        # A placeholder key that reverse() leaves as it is, replaced by each row's key.
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=["0pk0"],
            current_app=self.model_admin.admin_site.name,
        )

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):  # a text key needs the escaping of quote() and reverse()
            return super().url_for_result(result)
        return self.change_url_pattern.replace("0pk0", str(pk))


class CappedCountAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changelist never counts its whole table.

    The cap follows the page shown: ``count_pages_ahead`` pages beyond it, at least
    ``count_cap`` rows. An analyst on page 1 of 100 000 claims reads “more than 1 000
    claims” and links to pages 1 to 11; on page 11 the links reach page 21, and so on.
    The page number comes from the query string, as the changelist reads it.
    """

    count_cap = 1000
    count_pages_ahead = 9
    # The capped count already bounds the cost; a second, unfiltered count would not be.
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page = max(int(request.GET.get(PAGE_VAR, 1)), 1)
        except ValueError:
            page = 1  # the changelist itself refuses it, as stock Django does
        cap = max(self.count_cap, (page + self.count_pages_ahead) * per_page)
        return CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)

    def get_changelist(self, request, **kwargs):
        return RowsChangeList

    def action_checkbox(self, obj):
        """Django's checkbox of each row, written directly: rendering a ``CheckboxInput``
        through the template engine was a quarter of a 500-row page's time. A record that
        counts its versions sends the one the list showed (``seen_version_<pk>``): a bulk
        action then acts on what the person saw, or refuses."""
        checkbox = format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )
        version = getattr(obj, "version", None)
        if version is None:
            return checkbox
        return format_html('{}<input type="hidden" name="seen_version_{}" value="{}">', checkbox, obj.pk, version)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is None:
            return response
        if isinstance(changelist.result_count, AtLeast):
            context["selection_note_all"] = f"All selected ({changelist.result_count})"
        for spec in changelist.filter_specs:
            if isinstance(spec, AutocompleteFilter):
                context["media"] += spec.media
        return response


class _FilterSelect(AutocompleteSelect):
    """The admin's autocomplete box, showing a chosen object the filter already loaded."""

    def __init__(self, field, admin_site, chosen):
        super().__init__(field, admin_site)
        self.chosen = chosen

    def optgroups(self, name, value, attrs=None):
        options = [self.create_option(name, "", "", self.chosen is None, 0)]
        if self.chosen is not None:
            options.append(self.create_option(name, self.chosen.pk, str(self.chosen), True, 1))
        return [(None, options, 0)]


class AutocompleteFilter(admin.FieldListFilter):
    """Filter on a foreign key or many-to-many field by picking one related object.

    ``RelatedFieldListFilter`` loads every event (or topic) on every page view to list
    them, and ``RelatedOnlyFieldListFilter`` scans the filtered table for the ones in
    use; both grow with the corpus. This one lists nothing: it shows the chosen object
    (one query, only while a filter is set) and a box that searches the related model
    through the admin's autocomplete view, with that model admin's ``search_fields`` and
    permissions. Without JavaScript the box is a plain select of the current value.
    """

    template = "admin/editorial/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        self.lookup_val = params.get(self.lookup_kwarg)
        super().__init__(field, request, params, model, model_admin, field_path)
        self.model_admin = model_admin
        self.title = getattr(field, "verbose_name", field_path)
        self.hidden_params = []

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def has_output(self):
        return True

    @cached_property
    def selected(self):
        """The chosen object, or None; a value that is not a key was refused by ``queryset``."""
        if not self.lookup_val:
            return None
        related = self.field.remote_field.model
        return related._default_manager.filter(pk=self.lookup_val[-1]).first()

    @cached_property
    def widget(self):
        return _FilterSelect(self.field, self.model_admin.admin_site, self.selected)

    @property
    def media(self):
        return self.widget.media

    def select(self):
        """The search box, named like the lookup, so submitting the form applies it."""
        return self.widget.render(
            self.lookup_kwarg,
            self.selected.pk if self.selected else None,
            attrs={"id": f"filter-{self.field_path}", "aria-label": f"By {self.title}"},
        )

    def choices(self, changelist):
        # The box's form keeps the rest of the query (other filters, search, ordering).
        self.hidden_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in (self.lookup_kwarg, PAGE_VAR, ERROR_FLAG)
            for value in values
        ]
        yield {
            "selected": self.selected is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": "All",
        }
        if self.selected is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string({self.lookup_kwarg: self.selected.pk}),
                "display": str(self.selected),
            }
