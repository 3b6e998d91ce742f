from django import forms
from django.db.models import Count, F, Window
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial.changelists import AtLeast
from apps.editorial.models import NEWEST_VERIFIED
from apps.quotes.models import Quote
from apps.sources.models import Source

from . import query as search

# What the search page shows of each kind: its list (for "all N results") and the field
# a snippet is cut from.
GROUPS = [
    ("claims", "Claims", "claims:list", "statement"),
    ("quotes", "Quotes", "quotes:list", "text"),
    ("agreements", "Agreements", "agreements:list", "title"),
    ("sources", "Sources", "sources:list", "body"),
]
PER_GROUP = 5


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=search.MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def candidates():
    """What each group searches, in the order SQLite shows its matches (PostgreSQL ranks them)."""
    return {
        "claims": Claim.objects.public().with_evidence().select_related("event").order_by(*NEWEST_VERIFIED),
        "quotes": Quote.objects.public()
        .with_evidence()
        .select_related("speaker", "speaker_organization", "speaker_statement")
        .order_by(*NEWEST_VERIFIED),
        "agreements": Agreement.objects.public().with_evidence().order_by(*NEWEST_VERIFIED),
        "sources": Source.objects.select_related("outlet").order_by(
            F("published_on").desc(nulls_last=True), "title", "slug"
        ),
    }


class SearchView(TemplateView):
    """One box across claims, quotes, agreements and sources; results grouped by kind."""

    template_name = "search/results.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        context = self.get_context_data(form=form, groups=[], text="")
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
        querysets = candidates()
        for key, label, list_url, field in GROUPS:
            found = search.ranked(querysets[key], text)
            if key == "sources":
                # A snippet of the text around the matches (the short fields of entries
                # are shown whole, with the words marked).
                found = search.with_headline(found, text, field, max_fragments=2, max_words=30, min_words=15)
            # The total rides along on every row: one query per group.
            found = found.annotate(total=Window(Count("pk")))
            results = list(found[:PER_GROUP])
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "results": results,
                    "total": search.total(found, text, results[0].total if results else 0),
                    "all_url": f"{reverse(list_url)}?{urlencode({'q': text})}",
                }
            )
        return groups
