"""The editorial workflow, driven through the real admin as analysts and editors."""

import dataclasses

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from apps.claims.models import Claim
from apps.editorial import history, workflow
from apps.quotes.models import Quote
from tests.builders import (
    inline_rows,
    make_analyst,
    make_claim,
    make_editor,
    make_person,
    make_quote,
    make_source,
    make_user,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:claims_claim_changelist")


def transition_url(claim, name):
    return reverse("admin:claims_claim_transition", args=[claim.pk, name])


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def post_transition(client, claim, name, note=""):
    claim.refresh_from_db()
    return client.post(transition_url(claim, name), {"version": claim.version, "note": note})


def change_form(claim, **fields):
    """The change form's POST data for ``claim`` as it is, with ``fields`` changed."""
    data = {
        "statement": claim.statement,
        "slug": claim.slug,
        "credibility": str(claim.credibility),
        "seen_version": str(claim.version),
        **fields,
    }
    citations = [
        {"id": c.pk, "claim": claim.pk, "source": c.source_id, "excerpt": c.excerpt, "stance": c.stance}
        for c in claim.citations.all()
    ]
    data.update(inline_rows("citations", citations, initial=len(citations)))
    data.update(inline_rows("relations_from", []))
    return data


@pytest.fixture
def in_review():
    author = make_analyst("author")
    return make_claim(
        citations=[(make_source(), "three-day visit")], status="in_review", created_by=author, statement="Original"
    )


def test_an_analyst_submits_a_draft_for_review(client):
    analyst = make_analyst()
    claim = make_claim(citations=[(make_source(), "three-day visit")], created_by=analyst)
    client.force_login(analyst)
    page = client.get(change_url(claim)).content.decode()
    assert "Submit for review" in page and ">Verify<" not in page
    response = post_transition(client, claim, "submit")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "in_review" and claim.submitted_at is not None


def test_an_analyst_cannot_verify_by_any_path(client, in_review):
    client.force_login(make_analyst())
    assert client.get(transition_url(in_review, "verify")).status_code == 403
    assert post_transition(client, in_review, "verify").status_code == 403
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "verify_selected" not in [name for name, _ in actions]
    client.post(CHANGELIST, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [in_review.pk], "index": 0})
    client.post(change_url(in_review), change_form(in_review, status="verified"))
    in_review.refresh_from_db()
    assert in_review.status == "in_review" and in_review.verified_by is None


def test_an_editor_verifies_someone_elses_entry_and_it_is_recorded(client, in_review):
    editor = make_editor()
    client.force_login(editor)
    assert ">Verify<" in client.get(change_url(in_review)).content.decode()
    response = post_transition(client, in_review, "verify")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "verified" and in_review.verified_by == editor and in_review.verified_at


def test_an_editor_cannot_verify_their_own_entry(client):
    editor = make_editor()
    claim = make_claim(citations=[(make_source(), "three-day visit")], status="in_review", created_by=editor)
    client.force_login(editor)
    response = post_transition(client, claim, "verify")
    assert response.status_code == 200
    assert "four-eyes" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_the_four_eyes_rule_can_be_turned_off_for_a_one_person_team(client, settings):
    settings.SUMMITCMS_FOUR_EYES = False
    editor = make_editor()
    claim = make_claim(citations=[(make_source(), "three-day visit")], status="in_review", created_by=editor)
    client.force_login(editor)
    assert post_transition(client, claim, "verify").status_code == 302
    claim.refresh_from_db()
    assert claim.status == "verified"


def test_verification_without_a_supporting_citation_is_refused(client):
    claim = make_claim(citations=[(make_source(), "three-day visit", "mentions")], status="in_review")
    client.force_login(make_editor())
    response = post_transition(client, claim, "verify")
    assert "no supporting citation" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_sending_back_needs_a_note_and_keeps_it(client, in_review):
    client.force_login(make_editor())
    response = post_transition(client, in_review, "send_back")
    assert "Give a note" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    post_transition(client, in_review, "send_back", note="Cite the second article too.")
    in_review.refresh_from_db()
    assert in_review.status == "draft" and in_review.review_note == "Cite the second article too."


@pytest.mark.parametrize("name", ["send_back", "verify"])
def test_a_note_with_a_null_character_is_refused_and_changes_nothing(client, in_review, name):
    """A crafted note: PostgreSQL cannot store the character in the entry or its history."""
    client.force_login(make_editor())
    response = post_transition(client, in_review, name, note="Cite\x00 the second article.")
    assert response.status_code == 200
    assert response.context["errors"] == ["Null characters are not allowed in the note."]
    in_review.refresh_from_db()
    assert in_review.status == "in_review" and in_review.version == 1


