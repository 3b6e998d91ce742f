"""Every change that readers will see is reviewed by someone who did not make it, while the
verified version stays public (issue 16).

Through the real admin, as an analyst and two editors, with the public pages read over
HTTP behind a warm page cache: the old version until approval, the new one on the very
next request after it.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from lxml import html
from reversion.models import Version

from apps.actors.models import Person
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.editorial import changes
from apps.quotes.models import Quote
from tests.builders import form_data, make_analyst, make_claim, make_editor, make_person, make_quote, make_source

pytestmark = pytest.mark.django_db

BODY = (
    "Bilateral trade between the two nations is expected to exceed $200 billion this year. "
    "Others said it would reach $300 billion by 2030. The talks lasted three days."
)


def change_url(entry):
    return reverse(f"admin:{entry._meta.app_label}_{entry._meta.model_name}_change", args=[entry.pk])


def transition_url(entry, name):
    return reverse(f"admin:{entry._meta.app_label}_{entry._meta.model_name}_transition", args=[entry.pk, name])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit(client, entry, changes):
    """Open the change form and save it with ``changes``, as a browser would."""
    page = client.get(change_url(entry))
    assert page.status_code == 200
    return client.post(change_url(entry), form_data(page.content.decode(), changes), follow=True)


def step(client, entry, name, note="", **extra):
    """Open a transition's page and press its button (the page sends the version it showed)."""
    page = client.get(transition_url(entry, name))
    assert page.status_code == 200
    version = html.fromstring(page.content).xpath('//form//input[@name="version"]/@value')[0]
    return client.post(transition_url(entry, name), {"version": version, "note": note, **extra}, follow=True)


def public(entry):
    """The entry's public page as a reader gets it: twice, so the second is from the page cache."""
    reader = Client()
    reader.get(entry.get_absolute_url())
    response = reader.get(entry.get_absolute_url())
    return response.status_code, html.fromstring(response.content) if response.status_code == 200 else None


def statement_shown(entry):
    status, page = public(entry)
    assert status == 200
    return page.xpath("//h1")[0].text_content().strip()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def verified_claim():
    author = make_analyst("author")
    source = make_source(body=BODY)
    claim = make_claim(
        statement="Trade will exceed $200 billion this year",
        status="verified",
        created_by=author,
        verified_by=make_editor("first-editor"),
        citations=[(source, "expected to exceed $200 billion this year")],
    )
    return claim


