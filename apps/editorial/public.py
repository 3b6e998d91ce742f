"""What every public list and detail page shares.

Lists: django-filter filters kept in the URL, a 400 with the form's errors for a bad
value, a page number that is out of range or not a number falls back to a real page,
at most ``MAX_PAGES`` pages of a list are shown (``ShownPagesPaginator``),
``?format=csv`` downloads the whole filtered list (an entry's evidence with it: one row
per entry and citation). Detail pages: only verified entries; a retracted one answers
410 Gone with what it said, marked as retracted (unless its text is withheld), and the
correction.
"""

import csv
import datetime
import math
import unicodedata

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView
from django_filters.views import FilterMixin

from summitcms.lib.probes import has_a_row

from . import registry
from .models import FormerSlug, PublicationKind

# Characters that make a spreadsheet read a cell as a formula (CSV injection); OWASP
# adds tab and carriage return, which no cell should begin with either.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet may skip before it looks for a formula: spaces and line breaks of
# every kind (no-break, ideographic, line separator...), control characters, and
# invisible format characters (zero-width space, byte-order mark).
SKIPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


# Stored addresses a public page may link to. The admin's forms accept only web
# addresses, but the shell, import_fixtures or loaddata can store javascript: or data:.
WEB_URL = URLValidator(schemes=["http", "https"])


def web_url(value):
    """``value`` if it is an http or https address to link to, else "" (show it as text)."""
    try:
        WEB_URL(value)
    except ValidationError:
        return ""
    return value


