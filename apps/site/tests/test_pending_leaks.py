"""Nothing of a pending or refused change appears on any public page, feed, sitemap,
search result, CSV or export of verified entries (issue 16).

Published entries of the summit corpus get proposed changes that carry the word SECRET
every way they can (statement, quote text, title, a new citation of a passage nothing
published cites, a hidden topic, a contradiction), some in review, some sent back; then
every public address is crawled and the default export read.
"""

import copy
import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.editorial import changes
from apps.editorial.models import Topic
from tests.builders import make_summit_corpus

from .crawl import crawl, internal_links
from .test_public_leaks import HIDDEN_PASSAGE, QUERY, SECRET, filtered_lists, text_of

pytestmark = pytest.mark.django_db


def propose(entry, status, edit):
    """Give a published entry a proposed change, as the admin keeps one."""
    proposed = copy.deepcopy(changes.state(entry))
    edit(proposed)
    entry.proposal, entry.proposal_status, entry.review_note = proposed, status, ""
    if status == "draft":
        entry.review_note = f"{SECRET}: sent back"
    entry.save()


@pytest.fixture
def pending():
    corpus = make_summit_corpus()
    report_a, _ = corpus["sources"]
    Topic.objects.create(name=f"{SECRET} affairs", slug="hidden-affairs")
    claim, other = corpus["claims"][0], corpus["claims"][2]
    assert claim.status == other.status == "verified"
    verdicts = {entry.pk: type(entry).objects.get(pk=entry.pk).stored_corroboration().label for entry in (claim, other)}

    def claim_edit(state):
        state["fields"]["statement"] = f"{SECRET} statement"
        state["links"]["topics"].append(["hidden-affairs"])
        state["parts"]["citations"].append(
            {
                "id": -1,
                "fields": {"source": [report_a.slug], "excerpt": HIDDEN_PASSAGE, "stance": "supports", "note": ""},
            }
        )
        state["parts"]["relations_from"].append(
            {"id": -2, "fields": {"to_claim": [other.slug], "kind": "contradicts", "note": f"{SECRET} reason"}}
        )

    propose(claim, "in_review", claim_edit)
    quote = corpus["quotes"][0]
    propose(quote, "draft", lambda state: state["fields"].update(text=f"{SECRET} words"))
    agreement = corpus["agreements"][0]
    propose(agreement, "in_review", lambda state: state["fields"].update(title=f"{SECRET} title"))
    return {"corpus": corpus, "claim": claim, "other": other, "verdicts": verdicts}


def test_no_public_address_shows_a_pending_change(client, pending):
    pages = crawl(client, ["/", *filtered_lists(pending["corpus"]), f"/claims/?q={QUERY}", "/search/?q=statement"])
    assert len(pages) > 60
    retracted = set(internal_links(pages["/corrections/"].content.decode()))  # each answers 410 Gone
    for url, response in pages.items():
        body = response.content.decode() if not response.streaming else b"".join(response.streaming_content).decode()
        # The lists name the API addresses of test_public_leaks's hidden entries: none exist here.
        absent = url.startswith("/api/") and "hidden" in url
        assert (
            response.status_code in (200, 400)
            or absent
            and response.status_code == 404
            or url in retracted
            and response.status_code == 410
        ), (url, response)
        assert SECRET not in text_of(body), url
        if not url.startswith(("/sources/", "/search/")):
            assert HIDDEN_PASSAGE not in body, url
    # The contradiction waits for review: each claim's verdict is as it was.
    for entry in (pending["claim"], pending["other"]):
        page = client.get(entry.get_absolute_url()).content.decode()
        verdict = re.search(r'<p class="corroboration">.*?(<span class="badge.*?</span>)', page, re.S).group(1)
        assert re.sub(r"<[^>]+>", "", verdict).strip() == pending["verdicts"][entry.pk]


def test_an_export_of_verified_entries_carries_no_pending_change_and_a_backup_keeps_it(pending):
    out = StringIO()
    call_command("export_fixtures", stdout=out, stderr=StringIO())
    assert SECRET not in out.getvalue()
    assert '"proposal": null' in out.getvalue()
    backup = StringIO()
    call_command("export_fixtures", "--all", stdout=backup, stderr=StringIO())
    assert f"{SECRET} statement" in backup.getvalue()
