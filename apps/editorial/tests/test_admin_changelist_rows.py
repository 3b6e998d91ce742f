"""The rows of a changelist, written without Django's per-row machinery, show what it shows."""

import html
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from apps.actors.models import Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimRelation
from apps.editorial.changelists import RowsChangeList
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.sources.models import Source
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


def page_of(client, model):
    return client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")).content.decode()


def test_every_list_writes_the_cells_djangos_admin_would(client):
    """``RowsChangeList.rows`` works each column out once instead of once per cell; what it
    writes is Django's own ``items_for_result``, cell for cell, on every list that uses it:
    plain, searched and sorted (the change links keep the filters), and in a popup."""
    call_command("generate_corpus", claims=150, stdout=StringIO(), stderr=StringIO())
    # An empty date, and names that must be escaped (a foreign key's, a method's text).
    Quote.objects.filter(pk=Quote.objects.order_by("pk").values("pk")[:1]).update(said_on=None, is_partial=True)
    Event.objects.filter(pk__in=Quote.objects.values("occasion")).update(name='Talks & <dinner> "2"')
    Person.objects.filter(pk__in=Quote.objects.values("speaker")).update(name="O'Neil & <Sons>")
    editor = testing.make_editor()
    client.force_login(editor)
    request = RequestFactory().get("/")
    request.user = editor
    lists = [
        model
        for model, model_admin in admin.site._registry.items()
        if issubclass(model_admin.get_changelist(request), RowsChangeList)
    ]
    assert {Claim, Quote, Agreement, Source, Person, Event} <= set(lists)
    compared = kept_filters = 0
    for model in lists:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ("", "?q=a&o=-2", "?_popup=1&_to_field=id"):
            response = client.get(url + query)
            assert response.status_code == 200, (model, query)
            changelist = response.context_data["cl"]
            django_rows = [list(items_for_result(changelist, row, None)) for row in changelist.result_list]
            assert changelist.rows() == django_rows, (model, query)
            page = response.content.decode()
            for cells in django_rows:
                assert f"<tr>{''.join(cells)}</tr>" in page, (model, query)
            compared += sum(map(len, django_rows))
            kept_filters += sum("_changelist_filters=q%3Da" in "".join(cells) for cells in django_rows)
    assert compared > 5_000
    assert "Talks &amp; &lt;dinner&gt; &quot;2&quot;" in page_of(client, Quote)
    assert "O&#x27;Neil &amp; &lt;Sons&gt;" in page_of(client, Quote)
    assert kept_filters > 100
