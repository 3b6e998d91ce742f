"""The analyst's workbench in the admin (issue 18): the closest passage when an excerpt
is refused, the errors named at the top with a link to their row, the source's text
for the pane beside the form, save and submit, the staff preview of unpublished
entries, the grades' keys and "your work" on the admin home."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.claims.models import Claim
from apps.quotes.models import Quote
from tests.builders import (
    inline_rows,
    make_agreement,
    make_analyst,
    make_claim,
    make_editor,
    make_quote,
    make_source,
    make_user,
)

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:claims_claim_add")
BODY = "China's trade with Russia reached a record high in 2022, increasing by 30%. Xi praised the ties."


def claim_form(source, excerpt, **fields):
    data = {"statement": "Trade grew by 30% in 2022.", "slug": "trade-grew", "credibility": "2", **fields}
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": excerpt, "stance": "supports"}]))
    data.update(inline_rows("relations_from", []))
    return data


# -- The refused passage, with the closest one the source contains ---------------------------


def test_a_refused_excerpt_names_the_closest_passage_of_the_source(client):
    client.force_login(make_analyst())
    source = make_source(title="Xi in Moscow", body=BODY)
    response = client.post(ADD_URL, claim_form(source, "reached a record hihg in 2022, increasing by 30 %"))
    assert response.status_code == 200
    page = response.content.decode()
    message = (
        "The excerpt “reached a record hihg in 2022, increasing by 30 %” is not in the source “Xi in Moscow”. "
        "The closest passage it contains: “reached a record high in 2022, increasing by 30%”."
    )
    # Beside its row (the row's own error list, inside the row)...
    row = page[page.index('id="citations-0"') : page.index('id="citations-empty"')]
    assert message in row
    # ...and named in the summary at the top, with a link to the row.
    summary = page[page.index('id="error-summary"') : page.index('id="citations-group"')]
    assert '<a href="#citations-0">Citation 1</a>' in summary and message in summary
    assert not Claim.objects.exists()


def test_no_closest_passage_is_offered_when_nothing_is_close():
    source = make_source(title="Xi in Moscow", body=BODY)
    citation = Claim.citations.rel.related_model(source=source, excerpt="Sanctions were lifted on Friday")
    assert citation.not_found() == "The excerpt “Sanctions were lifted on Friday” is not in the source “Xi in Moscow”."


def test_the_closest_passage_is_the_source_s_own_characters():
    source = make_source(body="He said: “We are for peace and dialogue.” Then he left.")
    citation = Claim.citations.rel.related_model(source=source, excerpt='"We are for peace and a dialogue."')
    assert citation.nearest_passage() == "“We are for peace and dialogue.”"


def test_a_quote_s_text_missing_from_its_excerpts_is_in_the_summary(client):
    client.force_login(make_analyst())
    source = make_source(body=BODY)
    speaker = make_quote().speaker
    data = {"text": "Words nobody said", "slug": "words", "speaker": speaker.pk, "language": "en"}
    data.update(
        inline_rows("citations", [{"source": source.pk, "excerpt": "Xi praised the ties.", "stance": "supports"}])
    )
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('id="error-summary"') : page.index('id="citations-group"')]
    assert '<a href="#citations-group">' in summary
    assert not Quote.objects.filter(slug="words").exists()


# -- The form: evidence right after the statement, the source's text for the pane -------------


def test_the_citations_come_right_after_the_statement_beside_the_source_pane(client):
    client.force_login(make_analyst())
    page = client.get(ADD_URL).content.decode()
    positions = [page.index(marker) for marker in ('id="id_statement"', 'id="citations-group"', 'id="source-pane"')]
    assert positions == sorted(positions)
    assert page.index('id="source-pane"') < page.index('id="id_quantity"')
    # Hidden until the script shows it: without JavaScript the form is as it was.
    assert re.search(r'<aside class="source-pane" id="source-pane" hidden', page)
    assert '<script src="/static/editorial/cite.js"></script>' in page
    assert "<script>" not in page  # no inline script: the Content-Security-Policy allows none


def test_the_pane_reads_a_source_s_text(client):
    client.force_login(make_analyst())
    source = make_source(title="Xi in Moscow", body=BODY, reliability="B")
    url = reverse("admin:claims_claim_source_text")
    answer = client.get(url, {"source": source.pk}).json()
    assert answer == {"id": source.pk, "title": "Xi in Moscow", "body": BODY, "reliability": "B – usually reliable"}
    assert client.get(url, {"source": "abc"}).status_code == 404
    assert client.get(url, {"source": str(2**70)}).status_code == 404
    client.logout()
    assert client.get(url, {"source": source.pk}).status_code == 302  # to the login page
    client.force_login(make_user("staff-without-rights", is_staff=True))
    assert client.get(url, {"source": source.pk}).status_code == 403


def test_save_and_submit_puts_a_new_claim_in_review(client):
    analyst = make_analyst()
    client.force_login(analyst)
    source = make_source(body=BODY)
    response = client.post(ADD_URL, {**claim_form(source, "increasing by 30%"), "_submit": "1"}, follow=True)
    claim = Claim.objects.get()
    assert claim.status == "in_review" and claim.submitted_at is not None
    assert "saved and submitted for review" in response.content.decode()


def test_save_and_submit_keeps_a_claim_the_workflow_refuses_as_a_draft(client):
    client.force_login(make_analyst())
    claim = make_claim(status="in_review")
    data = {"statement": claim.statement, "slug": claim.slug, "credibility": "6", "seen_version": claim.version}
    data.update(inline_rows("citations", []))
    data.update(inline_rows("relations_from", []))
    data["_submit"] = "1"
    response = client.post(reverse("admin:claims_claim_change", args=[claim.pk]), data, follow=True)
    assert "was saved but not submitted" in response.content.decode()


def test_the_grades_have_their_key_in_the_forms(client):
    client.force_login(make_editor())
    claim_form_page = client.get(ADD_URL).content.decode()
    assert "1 – confirmed by other sources; 2 – probably true;" in claim_form_page
    assert "6 – truth cannot be judged." in claim_form_page
    source_page = client.get(reverse("admin:sources_source_add")).content.decode()
    assert "A – completely reliable; B – usually reliable;" in source_page
    assert "F – reliability cannot be judged." in source_page


# -- The preview ---------------------------------------------------------------------------------


def preview(claim):
    return reverse("admin:claims_claim_preview", args=[claim.pk])


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_staff_preview_an_unpublished_claim_with_the_public_page(client, status):
    source = make_source(body=BODY)
    claim = make_claim(statement="Trade reached a record", status=status, citations=[(source, "a record high")])
    client.force_login(make_analyst())
    response = client.get(preview(claim))
    assert response.status_code == 200
    assert "claims/claim_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert (
        '<p class="preview-banner" id="preview-banner" role="status"><strong>Preview: not published.</strong>' in page
    )
    assert "<h1>Trade reached a record</h1>" in page and "a record high" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # Nothing was written: the entry is as it was, readers still get a 404.
    claim.refresh_from_db()
    assert claim.status == status and claim.verified_at is None
    client.logout()
    assert client.get(claim.get_absolute_url()).status_code == 404


def test_the_preview_is_a_404_to_anyone_but_staff(client):
    claim = make_claim(status="draft")
    assert client.get(preview(claim)).status_code == 404  # anonymous: not even the login page
    client.force_login(make_user("reader"))
    assert client.get(preview(claim)).status_code == 404
    client.force_login(make_user("staff-without-rights", is_staff=True))
    assert client.get(preview(claim)).status_code == 404
    client.force_login(make_analyst())
    assert client.get(preview(claim)).status_code == 200


def test_a_published_claim_has_no_preview_and_the_page_cache_never_keeps_one(client):
    client.force_login(make_analyst())
    assert client.get(preview(make_claim(status="verified"))).status_code == 404
    assert client.get(preview(make_claim(status="retracted", correction="Wrong."))).status_code == 404
    draft = make_claim(status="draft")
    # The same request twice: built each time (a cached page would not query the entry).
    for _ in range(2):
        response = client.get(preview(draft))
        assert response.status_code == 200 and response.get("ETag") is None


def test_a_change_to_a_published_claim_is_previewed_as_proposed(client):
    source = make_source(body=BODY)
    claim = make_claim(statement="Trade grew", status="verified", citations=[(source, "a record high")])
    editor = make_editor()
    client.force_login(editor)
    change_url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {"statement": "Trade grew to a record", "slug": claim.slug, "credibility": "6"}
    data["seen_version"] = claim.version
    data.update(inline_rows("citations", [], initial=0))
    citation = claim.citations.get()
    data.update(
        inline_rows(
            "citations",
            [{"id": citation.pk, "source": source.pk, "excerpt": "a record high", "stance": "supports"}],
            initial=1,
        )
    )
    data.update(inline_rows("relations_from", []))
    assert client.post(change_url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.has_proposal
    assert f'href="{preview(claim)}"' in client.get(change_url).content.decode()
    page = client.get(preview(claim)).content.decode()
    assert "<h1>Trade grew to a record</h1>" in page and "with a change draft" in page
    claim.refresh_from_db()
    assert claim.statement == "Trade grew"
    client.logout()
    assert "<h1>Trade grew</h1>" in client.get(claim.get_absolute_url()).content.decode()


def test_view_on_site_leads_to_the_preview_of_an_unpublished_entry(client):
    client.force_login(make_analyst())
    draft = make_claim(status="draft")
    page = client.get(reverse("admin:claims_claim_change", args=[draft.pk])).content.decode()
    assert f'href="{preview(draft)}" class="viewsitelink"' in page

    shortcut = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Claim).pk, draft.pk])
    assert client.get(shortcut)["Location"] == preview(draft)


# -- Your work on the admin home -------------------------------------------------------------------


def test_the_admin_home_shows_an_analyst_their_own_work(client):
    analyst, other = make_analyst("analyst"), make_analyst("other")
    make_claim(statement="My draft", created_by=analyst)
    make_claim(statement="Sent back to me", created_by=analyst, review_note="Cite the Kremlin transcript.")
    make_claim(statement="Mine in review", created_by=analyst, status="in_review")
    make_claim(statement="Someone else's draft", created_by=other)
    client.force_login(analyst)
    page = client.get(reverse("admin:index")).content.decode()
    work = page[page.index('id="my-work"') :]
    assert "My draft" in work and "Mine in review" in work
    assert "Sent back to me" in work and "Editor's note: “Cite the Kremlin transcript.”" in work
    assert "Someone else" not in work
    assert work.index("Sent back to me") < work.index("My draft") < work.index("Mine in review")
    assert 'id="home-review-queue"' not in page  # analysts verify nothing


def test_an_editor_sees_the_review_queue_first(client):
    editor = make_editor()
    make_claim(statement="Waiting for an editor", status="in_review", submission_note="Two sources.")
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert page.index('id="home-review-queue"') < page.index('id="my-work"')
    queue = page[page.index('id="home-review-queue"') : page.index('id="my-work"')]
    assert "Waiting for an editor" in queue and "“Two sources.”" in queue


def test_your_work_holds_what_you_worked_on_of_other_people_s_entries(client):
    analyst, other = make_analyst("analyst"), make_analyst("other")
    make_claim(statement="Their draft I edited", created_by=other, contributors=[other.pk, analyst.pk])
    # An id whose digits hold the analyst's ("31" holds "3"): not theirs.
    make_claim(statement="Someone else's work", created_by=other, contributors=[analyst.pk * 10 + 1])
    source = make_source(body=BODY)
    published = make_claim(statement="Published claim", status="verified", citations=[(source, "a record high")])
    Claim.objects.filter(pk=published.pk).update(
        proposal={"fields": {}, "parts": {}}, proposal_status="in_review", contributors=[analyst.pk]
    )
    client.force_login(analyst)
    page = client.get(reverse("admin:index")).content.decode()
    work = page[page.index('id="my-work"') :]
    assert "Their draft I edited" in work and "Someone else" not in work
    in_review = work[work.index("In review") :]
    assert "Published claim" in in_review and "a change to a published entry" in in_review


@pytest.mark.parametrize("make", [make_claim, make_quote, make_agreement])
def test_every_kind_of_entry_has_its_preview(client, make):
    entry = make(status="in_review")
    opts = entry._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[entry.pk])
    assert client.get(url).status_code == 404
    client.force_login(make_analyst())
    response = client.get(url)
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert f"{opts.app_label}/{opts.model_name}_detail.html" in [t.name for t in response.templates]
    assert "Preview: not published." in response.content.decode()


def test_the_agreements_list_still_sorts_by_title(client):
    make_agreement(title="Beta memorandum")
    make_agreement(title="Alpha protocol")
    client.force_login(make_analyst())
    page = client.get(reverse("admin:agreements_agreement_changelist"), {"o": "1"}).content.decode()
    assert page.index("Alpha protocol") < page.index("Beta memorandum")
    assert 'class="sortable column-heading_display sorted ascending"' in page
