import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.quotes.models import Quote
from tests.builders import make_agreement, make_organization, make_person, make_quote, make_source

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


def test_words_said_together_name_every_speaker():
    xi = make_person(name="Xi Jinping")
    putin = make_person(name="Vladimir Putin")
    lukashenko = make_person(name="Alexander Lukashenko")
    quote = make_quote(speaker=xi, text="responsible dialogue")
    assert quote.speaker_name == quote.public_speaker_name == "Xi Jinping"
    quote.co_speakers.add(putin)
    assert quote.public_speaker_name == "Xi Jinping and Vladimir Putin"
    quote.co_speakers.add(lukashenko)
    # The speaker first, then the others by name.
    assert quote.public_speaker_name == "Xi Jinping, Alexander Lukashenko and Vladimir Putin"
    assert str(quote) == "Xi Jinping, Alexander Lukashenko and Vladimir Putin: “responsible dialogue”"
    assert quote.public_speakers[1] == ("Alexander Lukashenko", lukashenko.get_absolute_url())


def test_an_organization_can_say_words_with_people():
    kremlin = make_organization(name="The Kremlin", kind="government_body")
    putin = make_person(name="Vladimir Putin")
    quote = make_quote(speaker_organization=kremlin)
    assert quote.co_speakers_problem([putin]) is None
    quote.co_speakers.add(putin)
    assert quote.public_speaker_name == "The Kremlin and Vladimir Putin"


def test_the_speaker_is_not_their_own_co_speaker():
    xi = make_person(name="Xi Jinping")
    quote = make_quote(speaker=xi)
    assert quote.co_speakers_problem([xi]) == (
        "Xi Jinping is the speaker: “said with” names the others who said the words with them."
    )
    assert quote.co_speakers_problem([xi.pk]) is not None  # pks, as an import has them
    assert quote.link_problems({"co_speakers": [xi]}) == {"co_speakers": [quote.co_speakers_problem([xi])]}
    assert quote.co_speakers_problem([make_person()]) is None
    assert quote.co_speakers_problem([]) is None


def test_a_joint_statement_has_no_co_speakers_its_signatories_are_the_agreements():
    putin = make_person(name="Vladimir Putin")
    statement = make_agreement(kind="joint_statement", title="Joint statement", status="verified")
    statement.signatories.add(putin)
    quote = make_quote(speaker_statement=statement)
    assert "record who signed it on the agreement" in quote.co_speakers_problem([putin])
    assert quote.co_speakers_problem([]) is None
    assert [p.name for p in quote.statement_signatories] == ["Vladimir Putin"]
    # Links left out of ``link_problems`` are as recorded.
    assert quote.link_problems({}) == {}


def test_the_signatories_of_an_unpublished_joint_statement_are_not_named():
    statement = make_agreement(kind="joint_statement", title="Unpublished statement")
    statement.signatories.add(make_person())
    quote = make_quote(speaker_statement=statement)
    assert quote.statement_signatories == []
    assert quote.public_speaker_name == "A joint statement"
