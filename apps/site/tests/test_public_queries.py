"""A public page costs the same few queries however many rows, citations and
cross-references it shows.

Counts include the page cache's read of the content version (one query on every
request); each page is requested once after the data changed, so it is rendered.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.claims.models import ClaimCitation, ClaimRelation
from apps.editorial.models import Topic
from tests import builders as testing
from tests import html

pytestmark = pytest.mark.django_db

# Lists: at most this many queries, whatever the page size: the quote list too, whose
# every quote here is said with another (their co-speakers, one prefetch for the page).
LIST_BUDGET = 6
# A retracted quote's line names who said it with the speaker: one query more for the
# corrections log (their co-speakers, prefetched).
CO_SPEAKERS = 1
LISTS = ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"]
FILTERED = [
    "/claims/?topic=trade&event=summit&order=statement",
    "/claims/?q=visit&reported_from=2023-01-01&reported_to=2023-12-31",
    "/quotes/?speaker=person:speaker&said_from=2023-01-01&order=speaker",
    "/quotes/?speaker=person:co-speaker",
    "/agreements/?kind=agreement&party=party-state&order=title",
    "/sources/?outlet=outlet-a&kind=news_report&order=cited",
    "/people/?q=person&order=quotes",
    "/organizations/?kind=media_outlet&order=sources",
]
# The corroboration filter compares the stored level: no query more.
CORROBORATION_FILTERED = [
    "/claims/?corroboration=corroborated",
    "/claims/?corroboration=single",
    "/claims/?corroboration=disputed",
    "/quotes/?corroboration=single",
    "/agreements/?corroboration=corroborated",
]


class World:
    """Shared outlets, people, an event and a topic; ``grow`` adds entries that use them."""

    def __init__(self):
        self.outlets = [testing.make_organization(slug="outlet-a"), testing.make_organization(slug="outlet-b")]
        self.relayed = testing.make_organization(slug="relayed")
        self.party = testing.make_organization(slug="party-state", kind="state")
        self.speaker = testing.make_person(slug="speaker")
        self.co_speaker = testing.make_person(slug="co-speaker")  # says every quote with the speaker
        self.event = testing.make_event(slug="summit")
        self.part = testing.make_event(slug="talks", parent=self.event)
        self.topic = Topic.objects.create(name="Trade", slug="trade")
        self.claims = []

    def grow(self, rows):
        for _ in range(rows):
            sources = [
                testing.make_source(outlet=self.outlets[0], published_on="2023-03-21"),
                testing.make_source(outlet=self.outlets[1], published_on="2023-03-22"),
            ]
            sources[1].relays.add(self.relayed)
            evidence = [(sources[0], "three-day visit"), (sources[1], "said Xi"), (sources[1], "Moscow", "mentions")]
            claim = testing.make_claim(status="verified", event=self.part, citations=evidence)
            claim.topics.add(self.topic)
            if self.claims:
                ClaimRelation.objects.create(from_claim=claim, to_claim=self.claims[-1], kind="refines")
            self.claims.append(claim)
            quote = testing.make_quote(
                status="verified",
                speaker=self.speaker,
                occasion=self.part,
                said_on="2023-03-21",
                citations=[(sources[1], "We’re always for peace and dialogue")],
            )
            quote.co_speakers.add(self.co_speaker)
            agreement = testing.make_agreement(status="verified", event=self.event, citations=evidence[:2])
            agreement.parties.add(self.party)
            agreement.signatories.add(self.speaker)
            claim.quotes.add(quote)
            claim.agreements.add(agreement)
            quote.agreements.add(agreement)
            testing.make_person(name=f"Person {len(self.claims)}")  # not public: nothing names them


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # a CSV reads its rows while it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def world():
    return World()


def counts_at_two_sizes(client, world, urls):
    world.grow(2)
    small = {url: queries(client, url) for url in urls}
    world.grow(18)  # 20 rows: still one page, ten times the rows
    large = {url: queries(client, url) for url in urls}
    return small, large


@pytest.mark.parametrize("url", LISTS + FILTERED)
def test_a_list_costs_a_few_queries_whatever_its_size(client, world, url):
    small, large = counts_at_two_sizes(client, world, [url])
    assert small[url] == large[url] <= LIST_BUDGET, (small, large)


def test_a_full_page_of_quotes_said_together_costs_the_list_budget(client, world):
    world.grow(2)
    few = queries(client, "/quotes/")
    world.grow(23)  # a full page of 25 quotes, each said with another
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/quotes/")
    page = html.page(response)
    # Nothing shown is given up for the budget: who said each quote together, and its badge.
    together = f"{world.speaker.name} and {world.co_speaker.name}"
    assert html.texts(page, ".entry-quote .speaker") == [together] * 25
    assert html.texts(page, ".entry-quote .badge") == ["1 source"] * 25
    assert len(captured) == few <= LIST_BUDGET, [query["sql"] for query in captured]


@pytest.mark.parametrize("url", CORROBORATION_FILTERED)
def test_the_corroboration_filter_costs_no_query_more_whatever_the_size(client, world, url):
    small, large = counts_at_two_sizes(client, world, [url])
    assert small[url] == large[url] <= LIST_BUDGET, (small, large)


@pytest.mark.parametrize("url", [f"{path}?format=csv" for path in LISTS])
def test_a_csv_download_costs_the_same_queries_whatever_its_size(client, world, url):
    small, large = counts_at_two_sizes(client, world, [url])
    assert small[url] == large[url], (small, large)


def test_a_list_page_of_many_pages_costs_the_same_as_one(client, world):
    world.grow(3)
    one_page = queries(client, "/claims/")
    world.grow(60)  # three pages of 25
    assert queries(client, "/claims/?page=2") == one_page


def detail_urls(world):
    claim = world.claims[-1]
    source = claim.citations.first().source
    return [
        claim.get_absolute_url(),
        claim.quotes.first().get_absolute_url(),
        claim.agreements.first().get_absolute_url(),
        source.get_absolute_url(),
        world.speaker.get_absolute_url(),
        world.co_speaker.get_absolute_url(),
        world.party.get_absolute_url(),
        world.outlets[1].get_absolute_url(),
        world.event.get_absolute_url(),
        "/",
        "/search/?q=visit",
        "/feeds/verified/",
        "/sitemap.xml",
        "/sitemap-claims.xml",
    ]


def test_a_detail_page_costs_the_same_however_many_citations_and_cross_references(client, world):
    world.grow(1)
    claim = world.claims[-1]
    source = claim.citations.first().source
    urls = detail_urls(world)
    few = {url: queries(client, url) for url in urls}
    # Pile evidence and cross-references onto the same entries and people.
    world.grow(12)
    for other in world.claims[1:]:
        ClaimRelation.objects.create(from_claim=other, to_claim=claim, kind="contradicts")
        claim.quotes.add(*other.quotes.all())
        claim.agreements.add(*other.agreements.all())
    for excerpt in ["Report number", "latter’s", "Russian President", "Vladimir Putin", "counterpart", "right side"]:
        ClaimCitation.objects.create(claim=claim, source=source, excerpt=excerpt)
    many = {url: queries(client, url) for url in urls}
    print("queries per page:", many)
    assert few == many
    assert max(many.values()) <= 16, many  # the sitemap index: a count and a date per section


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_at_two_page_sizes(client, world, url, monkeypatch):
    from apps.editorial.public import PublicListView

    world.grow(12)
    counts = {}
    for page_size in (5, 25):
        monkeypatch.setattr(PublicListView, "paginate_by", page_size)
        cache.clear()  # the page, and the filter choices cached beside it
        response = client.get(url)
        shown, total = len(response.context["object_list"]), response.context["paginator"].count
        assert shown == min(page_size, total)
        cache.clear()
        counts[page_size] = queries(client, url)
    assert counts[5] == counts[25] <= LIST_BUDGET, counts


# The JSON API: a list reads its page with its evidence, disputes and links in a fixed
# number of queries (more than a list page: it carries what the entry pages show).
API_BUDGET = 12
API_LISTS = [
    "/api/claims/",
    "/api/quotes/",
    "/api/agreements/",
    "/api/claims/?topic=trade&corroboration=single&order=statement",
    "/api/quotes/?speaker=person:speaker",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_an_api_list_costs_the_same_queries_whatever_its_size(client, world, url):
    small, large = counts_at_two_sizes(client, world, [url])
    assert small[url] == large[url] <= API_BUDGET, (small, large)


def test_an_api_detail_costs_the_same_however_many_citations_and_cross_references(client, world):
    world.grow(1)
    claim = world.claims[-1]
    urls = [
        f"/api/claims/{claim.slug}/",
        f"/api/quotes/{claim.quotes.first().slug}/",
        f"/api/agreements/{claim.agreements.first().slug}/",
    ]
    few = {url: queries(client, url) for url in urls}
    world.grow(12)
    for other in world.claims[1:]:
        ClaimRelation.objects.create(from_claim=other, to_claim=claim, kind="contradicts", note="Why")
        claim.quotes.add(*other.quotes.all())
        claim.agreements.add(*other.agreements.all())
    many = {url: queries(client, url) for url in urls}
    assert few == many and max(many.values()) <= API_BUDGET, many


def retract(entries, withheld=False):
    from django.utils import timezone

    for entry in entries:
        entry.status, entry.correction, entry.retracted_at = "retracted", "Wrong.", timezone.now()
        entry.text_withheld = withheld
        entry.save()


@pytest.mark.parametrize("url", ["/corrections/", "/corrections/?page=2", "/feeds/corrections/"])
def test_the_corrections_log_and_its_feed_cost_the_same_however_many_retractions(client, world, url):
    from apps.quotes.models import Quote

    world.grow(3)
    retract(world.claims[:2])
    retract(Quote.objects.all()[:1], withheld=True)
    few = queries(client, url)
    world.grow(60)
    retract(world.claims[2:50])
    retract(Quote.objects.filter(status="verified")[:30])
    # A retracted quote says who said it: its co-speakers are one query for the page.
    assert queries(client, url) == few <= 8 + CO_SPEAKERS, url
