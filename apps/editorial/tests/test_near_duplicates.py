"""An entry close to one already recorded is flagged before it is saved; the analyst may go on.

``Entry.near_duplicates`` is the one rule (trigram similarity on PostgreSQL, difflib on
SQLite): these tests run on both.
"""

import pytest
from django.urls import reverse

from apps.claims.models import Claim
from apps.quotes.models import Quote
from tests.builders import form_data, inline_rows, make_analyst, make_claim, make_person, make_quote, make_source

pytestmark = pytest.mark.django_db

RECORDED = "China's trade with Russia reached a record high of $190 billion in 2022."
REWORDED = "China's trade with Russia reached a record high of 190 billion dollars in 2022."
UNRELATED = "Xi Jinping invited Vladimir Putin to visit China later in the year."


def test_a_reworded_claim_is_near_the_recorded_one_and_an_unrelated_one_is_not():
    recorded = make_claim(statement=RECORDED)
    make_claim(statement=UNRELATED)
    near = Claim(statement=REWORDED).near_duplicates()
    assert [entry for entry, _ in near] == [recorded]
    assert 0 < near[0][1] <= 1
    assert Claim(statement="Russia and China signed a memorandum on energy.").near_duplicates() == []


def test_an_entry_is_not_its_own_duplicate():
    claim = make_claim(statement=RECORDED)
    assert claim.near_duplicates() == []


def test_quotes_compare_their_words():
    recorded = make_quote(text="We are always for peace and dialogue")
    near = Quote(text="We’re always for peace and dialogue.").near_duplicates()
    assert [entry for entry, _ in near] == [recorded]


def add_claim_data(source, statement, **extra):
    data = {
        "statement": statement,
        "slug": "",
        "credibility": "2",
        **extra,
    }
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": "record high", "stance": "supports"}]))
    data.update(inline_rows("relations_from", []))
    return data


def test_the_add_form_warns_with_links_to_the_near_matches_and_saves_when_told_to(client):
    recorded = make_claim(statement=RECORDED)
    client.force_login(make_analyst())
    source = make_source(body="China's trade with Russia reached a record high in 2022.")
    url = reverse("admin:claims_claim_add")

    response = client.post(url, add_claim_data(source, REWORDED))
    assert response.status_code == 200  # not saved: the warning, beside the statement
    page = response.content.decode()
    assert "It is close to 1 claim already recorded" in page
    assert f'href="{reverse("admin:claims_claim_change", args=[recorded.pk])}"' in page
    assert 'type="checkbox" name="save_anyway"' in page
    assert Claim.objects.count() == 1

    # The analyst ticks "save anyway": saved, as typed.
    response = client.post(url, form_data(page, {"save_anyway": "on"}))
    assert response.status_code == 302
    assert Claim.objects.filter(statement=REWORDED).exists()


def test_the_form_says_nothing_when_nothing_is_near(client):
    make_claim(statement=RECORDED)
    client.force_login(make_analyst())
    source = make_source(body="China's trade with Russia reached a record high in 2022.")
    response = client.post(reverse("admin:claims_claim_add"), add_claim_data(source, UNRELATED))
    assert response.status_code == 302
    assert Claim.objects.count() == 2


def test_an_edit_that_leaves_the_statement_alone_is_not_warned_again(client):
    make_claim(statement=RECORDED)
    near = make_claim(statement=REWORDED)  # saved anyway, earlier
    client.force_login(make_analyst())
    url = reverse("admin:claims_claim_change", args=[near.pk])
    response = client.post(url, form_data(client.get(url).content.decode(), {"notes": "Checked."}))
    assert response.status_code == 302
    near.refresh_from_db()
    assert near.notes == "Checked."


def test_a_quote_s_form_warns_too(client):
    recorded = make_quote(text="We are always for peace and dialogue")
    client.force_login(make_analyst())
    source = make_source()
    data = {
        "text": "We’re always for peace and dialogue",
        "slug": "",
        "speaker": make_person().pk,
        "language": "en",
    }
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": data["text"], "stance": "supports"}]))
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 200
    assert reverse("admin:quotes_quote_change", args=[recorded.pk]) in response.content.decode()
