import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.quotes.models import Quote
from tests.builders import make_agreement, make_person, make_quote, make_source

pytestmark = pytest.mark.django_db


def test_a_quote_in_its_excerpt_satisfies_the_rule():
    source = make_source(body="“We’re always for peace and dialogue, and more,” said Xi.")
    quote = make_quote(citations=[(source, "We’re always for peace and dialogue, and more")])
    assert quote.check_text_in_evidence() is None


def test_a_quote_missing_from_its_supporting_excerpts_is_reported():
    source = make_source(body="Xi spoke about trade. Putin spoke about peace.")
    quote = make_quote(text="We want war", citations=[(source, "Xi spoke about trade.")])
    assert "not in any of its supporting excerpts" in quote.check_text_in_evidence()


def test_only_supporting_excerpts_count():
    source = make_source(body="We want peace. Others say otherwise.")
    quote = make_quote(text="We want peace", citations=[(source, "We want peace.", "mentions")])
    assert quote.text_missing_from([]) is None
    assert quote.text_missing_from(["Others say otherwise."]) is not None


def test_a_joint_statement_can_be_the_speaker():
    statement = make_agreement(kind="joint_statement", title="Joint statement on a new era")
    quote = make_quote(speaker_statement=statement)
    assert str(quote).startswith("Joint statement on a new era:")


def test_a_quote_needs_exactly_one_speaker():
    person = make_person()
    statement = make_agreement(kind="joint_statement")
    with pytest.raises(ValidationError):
        Quote(text="x", slug="x", speaker=person, speaker_statement=statement).full_clean()
    with pytest.raises(ValidationError):
        Quote(text="x", slug="x").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(text="x", slug="x")
