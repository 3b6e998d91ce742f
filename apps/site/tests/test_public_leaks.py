"""Nothing unverified leaks: no public page, list, filter, feed, sitemap, search result,
JSON-LD or CSV shows a draft, in-review or retracted entry, nor a passage only such an
entry cites, nor a person, organization, topic or event known only from them.

For each non-verified status, hidden entries carrying the word SECRET are tied to the
public corpus every way they can be (its event, people, outlets, sources, topics, a
contradiction with a verified claim), then every public page is crawled.
"""

import re

import pytest

from apps.claims.models import ClaimRelation
from apps.editorial.models import Topic
from apps.events.models import Event
from tests import html
from tests.builders import (
    make_agreement,
    make_claim,
    make_organization,
    make_person,
    make_quote,
    make_summit_corpus,
)

from .crawl import crawl

SECRET = "Zanzibarian"
# What a reader types: it finds SECRET (as a prefix, or a part), but a page that repeats
# the query back does not contain SECRET itself.
QUERY = "Zanzibar"
HIDDEN_STATUSES = ["draft", "in_review", "retracted"]
# Only in the hidden work: a passage of a public source that nothing verified cites.
HIDDEN_PASSAGE = "further gas shipments to China have been agreed upon"

pytestmark = pytest.mark.django_db


def text_of(body):
    return re.sub(r"<[^>]+>", "", body)


@pytest.fixture(params=HIDDEN_STATUSES)
def hidden(request):
    status = request.param
    corpus = make_summit_corpus()
    report_a, report_b = corpus["sources"]
    putin, xi = corpus["people"]
    review, wire, rt = corpus["outlets"]
    fields = {"status": status}
    if status == "retracted":
        fields["correction"] = "Withdrawn: it rested on a misreading."
    stranger = make_person(name=f"{SECRET} Envoy", slug="hidden-envoy")
    company = make_organization(name=f"{SECRET} Holdings", slug="hidden-holdings", kind="company")
    topic = Topic.objects.create(name=f"{SECRET} affairs", slug="hidden-affairs")
    event = Event.objects.create(name=f"{SECRET} side meeting", slug="hidden-meeting")
    claim = make_claim(
        statement=f"{SECRET} claim: gas shipments were agreed.",
        slug="hidden-claim",
        event=corpus["event"],
        attributed_to=putin,
        citations=[(report_a, HIDDEN_PASSAGE), (report_b, "reported RT", "contradicts")],
        **fields,
    )
    claim.topics.add(topic, corpus["topics"]["energy"])
    claim.quotes.add(corpus["quotes"][0])
    claim.agreements.add(corpus["agreements"][0])
    # A verified claim must not look disputed because of unpublished work.
    ClaimRelation.objects.create(from_claim=claim, to_claim=corpus["claims"][2], kind="contradicts")
    ClaimRelation.objects.create(from_claim=corpus["claims"][3], to_claim=claim, kind="refines")
    stranger_claim = make_claim(
        statement=f"{SECRET} claim about an unknown meeting.",
        slug="hidden-claim-2",
        event=event,
        attributed_to=stranger,
        citations=[(report_a, HIDDEN_PASSAGE)],
        **fields,
    )
    stranger_claim.topics.add(topic)
    quote = make_quote(
        text=f"{SECRET} words, said in private",
        slug="hidden-quote",
        speaker=xi,
        occasion=corpus["parts"][0],
        context=f"{SECRET} context",
        citations=[(report_a, HIDDEN_PASSAGE)],
        **fields,
    )
    quote.agreements.add(corpus["agreements"][0])
    make_quote(text=f"{SECRET} words of a stranger", slug="hidden-quote-2", speaker=stranger, **fields)
    make_quote(text=f"{SECRET} words of a company", slug="hidden-quote-3", speaker_organization=company, **fields)
    statement = make_agreement(
        title=f"{SECRET} joint statement",
        slug="hidden-statement",
        kind="joint_statement",
        summary=f"{SECRET} summary",
        event=corpus["event"],
        citations=[(report_a, HIDDEN_PASSAGE)],
        **fields,
    )
    statement.parties.add(company, corpus["agreements"][0].parties.first())
    statement.signatories.add(stranger, putin)
    statement.topics.add(topic)
    # A verified quote whose speaker is an unpublished joint statement: its title stays hidden.
    make_quote(
        text="will build a closer energy partnership",
        slug="verified-quote-of-hidden-statement",
        speaker_statement=statement,
        status="verified",
        citations=[(report_a, "will build a closer energy partnership")],
    )
    return {
        "status": status,
        "corpus": corpus,
        "urls": [
            claim.get_absolute_url(),
            stranger_claim.get_absolute_url(),
            quote.get_absolute_url(),
            "/quotes/hidden-quote-2/",
            "/quotes/hidden-quote-3/",
            statement.get_absolute_url(),
        ],
        "stranger": stranger,
        "company": company,
        "event": event,
        "spans": {(c.start, c.end) for c in claim.citations.all()},
    }


