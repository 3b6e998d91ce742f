import pytest

from apps.claims.models import ClaimRelation
from tests.builders import make_claim, make_organization, make_source

pytestmark = pytest.mark.django_db


def test_one_source_is_one_source():
    source = make_source()
    claim = make_claim(citations=[(source, "three-day visit"), (source, "said Xi")])
    assert claim.corroboration().label == "1 source"


def test_two_outlets_are_two_independent_sources():
    claim = make_claim(
        citations=[
            (make_source(outlet=make_organization()), "three-day visit"),
            (make_source(outlet=make_organization()), "said Xi"),
        ]
    )
    assert claim.corroboration().label == "2 independent sources"
    assert claim.corroboration().level == "corroborated"


def test_same_outlet_counts_once():
    outlet = make_organization()
    claim = make_claim(
        citations=[(make_source(outlet=outlet), "three-day visit"), (make_source(outlet=outlet), "said Xi")]
    )
    assert claim.corroboration().label == "1 source"


def test_a_relay_of_the_other_outlet_counts_once():
    rt = make_organization(name="RT")
    relay = make_source(outlet=make_organization())
    relay.relays.add(rt)
    claim = make_claim(citations=[(make_source(outlet=rt), "three-day visit"), (relay, "said Xi")])
    assert claim.corroboration().supporting_sources == 1


def test_a_relay_chain_through_a_third_source_is_grouped():
    rt = make_organization(name="RT")
    a, b = make_source(outlet=rt), make_source(outlet=make_organization())
    b.relays.add(rt)
    c = make_source(outlet=make_organization())
    claim = make_claim(citations=[(a, "three-day visit"), (b, "said Xi"), (c, "three-day visit")])
    assert claim.corroboration().supporting_sources == 2


def test_a_contradicting_citation_disputes_the_claim():
    claim = make_claim(citations=[(make_source(), "three-day visit"), (make_source(), "said Xi", "contradicts")])
    assert claim.corroboration().label == "disputed"


def test_a_contradicts_relation_disputes_both_claims():
    first, second = (
        make_claim(citations=[(make_source(), "said Xi")]),
        make_claim(citations=[(make_source(), "said Xi")]),
    )
    ClaimRelation.objects.create(from_claim=first, to_claim=second, kind="contradicts")
    assert first.corroboration().disputed and second.corroboration().disputed
    ClaimRelation.objects.all().update(kind="refines")
    assert first.corroboration().label == "1 source"


def test_mentions_do_not_count_as_support():
    claim = make_claim(citations=[(make_source(), "said Xi", "mentions")])
    assert claim.corroboration().label == "no source"
