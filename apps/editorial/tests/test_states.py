"""``changes.states()`` reads as rows what ``changes.state()`` reads from an instance:
``check_corpus`` compares the digest of the one with approvals recorded from the other."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.claims.models import Claim, ClaimRelation
from apps.editorial import changes, registry
from apps.quotes.models import Quote
from tests.builders import make_claim

pytestmark = pytest.mark.django_db


def test_the_states_read_as_rows_are_those_of_the_instances_for_every_kind():
    call_command("generate_corpus", claims=60, stdout=StringIO(), stderr=StringIO())
    make_claim()  # no event, nobody it is attributed to, no link, no part
    # What the corpus must hold for the comparison to mean something: every kind of value.
    assert ClaimRelation.objects.exists() and Claim.objects.exclude(quantity=None).exists()
    assert Claim.objects.filter(attributed_to=None).exists() and Claim.objects.filter(quotes__isnull=False).exists()
    assert Quote.objects.exclude(said_on=None).exists() and Quote.objects.exclude(speaker_statement=None).exists()
    for model in registry.entry_models():
        expected = {entry.pk: changes.state(entry) for entry in model.objects.all()}
        assert len(expected) > 1
        assert changes.states(model.objects.all()) == expected
        some = sorted(expected)[1:3]
        assert changes.states(model.objects.filter(pk__in=some)) == {pk: expected[pk] for pk in some}
