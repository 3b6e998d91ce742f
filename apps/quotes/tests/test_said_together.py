"""Words said together ("the two leaders urged for a “responsible dialogue”"): every page,
feed and export that names a quote's speaker names each of them."""

import csv
import io
import json

import pytest

from tests import html
from tests.builders import approved_as_shown, make_person, make_quote, make_source, make_summit_corpus
from tests.structured_data import json_ld, problems

pytestmark = pytest.mark.django_db

ARTICLE = 'Furthermore, to end the Ukraine conflict, the two leaders urged for a "responsible dialogue."'


@pytest.fixture
def said_together():
    corpus = make_summit_corpus()
    putin, xi = corpus["people"]
    quote = make_quote(
        text="responsible dialogue",
        slug="leaders-responsible-dialogue",
        speaker=xi,
        occasion=corpus["event"],
        is_partial=True,
        status="verified",
        citations=[(make_source(body=ARTICLE, slug="walayat"), 'the two leaders urged for a "responsible dialogue."')],
    )
    quote.co_speakers.add(putin)
    approved_as_shown()
    return quote


def quotes_on(response):
    """The quotes a page lists, each by its words: ``{words: element}``."""
    return {html.the_text(q, ".entry-quote-text"): q for q in html.page(response).select(".entry-quote")}


def body(response):
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_the_quote_page_names_both_leaders_and_links_to_each(client, said_together):
    response = client.get("/quotes/leaders-responsible-dialogue/")
    page = html.page(response)
    speaker = page.select_one(".quote-speaker")
    # Both names, without the speaker's role: it would read as the pair's.
    assert html.text(speaker) == "— Xi Jinping and Vladimir Putin"
    assert html.hrefs(speaker) == ["/people/xi-jinping/", "/people/vladimir-putin/"]
    (quotation,) = [d for d in json_ld(response) if d["@type"] == "Quotation"]
    people = [{"@type": "Person", "name": "Xi Jinping"}, {"@type": "Person", "name": "Vladimir Putin"}]
    assert quotation["creator"] == quotation["spokenByCharacter"] == people
    assert problems(quotation, "http://testserver/quotes/leaders-responsible-dialogue/") == []


def test_the_list_the_feed_and_the_csv_name_both_leaders(client, said_together):
    listed = html.entries(html.page(client.get("/quotes/")))["responsible dialogue"]
    assert html.the_text(listed, ".speaker") == "Xi Jinping and Vladimir Putin"
    rows = list(csv.DictReader(io.StringIO(body(client.get("/quotes/?format=csv")))))
    assert {row["speaker"] for row in rows if row["text"] == "responsible dialogue"} == {
        "Xi Jinping and Vladimir Putin"
    }
    assert "Quote: Xi Jinping and Vladimir Putin: “responsible dialogue”" in body(client.get("/feeds/verified/"))


def test_both_leaders_pages_list_the_quote_with_who_said_it_with_them(client, said_together):
    for person in ("vladimir-putin", "xi-jinping"):
        quotes = quotes_on(client.get(f"/people/{person}/"))
        # Beside a person's own quotes the speaker is not repeated; beside words said together it is.
        assert html.the_text(quotes["responsible dialogue"], ".speaker") == "Xi Jinping and Vladimir Putin"
    putin_alone = quotes_on(client.get("/people/vladimir-putin/"))["This is an example of how world powers"]
    assert not putin_alone.select(".speaker")
    # The list the page links to ("all quotes of …") finds them too, and so does the API's.
    assert "leaders-responsible-dialogue" in body(client.get("/quotes/?speaker=person:vladimir-putin"))
    api = json.loads(client.get("/api/quotes/?speaker=person:vladimir-putin").content)
    assert {quote["slug"] for quote in api["results"]} == {"leaders-responsible-dialogue", "putin-world-powers"}
    # Counted among their quotes on the people list, once each.
    people = {row["name"]: row for row in csv.DictReader(io.StringIO(body(client.get("/people/?format=csv"))))}
    assert (people["Vladimir Putin"]["verified_quotes"], people["Xi Jinping"]["verified_quotes"]) == ("2", "2")


def test_the_speaker_filter_offers_someone_who_only_said_words_with_another(client, said_together):
    said_together.co_speakers.add(make_person(name="Alexander Lukashenko", slug="alexander-lukashenko"))
    choices = html.page(client.get("/quotes/")).select('select[name="speaker"] option')
    assert "Alexander Lukashenko" in [html.text(option) for option in choices]
    listed = html.entries(html.page(client.get("/quotes/?speaker=person:alexander-lukashenko")))
    assert list(listed) == ["responsible dialogue"]
    assert html.the_text(listed["responsible dialogue"], ".speaker") == (
        "Xi Jinping, Alexander Lukashenko and Vladimir Putin"
    )


def test_the_api_gives_the_co_speakers(client, said_together):
    data = json.loads(client.get("/api/quotes/leaders-responsible-dialogue/").content)
    assert data["speaker"] == {
        "kind": "person",
        "name": "Xi Jinping",
        "url": "http://testserver/people/xi-jinping/",
    }
    assert data["co_speakers"] == [
        {"name": "Vladimir Putin", "slug": "vladimir-putin", "url": "http://testserver/people/vladimir-putin/"}
    ]
    alone = json.loads(client.get("/api/quotes/putin-world-powers/").content)
    assert alone["co_speakers"] == [] and alone["speaker"]["name"] == "Vladimir Putin"


def test_search_finds_words_by_someone_who_said_them_with_the_speaker(client, said_together):
    for query in ("responsible", "Putin dialogue"):
        found = html.page(client.get(f"/search/?q={query}")).select(".entry-quote")
        said = [html.the_text(quote, ".speaker") for quote in found if "responsible dialogue" in html.text(quote)]
        assert said == ["Xi Jinping and Vladimir Putin"], query  # once
