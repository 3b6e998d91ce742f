"""Admin changelists that cost the same at a hundred rows and at a hundred thousand.

Stock Django counts the whole filtered table for its paginator on every page view (even
with ``show_full_result_count = False``, which only drops the second, unfiltered count),
and lists every related object in a filter's sidebar. Here the count stops at a cap a few
pages past the one shown, and filters on large related tables pick their value through
the admin's autocomplete instead of listing every choice.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
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


class Column:
    """One column of a changelist, with what Django's ``items_for_result`` works out again
    for every cell (its classes, whether it is a model field, the empty value) worked out
    once, and the display of a value that shows the same wherever it appears (a choice,
    a yes/no icon, a date) kept for the rest of the page."""

    def __init__(self, changelist, index, name, link):
        self.name = name
        self.link = link
        self.empty = changelist.model_admin.get_empty_value_display()
        try:
            self.field = _get_non_gfk_field(changelist.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            self.field = None  # a method, property or callable: lookup_field() per row
        if callable(name):
            name = f"lambda{index}" if name.__name__ == "<lambda>" else name.__name__
        classes = ["action-checkbox"] if name == "action_checkbox" else [f"field-{name}"]
        if isinstance(self.field, (models.DateField, models.TimeField, models.ForeignKey)):
            classes.append("nowrap")
        self.classes = mark_safe(f' class="{" ".join(classes)}"')
        self.dated_classes = mark_safe(f' class="{" ".join([*classes, "nowrap"])}"')
        field = self.field
        same_everywhere = field is not None and (
            getattr(field, "flatchoices", None)
            or (
                isinstance(field, (models.BooleanField, models.DateField, models.TimeField))
                and not isinstance(field, models.DateTimeField)  # shown in the reader's time zone
            )
        )
        self.shown = {} if same_everywhere else None

    def display(self, changelist, result):
        """The cell's content and its classes, as ``items_for_result`` has them."""
        field = self.field
        if field is None or field.auto_created:
            try:
                _, attr, value = lookup_field(self.name, result, changelist.model_admin)
            except ObjectDoesNotExist:
                return self.empty, self.classes
            empty = getattr(attr, "empty_value_display", self.empty)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            dated = isinstance(value, (datetime.date, datetime.time))
            return display_for_value(value, empty, boolean), self.dated_classes if dated else self.classes
        value = getattr(result, self.name)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(result, field.name)
            return (self.empty if related is None else related), self.classes
        if self.shown is None:
            return display_for_field(value, field, self.empty, avoid_link=self.link), self.classes
        try:
            return self.shown[value], self.classes
        except KeyError:
            shown = self.shown[value] = display_for_field(value, field, self.empty, avoid_link=self.link)
        except TypeError:  # a value that cannot be a key (choices of lists)
            shown = display_for_field(value, field, self.empty, avoid_link=self.link)
        return shown, self.classes


class RowsChangeList(ChangeList):
    """A changelist that writes its rows with less of Django's work per row.

    ``rows()`` writes the same cells as the admin's ``items_for_result`` (a test compares
    them for every list), with each column's fixed parts worked out once (``Column``) and
    the change view's address reversed once, not once per row: at 500 rows, Django's
    per-cell work was most of the page's time.
    """

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

    def with_filters(self, url):
        return add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": self.opts}, url)

    @cached_property
    def preserved_change_url(self):
        """The change view's address with the list's filters kept (the admin's
        ``add_preserved_filters``), split around the placeholder key."""
        before, _, after = self.with_filters(self.change_url_pattern).partition("0pk0")
        return conditional_escape(before), conditional_escape(after)

    def link(self, result, shown):
        pk = getattr(result, self.pk_attname)
        if isinstance(pk, int):
            before, after = self.preserved_change_url
            url = mark_safe(f"{before}{pk}{after}")
        else:
            url = self.with_filters(self.url_for_result(result))
        opener = ""
        if self.is_popup:
            opener = format_html(' data-popup-opener="{}"', result.serializable_value(self.to_field or self.pk_attname))
        return format_html('<a href="{}"{}>{}</a>', url, opener, shown)

    def columns(self):
        columns, first = [], True
        for index, name in enumerate(self.list_display):
            if self.list_display_links is None:
                link = False
            elif first and not self.list_display_links:
                link = True
            else:
                link = name in self.list_display_links
            columns.append(Column(self, index, name, link))
            first = first and not link
        return columns

    def rows(self):
        """Each row of the page as the list of its cells' HTML (without ``list_editable``'s
        forms: ``result_rows`` leaves a list with forms to Django)."""
        columns = self.columns()
        rows = []
        for result in self.result_list:
            cells, first = [], True
            for column in columns:
                shown, classes = column.display(self, result)
                if column.link:
                    tag = "th" if first else "td"
                    first = False
                    cells.append(mark_safe(f"<{tag}{classes}>{self.link(result, shown)}</{tag}>"))
                else:
                    cells.append(mark_safe(f"<td{classes}>{conditional_escape(shown)}</td>"))
            rows.append(cells)
        return rows


class CappedCountAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changelist never counts its whole table.

    The cap follows the page shown: ``count_pages_ahead`` pages beyond it, at least
    ``count_cap`` rows. An analyst on page 1 of 100 000 claims reads “more than 1 000
    claims” and links to pages 1 to 11; on page 11 the links reach page 21, and so on.
    The page number comes from the query string, as the changelist reads it.
    """

    change_list_template = "admin/editorial/change_list.html"
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
        return RowsChangeList  # its rows() written by change_list_template

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
