"""The stored corroboration of every entry equals what ``corroboration()`` computes, after
every kind of change, and the public filter reads it."""

import json
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.editorial import registry
from apps.editorial import stored_corroboration as corroboration
from apps.quotes.models import Quote, QuoteCitation
from apps.sources.models import Source
from tests import html
from tests.builders import (
    make_claim,
    make_editor,
    make_organization,
    make_quote,
    make_source,
    make_summit_corpus,
)

pytestmark = pytest.mark.django_db

EXCERPTS = ["three-day visit", "said Xi", "Moscow"]


def computed():
    """``{(model, pk): (level, supporting sources)}`` from ``corroboration()`` itself, as
    readers see it (only a verified claim's contradiction disputes another)."""
    values = {}
    claims = Claim.objects.annotate(contradicted=Claim.objects.all().public_contradiction())
    for queryset in (claims, Quote.objects.all(), Agreement.objects.all()):
        citations = queryset.model.citations.rel.related_model.objects.select_related("source")
        for entry in queryset.prefetch_related(Prefetch("citations", queryset=citations), "citations__source__relays"):
            result = entry.corroboration()
            values[(queryset.model, entry.pk)] = (result.level, result.supporting_sources)
    return values


def stored():
    return {
        (model, pk): (level, count)
        for model in (Claim, Quote, Agreement)
        for pk, level, count in model.objects.values_list("pk", "corroboration_level", "supporting_sources")
    }


def public_list(client, level):
    response = client.get(f"/claims/?corroboration={level}")
    assert response.status_code == 200
    return {c.slug for c in Claim.objects.all() if f'href="/claims/{c.slug}/"' in response.content.decode()}


class Editor:
    """Random edits through the models' ordinary saves and deletes, one input of the rule at a time."""

    def __init__(self, rng):
        self.rng = rng
        self.outlets = [make_organization() for _ in range(3)]
        self.sources = [make_source(outlet=self.rng.choice([None, *self.outlets])) for _ in range(5)]
        for _ in range(4):
            make_claim(status=self.rng.choice(["draft", "verified"]))
        make_quote(status="verified")

    def pick(self, queryset):
        rows = list(queryset.order_by("pk"))
        return self.rng.choice(rows) if rows else None

    def cite(self):
        model, citation_model = self.rng.choice([(Claim, ClaimCitation), (Quote, QuoteCitation)])
        entry, source = self.pick(model.objects.all()), self.rng.choice(self.sources)
        excerpt = self.rng.choice(EXCERPTS)
        field = citation_model.entry_field
        if entry is None or citation_model.objects.filter(**{field: entry}, source=source, excerpt=excerpt).exists():
            return
        stance = self.rng.choice(["supports", "supports", "contradicts", "mentions"])
        citation_model.objects.create(**{field: entry}, source=source, excerpt=excerpt, stance=stance)

    def restance(self):
        if citation := self.pick(ClaimCitation.objects.all()):
            citation.stance = self.rng.choice(["supports", "contradicts", "mentions"])
            citation.save()

    def move(self):
        citation, claim = self.pick(ClaimCitation.objects.all()), self.pick(Claim.objects.all())
        if citation and claim and not ClaimCitation.objects.filter(claim=claim, source=citation.source).exists():
            citation.claim = claim
            citation.save()

    def uncite(self):
        if citation := self.pick(ClaimCitation.objects.all()):
            citation.delete()

    def relate(self):
        first, second = self.pick(Claim.objects.all()), self.pick(Claim.objects.all())
        kind = self.rng.choice(["contradicts", "contradicts", "refines"])
        if first and second and first != second:
            ClaimRelation.objects.get_or_create(from_claim=first, to_claim=second, kind=kind)

    def rekind(self):
        if relation := self.pick(ClaimRelation.objects.all()):
            relation.kind = "refines" if relation.kind == "contradicts" else "contradicts"
            if not ClaimRelation.objects.filter(
                from_claim=relation.from_claim, to_claim=relation.to_claim, kind=relation.kind
            ).exists():
                relation.save()

    def unrelate(self):
        if relation := self.pick(ClaimRelation.objects.all()):
            relation.delete()

    def restatus(self):
        if claim := self.pick(Claim.objects.all()):
            claim.status = self.rng.choice(["draft", "in_review", "verified", "retracted"])
            claim.save()

    def reoutlet(self):
        source = self.rng.choice(self.sources)
        source.refresh_from_db()
        source.outlet = self.rng.choice([None, *self.outlets])
        source.save()

    def relay(self):
        source, outlet = self.rng.choice(self.sources), self.rng.choice(self.outlets)
        self.rng.choice([source.relays.add, source.relays.remove])(outlet)

    def relay_reverse(self):
        source, outlet = self.rng.choice(self.sources), self.rng.choice(self.outlets)
        self.rng.choice([outlet.relayed_by.add, outlet.relayed_by.remove])(source)

    def clear_relays(self):
        if self.rng.random() < 0.5:
            self.rng.choice(self.sources).relays.clear()
        else:
            self.rng.choice(self.outlets).relayed_by.clear()

    def delete_claim(self):
        if Claim.objects.count() > 3 and (claim := self.pick(Claim.objects.all())):
            claim.delete()

    def add_claim(self):
        make_claim(status=self.rng.choice(["draft", "verified"]))

    def random_edit(self):
        edits = [name for name in dir(self) if callable(getattr(self, name)) and not name.startswith(("_", "pick"))]
        name = self.rng.choice([e for e in edits if e != "random_edit"])
        getattr(self, name)()
        return name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_equals_computed_after_every_random_edit(seed):
    editor = Editor(random.Random(seed))
    done = []
    for _ in range(40):
        done.append(editor.random_edit())
        assert stored() == computed(), f"after {done}"
    assert {"relate", "restatus", "reoutlet", "relay", "move"} <= set(done)  # the inputs were exercised