def filtered_lists(corpus):
    """List addresses with every filter that the hidden work could match."""
    event, putin, xi = corpus["event"].slug, corpus["people"][0].slug, corpus["people"][1].slug
    urls = []
    for path in ["/claims/", "/quotes/", "/agreements/"]:
        for query in [
            f"q={QUERY}",
            "q=gas shipments",
            "topic=hidden-affairs",
            "topic=energy",
            f"event={event}",
            "event=hidden-meeting",
            "corroboration=disputed",
            "corroboration=single",
            "corroboration=corroborated",
        ]:
            urls += [f"{path}?{query}", f"{path}?{query}&format=csv"]
    urls += [
        f"/claims/?speaker={putin}",
        "/claims/?outlet=regional-policy-review",
        "/claims/?reported_from=2023-01-01&reported_to=2023-12-31",
        f"/quotes/?speaker=person:{xi}",
        "/quotes/?speaker=person:hidden-envoy",
        "/quotes/?speaker=statement:hidden-statement",
        "/agreements/?party=hidden-holdings",
        "/agreements/?signatory=hidden-envoy",
        f"/people/?q={QUERY}",
        f"/people/?q={QUERY}&format=csv",
        f"/organizations/?q={QUERY}",
        f"/organizations/?q={QUERY}&format=csv",
        f"/sources/?q={QUERY}",
        f"/search/?q={QUERY}",
        "/search/?q=gas shipments",
        "/search/?q=agreed",
        "/feeds/verified/",
        "/sitemap.xml",
        *[f"/sitemap-{section}.xml" for section in ["pages", "claims", "quotes", "agreements", "sources", "events"]],
        "/sitemap-people.xml",
        "/sitemap-organizations.xml",
    ]
    for path in ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"]:
        urls.append(f"{path}?format=csv")
    return urls


def test_no_public_address_shows_unpublished_work(client, hidden):
    corpus = hidden["corpus"]
    pages = crawl(client, ["/", *filtered_lists(corpus)])
    assert len(pages) > 60  # the crawl reached the whole site, not just the start
    hidden_mark = re.compile("|".join(f'id="passage-{s}-{e}"' for s, e in hidden["spans"]))
    for url, response in pages.items():
        body = response.content.decode() if not response.streaming else b"".join(response.streaming_content).decode()
        assert response.status_code in (200, 400), (url, response.status_code)
        # As text, so a search result's <mark>Zanzibar</mark>ian cannot hide a leak.
        assert SECRET not in text_of(body), url
        assert not any(address in body for address in hidden["urls"]), url
        assert not hidden_mark.search(body), url
        if not url.startswith(("/sources/", "/search/")):
            # The passage may only appear as part of its source's text, never as evidence.
            assert HIDDEN_PASSAGE not in body, url


def test_an_unpublished_entry_is_not_found_or_says_only_that_it_was_retracted(client, hidden):
    for url in hidden["urls"]:
        response = client.get(url)
        body = response.content.decode()
        assert SECRET not in body, url
        if hidden["status"] == "retracted":
            assert response.status_code == 410, url
            assert "was retracted" in body
            assert "Withdrawn: it rested on a misreading." in body
        else:
            assert response.status_code == 404, url


def test_people_organizations_and_events_known_only_from_unpublished_work_are_not_found(client, hidden):
    assert client.get(hidden["stranger"].get_absolute_url()).status_code == 404
    assert client.get(hidden["company"].get_absolute_url()).status_code == 404
    assert client.get(hidden["event"].get_absolute_url()).status_code == 404


def test_unpublished_contradiction_does_not_dispute_a_verified_claim(client, hidden):
    disputed_by_draft = hidden["corpus"]["claims"][2]
    response = client.get(disputed_by_draft.get_absolute_url())
    assert html.the_text(html.page(response), ".verdict") == "2 independent sources"
    assert "disputed" not in response.content.decode()
    listed = client.get("/claims/?corroboration=disputed").content.decode()
    assert disputed_by_draft.statement not in listed


def test_the_same_work_once_verified_appears_everywhere(client, hidden):
    """The leak test can fail: verify the hidden claim and it shows up."""
    from apps.claims.models import Claim

    Claim.objects.filter(slug="hidden-claim").update(status="verified")
    assert SECRET in client.get("/claims/").content.decode()
    assert SECRET in client.get("/claims/hidden-claim/").content.decode()
    assert "/claims/hidden-claim/" in client.get(f"/search/?q={QUERY}").content.decode()
    body = client.get("/sources/strengthening-alliances/").content.decode()
    assert any(f'id="passage-{start}-{end}"' in body for start, end in hidden["spans"])
