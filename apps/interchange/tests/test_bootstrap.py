import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.claims.models import Claim
from tests.builders import make_claim

pytestmark = pytest.mark.django_db


def run(**options):
    from io import StringIO

    out = StringIO()
    call_command("bootstrap", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def tiny_corpus(tmp_path):
    fixture = tmp_path / "corpus.json"
    fixture.write_text(
        json.dumps([{"model": "editorial.topic", "fields": {"name": "Trade", "slug": "trade", "description": ""}}])
    )
    return fixture


def test_it_creates_the_demo_accounts_once_and_prints_each_password_once(tiny_corpus):
    first = run(fixture=str(tiny_corpus))
    assert first.count("with password:") == 2
    users = get_user_model().objects.order_by("username")
    assert [(u.username, u.is_staff, u.groups.get().name) for u in users] == [
        ("analyst", True, "Analysts"),
        ("editor", True, "Editors"),
    ]
    password = first.split("“analyst” with password: ")[1].split()[0]
    assert users[0].check_password(password)
    second = run(fixture=str(tiny_corpus))
    assert "with password:" not in second
    assert get_user_model().objects.count() == 2


def test_it_loads_the_corpus_into_an_empty_database_only(tiny_corpus):
    from apps.editorial.models import Topic

    run(fixture=str(tiny_corpus), no_accounts=True)
    assert Topic.objects.filter(slug="trade").exists()


def test_it_never_loads_over_an_analysts_work(tiny_corpus):
    from apps.editorial.models import Topic

    make_claim(statement="Work in progress")
    output = run(fixture=str(tiny_corpus), no_accounts=True)
    assert "not loaded" in output
    assert not Topic.objects.exists()
    assert Claim.objects.get().statement == "Work in progress"


def test_a_missing_corpus_starts_empty(tmp_path):
    output = run(fixture=str(tmp_path / "absent.json"), no_accounts=True)
    assert "starting empty" in output
