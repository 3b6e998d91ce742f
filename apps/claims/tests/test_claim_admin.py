"""Analysts and editors entering claims through the real admin forms."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.claims.models import Claim
from tests.builders import inline_rows, make_analyst, make_claim, make_editor, make_source

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:claims_claim_add")


def claim_form(source, excerpt, **fields):
    data = {
        "statement": "Trade grew by 30% in 2022.",
        "slug": "trade-grew",
        "status": "draft",
        "credibility": "2",
        "quantity": "30",
        "quantity_unit": "%",
        "quantity_qualifier": "exactly",
        "quantity_period": "2022",
        **fields,
    }
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": excerpt, "stance": "supports"}]))
    data.update(inline_rows("relations_from", []))
    return data


def test_an_analyst_adds_a_claim_with_its_evidence(client):
    analyst = make_analyst()
    client.force_login(analyst)
    source = make_source(body="China's trade with Russia reached a record high in 2022,\nincreasing by 30%.")
    response = client.post(ADD_URL, claim_form(source, "reached a record high in 2022, increasing by 30%"))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    claim = Claim.objects.get(slug="trade-grew")
    assert claim.created_by == analyst and claim.updated_by == analyst
    citation = claim.citations.get()
    assert source.body[citation.start : citation.end] == "reached a record high in 2022,\nincreasing by 30%"


def test_the_form_refuses_an_excerpt_that_is_not_in_the_source_and_keeps_the_input(client):
    client.force_login(make_analyst())
    source = make_source(title="The RT relay")
    response = client.post(ADD_URL, claim_form(source, "An invented sentence"))
    assert response.status_code == 200
    assert "is not in the source “The RT relay”" in response.content.decode()
    assert "An invented sentence" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_form_refuses_the_same_passage_twice_and_keeps_the_input(client):
    """Pasted twice, once with other spacing: one passage, which a claim cites once."""
    client.force_login(make_analyst())
    source = make_source(title="The wire report")
    data = claim_form(source, "three-day visit")
    rows = [
        {"source": source.pk, "excerpt": excerpt, "stance": "supports"}
        for excerpt in ("three-day visit", "three-day\n visit")
    ]
    data.update(inline_rows("citations", rows))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert [str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors()] == [
        "The passage “three-day visit” of “The wire report” is cited twice."
    ]
    assert not Claim.objects.exists()


@pytest.mark.parametrize("status", ["verified", "retracted", "in_review"])
def test_a_crafted_status_in_the_form_is_ignored(client, status):
    client.force_login(make_editor())
    source = make_source()
    response = client.post(ADD_URL, claim_form(source, "three-day visit", status=status))
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.status == "draft" and claim.verified_by is None


def test_the_status_is_shown_but_not_editable_in_the_form(client):
    client.force_login(make_analyst())
    form = client.get(ADD_URL).context["adminform"].form
    assert "status" not in form.fields


def test_an_analyst_can_edit_a_claim_and_the_version_moves_on(client):
    client.force_login(make_analyst())
    source = make_source()
    client.post(ADD_URL, claim_form(source, "three-day visit"))
    claim = Claim.objects.get()
    citation = claim.citations.get()
    data = claim_form(source, "three-day visit", statement="Edited statement", seen_version="1")
    data.update(
        inline_rows(
            "citations",
            [
                {
                    "id": citation.pk,
                    "claim": claim.pk,
                    "source": source.pk,
                    "excerpt": "three-day visit",
                    "stance": "supports",
                }
            ],
            initial=1,
        )
    )
    response = client.post(reverse("admin:claims_claim_change", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "Edited statement" and claim.version == 2


@pytest.mark.parametrize("status", ["draft", "verified"])
def test_the_change_form_costs_the_same_queries_with_2_citations_and_with_50(client, status):
    """Each citation's source box shows its chosen source without a query of its own; for
    a published claim, the published version is read as rows too (``changes.states``)."""
    client.force_login(make_analyst())
    published = {"verified_by": make_editor(), "verified_at": timezone.now()} if status == "verified" else {}
    claims = {
        n: make_claim(
            citations=[(make_source(title=f"Report <{n}-{i}>"), "three-day visit") for i in range(n)],
            status=status,
            slug=f"claim-with-{n}",
            **published,
        )
        for n in (2, 50)
    }
    urls = {n: reverse("admin:claims_claim_change", args=[claim.pk]) for n, claim in claims.items()}
    # The session's first request renews it, caches fill, and a published entry's first
    # opening records its baseline version (once): count the steady state.
    for url in urls.values():
        client.get(url)
    counts, pages = {}, {}
    for n, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[n], pages[n] = len(queries), response.content.decode()
    assert counts[2] == counts[50], counts
    # Every row still shows its source, chosen, in the box the autocomplete takes over.
    chosen = re.findall(r'<option value="(\d+)" selected>Report &lt;50-(\d+)&gt;</option>', pages[50])
    assert sorted(int(i) for _, i in chosen) == list(range(50))
    assert pages[50].count('data-field-name="source"') == 50 + 2  # and the extra row, the template row


def test_the_review_page_costs_the_same_queries_with_2_citations_and_with_50(client):
    """The page where an editor verifies checks the evidence and shows what approving would
    change: the citations' sources read with the claim, its state read as rows
    (``changes.state_now``), not a citation's source per query."""
    client.force_login(make_editor())
    claims = {
        n: make_claim(
            citations=[(make_source(title=f"Report {n}-{i}"), "three-day visit") for i in range(n)],
            status="in_review",
            slug=f"in-review-with-{n}",
        )
        for n in (2, 50)
    }
    urls = {n: reverse("admin:claims_claim_transition", args=[claim.pk, "verify"]) for n, claim in claims.items()}
    for url in urls.values():
        client.get(url)
    counts = {}
    for n, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert f"Report {n}-{n - 1}" in page  # the differences name each source
        assert "Quantity unit" not in page  # a blank field is no change: None before, "" now
        counts[n] = len(queries)
    assert counts[2] == counts[50], counts
