"""Nothing unverified leaks: no public page, list, filter, feed, sitemap, search result,
JSON-LD, CSV or API response shows a draft, in-review or retracted entry, nor a passage
only such an entry cites, nor a person, organization, topic or event known only from them.

A retracted entry is the one exception, by design: the corrections log, its feed and the
entry's own page (410) show what it said, marked as retracted, and nothing else of it
(not its evidence, not what it names) — and not even that when its text is withheld.

For each non-verified status, hidden entries carrying the word SECRET are tied to the
public corpus every way they can be (its event, people, outlets, sources, topics, a
contradiction with a verified claim), then every public page and API address is crawled.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from apps.claims.models import Claim, ClaimRelation
from apps.editorial.models import Topic
from apps.events.models import Event
from apps.quotes.models import Quote
from tests import html
from tests.builders import (
    make_agreement,
    make_claim,
    make_organization,
    make_person,
    make_quote,
    make_summit_corpus,
)

from .crawl import crawl, internal_links

SECRET = "Zanzibarian"
# What a reader types: it finds SECRET (as a prefix, or a part), but a page that repeats
# the query back does not contain SECRET itself.
QUERY = "Zanzibar"
HIDDEN_STATUSES = ["draft", "in_review", "retracted", "retracted-withheld"]
# Where a retracted entry's words may be read, marked as retracted (with its own 410 page).
CORRECTIONS = ("/corrections/", "/feeds/corrections/")
ATOM_CONTENT = "{http://www.w3.org/2005/Atom}content"
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
    if status.startswith("retracted"):
        fields = {
            "status": "retracted",
            "correction": "Withdrawn: it rested on a misreading.",
            "retracted_at": timezone.now(),
            "text_withheld": status == "retracted-withheld",
        }
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
    quote.co_speakers.add(stranger)  # said with Xi: the stranger is named by nothing public
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
    hidden_entries = [claim, stranger_claim, quote, statement, *Quote.objects.filter(slug__startswith="hidden-quote-")]
    return {
        "status": status,
        "corpus": corpus,
        # What readers may read of each retracted entry, marked as retracted ("" when withheld).
        "said": {corpus["hidden"][2].said}
        | ({entry.said for entry in hidden_entries} if status == "retracted" else set()),
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
        "never_linked": [stranger.get_absolute_url(), company.get_absolute_url(), event.get_absolute_url()],
        "spans": {(c.start, c.end) for c in claim.citations.all()},
    }


def filtered_lists(corpus):
    """List addresses with every filter that the hidden work could match."""
    event, putin, xi = corpus["event"].slug, corpus["people"][0].slug, corpus["people"][1].slug
    urls = []
    for path in ["/claims/", "/quotes/", "/agreements/", "/api/claims/", "/api/quotes/", "/api/agreements/"]:
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
    urls += ["/api/", "/api/claims/hidden-claim/", "/api/quotes/hidden-quote/", "/api/agreements/hidden-statement/"]
    urls += [f"/api/claims/?speaker={putin}", "/api/claims/?outlet=regional-policy-review"]
    urls += ["/api/quotes/?speaker=statement:hidden-statement", "/api/agreements/?signatory=hidden-envoy"]
    urls += [*CORRECTIONS, "/feeds/corrections/"]
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


def without_what_retracted_entries_said(url, response, said):
    """The body, less the retracted entries' words where readers may read them: in the
    corrections log's feed, and on a page (the log, a 410) in the element that marks them
    as retracted — which must then hold one of them exactly."""
    body = response.body
    if url == "/feeds/corrections/":
        # The feed as a reader reads it: its text, the HTML of each entry's content as text.
        text = []
        for element in ET.fromstring(body.encode()).iter():
            content = element.text or ""
            text += [html.text(BeautifulSoup(content, "html.parser")) if element.tag == ATOM_CONTENT else content]
            text += list(element.attrib.values())
        text = "\n".join(text)
        for words in sorted(said, key=len, reverse=True):
            text = text.replace(words, "")
        return text
    if url in CORRECTIONS or response.status_code == 410:
        page = html.page(response)
        for element in page.select(".retracted-text"):
            assert html.text(element) in said, (url, html.text(element))
            element.decompose()
        return str(page)
    return body


def test_no_public_address_shows_unpublished_work(client, hidden):
    corpus = hidden["corpus"]
    pages = crawl(client, ["/", *filtered_lists(corpus)])
    assert len(pages) > 100  # the crawl reached the whole site and the API, not just the start
    assert any(url.startswith("/api/claims/") and url.endswith("/") and url != "/api/claims/" for url in pages)
    hidden_mark = re.compile("|".join(f'id="passage-{s}-{e}"' for s, e in hidden["spans"]))
    retracted = hidden["status"] == "retracted"
    # The log links to each retracted entry's page (410), withheld ones aside.
    logged = set(internal_links(pages["/corrections/"].body))
    for url, response in pages.items():
        gone = url in logged or url.startswith("/api/") and "hidden" in url
        assert response.status_code in (200, 400) or gone and response.status_code in (404, 410), (url, response)
        body = without_what_retracted_entries_said(url, response, hidden["said"])
        # As text, so a search result's <mark>Zanzibar</mark>ian cannot hide a leak.
        assert SECRET not in text_of(body), url
        if not (retracted and url in CORRECTIONS):  # the log links to each retracted entry's page
            assert not any(address in body for address in hidden["urls"]), url
        assert not any(address in body for address in hidden["never_linked"]), url
        assert not hidden_mark.search(body), url
        if not url.startswith(("/sources/", "/search/")):
            # The passage may only appear as part of its source's text, never as evidence.
            assert HIDDEN_PASSAGE not in body, url
    if retracted:  # the exception is real: the log shows what they said
        assert {html.text(e) for e in html.page(pages["/corrections/"]).select(".retracted-text")} == hidden["said"]


def test_an_unpublished_entry_is_not_found_or_says_only_what_it_said_and_that_it_was_retracted(client, hidden):
    for url in hidden["urls"]:
        response = client.get(url)
        response.body = response.content.decode()
        if hidden["status"].startswith("retracted"):
            assert response.status_code == 410, url
            page = html.page(response)
            assert html.the_text(page, "h1").startswith("This ") and "was retracted" in html.the_text(page, "h1")
            assert html.the_text(page, ".correction-text") == "Withdrawn: it rested on a misreading."
            if hidden["status"] == "retracted-withheld":
                assert (
                    html.the_text(page, ".retracted-withheld") == "Its text has been withheld and is no longer shown."
                )
                assert not page.select(".retracted-text")
            else:
                assert html.the_text(page, ".retracted-text") in hidden["said"]
            body = without_what_retracted_entries_said(url, response, hidden["said"])
            assert SECRET not in text_of(body), url
            assert HIDDEN_PASSAGE not in body and not any(a in body for a in hidden["never_linked"]), url
        else:
            assert SECRET not in response.body, url
            assert response.status_code == 404, url


def test_people_organizations_and_events_known_only_from_unpublished_work_are_not_found(client, hidden):
    assert client.get(hidden["stranger"].get_absolute_url()).status_code == 404
    assert client.get(hidden["company"].get_absolute_url()).status_code == 404
    assert client.get(hidden["event"].get_absolute_url()).status_code == 404


def test_unpublished_contradiction_does_not_dispute_a_verified_claim(client, hidden):
    disputed_by_draft = hidden["corpus"]["claims"][2]
    response = client.get(disputed_by_draft.get_absolute_url())
    assert html.the_text(html.page(response), ".corroboration .badge") == "2 independent sources"
    assert not html.page(response).select(".disputes")
    assert "disputed" not in response.content.decode()
    listed = client.get("/claims/?corroboration=disputed").content.decode()
    assert disputed_by_draft.statement not in listed


def test_the_same_work_once_verified_appears_everywhere(client, hidden):
    """The leak test can fail: verify the hidden claim and it shows up."""
    Claim.objects.filter(slug="hidden-claim").update(status="verified")
    assert SECRET in client.get("/claims/").content.decode()
    assert SECRET in client.get("/api/claims/").content.decode()
    assert SECRET in client.get("/claims/hidden-claim/").content.decode()
    assert "/claims/hidden-claim/" in client.get(f"/search/?q={QUERY}").content.decode()
    body = client.get("/sources/strengthening-alliances/").content.decode()
    assert any(f'id="passage-{start}-{end}"' in body for start, end in hidden["spans"])
