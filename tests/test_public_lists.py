"""What a reader notices on every list: counts in words ("1 claim"), a page past the last,
a page past those shown, the filters folded behind one control, and no select box that
offers nothing."""

import datetime
import re

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from apps.agreements.views import AgreementListView
from apps.editorial.public import ManyOptionsSelect, PublicListView, ShownPagesPaginator
from apps.quotes.views import QuoteListView
from apps.sources.models import Source
from apps.sources.views import SourceListView
from tests import html
from tests.builders import (
    make_agreement,
    make_claim,
    make_event,
    make_organization,
    make_person,
    make_quote,
    make_source,
    make_summit_corpus,
)
from tests.plans import explain

pytestmark = pytest.mark.django_db
LISTS = ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"]


def count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.the_text(html.page(response), ".result-count")


def test_one_of_a_kind_is_said_in_the_singular(client):
    source = make_source()
    make_claim(status="verified", attributed_to=make_person(), citations=[(source, "said Xi")])
    make_quote(status="verified", citations=[(source, "We’re always for peace and dialogue")])
    assert count(client, "/claims/") == "1 claim"
    assert count(client, "/quotes/") == "1 quote"
    assert count(client, "/sources/") == "1 source"
    assert count(client, "/people/") == "2 people"  # the claim's and the quote's
    assert count(client, "/people/?q=Person") == "2 people"
    make_claim(status="verified", citations=[(source, "three-day visit")])
    assert count(client, "/claims/") == "2 claims"


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_last_shows_the_last_page_not_a_filter_error(client, path):
    make_summit_corpus()
    response = client.get(f"{path}?page=99")
    page = html.page(response)
    assert response.status_code == 200
    assert page.select(".notice-error") == [] and page.select(".field-error") == []
    assert response.context["page_obj"].number == response.context["paginator"].num_pages
    assert html.the_text(page, ".result-count") == count(client, path)


def test_a_deep_page_is_the_last_page_shown_and_reads_no_further(client, monkeypatch):
    """Page 10 000 of a long list would make the database read and throw away every row
    before it (OFFSET); a list shows its first pages only, and a deeper page is the last
    of them, saying how to reach the rest. Here 3 pages of 2 claims, of 10 claims."""
    monkeypatch.setattr(ShownPagesPaginator, "max_pages", 3)
    monkeypatch.setattr(PublicListView, "paginate_by", 2)
    source = make_source()
    for _ in range(10):
        make_claim(status="verified", citations=[(source, "said Xi")])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/claims/?page=10000")
    page = html.page(response)
    assert response.status_code == 200
    offsets = [int(offset) for query in queries for offset in re.findall(r"OFFSET (\d+)", query["sql"])]
    assert offsets and max(offsets) <= 2 * (3 - 1)  # page 3's, never page 5's (8) nor 10 000's
    assert response.context["page_obj"].number == 3
    assert html.the_text(page, ".result-count") == "10 claims, page 3 of 3"  # the count is the whole list's
    links = {int(a["href"].rsplit("page=", 1)[1]) for a in page.select(".pagination a")}
    assert links == {1, 2}  # no link to a page not shown
    assert "Lists show their first 3 pages" in html.the_text(page, ".pagination .notice")
    assert client.get("/claims/?page=2").context["page_obj"].number == 2
    assert "Lists show" not in client.get("/claims/?page=2").content.decode()
    assert client.get("/api/claims/?page_size=2&page=3").status_code == 200
    assert client.get("/api/claims/?page_size=2&page=4").status_code == 404  # the API's pages: the same bound


@pytest.mark.parametrize("path", LISTS)
def test_the_filters_fold_behind_one_control_and_open_on_a_refused_value(client, path):
    make_summit_corpus()
    page = html.page(client.get(path))
    (fold,) = page.select("details.filters-fold")
    assert fold.select_one(":scope > summary").get_text(strip=True) == "Filter and sort"
    assert fold.select("form.filters") and not fold.has_attr("open")
    refused = html.page(client.get(f"{path}?order=no-such-order"))
    assert refused.select_one("details.filters-fold").has_attr("open")


def test_the_summary_says_how_many_filters_are_in_use(client):
    make_summit_corpus()
    page = html.page(client.get("/claims/?topic=trade&corroboration=single"))
    assert html.the_text(page, "details.filters-fold > summary") == "Filter and sort (2 in use)"


