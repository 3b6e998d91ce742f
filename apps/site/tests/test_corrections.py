"""The corrections log (/corrections/), its Atom feed, and the page of a retracted entry:
every retraction, newest first, what it said, what was wrong, when, with a link; never
the words of one whose text is withheld. Read from the parsed pages and feed."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from apps.claims.models import Claim
from apps.editorial import workflow
from tests import html
from tests.builders import (
    make_agreement,
    make_analyst,
    make_claim,
    make_editor,
    make_quote,
    make_source,
    make_summit_corpus,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def log(client, url="/corrections/"):
    """The rows of the log: ``[(heading, what it said or None, what was wrong, link)]``."""
    response = client.get(url)
    assert response.status_code == 200
    rows = []
    for row in html.page(response).select(".corrections-list > li"):
        said = row.select_one(".retracted-text")
        link = row.select_one(".correction-title a")["href"]
        rows.append(
            (
                html.the_text(row, ".correction-title"),
                said and html.text(said),
                html.the_text(row, ".correction-text"),
                link,
            )
        )
    return rows


def feed(client):
    document = ET.fromstring(client.get("/feeds/corrections/").content)
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.find(f"{ATOM}id").text,
            "summary": entry.find(f"{ATOM}summary").text,
            "content": html.text(BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser")),
            "published": entry.find(f"{ATOM}published").text,
        }
        for entry in document.findall(f"{ATOM}entry")
    ]


def test_the_log_lists_every_retraction_newest_first_and_withholds_what_it_must(client):
    corpus = make_summit_corpus()
    retracted, withheld = corpus["hidden"][2], corpus["hidden"][3]
    today = f"{retracted.retracted_at:%-d %B %Y}"
    yesterday = f"{withheld.retracted_at:%-d %B %Y}"
    assert log(client) == [
        (
            f"Claim retracted on {today}",
            "Retracted: trade will exceed $200 billion this year.",
            "The figure is a forecast reported by RT, not an agreed target.",
            "/claims/retracted-200-billion/",
        ),
        (f"Quote retracted on {yesterday}", None, "Withdrawn by order of a court.", withheld_anchor(client)),
    ]
    page = html.page(client.get("/corrections/"))
    assert html.texts(page, ".retracted-withheld") == ["Its text has been withheld and is no longer shown."]
    # Neither its words nor its address (which can carry them) are anywhere on the page.
    body = client.get("/corrections/").content.decode()
    assert withheld.text not in body and withheld.slug not in body
    assert html.the_text(page, ".result-count") == "2 corrections"


def withheld_anchor(client):
    (row,) = [
        r
        for r in html.page(client.get("/corrections/")).select(".corrections-list > li")
        if r.select(".retracted-withheld")
    ]
    assert row["id"].startswith("retraction-")
    return f"/corrections/#{row['id']}"


def test_a_retraction_through_the_workflow_appears_at_once_in_the_log_its_feed_and_its_page(client):
    make_summit_corpus()
    claim = Claim.objects.get(slug="trade-record-2022")
    before = feed(client)
    workflow.apply(claim, "retract", make_editor(), note="The 30 % was for 2021.")
    rows = log(client)
    assert rows[0][1:] == (claim.statement, "The 30 % was for 2021.", claim.get_absolute_url())
    entries = feed(client)
    assert len(entries) == len(before) + 1
    newest = entries[0]
    assert newest["title"] == f"Claim retracted: {claim.statement}"
    assert newest["link"] == f"http://testserver{claim.get_absolute_url()}"
    assert newest["summary"] == "The 30 % was for 2021."
    # The content says what it said, what was wrong and when — not the title again only.
    assert newest["content"].startswith(
        f"What the claim said (retracted): {claim.statement} What was wrong: The 30 % was for 2021."
    )
    gone = client.get(claim.get_absolute_url())
    assert gone.status_code == 410
    page = html.page(gone)
    assert html.the_text(page, "h1") == "This claim was retracted"
    assert html.the_text(page, ".retracted-label") == "What the claim said retracted"
    assert html.the_text(page, ".retracted-text") == claim.statement
    assert html.the_text(page, ".correction-text") == "The 30 % was for 2021."
    assert not page.select(".evidence, .facts")  # what it rested on is no longer shown


def test_the_feed_of_a_withheld_retraction_names_neither_its_words_nor_its_address(client):
    corpus = make_summit_corpus()
    withheld = corpus["hidden"][3]
    (entry,) = [e for e in feed(client) if "withheld" in e["title"]]
    assert entry["title"] == "Quote retracted (its text is withheld)"
    assert entry["link"] == f"http://testserver{withheld_anchor(client)}"
    assert entry["id"] == f"correction:{withheld_anchor(client).split('#')[1]}"
    raw = client.get("/feeds/corrections/").content.decode()
    assert withheld.text not in raw and withheld.slug not in raw
    page = html.page(client.get(withheld.get_absolute_url()))
    assert html.texts(page, ".retracted-withheld") == ["Its text has been withheld and is no longer shown."]
    assert withheld.text not in html.text(page)


def test_a_retracted_quote_is_shown_with_who_said_it_and_an_undated_retraction_comes_last(client):
    corpus = make_summit_corpus()
    xi = corpus["people"][1]
    make_quote(
        text="Words never said",
        speaker=xi,
        status="retracted",
        correction="The report misattributed them.",
        retracted_at=timezone.now() + timedelta(minutes=1),
        citations=[(make_source(), "said Xi")],
    )
    # Data that skipped the workflow (loaddata, SQL) may lack the time: listed, last.
    make_agreement(title="A protocol that was never signed", status="retracted", correction="Not signed.")
    rows = log(client)
    assert rows[0][:3] == (rows[0][0], "Xi Jinping: “Words never said”", "The report misattributed them.")
    assert rows[-1][:2] == ("Agreement retracted", "A protocol that was never signed")


def test_an_empty_log(client):
    page = html.page(client.get("/corrections/"))
    assert html.the_text(page, ".result-count") == "0 corrections"
    assert html.texts(page, ".corrections-page p")[-1] == "Nothing has been retracted."
    assert feed(client) == []


def test_the_log_pages_through_many_retractions_newest_first(client):
    author, source, now = make_analyst(), make_source(), timezone.now()
    for n in range(60):
        make_claim(
            statement=f"Retraction {n:02}",
            status="retracted",
            correction="Wrong.",
            retracted_at=now - timedelta(minutes=n),
            created_by=author,
            citations=[(source, "said Xi")],
        )
    first, second = log(client), log(client, "/corrections/?page=2")
    assert [row[1] for row in first + second] == [f"Retraction {n:02}" for n in range(60)]
    assert len(first) == 50
    # Past the last page: the last page, as on every list.
    assert log(client, "/corrections/?page=99") == second