def count_of(queryset, outer_field, counted="pk", distinct=False):
    """A correlated count of ``queryset`` rows whose ``outer_field`` is the outer row.

    An annotation, not a join: counts of several relations do not multiply each other.
    """
    counts = (
        queryset.filter(**{outer_field: models.OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=models.Count(counted, distinct=distinct))
        .values("n")
    )
    return Coalesce(models.Subquery(counts, output_field=models.IntegerField()), 0)


def naming_the_outer_row(queryset, lookups):
    """The rows of ``queryset`` whose ``lookups`` (``{lookup: outer field}``) name the outer row."""
    return queryset.filter(**{lookup: models.OuterRef(field) for lookup, field in lookups.items()})


def used_by(queryset, **lookups):
    """``Exists`` a row of ``queryset`` whose ``lookups`` name the outer row: for choices,
    say, the topics that a verified claim has. One probe per choice, not a join of every
    entry followed by DISTINCT."""
    return models.Exists(naming_the_outer_row(queryset, lookups))


def probe_used_by(queryset, **lookups):
    """``used_by`` probed choice by choice (``has_a_row``): for choices reached through a
    large table by a selective index (a claim's topics, an outlet's sources' citations),
    where the join that ``Exists`` becomes hashes the rows of every verified claim: 150
    and 380 ms at 300 000 claims, against 1 ms probed. Not for a small table whose index
    the planner skips (a quote's co-speakers, an agreement's parties): there each probe
    that finds nothing reads the table whole, ten times slower than the join."""
    return has_a_row(naming_the_outer_row(queryset, lookups))


def load_choices(specs):
    """Choices of several select boxes in one query (a UNION ALL).

    ``specs``: ``[(filter name, queryset, value, label)]`` where value and label are
    field names or expressions; a filter may have several. Returns ``{filter name:
    [(value, label), ...]}``, each ordered by label.
    """

    def expression(value):
        return value if hasattr(value, "resolve_expression") else models.F(value)

    parts = [
        queryset.order_by()
        .annotate(
            choice_filter=models.Value(name, output_field=models.CharField()),
            choice_value=expression(value),
            choice_label=expression(label),
        )
        .values_list("choice_filter", "choice_value", "choice_label")
        .distinct()
        for name, queryset, value, label in specs
    ]
    choices = {name: [] for name, *_ in specs}
    if not parts:
        return choices
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for name, value, label in union.order_by("choice_filter", "choice_label", "choice_value"):
        choices[name].append((value, label))
    return choices


class DateInput(forms.DateInput):
    """A date picker. What was typed but is not a date is not sent back into it (a date
    input cannot hold it); the field's error says what was wrong."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)

    def format_value(self, value):
        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class CorroborationFilter(django_filters.ChoiceFilter):
    """By ``corroboration().level``, as stored on each entry (one indexed comparison)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Corroboration")
        kwargs.setdefault("empty_label", "Any")
        kwargs.setdefault(
            "choices",
            [("corroborated", "2 or more independent sources"), ("single", "1 source"), ("disputed", "Disputed")],
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.at_corroboration_level(value) if value else qs


class OrderFilter(django_filters.ChoiceFilter):
    """``orderings``: ``{value: (label, order_by fields)}``. Without a value the list keeps
    its own order (best match first when searching)."""

    def __init__(self, orderings, *args, **kwargs):
        self.orderings = orderings
        kwargs.setdefault("label", "Sort by")
        kwargs.setdefault("empty_label", "Default")
        kwargs.setdefault("choices", [(value, label) for value, (label, _) in orderings.items()])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.order_by(*self.orderings[value][1]) if value else qs


class ManyOptionsSelect(forms.Select):
    """A select box of thousands of options (every event, every speaker) that renders the
    same HTML as Django's, in Python: Django renders each option through two templates,
    0.57 s of the claims list's 0.75 s at 300 000 claims."""

    @staticmethod
    def attributes(attrs):
        """As Django's ``attrs.html``: ``True`` names the attribute alone, ``False`` leaves
        it out (``flatatt`` would sort them)."""
        return mark_safe(
            "".join(
                format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
                for name, value in attrs.items()
                if value is not False
            )
        )

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = []
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        option["value"],
                        self.attributes(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            self.attributes(widget["attrs"]),
            mark_safe("".join(html)),
        )


def choice_filter(label, empty_label, **kwargs):
    """A select box whose choices ``PublicFilterSet.choice_specs`` loads."""
    return django_filters.ChoiceFilter(
        label=label, empty_label=empty_label, choices=[], widget=ManyOptionsSelect, **kwargs
    )


class PublicFilterSet(django_filters.FilterSet):
    """Filters for a public list; the select boxes get their choices in one query."""

    def choice_specs(self):
        """``[(filter name, queryset, value, label)]`` for ``load_choices``."""
        return []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in self.load_choices().items():
            self.filters[name].extra["choices"] = choices
            # A form field built before the choices were known (the API's OpenAPI description
            # reads the class's filters' fields) would be copied with the filter, empty.
            vars(self.filters[name]).pop("_field", None)

    def load_choices(self):
        """The choices, cached under the content version the page cache read for this
        request: every page of every filtered list shares them until something changes."""
        version = getattr(self.request, "content_version", None)
        if version is None:
            return load_choices(self.choice_specs())
        key = f"filter-choices:{type(self).__module__}.{type(self).__name__}:{version}"
        choices = cache.get(key)
        if choices is None:
            choices = load_choices(self.choice_specs())
            cache.set(key, choices, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return choices

    def shown_fields(self):
        """The form's fields a reader can use: a select box with no choice at all (no
        source has an outlet yet) is left out, unless it holds a refused value to correct."""
        return [
            field
            for field in self.form
            if field.errors
            or not isinstance(self.filters[field.name], django_filters.ChoiceFilter)
            or self.filters[field.name].extra.get("choices")
        ]

    def count_as_shown(self, count):
        """The number of matches as readers should read it. A filter whose matches are
        bounded (words to find rank at most so many) may say "more than N" instead:
        it defines ``count_as_shown(value, count)``."""
        if not self.is_bound or not self.is_valid():
            return count
        for name, filter_ in self.filters.items():
            if hasattr(filter_, "count_as_shown"):
                count = filter_.count_as_shown(self.form.cleaned_data.get(name), count)
        return count

    def active(self):
        """``[(label, value shown, URL without it)]`` of the filters in use."""
        if not self.is_bound or not self.is_valid():
            return []
        shown = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "") or isinstance(self.filters[name], OrderFilter):
                continue
            field = self.form.fields[name]
            if hasattr(field, "choices"):
                value = dict(field.choices).get(value, value)
            without = self.data.copy()
            for key in (name, "page"):
                without.pop(key, None)
            shown.append((field.label, value, f"?{without.urlencode()}"))
        return shown


def neutralise(value):
    """A CSV cell that a spreadsheet will not run as a formula: an apostrophe before any
    that begins with a formula character, once what a spreadsheet skips is skipped."""
    value = "" if value is None else str(value)
    shown = next((char for char in value if unicodedata.category(char) not in SKIPPED_CATEGORIES), "")
    return "'" + value if value.startswith(FORMULA_STARTS) or shown in FORMULA_STARTS else value


class _Echo:
    """A file-like object for csv.writer that hands each row back instead of storing it."""

    def write(self, value):
        return value


def absolute(obj, request):
    return request.build_absolute_uri(obj.get_absolute_url())


def source_published_on(citation, request):
    return citation.source.published_on.isoformat() if citation.source.published_on else ""


# The evidence of an entry in a CSV download, after the entry's own columns: one row per
# entry and citation (the entry's columns repeated on each), in the order the entry's page
# shows its citations. The order is documented in the README.
EVIDENCE_CSV_COLUMNS = [
    ("source_title", lambda c, r: c.source.title),
    ("source_outlet", lambda c, r: c.source.outlet.name if c.source.outlet_id else ""),
    ("source_published_on", source_published_on),
    ("source_url", lambda c, r: web_url(c.source.url)),
    ("passage", lambda c, r: c.passage),
    ("stance", lambda c, r: c.stance),
    ("note", lambda c, r: c.note),
    ("passage_url", absolute),
]


# Pages of a list a reader can open. The database reads and throws away every row before
# the page it is asked for (OFFSET): page 10 000 of the claims of a million-claim corpus
# read 250 000 rows, fifty times page 1's time. Beyond this the filters (an event, a
# topic, a date, words) or the other order reach an entry faster than paging would.
MAX_PAGES = 100


class ShownPagesPaginator(Paginator):
    """Pages up to ``MAX_PAGES``; the count stays the whole list's.

    A page past them is the last one shown, as a page past the end is the last page
    (``get_page``), and its links lead only to pages shown: the deepest OFFSET is that of
    page ``MAX_PAGES``, whatever the size of the list.
    """

    max_pages = MAX_PAGES

    @cached_property
    def all_pages(self):
        """How many pages the whole list makes (Django's ``num_pages``)."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return math.ceil(max(1, self.count - self.orphans) / self.per_page)

    @cached_property
    def num_pages(self):
        return min(self.all_pages, self.max_pages)

    @property
    def pages_left_out(self):
        return self.all_pages > self.num_pages


class PublicListView(FilterMixin, ListView):
    """A filtered, ordered, paginated list; ``?format=csv`` for all of it as CSV.

    ``csv_columns``: ``[(header, function(object, request))]``. ``csv_evidence``: each
    object is an entry whose citations (with ``source__outlet``, as ``with_evidence``
    prefetches them) follow in ``EVIDENCE_CSV_COLUMNS``, one row per citation.
    """

    paginate_by = 25
    paginator_class = ShownPagesPaginator
    csv_columns = ()
    csv_name = "list"
    csv_evidence = False

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
            context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
            return self.render_to_response(context, status=400)
        self.object_list = self.filterset.qs
        if self.wants_csv():
            return self.csv_response()
        return self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))

    def wants_csv(self):
        return bool(self.csv_columns) and self.request.GET.get("format") == "csv"

    def paginate_queryset(self, queryset, page_size):
        # A page that is not a number, or past the end (or past the pages shown), shows the
        # first or the last page.
        paginator = self.get_paginator(queryset, page_size)
        paginator.count = self.filterset.count_as_shown(paginator.count)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = self.filterset.active()
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number)
        context["csv_allowed"] = bool(self.csv_columns)
        return context

    def csv_response(self):
        columns, request = self.csv_columns, self.request
        evidence = EVIDENCE_CSV_COLUMNS if self.csv_evidence else []
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow([header for header, _ in [*columns, *evidence]])
            for obj in self.object_list.iterator(chunk_size=500):
                cells = [neutralise(value(obj, request)) for _, value in columns]
                if not evidence:
                    yield writer.writerow(cells)
                    continue
                for citation in obj.citations.all() or [None]:
                    cited = [neutralise(value(citation, request)) if citation else "" for _, value in evidence]
                    yield writer.writerow(cells + cited)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response


class PublicDetailView(DetailView):
    """A verified entry. A retracted one: 410 Gone with what it said, marked as retracted
    (unless its text is withheld), and its correction; no evidence, nothing it names."""

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            model = self.get_queryset().model
            kind = registry.entry_type(model)
            retracted = (
                model.objects.retracted()
                .filter(slug=kwargs.get("slug"))
                .select_related(*kind.shown_with)
                .prefetch_related(*kind.prefetched_with)
                .first()
            )
            if retracted is None:
                # An address it had before (``FormerSlug``): moved for good.
                moved = FormerSlug.current(model, kwargs.get("slug"))
                if moved is None:
                    raise
                return redirect(moved.get_absolute_url(), permanent=True)
            context = {"entry": retracted, "noun": model._meta.verbose_name}
            return render(request, "editorial/retracted.html", context, status=410)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The log of its published versions (one query): readers see that it changed, when and why.
        publications = list(self.object.publications.order_by("number"))
        context["publications"] = publications
        changed = [p for p in publications if p.kind in (PublicationKind.UPDATE, PublicationKind.CORRECTION)]
        context["updated"] = changed[-1] if changed else None
        return context


def first(queryset, limit=50):
    """``(rows, more)``: at most ``limit`` rows, and whether there are others (one query).

    Pages that list what belongs to something (a person's quotes, a source's citing
    entries) show this many and link to the full, filtered list.
    """
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def evidence_by_stance(citations):
    """``[(heading, citations)]``: supporting, then contradicting, then mentioning."""
    headings = [
        ("supports", "Evidence"),
        ("contradicts", "Contradicting evidence"),
        ("mentions", "Also mentioned in"),
    ]
    groups = []
    for stance, heading in headings:
        rows = [c for c in citations if c.stance == stance]
        if rows:
            groups.append((stance, heading, rows))
    return groups