def test_a_form_loaded_before_a_citation_changed_does_not_write_the_old_value_back():
    source = make_source()
    claim = make_claim(status="verified")
    stale = Claim.objects.get(pk=claim.pk)
    ClaimCitation.objects.create(claim=claim, source=source, excerpt="said Xi")
    stale.statement = "Edited"
    stale.save()
    assert Claim.objects.values_list("corroboration_level", "supporting_sources").get(pk=claim.pk) == ("single", 1)


def test_a_contradiction_disputes_a_published_claim_only_once_its_author_claim_is_verified(client):
    source = make_source()
    published = make_claim(status="verified", citations=[(source, "said Xi")], slug="published")
    draft = make_claim(status="draft", slug="contradicting")
    ClaimRelation.objects.create(from_claim=draft, to_claim=published, kind="contradicts")
    assert "published" in public_list(client, "single") and "published" not in public_list(client, "disputed")
    draft.status, draft.verified_by = "verified", make_editor()
    draft.save()
    assert "published" in public_list(client, "disputed")
    draft.status = "retracted"
    draft.save()
    assert "published" not in public_list(client, "disputed")


def test_the_public_filter_reads_the_stored_level(client):
    evidence = [(make_source(), "said Xi")]
    claim = make_claim(status="verified", verified_at=timezone.now(), citations=evidence, slug="filtered")
    assert public_list(client, "single") == {"filtered"}
    # Behind the models' back, as a bulk write would: the filter follows the stored field.
    Claim.objects.filter(pk=claim.pk).update(corroboration_level="disputed")
    assert public_list(client, "single") == set() and public_list(client, "disputed") == {"filtered"}
    # So does each row's badge: a list reads no evidence, and agrees with its filter.
    listed = html.entries(html.page(client.get("/claims/?corroboration=disputed")))
    assert html.the_text(listed[claim.statement], ".badge") == "disputed"
    out = StringIO()
    with pytest.raises(Exception, match="1 problem"):
        call_command("check_corpus", stdout=out, stderr=StringIO())
    assert "claim filtered: Its stored corroboration (disputed, 1 source(s)) is stale: it is single, 1 source(s)." in (
        out.getvalue()
    )