def test_an_editor_cannot_publish_his_own_change_and_readers_keep_the_verified_version(verified_claim):
    claim = verified_claim
    editor, other = make_editor("editor"), make_editor("other")
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"
    as_editor = signed_in(editor)
    response = edit(as_editor, claim, {"statement": "Trade will exceed $300 billion this year"})
    assert any("kept as a proposed change" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert claim.status == "verified" and claim.proposal_status == "draft"
    # Readers still see the verified statement, from the rows, cached or not.
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"
    step(as_editor, claim, "submit", note="The figure is $300 billion.")
    refused = step(as_editor, claim, "verify")
    page = refused.content.decode()
    assert "four-eyes" in page
    claim.refresh_from_db()
    assert claim.proposal_status == "in_review"
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"
    # Another editor sees what changes, word by word, with the note, and approves it.
    review = html.fromstring(signed_in(other).get(transition_url(claim, "verify")).content)
    rows = review.xpath('//table[@id="review-differences"]/tbody/tr')
    assert [row.xpath("th")[0].text_content() for row in rows] == ["Statement"]
    assert rows[0].xpath('td[@class="diff-before"]/del')[0].text_content() == "$200"
    assert rows[0].xpath('td[@class="diff-after"]/ins')[0].text_content() == "$300"
    assert "The figure is $300 billion." in review.xpath('//p[@class="submission-note"]')[0].text_content()
    step(signed_in(other), claim, "verify")
    assert statement_shown(claim) == "Trade will exceed $300 billion this year"
    claim.refresh_from_db()
    assert claim.verified_by.username == "other" and claim.proposal is None
    log = claim.publications.order_by("number")
    assert [(p.kind, p.published_by.username) for p in log] == [("first", "first-editor"), ("update", "other")]
    assert log.last().reason == "The figure is $300 billion."


def test_readers_see_that_an_entry_was_updated_and_its_log_of_versions(verified_claim):
    claim = verified_claim
    analyst, editor = make_analyst(), make_editor()
    edit(signed_in(analyst), claim, {"statement": "Trade will exceed $200 billion in 2023"})
    step(signed_in(analyst), claim, "submit", note="Name the year.", kind="correction")
    step(signed_in(editor), claim, "verify")
    status, page = public(claim)
    facts = {div.xpath("dt")[0].text_content(): div.xpath("dd")[0].text_content() for div in page.xpath("//dl/div")}
    assert "Updated" in facts
    versions = page.xpath('//section[@class="versions"]//li[contains(@class, "version")]')
    assert "Corrected: Name the year." in versions[0].text_content()
    assert "was “Trade will exceed $200 billion this year”" in versions[0].text_content()


def test_an_analysts_contradiction_waits_for_review_on_both_pages(verified_claim):
    claim = verified_claim
    other = make_claim(
        statement="Trade will reach $300 billion by 2030",
        status="verified",
        citations=[(claim.citations.get().source, "Others said it would reach $300 billion by 2030")],
    )
    analyst, editor = make_analyst(), make_editor()
    page = signed_in(analyst).get(change_url(claim)).content.decode()
    data = form_data(page)
    data.update(
        {
            "relations_from-TOTAL_FORMS": "1",
            "relations_from-0-kind": "contradicts",
            "relations_from-0-to_claim": str(other.pk),
            "relations_from-0-note": "One says this year, the other 2030.",
        }
    )
    response = signed_in(analyst).post(change_url(claim), data, follow=True)
    assert response.status_code == 200 and not ClaimRelation.objects.exists()
    for entry in (claim, other):
        _, page = public(entry)
        assert (
            page.xpath('//p[@class="corroboration"]//*[contains(@class, "badge")]')[0].text_content().strip()
            != "disputed"
        )
    step(signed_in(analyst), claim, "submit")
    step(signed_in(editor), claim, "verify")
    for entry in (claim, other):
        _, page = public(entry)
        assert (
            page.xpath('//p[@class="corroboration"]//*[contains(@class, "badge")]')[0].text_content().strip()
            == "disputed"
        )


def test_a_bulk_verify_acts_only_on_the_version_the_editor_saw():
    analyst, editor = make_analyst(), make_editor()
    entry = make_claim(
        statement="Talks lasted three days",
        status="in_review",
        created_by=analyst,
        citations=[(make_source(body=BODY), "The talks lasted three days")],
    )
    as_editor = signed_in(editor)
    listing = html.fromstring(as_editor.get(reverse("admin:claims_claim_changelist")).content)
    seen = {i.get("name"): i.get("value") for i in listing.xpath('//input[starts-with(@name, "seen_version_")]')}
    assert seen == {f"seen_version_{entry.pk}": str(entry.version)}
    edit(signed_in(analyst), entry, {"statement": "Talks lasted three days and nights"})
    response = as_editor.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "verify_selected", "_selected_action": [entry.pk], "index": "0", **seen},
        follow=True,
    )
    assert any("was changed by" in m and "after you opened it" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.status == "in_review"
    assert public(entry)[0] == 404


def test_a_one_word_fix_keeps_the_entry_public_and_restoring_the_old_text_withdraws_the_change(verified_claim):
    claim = verified_claim
    analyst = make_analyst()
    edit(signed_in(analyst), claim, {"statement": "Trade will exceed $200 billion this yaer"})
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"
    response = edit(signed_in(analyst), claim, {"statement": "Trade will exceed $200 billion this year"})
    assert any("no change waits for review" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert claim.proposal is None and claim.proposal_status == ""
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"


def test_restore_proposes_the_old_version_and_its_preview_lists_exactly_what_it_writes(verified_claim):
    claim = verified_claim
    analyst, editor, second = make_analyst(), make_editor(), make_editor()
    edit(signed_in(analyst), claim, {"statement": "Trade will exceed $250 billion this year"})
    step(signed_in(analyst), claim, "submit")
    step(signed_in(editor), claim, "verify")
    assert statement_shown(claim) == "Trade will exceed $250 billion this year"
    first = Version.objects.get_for_object(claim).order_by("pk").first()
    restore = reverse("admin:claims_claim_restore", args=[claim.pk, first.pk])
    preview = html.fromstring(signed_in(second).get(restore).content)
    rows = [[cell.text_content() for cell in row.xpath("th|td")] for row in preview.xpath("//table/tbody/tr")]
    assert rows == [
        ["statement", "Trade will exceed $250 billion this year", "Trade will exceed $200 billion this year"]
    ]
    assert "Status" not in preview.text_content().split("Restore")[-1] or "status does not change" in (
        preview.text_content()
    )
    signed_in(second).post(restore, form_data(signed_in(second).get(restore).content.decode()))
    claim.refresh_from_db()
    assert claim.status == "verified" and claim.proposal_status == "draft"
    assert claim.proposal["fields"]["statement"] == "Trade will exceed $200 billion this year"
    assert statement_shown(claim) == "Trade will exceed $250 billion this year"


def test_the_submission_note_reaches_the_reviewer_and_the_send_back_note_the_author(verified_claim):
    claim = verified_claim
    analyst, editor = make_analyst("writer"), make_editor()
    edit(signed_in(analyst), claim, {"statement": "Trade will exceed $210 billion this year"})
    step(signed_in(analyst), claim, "submit", note="A newer estimate.")
    queue = html.fromstring(signed_in(editor).get(reverse("review_queue")).content)
    row = queue.xpath('//table[@id="review-queue"]/tbody/tr')[0]
    assert [cell.text_content() for cell in row.xpath("td")][3:5] == ["change", "A newer estimate."]
    step(signed_in(editor), claim, "send_back", note="Cite the newer estimate first.")
    mine = html.fromstring(signed_in(analyst).get(reverse("sent_back")).content)
    rows = mine.xpath('//table[@id="sent-back"]/tbody/tr')
    assert [row.xpath("td[3]")[0].text_content() for row in rows] == ["Cite the newer estimate first."]
    form = signed_in(analyst).get(change_url(claim)).content.decode()
    assert (
        "Sent back: “Cite the newer estimate first.”"
        in html.fromstring(form).xpath('//div[@id="proposal-status"]')[0].text_content()
    )
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"


def test_a_moved_passage_flags_the_entry_for_an_editor_and_check_corpus_reports_it(verified_claim):
    claim = verified_claim
    source = claim.citations.get().source
    analyst, editor = make_analyst(), make_editor()
    url = reverse("admin:sources_source_change", args=[source.pk])
    page = signed_in(analyst).get(url).content.decode()
    signed_in(analyst).post(url, form_data(page, {"body": "Preface added. " + BODY}))
    claim.refresh_from_db()
    assert claim.evidence_changed_at is not None and "moved" in claim.evidence_change
    assert statement_shown(claim) == "Trade will exceed $200 billion this year"  # still public
    queue = html.fromstring(signed_in(editor).get(reverse("review_queue")).content)
    assert [a.text_content() for a in queue.xpath('//table[@id="evidence-queue"]//a')] == [str(claim)]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_corpus", stdout=out, stderr=StringIO())
    assert "Its evidence changed" in out.getvalue()
    step(signed_in(editor), claim, "check_evidence")
    claim.refresh_from_db()
    assert claim.evidence_changed_at is None
    call_command("check_corpus", stdout=StringIO(), stderr=StringIO())


def test_check_corpus_reports_what_arrived_outside_review(verified_claim):
    claim = verified_claim
    # A verified entry written by SQL, with no approval; a published one changed in place.
    sneaked = make_claim(statement="Sneaked in", citations=[(claim.citations.get().source, "The talks lasted")])
    Claim.objects.filter(pk=sneaked.pk).update(status="verified", verified_at=claim.verified_at)
    Claim.objects.filter(pk=claim.pk).update(statement="Changed in place")
    ClaimCitation.objects.filter(claim=claim).update(note="an unreviewed note")
    # An approval recorded by someone who contributed to it.
    publication = claim.publications.get()
    publication.contributors = [publication.published_by_id]
    publication.save()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_corpus", stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert f"claim {sneaked.slug}: It is verified, but no approval of it is recorded" in report
    assert f"claim {claim.slug}: Readers see a version that no editor approved" in report
    assert f"claim {claim.slug}: It was approved on" in report and "by someone who contributed to it" in report


# -- Imports go through the same review ----------------------------------------------------


def export_verified():
    out = StringIO()
    call_command("export_fixtures", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def import_file(tmp_path, objects, *options):
    path = tmp_path / "from-elsewhere.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_fixtures", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_import_adding_contradicting_evidence_to_a_published_claim_proposes_it(verified_claim, tmp_path):
    claim = verified_claim
    citation = next(obj for obj in export_verified() if obj["model"] == "claims.claimcitation")
    excerpt = "Others said it would reach $300 billion by 2030"
    start = BODY.index(excerpt)
    citation["fields"].update(excerpt=excerpt, stance="contradicts", start=start, end=start + len(excerpt))
    out = import_file(tmp_path, [citation])
    assert "proposed a change to claims.claim" in out
    claim.refresh_from_db()
    assert claim.citations.count() == 1 and claim.stored_corroboration().label == "1 source"
    assert [row["fields"]["stance"] for row in claim.proposal["parts"]["citations"]] == ["supports", "contradicts"]
    _, page = public(claim)
    assert (
        page.xpath('//p[@class="corroboration"]//*[contains(@class, "badge")]')[0].text_content().strip() == "1 source"
    )


def test_an_import_never_publishes_a_draft(verified_claim, tmp_path):
    draft = make_claim(statement="A draft", citations=[(verified_claim.citations.get().source, "The talks lasted")])
    exported = [obj for obj in export_verified() if obj["model"] == "claims.claim"][0]
    exported["fields"]["slug"] = draft.slug
    out = import_file(tmp_path, [exported], "--update")
    draft.refresh_from_db()
    assert draft.status == "draft" and public(draft)[0] == 404
    assert f"kept claims.claim “{draft.slug}”" in out and "status, verified_at" in out


def test_an_import_into_an_empty_instance_keeps_the_verified_record_and_says_where_it_came_from(
    verified_claim, tmp_path
):
    objects = export_verified()
    objects = [obj for obj in objects if not obj["model"].endswith("publication")]  # an older instance's file
    Claim.objects.all().delete()
    import_file(tmp_path, objects)
    claim = Claim.objects.get()
    assert claim.status == "verified"
    publication = claim.publications.get()
    assert (publication.kind, publication.reason) == ("imported", "Imported from from-elsewhere.json.")
    call_command("check_corpus", stdout=StringIO(), stderr=StringIO())  # sound: nothing to report


# -- Words said together: a co-speaker is a change like any other ---------------------------

ARTICLE = 'Furthermore, to end the Ukraine conflict, the two leaders urged for a "responsible dialogue."'


@pytest.fixture
def verified_quote():
    xi = make_person(name="Xi Jinping", slug="xi-jinping")
    make_person(name="Vladimir Putin", slug="vladimir-putin")
    return make_quote(
        text="responsible dialogue",
        slug="responsible-dialogue",
        speaker=xi,
        status="verified",
        created_by=make_analyst("quote-author"),
        verified_by=make_editor("first-editor"),
        citations=[(make_source(body=ARTICLE), 'the two leaders urged for a "responsible dialogue."')],
    )


def speaker_line(entry):
    status, page = public(entry)
    assert status == 200
    return " ".join(page.xpath('//p[@class="quote-speaker"]')[0].text_content().split())


def test_a_co_speaker_added_to_a_published_quote_reaches_readers_only_once_another_editor_approves(verified_quote):
    quote = verified_quote
    putin = Person.objects.get(slug="vladimir-putin")
    editor, other = make_editor("proposer"), make_editor("approver")
    as_editor = signed_in(editor)
    response = edit(as_editor, quote, {"co_speakers": str(putin.pk)})
    assert any("kept as a proposed change" in m for m in messages_of(response))
    quote.refresh_from_db()
    assert quote.proposal["links"]["co_speakers"] == [["vladimir-putin"]]
    # Readers see the published quote, and nothing public names Putin yet.
    assert list(quote.co_speakers.all()) == []
    assert speaker_line(quote) == "— Xi Jinping"
    assert Client().get("/people/vladimir-putin/").status_code == 404
    step(as_editor, quote, "submit", note="Article 1 gives the words to both leaders.")
    assert "four-eyes" in step(as_editor, quote, "verify").content.decode()
    assert speaker_line(quote) == "— Xi Jinping"
    # The reviewer sees who is added, against the published version.
    review = html.fromstring(signed_in(other).get(transition_url(quote, "verify")).content)
    rows = review.xpath('//table[@id="review-differences"]/tbody/tr')
    assert [row.xpath("th")[0].text_content() for row in rows] == ["Said with"]
    assert rows[0].xpath('td[@class="diff-after"]/ins')[0].text_content() == "Vladimir Putin"
    step(signed_in(other), quote, "verify")
    assert speaker_line(quote) == "— Xi Jinping and Vladimir Putin"
    assert "responsible dialogue" in Client().get("/people/vladimir-putin/").content.decode()
    assert quote.publications.order_by("number").last().changes[0]["after"] == "Vladimir Putin"
    call_command("check_corpus", stdout=StringIO(), stderr=StringIO())  # the approval is of what readers see


def test_a_proposed_change_that_breaks_the_co_speaker_rule_is_refused_on_approval(verified_quote):
    """A proposal the form would refuse (kept from elsewhere: an import, a restore) does
    not reach readers either: approving writes it through the same rule."""
    quote = verified_quote
    published = changes.state(quote)
    proposal = {**published, "links": {**published["links"], "co_speakers": [["xi-jinping"]]}}
    Quote.objects.filter(pk=quote.pk).update(proposal=proposal, proposal_status="in_review")
    refused = step(signed_in(make_editor()), quote, "verify")
    assert "Xi Jinping is the speaker" in refused.content.decode()
    assert list(quote.co_speakers.all()) == [] and speaker_line(quote) == "— Xi Jinping"


def test_an_import_adding_a_co_speaker_to_a_published_quote_proposes_it(verified_quote, tmp_path):
    quote = verified_quote
    exported = [obj for obj in export_verified() if obj["model"] in ("actors.person", "quotes.quote")]
    exported.append({"model": "actors.person", "fields": {"name": "Vladimir Putin", "slug": "vladimir-putin"}})
    next(obj for obj in exported if obj["model"] == "quotes.quote")["fields"]["co_speakers"] = [["vladimir-putin"]]
    out = import_file(tmp_path, exported, "--update")
    assert "proposed a change to quotes.quote" in out
    quote.refresh_from_db()
    assert quote.proposal["links"]["co_speakers"] == [["vladimir-putin"]]
    assert list(quote.co_speakers.all()) == [] and speaker_line(quote) == "— Xi Jinping"
