"""The public agreement list and agreement page."""

import re

import pytest

from tests import html
from tests.builders import make_agreement, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'href="/agreements/([\w-]+)/"', response.content.decode())


def test_the_list_filters_by_kind_party_signatory_and_date(client):
    make_summit_corpus()
    assert listed(client, "/agreements/?kind=joint_statement") == ["joint-statement-new-era"]
    assert set(listed(client, "/agreements/?party=russia")) == {"joint-statement-new-era", "fourteen-agreements"}
    assert listed(client, "/agreements/?signatory=xi-jinping") == ["joint-statement-new-era"]
    assert listed(client, "/agreements/?signed_to=2023-03-20") == []
    assert listed(client, "/agreements/?order=title") == ["fourteen-agreements", "joint-statement-new-era"]
    assert client.get("/agreements/?kind=treaty").status_code == 400


def test_an_agreement_page_shows_parties_signatories_evidence_and_what_it_says(client):
    make_summit_corpus()
    response = client.get("/agreements/joint-statement-new-era/")
    body, page = response.content.decode(), html.page(response)
    facts = html.facts(page)
    assert sorted(html.hrefs(facts["Parties"])) == ["/organizations/china/", "/organizations/russia/"]
    assert sorted(html.hrefs(facts["Signed by"])) == ["/people/vladimir-putin/", "/people/xi-jinping/"]
    assert html.text(facts["Signed"]) == "21 March 2023, Moscow"
    assert "What it says" in body and "will build a closer energy partnership" in body
    assert re.search(r'href="/sources/strengthening-alliances/#passage-\d+-\d+"', body)
    body = client.get("/agreements/fourteen-agreements/").content.decode()
    assert "Claims about it" in body and "Putin and Xi signed 14 agreements during the visit." in body


def test_a_draft_agreement_is_not_found(client):
    make_agreement(slug="in-the-works", citations=[(make_source(), "said Xi")])
    assert client.get("/agreements/in-the-works/").status_code == 404
