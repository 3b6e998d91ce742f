"""Two analysts editing the same record in the real admin: no edit is silently lost.

Each has the page open in a browser of their own (a test client, a session). The first
saves one field, the second another: the second is refused, told who saved first and
when, and gets the form back with what they typed; the database keeps the first's edit.
Entries have their own tests (``test_workflow_admin``); these cover every other model
analysts edit, the relation rows on a claim's form, the parts on an event's form, and a
restore from a history page opened before someone's save.
"""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from apps.claims.models import ClaimRelation
from apps.editorial.models import Topic
from tests.builders import (
    form_data,
    make_analyst,
    make_claim,
    make_event,
    make_organization,
    make_person,
    make_source,
)

pytestmark = pytest.mark.django_db

FIRST = "Saved first"
TYPED = "Typed by the second analyst"


def make_topic():
    return Topic.objects.create(name="Trade", slug="trade", description="Bilateral trade.")


def make_relation():
    return ClaimRelation.objects.create(
        from_claim=make_claim(statement="Trade reached $190 billion"),
        to_claim=make_claim(statement="Trade reached $200 billion"),
        kind="contradicts",
        note="Which is it?",
    )


# model → (builder, admin view prefix, the field the first changes and its new value, the
# text field the second types into). Source: one edits the notes, the other the
# reliability notes.
CASES = {
    "source": (make_source, "sources_source", ("notes", FIRST), "reliability_notes"),
    "person": (make_person, "actors_person", ("role", FIRST), "notes"),
    "organization": (make_organization, "actors_organization", ("country", FIRST), "notes"),
    "event": (make_event, "events_event", ("place", FIRST), "description"),
    "topic": (make_topic, "editorial_topic", ("name", FIRST), "description"),
    "claim relation": (make_relation, "claims_claimrelation", ("kind", "refines"), "note"),
}


def analyst_browser(username):
    """A client logged in as a new member of the Analysts group."""
    client = Client()
    client.force_login(make_analyst(username))
    return client


def change_url(view, obj):
    return reverse(f"admin:{view}_change", args=[obj.pk])


def open_form(client, url, changes):
    """GET the page as this person's browser, type ``changes``: the data they would POST."""
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), changes)


def refusal(obj, who):
    """The sentence naming who saved ``obj`` and when (read after their save)."""
    obj.refresh_from_db()
    when = date_format(timezone.localtime(obj.updated_at), "j F Y, H:i:s")
    return f"“{obj}” was changed by {who} at {when} (UTC), after you opened it."


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("case", list(CASES))
def test_the_later_stale_save_is_refused_naming_who_saved_first_and_keeps_what_was_typed(case):
    make, view, (first_field, first_value), second_field = CASES[case]
    obj = make()
    before = getattr(obj, second_field)
    first, second = analyst_browser("amira"), analyst_browser("boris")
    url = change_url(view, obj)
    first_data = open_form(first, url, {first_field: first_value})
    second_data = open_form(second, url, {second_field: TYPED})

    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert refusal(obj, "amira") in page_text(response)
    assert TYPED in page_text(response)  # the form is shown again with what they typed
    obj.refresh_from_db()
    assert getattr(obj, first_field) == first_value and getattr(obj, second_field) == before
    assert obj.version == 2


@pytest.mark.parametrize("case", list(CASES))
def test_a_restore_from_a_page_opened_before_someone_saved_is_refused(case):
    make, view, (first_field, first_value), other_field = CASES[case]
    obj = make()
    first, second = analyst_browser("amira"), analyst_browser("boris")
    url = change_url(view, obj)
    assert first.post(url, open_form(first, url, {first_field: first_value})).status_code == 302
    baseline = Version.objects.get_for_object(obj).order_by("pk").first()
    restore = reverse(f"admin:{view}_restore", args=[obj.pk, baseline.pk])
    restore_data = form_data(second.get(restore).content.decode())  # the restore page, opened
    assert first.post(url, open_form(first, url, {other_field: FIRST})).status_code == 302

    response = second.post(restore, restore_data)

    assert response.status_code == 200
    assert refusal(obj, "amira") in page_text(response)
    obj.refresh_from_db()
    assert getattr(obj, first_field) == first_value and getattr(obj, other_field) == FIRST


# -- Rows of a versioned model on another record's form ---------------------------------


def test_a_stale_relation_row_on_the_claims_form_is_refused_naming_the_row():
    relation = make_relation()
    claim = relation.from_claim
    first, second = analyst_browser("amira"), analyst_browser("boris")
    relation_url, claim_url = change_url("claims_claimrelation", relation), change_url("claims_claim", claim)
    first_data = open_form(first, relation_url, {"note": FIRST})
    second_data = open_form(second, claim_url, {"relations_from-0-note": TYPED})
    assert second_data["relations_from-0-id"] == str(relation.pk)

    assert first.post(relation_url, first_data).status_code == 302
    response = second.post(claim_url, second_data)

    assert response.status_code == 200
    assert refusal(relation, "amira") in page_text(response)
    assert TYPED in page_text(response)
    relation.refresh_from_db()
    assert relation.note == FIRST


