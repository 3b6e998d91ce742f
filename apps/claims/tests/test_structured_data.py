"""The JSON-LD of claim and quote pages, checked against schema.org's definitions and
Google's ClaimReview requirements (tests/structured_data.py), and the meaning of the
rating: the editor's verdict, never a count of sources."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.claims.models import Claim
from apps.quotes.models import Quote
from tests import html
from tests import structured_data as ld
from tests.builders import make_claim, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db


def documents(client, entry):
    url = f"http://testserver{entry.get_absolute_url()}"
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    return url, response, ld.json_ld(response, url)


def test_every_claim_and_quote_of_the_shipped_corpus_carries_valid_json_ld(client, shipped_corpus):
    call_command("loaddata", str(shipped_corpus), verbosity=0)
    checked = {"ClaimReview": 0, "Claim": 0, "Quotation": 0}
    for entry in [*Claim.objects.verified(), *Quote.objects.verified()]:
        url, _, found = documents(client, entry)
        assert len(found) == 1, url
        assert ld.problems(found[0], url) == [], url
        checked[found[0]["@type"]] += 1
    # Claims the editor could judge are reviewed; those whose truth cannot be judged are not.
    assert checked == {
        "ClaimReview": Claim.objects.verified().exclude(credibility=6).count(),
        "Claim": Claim.objects.verified().filter(credibility=6).count(),
        "Quotation": Quote.objects.verified().count(),
    }
    assert all(checked.values())


@pytest.mark.parametrize(
    ("grade", "value", "name"),
    [(1, 5, "Confirmed"), (2, 4, "Probably true"), (3, 3, "Possibly true"), (4, 2, "Doubtful"), (5, 1, "Improbable")],
)
def test_the_rating_is_the_editors_credibility_grade_turned_so_that_more_is_truer(client, grade, value, name):
    # Two independent sources: a corroboration count that the old rating used as its verdict.
    claim = make_claim(
        status="verified",
        verified_at=timezone.now(),
        credibility=grade,
        citations=[(make_source(), "three-day visit"), (make_source(), "said Xi")],
    )
    url, response, (review,) = documents(client, claim)
    assert ld.problems(review, url) == []
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (value, 5, 1)
    assert rating["alternateName"] == name
    # Corroboration is stated beside the verdict, never as it.
    assert "2 independent sources" in rating["ratingExplanation"]
    page = html.page(response)
    assert html.the_text(page, ".verdict .verdict-name") == name
    assert html.the_text(page, ".corroboration .badge") == "2 independent sources"


def test_a_claim_whose_truth_cannot_be_judged_carries_no_rating(client):
    claim = make_claim(status="verified", credibility=6, citations=[(make_source(), "three-day visit")])
    url, response, found = documents(client, claim)
    assert [document["@type"] for document in found] == ["Claim"]
    assert "reviewRating" not in found[0] and ld.problems(found[0], url) == []
    assert found[0]["text"] == claim.statement
    assert html.the_text(html.page(response), ".verdict .verdict-name") == "the truth cannot be judged"


def test_the_summit_pages_json_ld_is_valid(client):
    corpus = make_summit_corpus()
    for entry in [*corpus["claims"], *corpus["quotes"]]:
        url, _, found = documents(client, entry)
        assert [ld.problems(document, url) for document in found] == [[]], url


class TestTheCheckerCanFail:
    """The checks above would catch what they look for."""

    def test_an_unknown_property_or_a_value_of_the_wrong_type(self):
        document = {
            "@context": "https://schema.org",
            "@type": "Quotation",
            "spokenBy": "Xi",
            "dateCreated": "21 March 2023",
            "creator": {"@type": "Rating", "name": "x"},
            "citation": [{"@type": "CreativeWork", "url": "javascript:alert(1)"}],
        }
        assert ld.problems(document, "http://testserver/q/") == [
            "Quotation: Quotation has no property 'spokenBy'",
            "Quotation.dateCreated: '21 March 2023' is not Date or DateTime",
            "Quotation.creator: a 'Rating' where Organization or Person is expected",
            "Quotation.citation[0].url: 'javascript:alert(1)' is not URL",
        ]

    def test_a_count_of_sources_as_the_verdict_breaks_googles_rules(self):
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "http://testserver/claims/x/",
            "claimReviewed": "x",
            "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 1, "worstRating": 5},
        }
        assert ld.problems(review, "http://testserver/claims/x/") == [
            "ClaimReview needs author",
            "ClaimReview needs datePublished",
            "ClaimReview needs itemReviewed",
            "reviewRating needs alternateName",
            "bestRating 1 must be greater than worstRating 5",
            "ratingValue 2 is outside 5–1",
            "itemReviewed should be a Claim",
            "itemReviewed should have appearance",
        ]
