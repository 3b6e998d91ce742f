"""The public claim list and claim page."""

import json
import re

import extruct
import pytest

from apps.claims.models import Claim, ClaimRelation
from apps.editorial.models import Topic
from tests import html
from tests.builders import (
    make_agreement,
    make_claim,
    make_event,
    make_organization,
    make_person,
    make_quote,
    make_source,
    make_summit_corpus,
)

pytestmark = pytest.mark.django_db


def verified_claim(**fields):
    fields.setdefault("citations", [(make_source(), "three-day visit")])
    return make_claim(status="verified", **fields)


def listed(client, url):
    """Slugs of the claims a list page shows, in order."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'href="/claims/([\w-]+)/"', response.content.decode())


def test_the_list_shows_verified_claims_with_their_corroboration(client):
    make_summit_corpus()
    page = html.page(client.get("/claims/"))
    assert html.the_text(page, ".result-count") == "7 claims"
    # Each row's own badge: the filter's options say "1 source" and "disputed" on any list.
    assert {title: html.the_text(entry, ".badge") for title, entry in html.entries(page).items()} == {
        "Putin and Xi signed several documents on strategic cooperation.": "disputed",  # by a relation
        "Putin and Xi signed 14 agreements during the visit.": "disputed",
        "Putin praised China’s peace plan for Ukraine.": "2 independent sources",
        "China’s trade with Russia reached a record high in 2022, up 30 %.": "1 source",
        "Russia and China agreed to conduct joint maritime and air patrols.": "1 source",  # the other only mentions it
        "Putin said the two nations might overtake rivals in IT and AI.": "2 independent sources",
        "Xi and Putin issued one joint statement.": "disputed",  # by a contradicting citation
    }


def test_filters_narrow_the_list_and_stay_in_the_address(client):
    corpus = make_summit_corpus()
    assert listed(client, "/claims/?topic=trade") == ["trade-record-2022"]
    # An event's claims include those of its parts.
    assert len(listed(client, f"/claims/?event={corpus['event'].slug}")) == 7
    assert set(listed(client, "/claims/?event=press-briefing")) == {"overtake-rivals-in-ai"}
    assert set(listed(client, "/claims/?speaker=vladimir-putin")) == {
        "putin-praised-peace-plan",
        "overtake-rivals-in-ai",
    }
    reported_by_review = set(listed(client, "/claims/?outlet=regional-policy-review"))
    assert "trade-record-2022" not in reported_by_review and "several-documents-signed" in reported_by_review
    # Reported within the dates: by one source published between them.
    assert set(listed(client, "/claims/?reported_from=2023-04-01")) == reported_by_review
    assert "several-documents-signed" not in listed(client, "/claims/?reported_to=2023-03-31")
    assert listed(client, "/claims/?reported_from=2023-03-23&reported_to=2023-03-31") == []
    body = client.get("/claims/?topic=trade&page=1").content.decode()
    assert "Topic:</span> Trade" in body
    assert 'href="?page=1"' not in body  # the remove link drops the filter, keeps nothing stale
    assert "?topic=trade&amp;format=csv" in body


def test_ordering_is_chosen_in_the_address(client):
    make_summit_corpus()
    by_statement = listed(client, "/claims/?order=statement")
    statements = [Claim.objects.get(slug=slug).statement for slug in by_statement]
    assert statements == sorted(statements)
    assert listed(client, "/claims/?order=recent")[0] == "putin-praised-peace-plan"


@pytest.mark.parametrize(
    "query",
    [
        "topic=no-such-topic",
        "event=no-such-event",
        "reported_from=yesterday",
        "reported_to=2023-02-30",
        "corroboration=certain",
        "order=-statement;drop",
        "q=" + "x" * 201,
        "q=nul%00byte",
        "speaker=%ff%fe",
    ],
)
def test_a_bad_filter_value_answers_400_with_the_form_saying_why(client, query):
    verified_claim()
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "could not be understood" in body
    assert 'class="field-error"' in body


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "9" * 30, ""])
def test_a_bad_page_number_shows_a_real_page(client, page):
    for _ in range(30):
        verified_claim()
    response = client.get(f"/claims/?page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number in (1, 2)


def test_unknown_parameters_are_ignored(client):
    verified_claim(statement="Still listed")
    assert "Still listed" in client.get("/claims/?utm_source=feed&format=pdf").content.decode()


class TestCorroborationFilter:
    """The filter puts each claim where ``corroboration()`` says it belongs."""

    def build(self):
        rt, outlet_a, outlet_b, outlet_c = (make_organization() for _ in range(4))
        same_a = [make_source(outlet=outlet_a), make_source(outlet=outlet_a)]
        relay = make_source(outlet=outlet_b)
        relay.relays.add(rt)
        from_rt, from_c, no_outlet = make_source(outlet=rt), make_source(outlet=outlet_c), make_source()
        chain_middle = make_source(outlet=outlet_c)
        chain_middle.relays.add(outlet_a)
        claims = [
            verified_claim(citations=[(same_a[0], "three-day visit")]),
            verified_claim(citations=[(same_a[0], "three-day visit"), (same_a[1], "said Xi")]),
            verified_claim(citations=[(relay, "three-day visit"), (from_rt, "said Xi")]),
            verified_claim(citations=[(same_a[0], "three-day visit"), (from_c, "said Xi")]),
            verified_claim(citations=[(no_outlet, "three-day visit"), (from_c, "said Xi"), (relay, "Moscow")]),
            verified_claim(citations=[(same_a[0], "three-day visit"), (from_c, "said Xi", "contradicts")]),
            verified_claim(citations=[(same_a[0], "three-day visit"), (from_c, "said Xi", "mentions")]),
            # a - middle - c: one group through the middle, though a and c are independent
            verified_claim(citations=[(same_a[0], "three-day visit"), (chain_middle, "said Xi"), (from_c, "Moscow")]),
        ]
        disputed_by = verified_claim()
        ClaimRelation.objects.create(from_claim=disputed_by, to_claim=claims[3], kind="contradicts")
        # A contradiction by a draft does not count on public pages.
        ClaimRelation.objects.create(from_claim=make_claim(), to_claim=claims[4], kind="contradicts")
        return [*claims, disputed_by]

    def test_it_agrees_with_corroboration_for_every_kind_of_evidence(self, client):
        claims = self.build()
        public = {c.pk: c for c in Claim.objects.public().with_evidence().filter(pk__in=[c.pk for c in claims])}
        expected = {level: set() for level in ("single", "corroborated", "disputed")}
        for claim in public.values():
            expected[claim.corroboration().level].add(claim.slug)
        assert all(expected.values())  # every level is exercised
        for level, slugs in expected.items():
            assert set(listed(client, f"/claims/?corroboration={level}")) == slugs, level

    def test_relays_and_shared_outlets_make_one_source(self, client):
        claims = self.build()
        single = set(listed(client, "/claims/?corroboration=single"))
        assert {claims[0].slug, claims[1].slug, claims[2].slug, claims[6].slug, claims[7].slug} <= single
        assert claims[4].slug in listed(client, "/claims/?corroboration=corroborated")


def test_a_claim_page_shows_its_evidence_each_linking_to_the_highlighted_passage(client):
    corpus = make_summit_corpus()
    claim = Claim.objects.get(slug="putin-praised-peace-plan")
    response = client.get(claim.get_absolute_url())
    body, page = response.content.decode(), html.page(response)
    assert html.the_text(page, "h1") == "Putin praised China’s peace plan for Ukraine."
    assert html.the_text(page, ".corroboration .badge") == "2 independent sources"
    for citation in claim.citations.all():
        assert f'href="/sources/{citation.source.slug}/#passage-{citation.start}-{citation.end}"' in body
        assert citation.passage in body
        source_page = client.get(f"/sources/{citation.source.slug}/").content.decode()
        assert f'id="passage-{citation.start}-{citation.end}">{citation.passage}</mark>' in source_page
    facts = html.facts(page)
    assert html.text(facts["Attributed to"]) == "Vladimir Putin, President of Russia"
    assert html.text(facts["Topics"]) == corpus["topics"]["diplomacy"].name
    assert "attributed_to" not in body


def test_a_claim_page_shows_quantity_and_contradicting_evidence_apart(client):
    make_summit_corpus()
    page = html.page(client.get("/claims/one-joint-statement/"))
    assert html.texts(page, ".evidence h2") == ["Evidence", "Contradicting evidence"]
    assert html.texts(page, ".evidence-contradicts blockquote") == ["In two joint statements issued during the summit"]
    page = html.page(client.get("/claims/trade-record-2022/"))
    assert html.the_text(page, ".facts .quantity") == "exactly 30 % (2022)"


def test_a_claim_page_lists_every_published_cross_reference_and_no_other(client):
    claim = verified_claim(statement="The main claim")
    contradicting = verified_claim(statement="Another outlet says otherwise")
    refined_by = verified_claim(statement="A more precise claim")
    draft = make_claim(statement="A draft that contradicts it")
    ClaimRelation.objects.create(from_claim=claim, to_claim=contradicting, kind="contradicts")
    ClaimRelation.objects.create(from_claim=refined_by, to_claim=claim, kind="refines")
    ClaimRelation.objects.create(from_claim=draft, to_claim=claim, kind="duplicates")
    claim.quotes.add(make_quote(status="verified", text="Quoted words"), make_quote(text="Draft words"))
    claim.agreements.add(
        make_agreement(status="verified", title="A signed protocol"), make_agreement(title="Draft deal")
    )
    response = client.get(claim.get_absolute_url())
    body, page = response.content.decode(), html.page(response)
    assert sorted(html.texts(page, ".relations .relation")) == [
        "Contradicts Another outlet says otherwise",
        "Refined by A more precise claim",
    ]
    assert html.texts(page, ".cross-references .entry-quote-text") == ["Quoted words"]
    assert html.texts(page, ".cross-references .entry-title") == ["A signed protocol"]
    for hidden in ["A draft that contradicts it", "Draft words", "Draft deal"]:
        assert hidden not in body
    # From the other side the relation reads the other way round.
    other = html.page(client.get(contradicting.get_absolute_url()))
    assert html.texts(other, ".relations .relation") == ["Contradicted by The main claim"]


def claim_review(client, claim):
    response = client.get(claim.get_absolute_url())
    data = extruct.extract(
        response.content.decode(), base_url=f"http://testserver{claim.get_absolute_url()}", syntaxes=["json-ld"]
    )
    reviews = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    return reviews[0]


def test_claim_review_json_ld_has_what_google_requires(client):
    make_summit_corpus()
    claim = Claim.objects.get(slug="putin-praised-peace-plan")
    review = claim_review(client, claim)
    assert review["claimReviewed"] == claim.statement
    assert review["url"] == f"http://testserver{claim.get_absolute_url()}"
    assert review["datePublished"] == claim.verified_at.date().isoformat()
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    # The verdict is the editor's (credibility 1, confirmed), not the count of sources.
    assert review["reviewRating"]["alternateName"] == "Confirmed"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Vladimir Putin"}
    assert {work["headline"] for work in item["appearance"]} == {c.source.title for c in claim.citations.all()}
    assert item["datePublished"] == "2023-03-22"


def test_json_ld_cannot_end_its_script_element(client):
    nasty = 'He said </script><script>alert("x")</script> & <!-- "quoted" -->'
    claim = verified_claim(statement=nasty, attributed_to=make_person(name="</SCRIPT>Person"), credibility=2)
    html = client.get(claim.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["claimReviewed"] == nasty
    assert claim_review(client, claim)["claimReviewed"] == nasty
    assert "<script>alert" not in html


def test_an_unknown_claim_is_not_found(client):
    assert client.get("/claims/no-such-claim/").status_code == 404
    assert client.get("/claims/%E2%80%8B/").status_code == 404


def test_topic_links_lead_to_the_filtered_list(client):
    topic = Topic.objects.create(name="Energy", slug="energy")
    claim = verified_claim(event=make_event())
    claim.topics.add(topic)
    assert 'href="/claims/?topic=energy"' in client.get(claim.get_absolute_url()).content.decode()
    assert listed(client, "/claims/?topic=energy") == [claim.slug]
