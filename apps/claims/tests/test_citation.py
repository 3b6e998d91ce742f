import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.claims.models import ClaimCitation, ClaimRelation
from tests.builders import make_claim, make_source

pytestmark = pytest.mark.django_db


def test_it_computes_offsets_into_the_original_body():
    source = make_source(body="Start. “Common soul,” he said.\nEnd.")
    claim = make_claim(citations=[(source, '"Common soul," he said. End.')])
    citation = claim.citations.get()
    assert source.body[citation.start : citation.end] == "“Common soul,” he said.\nEnd."
    assert citation.passage == citation.source.body[citation.start : citation.end]


def test_it_refuses_an_excerpt_not_in_the_source_naming_both():
    source = make_source(title="Moscow report")
    claim = make_claim()
    citation = ClaimCitation(claim=claim, source=source, excerpt="Words nobody wrote")
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    message = str(error.value)
    assert "Words nobody wrote" in message and "Moscow report" in message
    with pytest.raises(ValidationError):
        citation.save()
    assert not ClaimCitation.objects.exists()


def test_the_database_refuses_offsets_out_of_order():
    source = make_source(body="Alpha beta.")
    claim = make_claim(citations=[(source, "beta")])
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimCitation.objects.filter(claim=claim).update(end=0)


def test_the_same_passage_cannot_be_cited_twice_for_one_claim():
    source = make_source(body="Alpha beta.")
    claim = make_claim(citations=[(source, "beta")])
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimCitation.objects.create(claim=claim, source=source, excerpt="beta")


def test_a_claim_cannot_be_related_to_itself():
    claim = make_claim()
    with pytest.raises(ValidationError):
        ClaimRelation(from_claim=claim, to_claim=claim, kind="duplicates").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="duplicates")


def test_the_database_refuses_a_status_outside_the_choices():
    claim = make_claim()
    from apps.claims.models import Claim

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="published")


@pytest.mark.parametrize(
    ("quantity", "unit", "qualifier", "period", "shown"),
    [
        # As people write them (it read "more than 200,000,000,000 USD" and "about 66.6667 %").
        ("200000000000", "USD", "more_than", "2023", "more than $200 billion (2023)"),
        ("66.6667", "% of bilateral trade", "about", "", "about two-thirds (66.7 %) of bilateral trade"),
        ("30.0000", "%", "exactly", "2022", "exactly 30 % (2022)"),
        ("14.0000", "agreements", "", "", "14 agreements"),
        ("1500000", "EUR", "", "", "€1.5 million"),
        ("1234567", "USD", "", "", "$1,234,567"),
    ],
)
def test_quantities_read_as_the_article_gives_them(quantity, unit, qualifier, period, shown):
    from decimal import Decimal

    claim = make_claim(
        quantity=Decimal(quantity), quantity_unit=unit, quantity_qualifier=qualifier, quantity_period=period
    )
    claim.refresh_from_db()  # as stored: four decimal places
    assert claim.quantity_display == shown


def test_natural_keys_round_trip():
    source = make_source(body="Alpha beta.")
    claim = make_claim(citations=[(source, "beta")])
    citation = claim.citations.get()
    assert ClaimCitation.objects.get_by_natural_key(*citation.natural_key()) == citation