def test_a_select_box_with_no_choice_is_not_shown(client):
    # No source has an outlet: "Reported by" would offer nothing.
    make_claim(status="verified", citations=[(make_source(), "said Xi")])
    assert not Source.objects.exclude(outlet=None).exists()
    labels = html.texts(html.page(client.get("/claims/")), ".filter-fields label")
    assert "Reported by" not in labels and "Topic" not in labels and "Attributed to" not in labels
    assert {"Words", "Corroboration", "Sort by", "Reported from"} <= set(labels)
    # Once a source has one, the filter is offered.
    Source.objects.update(outlet=make_organization())
    assert "Reported by" in html.texts(html.page(client.get("/claims/")), ".filter-fields label")


def test_a_refused_value_of_a_hidden_filter_is_shown_with_its_error(client):
    make_claim(status="verified", citations=[(make_source(), "said Xi")])
    response = client.get("/claims/?outlet=nowhere")
    page = html.page(response)
    assert response.status_code == 400
    (field,) = page.select(".field-invalid")
    assert html.the_text(field, "label") == "Reported by"
    assert "not one of the available choices" in html.the_text(field, ".field-error")


@pytest.mark.parametrize(
    "query",
    ["", "?speaker=vladimir-putin&event=kremlin-talks", "?topic=no-such-topic"],
)
def test_the_select_boxes_render_as_djangos_own_whatever_is_chosen(client, query):
    """They are rendered in Python for speed (every event and speaker is a choice): the
    HTML must be Django's, byte for byte, chosen options and refused values included."""
    make_summit_corpus()
    response = client.get(f"/claims/{query}")
    form = response.context["filter"].form
    shown = response.content.decode()
    for name in ("topic", "event", "speaker", "outlet"):
        field = form[name]
        assert isinstance(field.field.widget, ManyOptionsSelect)
        stock = field.as_widget(widget=forms.Select(choices=field.field.choices))
        assert field.as_widget() == stock
        assert stock.count("<option") == len(field.field.choices) > 1
    # One option chosen in each filter asked for.
    if "speaker=" in query:
        assert re.search(r'<option value="vladimir-putin" selected>', shown)
        assert re.search(r'<option value="kremlin-talks" selected>', shown)


LATEST_FIRST = {
    "quotes": (lambda day, text: make_quote(status="verified", said_on=day, text=text), "?order=said"),
    "agreements": (lambda day, text: make_agreement(status="verified", signed_on=day, title=text), "?order=signed"),
}


@pytest.mark.parametrize("kind", LATEST_FIRST)
def test_the_undated_come_last_in_a_list_latest_first(client, kind):
    """On SQLite and on PostgreSQL alike, which otherwise disagree on where NULL sorts."""
    make, chosen = LATEST_FIRST[kind]
    make(None, "Undated")
    make(datetime.date(2023, 3, 21), "March")
    make(datetime.date(2023, 4, 2), "April")
    for url in (f"/{kind}/", f"/{kind}/{chosen}"):
        assert list(html.entries(html.page(client.get(url)))) == ["April", "March", "Undated"], url


@pytest.mark.parametrize(
    "view, index",
    [
        (QuoteListView, "quote_public_said"),
        (AgreementListView, "agreement_public_signed"),
        (SourceListView, "source_published_desc"),
    ],
)
def test_the_first_page_of_a_list_latest_first_reads_its_order_from_an_index(require_postgres, view, index):
    """Not a sort of every row: 200 of the source list's 270 ms at 100 000 sources."""
    page = view()
    page.setup(RequestFactory().get("/"))
    # Whatever statistics earlier tests left, only an index can give the order.
    plan = explain(page.get_queryset()[:25], sorts=False)
    assert index in plan
    assert "Sort Key" not in plan


def test_orders_through_what_an_entry_may_lack_agree_on_both_databases(client):
    """A claim of no event, a quote by an organization: where they sort is said, not left
    to the database (SQLite puts NULL first, PostgreSQL last)."""
    make_claim(status="verified", statement="Of no event")
    make_claim(status="verified", statement="At the talks", event=make_event(starts_on=datetime.date(2023, 3, 21)))
    make_claim(status="verified", statement="At the dinner", event=make_event(starts_on=datetime.date(2023, 3, 20)))
    assert list(html.entries(html.page(client.get("/claims/?order=event")))) == [
        "At the dinner",
        "At the talks",
        "Of no event",
    ]
    statement = make_agreement(status="verified", title="Joint Statement")
    make_quote(status="verified", text="By the statement", speaker_statement=statement)
    make_quote(status="verified", text="By the ministry", speaker_organization=make_organization(name="Ministry"))
    make_quote(status="verified", text="By Zhang", speaker=make_person(name="Zhang Wei"))
    make_quote(status="verified", text="By Anna", speaker=make_person(name="Anna Ivanova"))
    assert list(html.entries(html.page(client.get("/quotes/?order=speaker")))) == [
        "By Anna",
        "By Zhang",
        "By the ministry",
        "By the statement",
    ]
