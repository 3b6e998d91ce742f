"""A changelist's query count must not grow with the rows it shows, nor with the corpus.

Analysts page through tens of thousands of entries: the count stops at a cap a few pages
ahead (``apps/editorial/changelists.py``), so the pages must still be right.
"""

import re
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.quotes.models import Quote
from apps.sources.models import Source
from tests import builders as testing

pytestmark = pytest.mark.django_db


def populate(rows):
    outlet = testing.make_organization()
    event = testing.make_event()
    person = testing.make_person()
    analyst = testing.make_analyst()
    for _ in range(rows):
        source = testing.make_source(outlet=outlet, created_by=analyst)
        statement = testing.make_agreement(
            kind="joint_statement", event=event, created_by=analyst, citations=[(source, "three-day visit")]
        )
        testing.make_claim(
            event=event, created_by=analyst, citations=[(source, "three-day visit"), (source, "said Xi")]
        )
        testing.make_quote(
            speaker=person,
            occasion=event,
            created_by=analyst,
            citations=[(source, "We’re always for peace and dialogue")],
        )
        testing.make_quote(speaker_statement=statement, citations=[(source, "We’re always for peace and dialogue")])
        testing.make_event(parent=event)
        testing.make_person()
        testing.make_organization()


CHANGELISTS = [
    "claims_claim",
    "claims_claimrelation",
    "quotes_quote",
    "agreements_agreement",
    "sources_source",
    "actors_person",
    "actors_organization",
    "events_event",
    "editorial_topic",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(client, changelist, monkeypatch):
    client.force_login(testing.make_editor())
    url = reverse(f"admin:{changelist}_changelist")
    client.get(url)  # the first request of a session renews it; count the steady state
    populate(2)
    few = count_queries(client, url)
    populate(12)
    many = count_queries(client, url)
    assert many == few, f"{changelist}: {few} queries for a few rows, {many} for more"
    # A page of 5 rows out of a dozen or more, with page links, costs the same.
    model_admin = admin.site._registry[django_apps.get_model(*changelist.split("_", 1))]
    monkeypatch.setattr(model_admin, "list_per_page", 5)
    assert count_queries(client, url) == many, f"{changelist}: another count at 5 rows per page"
    # Session, user, permissions, capped count, rows, evidence (2), a filter's choices.
    assert many <= 10


ANALYST_LISTS = {
    "claims_claim": Claim,
    "quotes_quote": Quote,
    "agreements_agreement": Agreement,
    "sources_source": Source,
}


def generate(claims, **options):
    call_command("generate_corpus", claims=claims, stdout=StringIO(), stderr=StringIO(), **options)


def shown(response):
    """The primary keys of the rows on the page, in order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


def paginator_line(response):
    return " ".join(re.search(r'<p class="paginator">(.*?)</p>', response.content.decode(), re.S)[1].split())


@pytest.fixture
def analyst_client(client):
    client.force_login(testing.make_analyst())
    client.get(reverse("admin:index"))  # the session's first request renews it
    return client


def test_analyst_changelists_cost_the_same_at_every_page_size_and_corpus_size(analyst_client, monkeypatch):
    counts = {}
    for size in (120, 600):
        generate(size, replace=size != 120)
        for changelist, model in ANALYST_LISTS.items():
            url = reverse(f"admin:{changelist}_changelist")
            for per_page in (100, 500):
                monkeypatch.setattr(admin.site._registry[model], "list_per_page", per_page)
                with CaptureQueriesContext(connection) as queries:
                    response = analyst_client.get(url)
                assert response.status_code == 200
                assert len(shown(response)) == min(per_page, model.objects.count())
                counts.setdefault(changelist, {})[(size, per_page)] = len(queries)
    for changelist, by_case in counts.items():
        assert len(set(by_case.values())) == 1, f"{changelist}: {by_case}"
        assert max(by_case.values()) <= 10, f"{changelist}: {by_case}"


@pytest.fixture
def corpus_claims(monkeypatch):
    generate(600)
    monkeypatch.setattr(admin.site._registry[Claim], "list_per_page", 100)
    return list(Claim.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True))


def test_page_two_shows_the_next_rows_and_the_last_page_the_rest(analyst_client, corpus_claims):
    url = reverse("admin:claims_claim_changelist")
    first = analyst_client.get(url)
    assert shown(first) == corpus_claims[:100]
    assert "600 claims" in paginator_line(first)  # below the cap, the count is exact
    assert shown(analyst_client.get(url, {"p": 2})) == corpus_claims[100:200]
    last = re.search(r'<a href="\?p=(\d+)" class="end">', first.content.decode())
    assert last[1] == "6"
    assert shown(analyst_client.get(url, {"p": 6})) == corpus_claims[500:]


def test_a_large_result_says_more_than_the_cap_and_every_page_stays_reachable(
    analyst_client, corpus_claims, monkeypatch
):
    claim_admin = admin.site._registry[Claim]
    monkeypatch.setattr(claim_admin, "count_cap", 100)
    monkeypatch.setattr(claim_admin, "count_pages_ahead", 1)
    url = reverse("admin:claims_claim_changelist")

    first = analyst_client.get(url)
    assert "more than 200 claims" in paginator_line(first)
    assert "All selected (more than 200)" in first.content.decode()
    assert re.search(r'<a href="\?p=3" class="end">3</a>', first.content.decode())
    # From the last known page the links reach further, up to the real end.
    third = analyst_client.get(url, {"p": 3})
    assert shown(third) == corpus_claims[200:300]
    assert "more than 400 claims" in paginator_line(third)
    fifth = analyst_client.get(url, {"p": 5})
    assert "600 claims" in paginator_line(fifth) and "more than" not in paginator_line(fifth)
    assert shown(analyst_client.get(url, {"p": 6})) == corpus_claims[500:]


def test_a_filtered_result_with_few_rows_shows_its_exact_count(analyst_client, corpus_claims):
    event = Claim.objects.exclude(event=None).order_by("pk").first().event
    expected = Claim.objects.filter(event=event).order_by("-updated_at", "-pk")
    response = analyst_client.get(reverse("admin:claims_claim_changelist"), {"event__id__exact": event.pk})
    assert shown(response) == list(expected.values_list("pk", flat=True))[:100]
    assert f"{expected.count()} claim" in paginator_line(response)
    assert "more than" not in paginator_line(response)


def test_pages_and_filters_that_do_not_exist_are_refused_without_an_error(analyst_client, corpus_claims):
    url = reverse("admin:claims_claim_changelist")
    for params in ({"p": 99}, {"p": "abc"}, {"event__id__exact": "abc"}, {"topics__id__exact": "1 OR 1=1"}):
        response = analyst_client.get(url, params)
        assert response.status_code in (200, 302), params
        if response.status_code == 302:
            assert response["Location"].endswith("?e=1")


def test_the_event_filter_lists_no_events_until_one_is_chosen(analyst_client):
    event = testing.make_event(name="Tianjin SCO summit")
    other = testing.make_event(name="Kazan BRICS summit")
    analyst = testing.make_analyst()
    testing.make_claim(event=event, created_by=analyst)
    url = reverse("admin:claims_claim_changelist")

    page = analyst_client.get(url).content.decode()
    assert "Kazan BRICS summit" not in page  # the stock filter lists every event here
    assert 'data-field-name="event"' in page and "admin/js/autocomplete.js" in page
    # Headings read "↓ By event" like Django's own filters: a space after the CSS arrow.
    headings = re.findall(r"<summary>(.*?)</summary>", page, re.S)
    assert len(headings) == 5 and all(h[0].isspace() and h.split()[0] == "By" for h in headings)

    chosen = analyst_client.get(url, {"event__id__exact": other.pk, "status__exact": "draft"}).content.decode()
    assert "Kazan BRICS summit" in chosen and "0 claims" in chosen
    # The box's form keeps the other filters.
    assert '<input type="hidden" name="status__exact" value="draft">' in chosen

    found = analyst_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "claim", "field_name": "event", "term": "Tianjin"},
    ).json()
    assert [r["text"] for r in found["results"]] == [str(event)]
