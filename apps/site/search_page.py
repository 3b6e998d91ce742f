from django import forms
from django.db.models import Count, F, Window
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.views.generic import TemplateView

from apps.editorial import registry
from apps.editorial.models import NEWEST_VERIFIED
from apps.search import query as search
from apps.sources.models import Source
from summitcms.lib.counting import AtLeast
from summitcms.lib.words import and_list

PER_GROUP = 5


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=search.MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def kinds():
    """``[(name, URL name of its list, candidates, is an entry)]``, the candidates in the order
    SQLite shows its matches (PostgreSQL ranks them): each kind of entry in the
    registry's order, then sources (not an entry: its own group, a snippet of its text)."""
    entries = [
        (
            t.name,
            t.list_url,
            # Their badges read the stored corroboration: no evidence loaded.
            t.model.objects.public()
            .select_related(*t.shown_with)
            .prefetch_related(*t.prefetched_with)
            .order_by(*NEWEST_VERIFIED),
            True,
        )
        for t in registry.entry_types()
        if t.search is not None
    ]
    return [
        *entries,
        (
            str(Source._meta.verbose_name_plural),
            "sources:list",
            Source.objects.select_related("outlet").order_by(F("published_on").desc(nulls_last=True), "title", "slug"),
            False,
        ),
    ]


def described(names):
    """ "claims, quotes, agreements and sources" """
    return and_list(names)


class SearchView(TemplateView):
    """One box across every kind of entry and sources; results grouped by kind, entries in
    the order their apps are installed (the registry's)."""

    template_name = "site/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        names = [name for name, _, _, _ in kinds()]
        context = self.get_context_data(form=form, groups=[], text="", kinds=described(names))
        if form.is_bound and not form.is_valid():
            return self.render_to_response(context, status=400)
        text = form.cleaned_data["q"] if form.is_bound else ""
        if text:
            context["text"] = text
            context["groups"] = self.groups(text)
            totals = [group["total"] for group in context["groups"]]
            # A group that stopped at RANKED makes the sum a lower bound too.
            context["total"] = sum(totals)
            if any(isinstance(count, AtLeast) for count in totals):
                context["total"] = AtLeast(context["total"] - 1)
        return self.render_to_response(context)

    def groups(self, text):
        groups = []
        for name, list_url, candidates, entries in kinds():
            found = search.ranked(candidates, text)
            if not entries:
                # A snippet of a source's text around the matches (the short fields of
                # entries are shown whole, with the words marked).
                found = search.with_headline(found, text, "body", max_fragments=2, max_words=30, min_words=15)
            # The total rides along on every row: one query per group.
            found = found.annotate(total=Window(Count("pk")))
            results = list(found[:PER_GROUP])
            groups.append(
                {
                    "key": name,
                    "label": capfirst(name),
                    "entries": entries,
                    "results": results,
                    "total": search.total(found, text, results[0].total if results else 0),
                    "all_url": f"{reverse(list_url)}?{urlencode({'q': text})}",
                }
            )
        return groups
