"""The overview, the feed, the sitemap and CSV downloads."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.quotes.models import Quote
from tests import html
from tests.builders import make_claim, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_overview_shows_the_event_counts_and_latest_entries(client):
    make_summit_corpus()
    body = client.get("/").content.decode()
    assert "Xi Jinping’s state visit to Russia" in body
    assert "20 March 2023 – 22 March 2023" in re.sub(r"<[^>]+>", "", body)
    assert ">7</span> verified claims" in body
    assert ">3</span> verified quotes" in body
    assert ">2</span> verified agreements" in body
    latest = body[body.index("Latest verified") :]
    assert latest.index("Putin praised China’s peace plan") < latest.index("Putin and Xi signed 14 agreements")


def test_the_overview_sets_differing_sources_side_by_side(client):
    make_summit_corpus()
    body = client.get("/").content.decode()
    differences = body[body.index("Where sources differ") : body.index("Latest verified")]
    # Two verified claims that contradict each other, each with its evidence.
    pair = differences[: differences.index("</article>")]
    assert "Putin and Xi signed several documents on strategic cooperation." in pair
    assert "have signed several documents on strategic cooperation between Moscow and Beijing" in pair
    assert "Putin and Xi signed 14 agreements during the visit." in pair
    assert "the summit had resulted in the signing of 14 agreements" in pair
    # A claim one source supports and another contradicts.
    assert "Supported by" in differences and "Contradicted by" in differences
    assert "In two joint statements issued during the summit" in differences
    assert 'href="/claims/?corroboration=disputed"' in differences


def test_the_overview_of_an_empty_site(client):
    body = client.get("/").content.decode()
    assert "Nothing is verified yet." in body and "No verified claim is disputed yet." in body


def test_the_feed_lists_newly_verified_entries_newest_first(client):
    make_summit_corpus()
    response = client.get("/feeds/verified/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 12
    assert titles[0] == "Claim: Putin praised China’s peace plan for Ukraine."
    assert (
        "Quote: Xi Jinping: “We’re always for peace and dialogue, and we firmly stand on the right side of history”"
        in titles
    )
    assert not any("Draft" in title or "Retracted" in title for title in titles)
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
    assert "http://testserver/claims/putin-praised-peace-plan/" in links


def test_the_sitemap_lists_every_public_page_and_nothing_else(client):
    make_summit_corpus()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://testserver/sitemap-claims.xml" in sections
    urls = []
    for section in sections:
        sitemap = ET.fromstring(client.get(section.removeprefix("http://testserver")).content)
        urls += [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    paths = {url.removeprefix("http://testserver") for url in urls}
    assert "/claims/putin-praised-peace-plan/" in paths
    assert "/events/state-dinner/" in paths and "/people/xi-jinping/" in paths and "/organizations/rt/" in paths
    assert not {"/claims/draft-gas-shipments/", "/claims/retracted-200-billion/"} & paths
    assert len([p for p in paths if p.startswith("/claims/") and p != "/claims/"]) == 7
    for path in paths:
        assert client.get(path).status_code == 200, path


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_csv_download_keeps_the_filters(client):
    make_summit_corpus()
    everything = rows(client, "/claims/?format=csv")
    assert len({row["url"] for row in everything}) == 7  # a row per claim and citation
    trade = rows(client, "/claims/?topic=trade&format=csv&page=2")
    assert [row["statement"] for row in trade] == ["China’s trade with Russia reached a record high in 2022, up 30 %."]
    assert trade[0]["url"] == "http://testserver/claims/trade-record-2022/"
    assert trade[0]["corroboration"] == "1 source" and trade[0]["quantity"] == "exactly 30 % (2022)"
    assert [row["title"] for row in rows(client, "/agreements/?kind=joint_statement&format=csv")] == [
        "Joint statement on deepening the comprehensive partnership in a new era"
    ]
    assert {row["name"] for row in rows(client, "/people/?format=csv")} == {"Vladimir Putin", "Xi Jinping"}
    assert client.get("/claims/?topic=nope&format=csv").status_code == 400


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_become_spreadsheet_formulas(client, start):
    source = make_source(body=f'{start}HYPERLINK("http://evil.example","click") appears here.')
    make_claim(status="verified", statement=f"{start}cmd|' /C calc'!A0", citations=[(source, "appears here")])
    (row,) = rows(client, "/claims/?format=csv")
    assert row["statement"] == f"'{start}cmd|' /C calc'!A0"
    (source_row,) = rows(client, "/sources/?format=csv")
    assert not source_row["title"].startswith(("=", "+", "-", "@"))


def test_the_csv_holds_every_row_not_just_a_page(client):
    source = make_source()
    for _ in range(30):
        make_claim(status="verified", citations=[(source, "said Xi")])
    assert len({row["url"] for row in rows(client, "/claims/?format=csv")}) == 30
    assert Claim.objects.count() == 30


def feed_entries(client):
    document = ET.fromstring(client.get("/feeds/verified/").content)
    return {
        entry.find(f"{ATOM}id").text: {
            "title": entry.find(f"{ATOM}title").text,
            "summary": entry.find(f"{ATOM}summary").text,
            "content": BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser"),
        }
        for entry in document.findall(f"{ATOM}entry")
    }


def test_feed_entries_carry_the_entrys_content_and_evidence_not_its_title_again(client):
    make_summit_corpus()
    entries = feed_entries(client)
    assert len(entries) == 12
    for model in (Claim, Quote, Agreement):
        for entry in model.objects.verified().with_evidence("source__outlet"):
            item = entries[f"{entry._meta.label_lower}:{entry.slug}"]
            content = html.text(item["content"])
            assert content != item["title"] and item["summary"] != item["title"]
            evidence = [html.text(li) for li in item["content"].select("ul")[-1].select("li")]
            assert len(evidence) == entry.citations.count() > 0
            for citation, line in zip(entry.citations.all(), evidence, strict=True):
                assert line.startswith(
                    f"{citation.get_stance_display()}: “{citation.passage}” — {citation.source.title}"
                )
            links = [a["href"] for a in item["content"].select("a")]
            assert all(link.startswith("http://testserver/") for link in links)
    claim = entries["claims.claim:trade-record-2022"]
    assert claim["summary"] == "Assessment: Probably true. Corroboration: 1 source."
    assert html.texts(claim["content"], "p")[:2] == [
        "Assessment: Probably true (credibility 2 on a scale from 1, confirmed, to 5, improbable).",
        "Quantity: exactly 30 % (2022).",
    ]
    quote = entries["quotes.quote:putin-world-powers"]
    assert html.texts(quote["content"], "p")[:2] == [
        "Said on 21 March 2023 at State dinner.",
        "A partial quote: part of a sentence.",
    ]
    agreement = entries["agreements.agreement:fourteen-agreements"]
    assert html.texts(agreement["content"], "p")[0] == "Agreement, 14 documents, signed 21 March 2023."


CSV_HEADERS = {
    "/claims/": (
        "url,statement,quantity,quantity_value,quantity_unit,event,attributed_to,topics,corroboration,credibility,"
        "verdict,verified_at"
    ),
    "/quotes/": "url,text,speaker,said_on,occasion,language,partial,paraphrase,corroboration,verified_at",
    "/agreements/": ("url,title,kind,documents,parties,signatories,signed_on,place,event,corroboration,verified_at"),
}
EVIDENCE = "source_title,source_outlet,source_published_on,source_url,passage,stance,note,passage_url"


@pytest.mark.parametrize("path", list(CSV_HEADERS))
def test_each_entry_lists_csv_carries_its_evidence_in_the_documented_columns(client, path):
    make_summit_corpus()
    response = client.get(f"{path}?format=csv")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == f"{CSV_HEADERS[path]},{EVIDENCE}"
    rows = list(csv.DictReader(io.StringIO(text)))
    entries = (
        {"/claims/": Claim, "/quotes/": Quote, "/agreements/": Agreement}[path]
        .objects.verified()
        .with_evidence("source__outlet")
    )
    expected = [
        (
            f"http://testserver{entry.get_absolute_url()}",
            c.source.title,
            c.source.outlet.name if c.source.outlet_id else "",
            c.source.published_on.isoformat() if c.source.published_on else "",
            c.source.url,
            c.passage,
            c.stance,
            c.note,
            f"http://testserver{c.get_absolute_url()}",
        )
        for entry in entries
        for c in entry.citations.all()
    ]
    got = [
        (
            r["url"],
            r["source_title"],
            r["source_outlet"],
            r["source_published_on"],
            r["source_url"],
            r["passage"],
            r["stance"],
            r["note"],
            r["passage_url"],
        )
        for r in rows
    ]
    assert sorted(got) == sorted(expected)
    # One row per entry and citation: an entry's own columns are the same on each of its rows.
    per_entry = {}
    for row in rows:
        own = tuple(row[h] for h in CSV_HEADERS[path].split(","))
        assert per_entry.setdefault(row["url"], own) == own


def test_the_claims_csv_carries_numbers_as_written_and_as_data(client):
    make_summit_corpus()
    rows_ = [r for r in rows(client, "/claims/?format=csv") if r["url"].endswith("/trade-record-2022/")]
    assert {(r["quantity"], r["quantity_value"], r["quantity_unit"], r["verdict"]) for r in rows_} == {
        ("exactly 30 % (2022)", "30", "%", "Probably true")
    }
    assert rows_[0]["source_url"] == ""  # not known for that source
    assert rows_[0]["stance"] == "supports"


def test_a_passage_cannot_become_a_spreadsheet_formula_either(client):
    source = make_source(body='=HYPERLINK("http://evil.example") was typed here.')
    make_claim(status="verified", statement="A claim", citations=[(source, '=HYPERLINK("http://evil.example")')])
    (row,) = rows(client, "/claims/?format=csv")
    assert row["passage"] == '\'=HYPERLINK("http://evil.example")'
