"""Retracting with the text withheld (a legal reason), through the real admin pages: the
checkbox on the retract page and on the bulk retract note page, the same transition."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from reversion.models import Version

from apps.claims.models import Claim
from tests import html
from tests.builders import make_analyst, make_claim, make_editor, make_source

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:claims_claim_changelist")


@pytest.fixture
def verified():
    return make_claim(
        citations=[(make_source(), "three-day visit")],
        status="verified",
        created_by=make_analyst(),
        statement="Words that must go",
        slug="words-that-must-go",
    )


def checkbox(response):
    (box,) = html.page(response).select('input[type="checkbox"][name="withhold_text"]')
    label = html.page(response).select_one(f'label[for="{box["id"]}"]')
    return html.text(label)


def retract(client, claim, **data):
    claim.refresh_from_db()
    url = reverse("admin:claims_claim_transition", args=[claim.pk, "retract"])
    return client.post(url, {"version": claim.version, "note": "A court ordered it withdrawn.", **data})


def test_the_retract_page_offers_to_withhold_the_text_and_the_transition_records_it(client, verified):
    client.force_login(make_editor())
    page = client.get(reverse("admin:claims_claim_transition", args=[verified.pk, "retract"]))
    assert checkbox(page) == "Withhold the text from readers"
    retract(client, verified, withhold_text="1")
    verified.refresh_from_db()
    assert (verified.status, verified.text_withheld) == ("retracted", True)
    assert verified.statement == "Words that must go"  # the desk keeps it
    latest = Version.objects.get_for_object(verified).first().revision
    assert latest.comment == "Retracted. Its text is withheld from readers. Note: A court ordered it withdrawn."
    gone = html.page(client.get("/claims/words-that-must-go/"))  # signed in: not from the page cache
    assert not gone.select(".retracted-text") and "Words that must go" not in html.text(gone)


def test_without_the_checkbox_readers_still_read_what_it_said(client, verified):
    client.force_login(make_editor())
    retract(client, verified)
    verified.refresh_from_db()
    assert (verified.status, verified.text_withheld) == ("retracted", False)
    client.logout()
    assert (
        html.the_text(html.page(client.get("/claims/words-that-must-go/")), ".retracted-text") == "Words that must go"
    )


def test_bulk_retract_offers_the_checkbox_and_applies_it_to_each(client, verified):
    other = make_claim(citations=[(make_source(), "said Xi")], status="verified", created_by=make_analyst())
    client.force_login(make_editor())
    selected = [verified.pk, other.pk]
    page = client.post(CHANGELIST, {"action": "retract_selected", ACTION_CHECKBOX_NAME: selected, "index": 0})
    assert checkbox(page) == "Withhold the text from readers"
    client.post(
        CHANGELIST,
        {
            "action": "retract_selected",
            ACTION_CHECKBOX_NAME: selected,
            "apply": "1",
            "note": "Withdrawn.",
            "withhold_text": "1",
        },
    )
    assert set(Claim.objects.values_list("status", "text_withheld")) == {("retracted", True)}


def test_other_transitions_offer_no_such_checkbox(client):
    claim = make_claim(citations=[(make_source(), "said Xi")], status="in_review", created_by=make_analyst())
    client.force_login(make_editor())
    page = html.page(client.get(reverse("admin:claims_claim_transition", args=[claim.pk, "send_back"])))
    assert page.select('input[name="withhold_text"]') == []
    url = reverse("admin:claims_claim_transition", args=[claim.pk, "send_back"])
    client.post(url, {"version": claim.version, "note": "Needs a source.", "withhold_text": "1"})
    claim.refresh_from_db()
    assert (claim.status, claim.text_withheld) == ("draft", False)


def test_restoring_an_earlier_version_does_not_give_the_withheld_text_back(client, verified):
    """A restore writes back what people typed, never what the workflow keeps: the
    withholding is the retraction's, like its note."""
    from apps.editorial import history, workflow

    editor = make_editor()
    workflow.apply(verified, "retract", editor, note="A court ordered it withdrawn.", withhold_text=True)
    before_retraction = Version.objects.get_for_object(verified).order_by("pk").first()
    history.restore(Claim.objects.get(pk=verified.pk), before_retraction, editor)
    verified.refresh_from_db()
    assert (verified.status, verified.text_withheld) == ("retracted", True)
    page = html.page(client.get("/claims/words-that-must-go/"))
    assert not page.select(".retracted-text") and "Words that must go" not in html.text(page)
