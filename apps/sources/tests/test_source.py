import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.sources.models import Source
from tests.builders import make_claim, make_source

pytestmark = pytest.mark.django_db


def test_it_stores_a_hash_of_the_body():
    source = make_source(body="Some text.")
    assert len(source.content_hash) == 64


def test_it_refuses_a_duplicate_body_with_a_sentence_naming_the_first_source():
    first = make_source(body="The same report, word for word.")
    copy = Source(title="Copy", slug="copy", body="The  same report,\nword for word.")
    with pytest.raises(ValidationError) as error:
        copy.full_clean()
    assert first.slug in str(error.value) and "already recorded" in str(error.value)


def test_the_database_refuses_a_duplicate_body_too():
    make_source(body="The same report.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="Copy", slug="copy", body="The same report.")


def test_it_refuses_an_empty_body():
    with pytest.raises(ValidationError) as error:
        Source(title="Empty", slug="empty", body="  ").full_clean()
    assert "full text" in str(error.value)


def test_it_refuses_a_new_body_that_loses_a_cited_passage():
    source = make_source(body="Alpha beta gamma. Delta epsilon.")
    make_claim(citations=[(source, "Delta epsilon.")], slug="delta")
    source.body = "Alpha beta gamma only."
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "no longer contains 1 cited excerpt" in str(error.value)


def test_reanchoring_moves_offsets_when_the_body_changes():
    source = make_source(body="Alpha beta gamma. Delta epsilon.")
    claim = make_claim(citations=[(source, "Delta epsilon.")])
    source.body = "Preface added. Alpha beta gamma. Delta epsilon."
    source.full_clean()
    source.save()
    source.reanchor_citations()
    citation = claim.citations.get()
    assert citation.passage == "Delta epsilon."
    assert citation.start == source.body.index("Delta")


def test_sources_of_one_outlet_or_relaying_it_are_not_independent():
    from tests.builders import make_organization

    rt, other = make_organization(slug="rt"), make_organization(slug="other")
    a = make_source(outlet=rt)
    b = make_source(outlet=rt)
    c = make_source(outlet=other)
    c.relays.add(rt)
    d = make_source(outlet=other)
    e = make_source()
    assert not a.is_independent_of(b)
    assert not c.is_independent_of(a) and not a.is_independent_of(c)
    assert a.is_independent_of(e) and e.is_independent_of(d)
