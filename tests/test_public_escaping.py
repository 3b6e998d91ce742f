"""A script in any text field a reader can see stays text: on every page, in the JSON-LD,
in the Atom feed; and no CSV cell can become a spreadsheet formula."""

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from apps.editorial.models import Topic
from apps.site.feeds import NOT_IN_XML
from tests.builders import (
    make_agreement,
    make_claim,
    make_event,
    make_organization,
    make_person,
    make_quote,
    make_source,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What spreadsheets may skip before a formula: every kind of space and line break, control
# characters, invisible format characters. A few of each, alone and mixed.
SKIPPED = [
    " ", "  ", "\t", " \t", "\t ", "\r", "\n", "\r\n", " \n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
    "\xa0", "\u1680", "\u2000", "\u2007", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad", "\xa0\u3000\u200b",
]  # fmt: skip


def could_be_a_formula(cell):
    """Told apart without the code under test: what a spreadsheet could run."""
    shown = cell.lstrip("".join(chr(c) for c in range(0x20)) + "".join(SKIPPED))
    return cell.startswith(FORMULA_STARTS) or shown.startswith(FORMULA_STARTS)


def nasty(label, start="="):
    """Text that breaks out of an element, an attribute, a comment and a script element,
    and starts like a spreadsheet formula, in 100 characters (the shortest field's
    limit). ``label`` shows where it came from."""
    return f"""{start}{label}"'></script><script>alert(1)</script><img src=x onerror=f()><!--&amp;"""


# Every text field a reader can meet, by the label its payload carries.
SHOWN = [
    "topic-name",
    "person-name",
    "person-role",
    "person-country",
    "organization-name",
    "organization-country",
    "event-name",
    "event-place",
    "event-description",
    "source-title",
    "source-authors",
    "source-body",
    "claim-statement",
    "claim-unit",
    "claim-period",
    "citation-note",
    "quote-text",
    "quote-context",
    "agreement-title",
    "agreement-summary",
    "agreement-place",
    "retracted-correction",
    "retracted-statement",
]
# Each formula start once or more, so that every one is seen neutralised in the CSV.
STARTS = dict(zip(SHOWN, ["=", "+", "-", "@", "\t", "\r"] * 4, strict=False))
# What spreadsheets skip, before the formula: spaces, a tab, a line break, no-break and
# ideographic spaces, control characters.
STARTS.update(
    {
        "person-role": " \t-",
        "person-country": "  =",
        "organization-country": "\n+",
        "source-authors": "\xa0\u3000@",
        "agreement-place": "\x0b\x1f=",
    }
)


def payload(label):
    return nasty(label, STARTS.get(label, "="))


@pytest.fixture
def hostile_site():
    now = timezone.now()
    topic = Topic.objects.create(name=payload("topic-name"), slug="hostile-topic")
    person = make_person(
        name=payload("person-name"),
        slug="hostile-person",
        role=payload("person-role"),
        country=payload("person-country"),
    )
    outlet = make_organization(
        name=payload("organization-name"), slug="hostile-outlet", country=payload("organization-country")
    )
    event = make_event(
        name=payload("event-name"),
        slug="hostile-event",
        place=payload("event-place"),
        description=payload("event-description"),
    )
    body = f"It was reported. {payload('source-body')} And more was said."
    source = make_source(
        title=payload("source-title"),
        slug="hostile-source",
        authors=payload("source-authors"),
        body=body,
        outlet=outlet,
    )
    verified = {"status": "verified", "verified_at": now}
    claim = make_claim(
        statement=payload("claim-statement"),
        slug="hostile-claim",
        quantity=30,
        quantity_unit=payload("claim-unit")[:50],
        quantity_period=payload("claim-period")[:50],
        attributed_to=person,
        event=event,
        citations=[(source, payload("source-body"))],
        credibility=2,  # judged: its page carries a ClaimReview
        **verified,
    )
    citation = claim.citations.get()
    citation.note = payload("citation-note")
    citation.save()
    claim.topics.add(topic)
    quote = make_quote(
        text=payload("quote-text"),
        slug="hostile-quote",
        speaker=person,
        occasion=event,
        context=payload("quote-context"),
        citations=[(source, "It was reported.")],
        **verified,
    )
    quote.topics.add(topic)
    agreement = make_agreement(
        title=payload("agreement-title"),
        slug="hostile-agreement",
        summary=payload("agreement-summary"),
        place=payload("agreement-place"),
        event=event,
        citations=[(source, "And more was said.")],
        **verified,
    )
    agreement.parties.add(outlet)
    agreement.signatories.add(person)
    agreement.topics.add(topic)
    make_claim(
        statement=payload("retracted-statement"),
        slug="hostile-retracted",
        status="retracted",
        retracted_at=now,
        correction=payload("retracted-correction"),
        citations=[(source, "It was reported.")],
    )


PAGES = [
    "/",
    "/claims/",
    "/claims/?topic=hostile-topic&speaker=hostile-person&event=hostile-event&outlet=hostile-outlet",
    "/quotes/",
    "/quotes/?topic=hostile-topic&speaker=person:hostile-person&event=hostile-event",
    "/agreements/",
    "/agreements/?topic=hostile-topic&party=hostile-outlet&signatory=hostile-person",
    "/sources/",
    "/sources/?outlet=hostile-outlet",
    "/people/",
    "/organizations/",
    "/claims/hostile-claim/",
    "/quotes/hostile-quote/",
    "/agreements/hostile-agreement/",
    "/sources/hostile-source/",
    "/people/hostile-person/",
    "/organizations/hostile-outlet/",
    "/events/hostile-event/",
    "/claims/hostile-retracted/",
    "/corrections/",
    "/search/?q=alert",
]


class Elements(HTMLParser):
    """The elements a browser would build from the page, and the JSON-LD it carries."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.json_ld, self._in_json = [], [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers:
            self.problems.append(f"<{tag}> with {handlers}")
        if tag == "img" and attributes.get("src") == "x":
            self.problems.append("<img src=x>")
        if tag == "script":
            if attributes.get("type") == "application/ld+json":
                self._in_json = True
                self.json_ld.append("")
            elif "src" not in attributes:
                self.problems.append("an inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data


def strings(data):
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            yield from strings(item)
    elif isinstance(data, str):
        yield data


def test_every_text_field_renders_as_text_on_every_page(client, hostile_site):
    seen = set()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code in (200, 410), url
        html = response.content.decode()
        elements = Elements()
        elements.feed(html)
        assert elements.problems == [], url
        assert "<script>alert" not in html and "<img src=x" not in html, url
        for text in elements.json_ld:
            # The whole object parses: no payload ended the script element early.
            data = json.loads(text)
            assert "<" not in text, url
            values = set(strings(data))
            for label in SHOWN:
                if label in text:
                    assert payload(label) in values, label
        seen.update(label for label in SHOWN if label in html)
    assert seen == set(SHOWN)  # each payload was shown somewhere, escaped


@pytest.mark.parametrize(
    ("url", "kind", "field"),
    [
        ("/claims/hostile-claim/", "ClaimReview", "claimReviewed"),
        ("/quotes/hostile-quote/", "Quotation", "text"),
    ],
)
def test_the_json_ld_holds_the_text_exactly(client, hostile_site, url, kind, field):
    elements = Elements()
    elements.feed(client.get(url).content.decode())
    (item,) = [data for data in map(json.loads, elements.json_ld) if data.get("@type") == kind]
    assert item[field] == payload("claim-statement" if kind == "ClaimReview" else "quote-text")


def test_the_feed_carries_the_text_as_text(client, hostile_site):
    response = client.get("/feeds/verified/")
    assert b"<script" not in response.content and b"<img" not in response.content
    # Well-formed whatever the entries hold (an XML parser reads a carriage return as a newline).
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = {entry.find(f"{ATOM}title").text for entry in entries}
    assert titles == {
        f"Claim: {payload('claim-statement')}",
        f"Quote: {payload('person-name')}: “{payload('quote-text')}”",
        f"Agreement: {payload('agreement-title')}",
    }
    # The content is HTML: read as a feed reader reads it, the text is all there, as text
    # (less what XML cannot carry: control characters).
    contents = [BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser") for entry in entries]
    assert not any(content.select("script, img") for content in contents)
    texts = " ".join(content.get_text() for content in contents)
    for label in ["quote-context", "agreement-summary", "agreement-place", "citation-note"]:
        assert NOT_IN_XML.sub("", payload(label)).replace("\r", "\n") in texts, label


def test_the_corrections_feed_carries_the_text_as_text(client, hostile_site):
    response = client.get("/feeds/corrections/")
    assert b"<script" not in response.content and b"<img" not in response.content
    (entry,) = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == f"Claim retracted: {payload('retracted-statement')}"
    content = BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser")
    assert not content.select("script, img")
    assert content.blockquote.get_text() == payload("retracted-statement")


@pytest.mark.parametrize("path", ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"])
def test_no_csv_cell_can_become_a_formula(client, hostile_site, path):
    response = client.get(f"{path}?format=csv")
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline=""))
    assert rows
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if could_be_a_formula(cell)] == []
    # The text is all there, after the apostrophe that makes it text.
    payloads = {payload(label) for label in SHOWN}
    assert any(cell.startswith("'") and cell[1:] in payloads for cell in cells)


@pytest.mark.parametrize("formula", ["=", "+", "-", "@"])
def test_no_csv_cell_is_a_formula_after_what_spreadsheets_skip(client, formula):
    source = make_source()
    statements = [f'{skipped}{formula}HYPERLINK("https://evil.example")' for skipped in SKIPPED]
    for statement in statements:
        make_claim(statement=statement, citations=[(source, "three-day visit")], status="verified")
    response = client.get("/claims/?format=csv")
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline=""))
    cells = [row[header.index("statement")] for row in rows]
    assert sorted(cells) == sorted("'" + statement for statement in statements)
    assert not any(could_be_a_formula(cell) for cell in cells)


class Addresses(HTMLParser):
    """Every address an element of the page points to, and the page's JSON-LD."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses, self.json_ld, self._in_json = [], [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "cite", "action", "formaction", "poster", "data") and value is not None:
                self.addresses.append(value)
        self._in_json = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld.append(json.loads(data))


def json_urls(data):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "url" and isinstance(value, str):
                yield value
            yield from json_urls(value)
    elif isinstance(data, list):
        for item in data:
            yield from json_urls(item)


# What the admin's forms refuse but the shell, import_fixtures or loaddata can store.
NOT_WEB = [
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
]


@pytest.mark.parametrize("stored", NOT_WEB)
def test_a_stored_address_that_is_not_http_is_shown_as_text_never_as_a_link(client, stored):
    outlet = make_organization(slug="outlet-with-address")
    source = make_source(slug="source-with-address", outlet=outlet)
    claim = make_claim(slug="claim-with-address", citations=[(source, "three-day visit")], status="verified")
    quote = make_quote(slug="quote-with-address", citations=[(source, "three-day visit")], status="verified")
    agreement = make_agreement(
        slug="agreement-with-address", citations=[(source, "three-day visit")], status="verified"
    )
    agreement.parties.add(outlet)
    # Saved as any path other than the admin's form would: no validation.
    for obj, field in [(outlet, "url"), (source, "url"), (agreement, "document_url")]:
        setattr(obj, field, stored)
        obj.save()
    pages = [outlet, source, claim, quote, agreement]
    for page in pages:
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200, page
        parser = Addresses()
        parser.feed(response.content.decode())
        for address in parser.addresses + [url for data in parser.json_ld for url in json_urls(data)]:
            scheme = urlsplit(address).scheme
            assert scheme in ("", "http", "https") and not address.startswith("//"), (page, address)
            assert "alert" not in address and "evil" not in address, (page, address)
    for page in (outlet, source, agreement):  # the address is still there to read
        assert (
            html.escape(stored.strip("\x01"), quote=False)[:40] in client.get(page.get_absolute_url()).content.decode()
        )


def test_a_stored_web_address_is_a_link(client):
    outlet = make_organization(url="https://outlet.example/")
    source = make_source(outlet=outlet, url="http://outlet.example/report")
    claim = make_claim(citations=[(source, "three-day visit")], status="verified")
    agreement = make_agreement(document_url="https://gov.example/text.pdf", status="verified")
    agreement.parties.add(outlet)
    links = {
        outlet: 'href="https://outlet.example/"',
        source: 'href="http://outlet.example/report"',
        claim: 'cite="http://outlet.example/report"',
        agreement: 'href="https://gov.example/text.pdf"',
    }
    for page, link in links.items():
        assert link in client.get(page.get_absolute_url()).content.decode(), page
    parser = Addresses()
    parser.feed(client.get(claim.get_absolute_url()).content.decode())
    assert "http://outlet.example/report" in [url for data in parser.json_ld for url in json_urls(data)]
