"""The rows of a changelist, written without Django's per-row machinery, show what it shows."""

import html
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimRelation
from apps.quotes.models import Quote
from tests import builders as testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client):
    client.force_login(testing.make_analyst())
    return client


def cells(response, column):
    """``{primary key: text of the column's cell}`` for each row of the page."""
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    found = {}
    for row in rows:
        pk = re.search(r'name="_selected_action" value="(\d+)"', row)
        cell = re.search(rf'<td class="field-{column}[^"]*">(.*?)</td>', row, re.S)
        if pk and cell:
            found[int(pk[1])] = html.unescape(cell[1])
    return found


def test_each_row_has_djangos_own_checkbox_and_link(analyst_client):
    claim = testing.make_claim(statement='Xi said “<trade> & peace” were "first"')
    response = analyst_client.get(reverse("admin:claims_claim_changelist"))
    page = response.content.decode()
    claim_admin = admin.site._registry[Claim]
    assert admin.ModelAdmin.action_checkbox(claim_admin, claim) in page
    change_url = reverse("admin:claims_claim_change", args=[claim.pk])
    # The statement, clamped to two lines by CSS, whole in its title (hover) and escaped.
    escaped = "Xi said “&lt;trade&gt; &amp; peace” were &quot;first&quot;"
    assert f'<th class="field-heading_display"><a href="{change_url}">' in page
    assert f'<span class="clamp" title="{escaped}">{escaped}</span>' in page


@pytest.mark.parametrize("model", [Claim, Quote, Agreement])
def test_supporting_and_corroboration_columns_match_the_evidence(analyst_client, model):
    call_command("generate_corpus", claims=150, stdout=StringIO(), stderr=StringIO())
    # A contradiction by a draft: readers do not see it (nor the stored level), the desk does.
    draft = Claim.objects.exclude(status="verified").order_by("pk").first()
    other = Claim.objects.exclude(pk=draft.pk).exclude(corroboration_level="disputed").order_by("pk").first()
    ClaimRelation.objects.create(from_claim=draft, to_claim=other, kind="contradicts")
    other.refresh_from_db()
    assert other.corroboration_level != "disputed"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    admin.site._registry[model].list_per_page = 500
    try:
        response = analyst_client.get(url)
    finally:
        admin.site._registry[model].list_per_page = 100
    supporting, corroboration = cells(response, "supporting"), cells(response, "corroboration")
    entries = model.objects.filter(pk__in=supporting).prefetch_related("citations__source__relays")
    if model is Claim:
        entries = entries.with_contradiction()
    assert len(supporting) == min(500, model.objects.count()) > 0
    labels = {entry.pk: entry.corroboration().label for entry in entries}
    assert corroboration == labels
    assert supporting == {entry.pk: str(len(entry.supporting_citations())) for entry in entries}
    assert len(set(labels.values())) > 1  # the corpus has more than one kind
    if model is Claim:
        assert corroboration[draft.pk] == corroboration[other.pk] == "disputed"