def test_a_relation_saved_on_the_claims_form_makes_its_own_page_stale():
    relation = make_relation()
    first, second = analyst_browser("amira"), analyst_browser("boris")
    claim_url = change_url("claims_claim", relation.from_claim)
    relation_url = change_url("claims_claimrelation", relation)
    first_data = open_form(first, claim_url, {"relations_from-0-note": FIRST})
    second_data = open_form(second, relation_url, {"note": TYPED})

    assert first.post(claim_url, first_data).status_code == 302
    response = second.post(relation_url, second_data)

    assert response.status_code == 200
    assert refusal(relation, "amira") in page_text(response)
    relation.refresh_from_db()
    assert relation.note == FIRST and relation.updated_by.username == "amira"


def test_a_stale_row_the_second_did_not_touch_is_refused_too_as_saving_would_write_it_back():
    relation = make_relation()
    claim = relation.from_claim
    first, second = analyst_browser("amira"), analyst_browser("boris")
    relation_url, claim_url = change_url("claims_claimrelation", relation), change_url("claims_claim", claim)
    first_data = open_form(first, relation_url, {"note": FIRST})
    second_data = open_form(second, claim_url, {"statement": TYPED})  # the row still says "Which is it?"

    assert first.post(relation_url, first_data).status_code == 302
    response = second.post(claim_url, second_data)

    assert response.status_code == 200
    assert refusal(relation, "amira") in page_text(response)
    claim.refresh_from_db()
    relation.refresh_from_db()
    assert claim.statement != TYPED and relation.note == FIRST


def test_a_stale_part_on_the_events_form_is_refused_naming_it():
    summit = make_event(name="Summit")
    part = make_event(name="Talks", parent=summit)
    first, second = analyst_browser("amira"), analyst_browser("boris")
    part_url, summit_url = change_url("events_event", part), change_url("events_event", summit)
    first_data = open_form(first, part_url, {"place": FIRST})
    second_data = open_form(second, summit_url, {"parts-0-place": TYPED})

    assert first.post(part_url, first_data).status_code == 302
    response = second.post(summit_url, second_data)

    assert response.status_code == 200
    assert refusal(part, "amira") in page_text(response)
    part.refresh_from_db()
    assert part.place == FIRST


def test_a_restore_or_a_transition_posted_without_the_version_it_was_opened_at_is_refused(client):
    source = make_source(notes="Before")
    analyst = make_analyst("amira")
    client.force_login(analyst)
    url = change_url("sources_source", source)
    assert client.post(url, open_form(client, url, {"notes": FIRST})).status_code == 302
    baseline = Version.objects.get_for_object(source).order_by("pk").first()
    response = client.post(reverse("admin:sources_source_restore", args=[source.pk, baseline.pk]), {})
    assert "did not say which version it was opened at" in page_text(response)
    claim = make_claim(citations=[(source, "three-day visit")])
    response = client.post(reverse("admin:claims_claim_transition", args=[claim.pk, "submit"]), {}, follow=True)
    assert "did not say which version it was opened at" in page_text(response)
    source.refresh_from_db()
    claim.refresh_from_db()
    assert source.notes == FIRST and claim.status == "draft"


def test_restoring_a_claim_counts_a_version_of_the_relations_it_writes_back():
    relation = make_relation()
    claim = relation.from_claim
    first, second = analyst_browser("amira"), analyst_browser("boris")
    relation_url, claim_url = change_url("claims_claimrelation", relation), change_url("claims_claim", claim)
    second_data = open_form(second, relation_url, {"note": TYPED})  # opened at the first version
    assert first.post(claim_url, open_form(first, claim_url, {"statement": FIRST})).status_code == 302
    assert first.post(relation_url, open_form(first, relation_url, {"note": FIRST})).status_code == 302
    baseline = Version.objects.get_for_object(claim).order_by("pk").first()
    restore = reverse("admin:claims_claim_restore", args=[claim.pk, baseline.pk])
    assert first.post(restore, form_data(first.get(restore).content.decode())).status_code == 302
    relation.refresh_from_db()
    assert relation.note == "Which is it?" and relation.version == 3  # the restore wrote it back

    response = second.post(relation_url, second_data)

    assert response.status_code == 200
    assert refusal(relation, "amira") in page_text(response)
    relation.refresh_from_db()
    assert relation.note == "Which is it?"
