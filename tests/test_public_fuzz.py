"""Arbitrary query strings on every public view: never a 500, a bad filter is a clear
400 page, and nothing unpublished ever shows, whatever the parameters."""

from urllib.parse import quote, urlencode

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.actors.filters import OrganizationFilter, PersonFilter
from apps.agreements.filters import AgreementFilter
from apps.claims.filters import ClaimFilter
from apps.editorial.models import Topic
from apps.editorial.public import OrderFilter
from apps.quotes.filters import QuoteFilter
from apps.sources.filters import SourceFilter
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

pytestmark = pytest.mark.django_db
# How many examples: the Hypothesis profile (summitcms/pytest_plugin.py).
fuzz = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Detail pages and sitemap sections share their code with the rest: half as many each.
fuzz_less = settings(fuzz, max_examples=max(1, fuzz.max_examples // 2))

# In every piece of unpublished work below, and nowhere else (never in a query: pages
# echo what was asked). DESK_WORD too, so that a search can find that work.
MARKER = "Unpublished7f3a"
DESK_WORD = "quokka"
DESK_ONLY = ["desk-only-topic", "desk-only-person", "person:desk-only-person", "desk-only-event", "desk-only-outlet"]

LISTS = {
    "/claims/": ClaimFilter,
    "/quotes/": QuoteFilter,
    "/agreements/": AgreementFilter,
    "/sources/": SourceFilter,
    "/people/": PersonFilter,
    "/organizations/": OrganizationFilter,
}
# Pages that read no parameter: they must ignore whatever is sent.
OTHERS = ["/", "/events/xi-state-visit-2023/", "/feeds/verified/", "/sitemap.xml"]
DETAILS = [
    "/claims/putin-praised-peace-plan/",
    "/quotes/xi-peace-and-dialogue/",
    "/agreements/joint-statement-new-era/",
    "/sources/over-a-dozen-agreements/",
    "/people/vladimir-putin/",
    "/organizations/china/",
    "/events/kremlin-talks/",
    "/claims/retracted-200-billion/",
    "/sitemap-claims.xml",
]
DETAIL_PREFIXES = ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/", "/events/"]


def static_choices(filterset):
    values = set()
    for item in filterset.base_filters.values():
        if isinstance(item, OrderFilter):
            values.update(item.orderings)
        choices = item.extra.get("choices")
        if isinstance(choices, list | tuple):
            values.update(str(value) for value, _ in choices)
    return values


# Real values (filters that match, so the queries behind them run) beside hostile ones.
VALID = sorted(
    set().union(*(static_choices(f) for f in LISTS.values()))
    | {
        "diplomacy",
        "trade",
        "xi-state-visit-2023",
        "kremlin-talks",
        "vladimir-putin",
        "xi-jinping",
        "person:vladimir-putin",
        "organization:china",
        "statement:joint-statement-new-era",
        "rt",
        "china",
        "world-affairs-wire",
        "Russia",
        "en",
        "2023-03-21",
        "2022-01-01",
        "csv",
        "agreements",
        "peace",
        "1",
        "2",
        *DESK_ONLY,
        DESK_WORD,
    }
)
HOSTILE = [
    "",
    " ",
    "\x00",
    "nul\x00byte",
    "\r\n\t\x0b\x0c\x1b",
    "‮",
    "﻿",
    "<script>alert(1)</script>",
    "'; DROP TABLE claims_claim; --",
    "' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "%_\\%",
    ".*",
    "(?i)(a+)+$",
    "[",
    "a:b:c",
    "person:",
    ":",
    "unknown:vladimir-putin",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "2023-02-30",
    "0000-00-00",
    "9999-12-31",
    "-2023-01-01",
    "2023-03-21T00:00",
    "日本語 русский عربى",
    "😀" * 10,
    "x" * 3000,
    "word " * 600,
    "& | ! ( ) : * <-> ~",
    '"unbalanced',
    "or or or",
    "-",
    "*",
]


def repeated(text, length):
    return (text * length)[:length]


def joined(pairs, tail):
    return "&".join(filter(None, [urlencode(pairs), tail]))


value = st.one_of(
    st.sampled_from(VALID),
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    # Long values, built by repeating a short one: drawing 3000 characters one by one
    # costs more than the request.
    st.builds(repeated, st.text(alphabet=st.characters(codec="utf-8"), min_size=1), st.integers(200, 3000)),
)
# Malformed escapes and separators, appended to the query string as they are.
RAW_TAILS = ["", "", "", "&", "&&=&", "%", "%zz", "%ff%fe", "%00", "a=b=c", ";x=1", "page", "=x", "%E2%80"]


def query_strings(names, real=None):
    """Repeated, unknown and missing parameters in any order, then maybe a broken tail.

    ``real``: ``{name: values it accepts}``, drawn often so that filters match and the
    queries behind them run, alone and combined.
    """
    name = st.one_of(st.sampled_from([*names, "page", "format", "q"]), st.text(max_size=20))
    pair = st.tuples(name, value)
    if real:
        known = st.one_of([st.tuples(st.just(n), st.one_of(st.sampled_from(v), value)) for n, v in real.items()])
        pair = st.one_of(known, known, pair)
    pairs = st.lists(pair, max_size=6)
    return st.builds(joined, pairs, st.sampled_from(RAW_TAILS))


_strategies = {}


def list_query_strings(path):
    """Query strings for a list, with what each of its filters accepts, read from its own form."""
    if path not in _strategies:
        real = {"page": ["1", "2", "last"], "format": ["csv"]}
        for name, field in LISTS[path](data={}).form.fields.items():
            if isinstance(field, forms.DateField):
                real[name] = ["2023-03-20", "2023-03-22", "2022-01-01"]
            elif hasattr(field, "choices"):
                real[name] = [str(v) for v, _ in field.choices if v != ""] or [""]
            else:
                real[name] = ["peace", "agreements", "Putin", "RT", DESK_WORD]
        _strategies[path] = query_strings(list(LISTS[path].base_filters), real)
    return _strategies[path]


@pytest.fixture
def site():
    """The summit corpus, and unpublished work carrying MARKER wherever a reader could meet it."""
    make_summit_corpus()
    topic = Topic.objects.create(name=f"{MARKER} topic", slug="desk-only-topic")
    person = make_person(name=f"{MARKER} person", slug="desk-only-person", country=f"{MARKER}land")
    event = make_event(name=f"{MARKER} event", slug="desk-only-event")
    outlet = make_organization(name=f"{MARKER} outlet", slug="desk-only-outlet", kind="state")
    source = make_source()
    claim = make_claim(
        statement=f"{MARKER} {DESK_WORD} claim about agreements and peace",
        slug="desk-only-claim",
        attributed_to=person,
        event=event,
        citations=[(source, "signed over a dozen agreements")],
    )
    claim.topics.add(topic)
    quote = make_quote(
        text=f"{MARKER} {DESK_WORD} quote on peace",
        slug="desk-only-quote",
        speaker=person,
        occasion=event,
        status="in_review",
        citations=[(source, "peace and dialogue")],
    )
    quote.topics.add(topic)
    agreement = make_agreement(title=f"{MARKER} {DESK_WORD} agreement", slug="desk-only-agreement", event=event)
    agreement.parties.add(outlet)
    agreement.signatories.add(person)


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def check(client, url):
    response = client.get(url)  # an exception in the view is raised here
    assert response.status_code < 500, url
    body = body_of(response)
    assert MARKER not in body, url
    assert "Traceback" not in body
    return response, body


@pytest.mark.parametrize("path", LISTS)
@fuzz
@given(data=st.data())
def test_a_list_answers_any_query_string(client, site, path, data):
    query = data.draw(list_query_strings(path), label="query")
    if data.draw(st.booleans(), label="as CSV"):
        query += "&format=csv"
    response, body = check(client, f"{path}?{query}")
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        # The filter form again, saying what was wrong, in the site's own page.
        assert 'class="field-error"' in body and 'role="search"' in body
    elif response.streaming:
        assert response["Content-Type"].startswith("text/csv")
    else:
        assert "<main" in body


@fuzz
@given(query=query_strings(["q"]))
def test_the_search_answers_any_query_string(client, site, query):
    response, body = check(client, f"/search/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert 'class="field-error"' in body


@pytest.mark.parametrize("path", OTHERS)
@fuzz
@given(query=query_strings(["p", "slug", "section"]))
def test_pages_without_parameters_ignore_any_query_string(client, site, path, query):
    response, _ = check(client, f"{path}?{query}")
    if path == "/sitemap.xml":
        assert response.status_code in (200, 404)  # ?p= is the sitemap's page number
    else:
        assert response.status_code == 200


@fuzz_less
@given(path=st.sampled_from(DETAILS), query=query_strings(["p", "slug"]))
def test_detail_pages_ignore_any_query_string(client, site, path, query):
    response, _ = check(client, f"{path}?{query}")
    assert response.status_code in (200, 404, 410)


@fuzz_less
@given(
    prefix=st.sampled_from(DETAIL_PREFIXES),
    slug=st.one_of(st.sampled_from(HOSTILE + VALID), st.text(max_size=300)),
)
def test_a_detail_page_answers_any_slug(client, site, prefix, slug):
    response, _ = check(client, prefix + quote(slug, safe="") + "/")
    assert response.status_code in (200, 301, 404, 410)


@fuzz_less
@given(section=st.one_of(st.sampled_from(["claims", "pages", "../claims", "desk-only"]), st.text(max_size=50)))
def test_a_sitemap_section_answers_any_name(client, site, section):
    response, _ = check(client, f"/sitemap-{quote(section, safe='')}.xml")
    assert response.status_code in (200, 404)