def test_retracting_needs_a_correction_note(client, in_review):
    client.force_login(make_editor())
    post_transition(client, in_review, "verify")
    assert "Give a note" in post_transition(client, in_review, "retract").content.decode()
    post_transition(client, in_review, "retract", note="The figure was misread.")
    in_review.refresh_from_db()
    assert in_review.status == "retracted" and in_review.correction == "The figure was misread."
    assert in_review.retracted_at is not None


def test_no_transition_leaves_an_entry_without_what_its_status_records(client, in_review, monkeypatch):
    """The model's rule (``Entry.record_problems``), not only the retraction's request for a
    note: a transition that stopped asking for one still could not write a bare retraction."""
    client.force_login(make_editor())
    post_transition(client, in_review, "verify")
    retract = dataclasses.replace(workflow.TRANSITIONS["retract"], needs_note=False)
    monkeypatch.setitem(workflow.TRANSITIONS, "retract", retract)
    response = post_transition(client, in_review, "retract")
    assert "A retracted entry needs a correction note for readers." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "verified" and in_review.retracted_at is None


def test_a_stale_form_is_refused_naming_who_saved_and_keeps_what_was_typed(client, in_review):
    first, second = make_analyst("first"), make_analyst("second")
    client.force_login(first)
    stale = change_form(in_review, statement="First analyst's wording")  # form opened at this version
    client.force_login(second)
    assert client.post(change_url(in_review), change_form(in_review, statement="Second wording")).status_code == 302
    client.force_login(first)
    response = client.post(change_url(in_review), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed by second" in page and "First analyst&#x27;s wording" in page
    in_review.refresh_from_db()
    assert in_review.statement == "Second wording"


def test_a_stale_transition_is_refused(client, in_review):
    editor = make_editor()
    client.force_login(editor)
    in_review.refresh_from_db()
    stale_version = in_review.version
    client.force_login(make_analyst())
    client.post(change_url(in_review), change_form(in_review, statement="Edited meanwhile"))
    client.force_login(editor)
    response = client.post(transition_url(in_review, "verify"), {"version": stale_version}, follow=True)
    assert "after you opened it" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_removing_the_evidence_of_a_verified_entry_is_proposed_and_the_entry_stays_published(client, in_review):
    client.force_login(make_editor())
    post_transition(client, in_review, "verify")
    in_review.refresh_from_db()
    data = change_form(in_review)
    data["citations-0-DELETE"] = "on"
    response = client.post(change_url(in_review), data, follow=True)
    assert "kept as a proposed change" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "verified" and in_review.citations.count() == 1  # readers still see it
    assert in_review.proposal_status == "draft" and in_review.proposal["parts"]["citations"] == []


def test_editing_internal_notes_of_a_verified_entry_keeps_it_verified(client, in_review):
    client.force_login(make_editor())
    post_transition(client, in_review, "verify")
    in_review.refresh_from_db()
    client.post(change_url(in_review), change_form(in_review, notes="Checked twice."))
    in_review.refresh_from_db()
    assert in_review.status == "verified" and in_review.notes == "Checked twice."


def test_history_shows_old_and_new_values_and_a_restore_brings_them_back(client, in_review):
    analyst = make_analyst()
    client.force_login(analyst)
    source = in_review.citations.get().source
    data = change_form(in_review, statement="Rewritten statement")
    data["citations-0-DELETE"] = "on"
    client.post(change_url(in_review), data)
    history = client.get(reverse("admin:claims_claim_history", args=[in_review.pk])).content.decode()
    assert "Original" in history and "Rewritten statement" in history
    assert "claim citation removed" in history
    baseline = Version.objects.get_for_object(in_review).order_by("revision__date_created", "pk").first()
    restore = reverse("admin:claims_claim_restore", args=[in_review.pk, baseline.pk])
    assert "Rewritten statement" in client.get(restore).content.decode()
    in_review.refresh_from_db()
    assert client.post(restore, {"version": in_review.version}).status_code == 302
    in_review.refresh_from_db()
    assert in_review.statement == "Original"
    assert [(c.source, c.excerpt) for c in in_review.citations.all()] == [(source, "three-day visit")]
    assert in_review.status == "in_review"


def test_restoring_a_verified_entry_returns_it_to_review(client, in_review):
    client.force_login(make_editor())
    client.post(change_url(in_review), change_form(in_review, statement="Better wording"))
    post_transition(client, in_review, "verify")
    first = Version.objects.get_for_object(in_review).order_by("revision__date_created", "pk").first()
    in_review.refresh_from_db()
    client.post(reverse("admin:claims_claim_restore", args=[in_review.pk, first.pk]), {"version": in_review.version})
    in_review.refresh_from_db()
    assert in_review.statement == "Original" and in_review.status == "in_review"


def test_bulk_verify_obeys_the_same_rules_and_records_history(client):
    editor = make_editor()
    author = make_analyst()
    good = make_claim(citations=[(make_source(), "three-day visit")], status="in_review", created_by=author)
    own = make_claim(citations=[(make_source(), "three-day visit")], status="in_review", created_by=editor)
    unsupported = make_claim(status="in_review", created_by=author)
    draft = make_claim(citations=[(make_source(), "three-day visit")], created_by=author)
    client.force_login(editor)
    selected = [good.pk, own.pk, unsupported.pk, draft.pk]
    seen = {f"seen_version_{entry.pk}": entry.version for entry in (good, own, unsupported, draft)}
    response = client.post(
        CHANGELIST, {"action": "verify_selected", ACTION_CHECKBOX_NAME: selected, "index": 0, **seen}, follow=True
    )
    page = response.content.decode()
    assert "1 claims verified" in page
    assert "four-eyes" in page and "no supporting citation" in page and "this one is draft" in page
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses == {good.pk: "verified", own.pk: "in_review", unsupported.pk: "in_review", draft.pk: "draft"}
    assert Version.objects.get_for_object(good).count() == 2  # the baseline and the verification


def test_bulk_retract_asks_for_a_note_first(client, in_review):
    client.force_login(make_editor())
    post_transition(client, in_review, "verify")
    page = client.post(CHANGELIST, {"action": "retract_selected", ACTION_CHECKBOX_NAME: [in_review.pk], "index": 0})
    assert page.status_code == 200 and "Note (required)" in page.content.decode()
    client.post(
        CHANGELIST,
        {"action": "retract_selected", ACTION_CHECKBOX_NAME: [in_review.pk], "apply": "1", "note": "Wrong figure."},
    )
    in_review.refresh_from_db()
    assert in_review.status == "retracted" and in_review.correction == "Wrong figure."


def test_the_review_queue_lists_entries_in_review_oldest_first_for_editors(client):
    author = make_analyst()
    older = make_claim(citations=[(make_source(), "three-day visit")], created_by=author, statement="Older")
    newer = make_claim(created_by=author, statement="Newer")
    make_claim(statement="Still a draft")
    client.force_login(author)
    for claim in (older, newer):
        post_transition(client, claim, "submit")
    assert client.get(reverse("review_queue")).status_code == 403
    client.force_login(make_editor())
    response = client.get(reverse("review_queue"))
    rows = response.context["rows"]
    assert [row["entry"].statement for row in rows] == ["Older", "Newer"]
    assert [(row["supporting"], row["corroboration"].label) for row in rows] == [(1, "1 source"), (0, "no source")]
    assert "Still a draft" not in response.content.decode()


def test_history_is_refused_to_staff_without_access_before_any_of_it_is_read(client, in_review, monkeypatch):
    def must_not_run(obj):
        raise AssertionError("the timeline was built for someone who may not see it")

    monkeypatch.setattr(history, "timeline", must_not_run)
    client.force_login(make_user("no-access", is_staff=True))
    response = client.get(reverse("admin:claims_claim_history", args=[in_review.pk]))
    assert response.status_code == 403


def test_history_refuses_staff_without_access_before_looking_the_record_up(client, in_review):
    client.force_login(make_user("no-access", is_staff=True))
    missing = reverse("admin:claims_claim_history", args=[in_review.pk + 1000])
    # A redirect for a missing record and a 403 for an existing one would tell which exist.
    assert client.get(missing).status_code == 403
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:claims_claim_history", args=[in_review.pk])).status_code == 403
    assert [query["sql"] for query in queries if Claim._meta.db_table in query["sql"]] == []


def test_the_review_queue_reads_quotes_and_their_speakers_in_the_same_queries_however_many(client):
    """Each row names the quote's speakers (``str(quote)``): read with the quotes, not a
    query per speaker and per quote's co-speakers."""
    client.force_login(make_editor())
    client.get(reverse("review_queue"))  # the first request of a session renews it

    def queries_with_quotes_in_review(count):
        for _ in range(count):
            quote = make_quote(slug=f"in-review-{Quote.objects.count()}", speaker=make_person(), status="in_review")
            quote.co_speakers.add(make_person())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("review_queue"))
        assert response.status_code == 200
        assert len(response.context["rows"]) == Quote.objects.count()
        return len(queries)

    assert queries_with_quotes_in_review(1) == queries_with_quotes_in_review(4)
