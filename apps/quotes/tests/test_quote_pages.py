"""The public quote list and quote page."""

import re

import extruct
import pytest

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
    body = client.get("/quotes/putin-world-powers/").content.decode()
    assert "This is an example of how world powers" in body
    assert 'href="/people/vladimir-putin/"' in body and "President of Russia" in body
    assert "A partial quote" in body
    assert "1 source" in body
    assert re.search(r'href="/sources/over-a-dozen-agreements/#passage-\d+-\d+"', body)


def test_a_joint_statement_speaks_and_links_to_its_agreement(client):
    make_summit_corpus()
    body = client.get("/quotes/joint-statement-energy/").content.decode()
    assert 'href="/agreements/joint-statement-new-era/"' in body
    assert "Joint statement on deepening the comprehensive partnership in a new era" in body


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