def test_every_badge_of_a_list_is_the_one_the_entrys_own_page_shows(client):
    # The lists read the stored values, an entry's page computes them from the evidence
    # it shows: disputed by a relation or a citation, independent sources, a relay.
    make_summit_corpus()
    checked = 0
    for url in ["/claims/", "/quotes/", "/agreements/", "/search/?q=agreements", "/search/?q=Putin"]:
        for item in html.page(client.get(url)).select(".entry-list .entry:not(.entry-source)"):
            address = html.hrefs(item.select_one(".entry-title, .entry-quote-text"))[0]
            own = html.the_text(html.page(client.get(address)), ".corroboration .badge")
            assert html.the_text(item, ".badge") == own, (url, address)
            checked += 1
    assert checked >= 15


def test_refresh_all_stores_the_values_of_every_kind_of_entry():
    make_claim(status="verified", citations=[(make_source(), "said Xi"), (make_source(), "Moscow")])
    make_quote(citations=[(make_source(), "We’re always for peace and dialogue", "contradicts")])
    expected = stored()
    for model in (Claim, Quote):
        model.objects.update(corroboration_level="none", supporting_sources=0)
    for model in registry.entry_models():
        corroboration.refresh_all(model)
    assert stored() == expected == computed()
    assert {v[0] for v in expected.values()} == {"corroborated", "disputed"}


def test_loaddata_stores_the_values_when_its_transaction_commits(tmp_path, django_capture_on_commit_callbacks):
    outlet = make_organization()
    first, second = make_source(outlet=outlet), make_source()
    claim = make_claim(status="verified", citations=[(first, "said Xi"), (second, "Moscow")], slug="loaded")
    fixture = tmp_path / "claims.json"
    call_command(
        "dumpdata", "claims.claim", "claims.claimcitation", natural_foreign=True, natural_primary=True, output=fixture
    )
    assert "corroboration_level" not in fixture.read_text()  # derived, never exported
    # The file's citations come before or after their claim; either way, what counts is the commit.
    objects = json.loads(fixture.read_text())
    fixture.write_text(json.dumps(list(reversed(objects))))
    ClaimCitation.objects.all().delete()
    Claim.objects.filter(pk=claim.pk).update(status="draft")
    assert stored()[(Claim, claim.pk)] == ("none", 0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(fixture), verbosity=0)
    assert stored()[(Claim, claim.pk)] == ("corroborated", 2) == computed()[(Claim, claim.pk)]
    second.outlet = outlet
    second.save()  # an ordinary save recomputes at once
    assert stored()[(Claim, claim.pk)] == ("single", 1)


def test_a_rolled_back_load_does_not_stop_the_next_one_from_storing_its_values(
    tmp_path, django_capture_on_commit_callbacks
):
    claim = make_claim(status="verified", citations=[(make_source(), "said Xi"), (make_source(), "Moscow")])
    fixture = tmp_path / "claims.json"
    call_command(
        "dumpdata", "claims.claim", "claims.claimcitation", natural_foreign=True, natural_primary=True, output=fixture
    )
    ClaimCitation.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)
        raise RuntimeError("the load fails: its recomputation goes with it")
    assert stored()[(Claim, claim.pk)] == ("none", 0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(fixture), verbosity=0)
    assert stored()[(Claim, claim.pk)] == ("corroborated", 2) == computed()[(Claim, claim.pk)]


def test_a_source_that_comes_to_relay_the_other_ones_outlet_makes_one_source():
    outlet = make_organization()
    first, second = make_source(outlet=outlet), make_source()
    claim = make_claim(status="verified", citations=[(first, "said Xi"), (second, "Moscow")])
    assert stored()[(Claim, claim.pk)] == ("corroborated", 2)
    Source.objects.get(pk=second.pk).relays.add(outlet)
    assert stored()[(Claim, claim.pk)] == ("single", 1)
