"""Every dispute carries its reason: the note the analyst wrote on a contradicting
passage, or on a relation between two claims, is shown wherever the dispute is — the
claim's page, "Where sources differ" on the overview and on the event's page, the feed
and the API. Read from the parsed pages, not as substrings."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from apps.claims.models import Claim, ClaimRelation
from tests import html
from tests.builders import make_summit_corpus

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
WHY = "Why they differ: "


def reasons(document, selector):
    """The reasons shown in the element ``selector`` matches: ``[(where, reason)]``."""
    return [
        html.text(r).removeprefix(WHY)
        for scope in document.select(selector)
        for r in scope.select(".dispute-reason, .difference-reason")
    ]


def claim_disputes(client, claim):
    page = html.page(client.get(claim.get_absolute_url()))
    return {
        (html.the_text(item, ".dispute-with a"), html.the_text(item, ".dispute-reason").removeprefix(WHY))
        for item in page.select(".disputes .dispute")
    }


def test_every_reason_the_analysts_wrote_in_the_shipped_corpus_is_shown(client, shipped_corpus):
    call_command("loaddata", str(shipped_corpus), verbosity=0)
    relations = list(
        ClaimRelation.objects.filter(
            kind="contradicts", from_claim__status="verified", to_claim__status="verified"
        ).select_related("from_claim__event", "to_claim__event")
    )
    assert len(relations) == 3 and all(r.note for r in relations)
    home = reasons(html.page(client.get("/")), ".differences .difference")
    for relation in relations:
        one, other = relation.from_claim, relation.to_claim
        # On each claim's page, beside the claim that says otherwise.
        assert (other.statement, relation.note) in claim_disputes(client, one)
        assert (one.statement, relation.note) in claim_disputes(client, other)
        assert relation.note in home
        for event in {one.event, other.event} - {None}:
            assert relation.note in reasons(html.page(client.get(event.get_absolute_url())), ".differences")


def test_a_contradicting_passage_carries_its_own_note_everywhere(client):
    make_summit_corpus()
    claim = Claim.objects.get(slug="one-joint-statement")
    note = "Article 2 counts two joint statements; article 1 rests its one on unnamed media sources."
    passage = "In two joint statements issued during the summit"
    page = html.page(client.get(claim.get_absolute_url()))
    (dispute,) = page.select(".disputes .dispute")
    assert html.the_text(dispute, ".dispute-with a") == "Putin and Xi sign over a dozen agreements in Moscow"
    assert html.the_text(dispute, ".dispute-passage") == passage
    assert html.the_text(dispute, ".dispute-reason") == WHY + note
    # Where sources differ, on the overview and the page of the event the claim is about.
    for url in ["/", claim.event.get_absolute_url()]:
        (difference,) = [
            d
            for d in html.page(client.get(url)).select(".differences .difference")
            if html.text(d.select_one("h3 a, h2 a")) == claim.statement
        ]
        assert reasons(difference, ".passages") == [note], url
    # In the feed's content and in the API.
    feed = ET.fromstring(client.get("/feeds/verified/").content)
    (entry,) = [
        e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}id").text == "claims.claim:one-joint-statement"
    ]
    content = html.text(BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser"))
    assert f"says otherwise: “{passage}”. {WHY}{note}" in content
    api = json.loads(client.get(f"/api/claims/{claim.slug}/").content)
    assert [(d["passage"]["passage"], d["reason"]) for d in api["disputes"]] == [(passage, note)]


def test_two_claims_that_contradict_each_other_show_the_relations_note_on_both_sides(client):
    make_summit_corpus()
    several, fourteen = (
        Claim.objects.get(slug="several-documents-signed"),
        Claim.objects.get(slug="fourteen-agreements-signed"),
    )
    assert claim_disputes(client, several) == {(fourteen.statement, "How many documents?")}
    assert claim_disputes(client, fourteen) == {(several.statement, "How many documents?")}
    # Among the cross-references too, as a note of the relation.
    page = html.page(client.get(several.get_absolute_url()))
    assert html.texts(page, ".relations .relation-note") == ["How many documents?"]
    (pair,) = [d for d in html.page(client.get("/")).select(".difference") if d.select(".versus")]
    assert [html.text(h) for h in pair.select(".difference-side-title")] == [several.statement, fourteen.statement]
    assert html.the_text(pair, ".difference-reason") == WHY + "How many documents?"


def test_a_dispute_without_a_note_says_no_reason_was_recorded(client):
    make_summit_corpus()
    ClaimRelation.objects.filter(kind="contradicts").update(note="")
    page = html.page(client.get("/claims/several-documents-signed/"))
    assert html.texts(page, ".disputes .dispute-reason") == ["No reason was recorded for this one."]


def test_an_undisputed_claim_has_no_disputes_section(client):
    make_summit_corpus()
    page = html.page(client.get("/claims/putin-praised-peace-plan/"))
    assert page.select(".disputes") == []
