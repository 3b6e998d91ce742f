"""Public pages are deterministic: a full backup loaded into an empty database serves
every public page, list, CSV, feed, sitemap and search result byte for byte as before.

Database ids do not travel with the data (the import numbers rows afresh), so every
public order must end with a key that does (a slug). The seed corpus verifies all its
entries at one instant; the entries added here share it too, and share names, titles,
statements and dates, each created in the reverse of its slug's order, so that any
order left to the database id comes out different after the round trip.
"""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command

from apps.actors.views import OrganizationListView, PersonListView
from apps.agreements.views import AgreementListView
from apps.claims.models import Claim, ClaimRelation
from apps.claims.views import ClaimListView
from apps.editorial.models import Topic
from apps.quotes.views import QuoteListView
from apps.site.sitemaps import sitemaps
from apps.site.tests.crawl import crawl
from apps.sources.views import SourceListView
from tests.builders import (
    make_agreement,
    make_claim,
    make_event,
    make_organization,
    make_person,
    make_quote,
    make_source,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The instant the seed corpus verifies every entry at.
VERIFIED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TWINS = 22  # entries of each kind added: with the seed's, two pages of each list
BODY = (
    "The two sides agreed to meet again before the end of the year. "
    "“We will meet again in Beijing,” the envoy said. "
    "A memorandum on meeting again was signed by both ministries."
)
LIST_PATHS = {
    ClaimListView: "/claims/",
    QuoteListView: "/quotes/",
    AgreementListView: "/agreements/",
    SourceListView: "/sources/",
    PersonListView: "/people/",
    OrganizationListView: "/organizations/",
}


def add_ties(settings):
    """The seed corpus, and entries that tie with each other on every public order but the slug."""
    call_command("import_fixtures", str(settings.BASE_DIR / "fixtures" / "summit-2023.json"), verbosity=0)
    verified = {"status": "verified", "verified_at": VERIFIED_AT}
    # Created in reverse order of their slugs: ids then run against them.
    people = [make_person(name="Li Wei", slug=f"li-wei-{n}") for n in (2, 1)][::-1]
    ministries = [make_organization(name="Ministry of Foreign Affairs", slug=f"ministry-{n}") for n in (2, 1)][::-1]
    meetings = [make_event(name="Side meeting", slug=f"side-meeting-{n}", starts_on=date(2023, 3, 21)) for n in (2, 1)]
    meetings.reverse()
    reports = [
        make_source(
            title="Report on the side meeting",
            slug=f"side-meeting-report-{n}",
            published_on=date(2023, 3, 22),
            outlet=ministries[n - 1],
            body=f"{BODY} (Copy {n}.)",
        )
        for n in (2, 1)
    ][::-1]
    topic = Topic.objects.create(name="Follow-up", slug="follow-up")
    claims = []
    for n in reversed(range(TWINS)):
        claim = make_claim(
            slug=f"meet-again-{n:02}",
            statement="The two sides agreed to meet again.",
            event=meetings[n % 2],
            attributed_to=people[n % 2],
            citations=[(reports[n % 2], "agreed to meet again"), (reports[(n + 1) % 2], "meet again", "contradicts")],
            **verified,
        )
        claim.topics.add(topic)
        claims.append(claim)
        quote = make_quote(
            slug=f"we-will-meet-again-{n:02}",
            text="We will meet again in Beijing",
            speaker=people[n % 2],
            occasion=meetings[n % 2],
            said_on=date(2023, 3, 21),
            citations=[(reports[n % 2], "“We will meet again in Beijing,” the envoy said")],
            **verified,
        )
        quote.topics.add(topic)
        agreement = make_agreement(
            slug=f"memorandum-{n:02}",
            title="Memorandum on meeting again",
            signed_on=date(2023, 3, 21),
            event=meetings[n % 2],
            citations=[(reports[n % 2], "A memorandum on meeting again was signed")],
            **verified,
        )
        agreement.parties.add(*ministries)
        agreement.signatories.add(*people)
    for older, newer in zip(claims[1:], claims, strict=False):
        ClaimRelation.objects.create(from_claim=newer, to_claim=older, kind="contradicts")
    # Retractions at one instant, one with its text withheld: the corrections log orders
    # them by slug, and names a withheld one by a key made from its slug.
    for n, withheld in ((3, False), (2, True), (1, False)):
        make_claim(
            statement="They will meet again in Beijing.",
            slug=f"retracted-meeting-{n}",
            status="retracted",
            retracted_at=VERIFIED_AT,
            correction="The meeting was not agreed.",
            text_withheld=withheld,
            citations=[(reports[0], "We will meet again in Beijing")],
        )


def addresses():
    """Every list in every order, pages 1 and 2 and as CSV; the feed, the sitemaps, searches."""
    urls = ["/"]
    for view, path in LIST_PATHS.items():
        orders = ["", *view.filterset_class.base_filters["order"].orderings]
        for order in orders:
            query = f"order={order}&" if order else ""
            urls += [f"{path}?{query}page=1", f"{path}?{query}page=2", f"{path}?{query}format=csv"]
    urls += ["/claims/?q=meet+again", "/claims/?q=meet+again&page=2", "/quotes/?q=Beijing", "/agreements/?q=memorandum"]
    urls += ["/search/?q=meet", "/search/?q=agreements", "/feeds/verified/", "/sitemap.xml"]
    urls += ["/corrections/", "/feeds/corrections/", "/api/", "/api/claims/?page=2", "/api/quotes/?order=speaker"]
    urls += [f"/sitemap-{section}.xml" for section in sitemaps()]
    return urls


def fetch(client, urls):
    caches["default"].clear()  # what is compared is what the pages render, not the cache
    return {url: (response.status_code, response.body) for url, response in crawl(client, urls, 2000).items()}


def test_every_public_page_is_the_same_after_a_full_backup_is_loaded_into_an_empty_database(client, settings, tmp_path):
    add_ties(settings)
    before = fetch(client, addresses())
    assert len(before) > 150  # the crawl reached every entry, person, source and event
    assert before["/quotes/?page=2"][0] == 200 and before["/quotes/?page=2"] != before["/quotes/?page=1"]
    backup = tmp_path / "backup.json"
    call_command("export_fixtures", "--all", "--output", str(backup), verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    assert not Claim.objects.exists()
    call_command("import_fixtures", str(backup), verbosity=0)
    after = fetch(client, list(before))
    assert [url for url in before if after[url] != before[url]] == []
