"""“Export selected as fixture” in the changelists of claims, quotes, agreements and sources."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.claims.models import Claim
from tests import builders as testing

from .fixture_corpus import empty_the_corpus, keys

pytestmark = pytest.mark.django_db

ACTION = "export_selected_as_fixture"


@pytest.fixture(params=["analyst", "editor"])
def person(request):
    return testing.make_analyst() if request.param == "analyst" else testing.make_editor()


def export_selected(client, changelist, objs):
    response = client.post(
        reverse(f"admin:{changelist}_changelist"), {"action": ACTION, "_selected_action": [o.pk for o in objs]}
    )
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="summitcms-') and disposition.endswith('.json"')
    return b"".join(response.streaming_content).decode("utf-8")


def test_claims_export_with_their_evidence_and_what_they_refer_to(client, corpus, person):
    client.force_login(person)
    fixture = export_selected(client, "claims_claim", [corpus.fourteen, corpus.several])
    assert keys(fixture, "claims.claim") == ["fourteen-documents", "several-documents"]
    assert keys(fixture, "claims.claimrelation") == [("several-documents", "fourteen-documents", "contradicts")]
    assert keys(fixture, "sources.source") == ["other-report", "report"]
    assert keys(fixture, "events.event") == ["moscow-2023", "talks"]
    assert keys(fixture, "actors.person") == ["xi-jinping"]
    assert len(keys(fixture, "claims.claimcitation")) == 3
    # Entries that were not selected stay out, and so do the links to them.
    assert keys(fixture, "quotes.quote") == [] and keys(fixture, "agreements.agreement") == []
    assert "trade-record" not in fixture


def test_the_selection_exports_whatever_its_status(client, corpus, person):
    draft = testing.make_claim(slug="a-draft", status="draft", citations=[(corpus.source, "three-day state visit")])
    client.force_login(person)
    fixture = export_selected(client, "claims_claim", [draft])
    assert keys(fixture, "claims.claim") == ["a-draft"]


def test_quotes_export_with_the_joint_statement_that_speaks_them(client, corpus, person):
    client.force_login(person)
    fixture = export_selected(client, "quotes_quote", [corpus.crisis])
    assert keys(fixture, "quotes.quote") == ["ukraine-crisis"]
    assert keys(fixture, "agreements.agreement") == ["joint-statement"]
    assert keys(fixture, "actors.organization") == ["china", "rt", "russia", "the-outlet"]


def test_agreements_export_with_parties_and_signatories(client, corpus, person):
    client.force_login(person)
    fixture = export_selected(client, "agreements_agreement", [corpus.statement])
    assert keys(fixture, "agreements.agreement") == ["joint-statement"]
    assert keys(fixture, "actors.person") == ["vladimir-putin", "xi-jinping"]
    assert keys(fixture, "editorial.topic") == ["diplomacy"]


def test_sources_export_with_their_outlet_and_what_they_relay(client, corpus, person):
    client.force_login(person)
    fixture = export_selected(client, "sources_source", [corpus.source])
    assert keys(fixture, "sources.source") == ["report"]
    assert keys(fixture, "actors.organization") == ["rt", "the-outlet"]
    assert keys(fixture, "claims.claim") == [] and keys(fixture, "claims.claimcitation") == []


def test_the_download_loads_with_stock_loaddata(client, corpus, tmp_path):
    client.force_login(testing.make_editor())
    fixture = export_selected(client, "claims_claim", list(Claim.objects.all()))
    path = tmp_path / "selection.json"
    path.write_text(fixture, encoding="utf-8")
    empty_the_corpus()
    call_command("loaddata", str(path), verbosity=0)
    assert Claim.objects.count() == 3
    assert json.loads(fixture)


def test_the_action_is_offered_in_the_four_changelists_only(client):
    client.force_login(testing.make_editor())
    for changelist in ["claims_claim", "quotes_quote", "agreements_agreement", "sources_source"]:
        response = client.get(reverse(f"admin:{changelist}_changelist"))
        assert ACTION in dict(response.context["action_form"].fields["action"].choices), changelist
    response = client.get(reverse("admin:actors_person_changelist"))
    assert ACTION not in dict(response.context["action_form"].fields["action"].choices)
