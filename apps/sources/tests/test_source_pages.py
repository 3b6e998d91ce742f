"""The public source list and source page."""

import datetime
import re

import pytest

from tests import html
from tests.builders import make_claim, make_organization, make_quote, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db


def test_a_source_page_marks_only_passages_that_verified_entries_cite(client):
    source = make_source(body="Alpha said one thing. Beta said another. Gamma said a third.")
    verified = make_claim(status="verified", citations=[(source, "Alpha said one thing")])
    make_claim(status="draft", citations=[(source, "Beta said another")])
    make_quote(status="in_review", text="Gamma", citations=[(source, "Gamma said a third")])
    body = client.get(source.get_absolute_url()).content.decode()
    assert '<mark class="passage" id="passage-0-20">Alpha said one thing</mark>' in body
    assert body.count('class="passage"') == 1
    assert "Beta said another" in body  # the text is whole; only the mark is withheld
    assert verified.statement in body
    assert "1 passage cited by verified entries is highlighted." in body


def test_the_body_is_escaped(client):
    source = make_source(body="A <b>bold</b> claim & an <img src=x onerror=alert(1)> image.")
    make_claim(status="verified", citations=[(source, "<b>bold</b> claim")])
    body = client.get(source.get_absolute_url()).content.decode()
    assert "<img src=x" not in body and "<b>bold" not in body
    assert '<mark class="passage" id="passage-2-19">&lt;b&gt;bold&lt;/b&gt; claim</mark>' in body


def test_it_lists_the_verified_entries_citing_it_with_links_to_their_passages(client):
    corpus = make_summit_corpus()
    report_b = corpus["sources"][1]
    response = client.get(report_b.get_absolute_url())
    body, page = response.content.decode(), html.page(response)
    assert html.the_text(page, "#cited-by-title") == "Verified entries citing it"
    # Supporting it or contradicting it; not the retracted claim, nor the quote in review.
    assert set(html.texts(page, ".cited-entry")) == {
        "Putin and Xi signed 14 agreements during the visit.",
        "Putin praised China’s peace plan for Ukraine.",
        "China’s trade with Russia reached a record high in 2022, up 30 %.",
        "Russia and China agreed to conduct joint maritime and air patrols.",
        "Putin said the two nations might overtake rivals in IT and AI.",
        "Xi and Putin issued one joint statement.",
        "“We’re always for peace and dialogue, and we firmly stand on the right side of history”",
        "“This is an example of how world powers”",
        "Fourteen agreements signed during the visit",
    }
    for start, end in re.findall(r'href="#passage-(\d+)-(\d+)"', body):
        assert f'id="passage-{start}-{end}"' in body
    # The body says "reported RT" too: the fact must be the source's.
    assert html.text(html.facts(page)["Relays"]) == "RT (not independent of it)"
    assert "By joining our rich scientific potentials" in body  # in the text, unmarked
    assert "in-review-scientific-potentials" not in body


def test_the_source_list_filters_by_outlet_kind_and_date(client):
    corpus = make_summit_corpus()
    make_source(title="Unrelated wire copy", outlet=make_organization(name="Other wire"), kind="wire")
    a, b = (source.title for source in corpus["sources"])

    def listed(url):
        return html.entries(html.page(client.get(url)))

    by_the_wire = listed("/sources/?outlet=world-affairs-wire")
    assert list(by_the_wire) == [b]
    assert "cited by 9 verified entries" in html.text(by_the_wire[b])
    assert list(listed("/sources/?published_from=2023-04-01")) == [a]
    assert list(listed("/sources/?kind=wire")) == ["Unrelated wire copy"]
    assert client.get("/sources/?reliability=Z").status_code == 400
    # Cited by 9 verified entries, by 7, by none.
    assert list(listed("/sources/?order=cited")) == [b, a, "Unrelated wire copy"]


def test_undated_sources_come_last_in_either_order_of_dates(client):
    """On SQLite and on PostgreSQL alike, which otherwise disagree on where NULL sorts."""
    make_source(title="Undated note", published_on=None)
    make_source(title="March report", published_on=datetime.date(2023, 3, 21))
    make_source(title="April report", published_on=datetime.date(2023, 4, 2))
    make_source(title="Another March report", published_on=datetime.date(2023, 3, 21))

    def listed(url):
        return list(html.entries(html.page(client.get(url))))

    latest_first = ["April report", "Another March report", "March report", "Undated note"]
    assert listed("/sources/") == latest_first
    assert listed("/sources/?order=published") == latest_first
    assert listed("/sources/?order=oldest") == ["Another March report", "March report", "April report", "Undated note"]


def test_an_unknown_source_is_not_found(client):
    assert client.get("/sources/no-such-source/").status_code == 404
