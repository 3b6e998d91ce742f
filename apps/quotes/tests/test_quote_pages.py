"""The public quote list and quote page."""

import re

import extruct
import pytest

from tests import html
from tests.builders import make_agreement, make_quote, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'href="/quotes/([\w-]+)/"', response.content.decode())


def test_the_list_filters_by_speaker_of_every_kind(client):
    make_summit_corpus()
    assert listed(client, "/quotes/?speaker=person:xi-jinping") == ["xi-peace-and-dialogue"]
    assert listed(client, "/quotes/?speaker=statement:joint-statement-new-era") == ["joint-statement-energy"]
    body = client.get("/quotes/").content.decode()
    assert '<option value="person:vladimir-putin">Vladimir Putin</option>' in body
    assert '<option value="statement:joint-statement-new-era">' in body
    assert client.get("/quotes/?speaker=person:").status_code == 400
    assert client.get("/quotes/?speaker=organization:xi-jinping").status_code == 400


def test_the_list_filters_by_occasion_topic_and_date(client):
    make_summit_corpus()
    assert set(listed(client, "/quotes/?event=xi-state-visit-2023")) == {
        "xi-peace-and-dialogue",
        "putin-world-powers",
        "joint-statement-energy",
    }
    assert listed(client, "/quotes/?event=state-dinner") == ["putin-world-powers"]
    assert listed(client, "/quotes/?topic=energy") == ["joint-statement-energy"]
    assert listed(client, "/quotes/?said_from=2023-03-22") == []
    assert len(listed(client, "/quotes/?said_from=2023-03-21&said_to=2023-03-21")) == 3


def test_a_quote_page_shows_the_words_the_speaker_and_the_evidence(client):
    make_summit_corpus()
    response = client.get("/quotes/putin-world-powers/")
    body, page = response.content.decode(), html.page(response)
    # The words are in the cited passage too: the heading must hold them.
    assert html.the_text(page, "h1.quote-text") == "This is an example of how world powers"
    assert html.the_text(page, ".quote-speaker") == "— Vladimir Putin, President of Russia"
    assert html.hrefs(page.select_one(".quote-speaker")) == ["/people/vladimir-putin/"]
    assert "A partial quote: part of a sentence" in html.texts(page, ".facts dd")
    assert html.the_text(page, ".corroboration .badge") == "1 source"
    assert re.search(r'href="/sources/over-a-dozen-agreements/#passage-\d+-\d+"', body)


def test_a_joint_statement_speaks_and_links_to_its_agreement_and_signatories(client):
    make_summit_corpus()
    page = html.page(client.get("/quotes/joint-statement-energy/"))
    # The statement is among the agreements the quote refers to as well: the speaker's line
    # must name it, and who signed it (the agreement's signatories, not recorded again).
    speaker = page.select_one(".quote-speaker")
    assert html.text(speaker) == (
        "— Joint statement on deepening the comprehensive partnership in a new era, "
        "signed by Vladimir Putin and Xi Jinping"
    )
    assert html.hrefs(speaker) == [
        "/agreements/joint-statement-new-era/",
        "/people/vladimir-putin/",
        "/people/xi-jinping/",
    ]


def test_quotation_json_ld(client):
    make_summit_corpus()
    html = client.get("/quotes/xi-peace-and-dialogue/").content.decode()
    data = extruct.extract(html, base_url="http://testserver/quotes/xi-peace-and-dialogue/", syntaxes=["json-ld"])
    (quotation,) = [item for item in data["json-ld"] if item["@type"] == "Quotation"]
    assert quotation["text"] == "We’re always for peace and dialogue, and we firmly stand on the right side of history"
    assert quotation["creator"] == {"@type": "Person", "name": "Xi Jinping"}
    assert quotation["dateCreated"] == "2023-03-21"
    assert quotation["citation"][0]["headline"] == "Putin and Xi sign over a dozen agreements in Moscow"


def test_an_unverified_joint_statement_is_not_named_by_its_verified_quote(client):
    source = make_source()
    statement = make_agreement(kind="joint_statement", title="Unpublished statement title")
    make_quote(
        status="verified",
        slug="spoken-by-a-draft",
        speaker_statement=statement,
        citations=[(source, "We’re always for peace and dialogue")],
    )
    for url in ["/quotes/spoken-by-a-draft/", "/quotes/", "/quotes/?format=csv", "/feeds/verified/"]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Unpublished statement title" not in body, url
        assert b"A joint statement" in body, url
