import django_filters
from django import forms

from . import query as search


class SearchFilter(django_filters.CharFilter):
    """Words to find (full-text search on PostgreSQL), best matches first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Words")
        kwargs.setdefault("max_length", search.MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        # A CSV holds every match, in the list's order; a page, the best ranked first
        # (``ranked()`` ranks a bounded number of them).
        request = self.parent.request
        if request is not None and request.GET.get("format") == "csv":
            return search.search(qs, value)
        return search.ranked(qs, value)

    def count_as_shown(self, value, count):
        # Words to find rank a bounded number of matches (``search.RANKED``): "more than N".
        return search.total(self.parent.queryset, value or "", count)
