"""The shipped seed corpus, fixtures/summit-2023.json: it loads, its evidence is anchored, and it
records the two articles faithfully.

The two articles are the seed files 000_e11c7ee817374028.txt (article 1, Ezba Walayat, 3 April 2023)
and 004_47ca6c374b0e8aa6.txt (article 2, untitled, 22 March 2023, relays RT).
"""

import hashlib
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import TestCase

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.editorial.models import Status, Topic
from apps.events.models import Event
from apps.interchange.management.commands.bootstrap import SEED_FIXTURE
from apps.quotes.models import Quote, QuoteCitation
from apps.sources import text
from apps.sources.models import Source

FIXTURE = SEED_FIXTURE
# Each test fails with a clear message when the file is missing (see the plugin).
pytestmark = pytest.mark.usefixtures("shipped_corpus")

ARTICLE_1 = "walayat-strengthening-alliances-2023-04-03"
ARTICLE_2 = "untitled-report-2023-03-22-putin-xi-agreements"
# SHA-256 of each seed file's text with only its leading and trailing whitespace stripped.
BODY_SHA256 = {
    ARTICLE_1: "b45840a9d9856538fab1f9068ade04ef49161de813812001e3c714b1c998655f",
    ARTICLE_2: "bb167f3fd81954ec0304024b6cda21b546563a6961d0b3ca5a7e50548e469471",
}
ENTRY_MODELS = (Claim, Quote, Agreement)
CITATION_MODELS = (ClaimCitation, QuoteCitation, AgreementCitation)
USER_FIELDS = ("created_by", "updated_by", "verified_by")


def fixture_objects():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def all_citations():
    return [c for model in CITATION_MODELS for c in model.objects.select_related("source")]


def supporting_sources(entry):
    return {c.source.slug for c in entry.citations.all() if c.stance == "supports"}


# --- The file itself ---------------------------------------------------------------------------------


def test_the_file_uses_natural_keys_and_no_user_accounts():
    objects = fixture_objects()
    assert objects, "the fixture is empty"
    assert [o["model"] for o in objects if "pk" in o] == []
    assert not [o for o in objects if o["model"].startswith(("auth.", "contenttypes.", "sessions.", "admin."))]
    for obj in objects:
        for field in USER_FIELDS:
            assert obj["fields"].get(field) is None, (obj["model"], field)
    # Foreign keys are natural keys (lists of slugs), never database ids.
    sources = [o for o in objects if o["model"].endswith("citation")]
    assert sources and all(isinstance(o["fields"]["source"], list) for o in sources)
    relations = [o for o in objects if o["model"] == "claims.claimrelation"]
    assert relations and all(isinstance(o["fields"]["from_claim"], list) for o in relations)


def test_the_file_carries_fixed_timestamps():
    stamps = {
        obj["fields"][field]
        for obj in fixture_objects()
        for field in ("created_at", "updated_at")
        if field in obj["fields"]
    }
    assert stamps == {"2026-11-23T09:00:00Z"}


# --- Loading -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_loads_into_an_empty_database_and_again_without_duplicates():
    in_file = Counter(obj["model"] for obj in fixture_objects())

    def in_database():
        return {label: django_apps.get_model(label).objects.count() for label in in_file}

    assert set(in_database().values()) == {0}
    call_command("loaddata", str(FIXTURE), stdout=StringIO())
    assert in_database() == in_file
    # Natural primary keys: loading again updates the same rows instead of adding copies.
    call_command("loaddata", str(FIXTURE), stdout=StringIO())
    assert in_database() == in_file


class TestTheLoadedCorpus(TestCase):
    """Loaded once for the class (Django's TestCase loads ``fixtures`` in a class-wide transaction)."""

    fixtures = [str(FIXTURE)]

    def test_dumping_the_loaded_corpus_gives_back_every_object_and_field_of_the_file(self):
        """Nothing is lost or reinterpreted on loading (fields added to the models later may appear)."""
        out = StringIO()
        call_command(
            "dumpdata",
            "editorial.topic",
            "actors",
            "events",
            "sources",
            "agreements",
            "quotes",
            "claims",
            natural_foreign=True,
            natural_primary=True,
            indent=2,
            stdout=out,
        )
        dumped = json.loads(out.getvalue())
        in_file = fixture_objects()
        assert [o["model"] for o in dumped] == [o["model"] for o in in_file]
        for again, original in zip(dumped, in_file, strict=True):
            assert "pk" not in again
            assert {name: again["fields"][name] for name in original["fields"]} == original["fields"]

    # --- Sources -------------------------------------------------------------------------------------

    def test_the_bodies_are_the_articles_exactly_with_current_hashes(self):
        for source in Source.objects.all():
            assert hashlib.sha256(source.body.encode("utf-8")).hexdigest() == BODY_SHA256[source.slug]
            assert source.body == source.body.strip()
            assert source.content_hash == text.content_hash(source.body)
        first = Source.objects.get(slug=ARTICLE_1)
        assert first.body.startswith("Strengthening Alliances: China's President Xi Jinping's Visit To Russia")
        assert first.body.endswith('"further deepen military mutual trust" between the two countries.')
        second = Source.objects.get(slug=ARTICLE_2)
        assert second.body.startswith("date 2023-03-22 During the latter\u2019s three-day visit to Moscow")
        assert "\u201cWe\u2019re always for peace and dialogue" in second.body  # curly quotes kept

    def test_the_metadata_is_what_the_articles_give_and_no_more(self):
        first = Source.objects.get(slug=ARTICLE_1)
        assert (first.authors, first.published_on, first.outlet, first.url) == (
            "Ezba Walayat",
            date(2023, 4, 3),
            None,
            "",
        )
        assert first.title == "Strengthening Alliances: China's President Xi Jinping's Visit To Russia"
        assert list(first.relays.all()) == []
        second = Source.objects.get(slug=ARTICLE_2)
        assert (second.authors, second.published_on, second.outlet, second.url) == ("", date(2023, 3, 22), None, "")
        assert "supplied by the desk" in second.notes
        assert [o.slug for o in second.relays.all()] == ["rt"]
        assert second.relays.get().kind == Organization.Kind.MEDIA_OUTLET
        for source in (first, second):
            assert source.reliability_notes.startswith(f"{source.reliability} –")
        # Article 2 relays RT, article 1 relays nothing and has no outlet: independent of each other.
        assert first.is_independent_of(second)

    # --- Evidence ------------------------------------------------------------------------------------

    def test_every_excerpt_is_anchored_in_its_source(self):
        citations = all_citations()
        assert len(citations) == 73
        for citation in citations:
            body = citation.source.body
            assert text.locate(citation.excerpt, body) == (citation.start, citation.end), citation
            assert text.folded(body[citation.start : citation.end]) == text.folded(citation.excerpt)
            # The seed excerpts are copied character for character, curly quotes included.
            assert body[citation.start : citation.end] == citation.excerpt

    def test_every_quote_occurs_in_one_of_its_supporting_excerpts(self):
        for quote in Quote.objects.prefetch_related("citations"):
            supporting = [c.excerpt for c in quote.citations.all() if c.stance == "supports"]
            assert supporting, quote.slug
            assert any(text.contains(excerpt, quote.text) for excerpt in supporting), quote.slug

    def test_every_quote_has_exactly_one_speaker(self):
        for quote in Quote.objects.all():
            speakers = [quote.speaker_id, quote.speaker_organization_id, quote.speaker_statement_id]
            assert sum(s is not None for s in speakers) == 1, quote.slug
            if quote.speaker_statement_id:
                assert quote.speaker_statement.kind == Agreement.Kind.JOINT_STATEMENT

    def test_every_double_quoted_passage_is_a_quote_or_a_recorded_exclusion(self):
        """Completeness: each text in double quotation marks in either article is recorded as a quote,
        except the one the desk judged not to be anyone's words."""
        not_quotes = {"fundamental scientific research"}  # names the science protocol's field
        quoted = set(Quote.objects.values_list("text", flat=True))
        found = set()
        for source in Source.objects.all():
            for match in re.finditer(r"[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]", source.body):
                # The reporting sentence's comma or full stop may sit inside the marks.
                found.add(match.group(1).rstrip(",."))
        assert len(found) == 12
        assert found - not_quotes == {q.rstrip(".") for q in quoted}
        assert not Quote.objects.filter(text__icontains="fundamental scientific research").exists()
        assert not Quote.objects.filter(text__icontains="I Ching").exists()

    def test_verified_entries_satisfy_the_verification_rules(self):
        verified = 0
        for model in ENTRY_MODELS:
            for entry in model.objects.prefetch_related("citations"):
                if entry.status == Status.VERIFIED:
                    verified += 1
                    assert entry.supporting_citations(), entry.slug
                    assert entry.verified_at is not None, entry.slug
                else:
                    assert entry.verified_at is None, entry.slug
                assert all(getattr(entry, f"{field}_id") is None for field in USER_FIELDS)
        # Not verified (7): the allegation (draft); two claims resting only on the paragraph article 2
        # attributes to RT; "responsible dialogue" (its corrected attribution awaits an editor); the three
        # joint-statement phrases article 1 rests on unnamed media sources; the agreement Xi speaks of,
        # which may be a joint statement counted twice.
        assert verified == 48

    # --- Counts --------------------------------------------------------------------------------------

    def test_the_counts_are_what_the_articles_support(self):
        # Sources: the two articles.
        assert Source.objects.count() == 2
        # Quotes, 11. Article 1 (5): "responsible dialogue"; Xi's "We signed an agreement …"; the joint
        # statement's "will build a closer energy partnership …", "expand bilateral trade …" and "further
        # deepen military mutual trust". Article 2 (6): Putin's "This is an example …", "common soul",
        # "superior to that form of interstate co-operation" and "By joining our rich scientific potentials
        # …"; Xi's "We're always for peace and dialogue …"; the joint statements' "deepen relations of
        # comprehensive partnership …". Not quotes: 'I Ching', 'The Book of Changes' (titles) and
        # "fundamental scientific research" (the protocol's field, nobody's words).
        assert Quote.objects.count() == 11
        assert Quote.objects.filter(citations__source__slug=ARTICLE_1, citations__stance="supports").count() == 5
        assert Quote.objects.filter(citations__source__slug=ARTICLE_2, citations__stance="supports").count() == 6
        # Agreements, 8: the two joint statements (one entry, documents=2); the agreement on deepening the
        # strategic partnership Xi speaks of (article 1); the science protocol; the protocol on regular
        # presidential meetings; the VGTRK–China Media Group memorandum; the TASS–Xinhua agreement; the six
        # intergovernmental memoranda (one entry, documents=6); the Rosatom agreement. The development plan
        # to 2030 is a claim (they "agreed to establish" it), not a document.
        assert Agreement.objects.count() == 8
        # Article 2 itemizes 13 documents of its 14: 2 + 1 + 1 + 1 + 1 + 6 + 1.
        itemized = Agreement.objects.filter(citations__source__slug=ARTICLE_2).distinct()
        assert sum(a.documents for a in itemized) == 13
        # Claims, 37: 10 rest on both articles, 8 on article 1 alone, 19 on article 2 alone.
        assert Claim.objects.count() == 37
        evidence = [frozenset(supporting_sources(c)) for c in Claim.objects.prefetch_related("citations__source")]
        assert evidence.count({ARTICLE_1, ARTICLE_2}) == 10
        assert evidence.count({ARTICLE_1}) == 8
        assert evidence.count({ARTICLE_2}) == 19
        assert ClaimRelation.objects.count() == 9
        # Actors and events: Xi and Putin; 19 organizations; the visit and its four parts; 12 topics.
        assert Person.objects.count() == 2
        assert Organization.objects.count() == 19
        assert Event.objects.count() == 5
        assert Topic.objects.count() == 12

    # --- Fidelity spot checks ------------------------------------------------------------------------

    def test_the_agreement_counts_are_recorded_both_ways_and_related(self):
        several = Claim.objects.get(slug="several-documents-signed")
        dozen = Claim.objects.get(slug="over-a-dozen-agreements-signed")
        fourteen = Claim.objects.get(slug="fourteen-agreements-by-tuesday-evening")
        assert several.quantity is None and "several documents" in several.statement
        assert (dozen.quantity, dozen.quantity_qualifier, dozen.quantity_unit) == (
            Decimal(12),
            "more_than",
            "agreements",
        )
        assert (fourteen.quantity, fourteen.quantity_qualifier) == (Decimal(14), "exactly")
        assert supporting_sources(several) == {ARTICLE_1}
        assert supporting_sources(dozen) == supporting_sources(fourteen) == {ARTICLE_2}
        kinds = {(r.from_claim.slug, r.to_claim.slug): r.kind for r in ClaimRelation.objects.select_related()}
        assert kinds[(several.slug, fourteen.slug)] == "contradicts"
        assert kinds[(several.slug, dozen.slug)] == "contradicts"
        assert kinds[(fourteen.slug, dozen.slug)] == "refines"
        assert all(r.note for r in ClaimRelation.objects.all())
        for claim in (several, dozen, fourteen):
            assert claim.corroboration().label == "disputed"

    def test_the_allegation_is_attributed_and_not_verified(self):
        allegation = Claim.objects.get(slug="us-officials-opposed-any-ceasefire")
        assert allegation.status != Status.VERIFIED
        assert allegation.attributed_to.slug == "vladimir-putin"
        assert allegation.credibility >= Claim.Credibility.DOUBTFUL
        assert "once again claimed" in allegation.citations.get().excerpt

    def test_the_typo_is_kept_verbatim(self):
        typo = "Additionally, he said that by working together, the two nations might overtake rivals in IT and Al."
        citations = ClaimCitation.objects.filter(excerpt=typo)
        assert citations.exists()
        assert "typo" in citations.first().claim.notes
        assert "IT and AI" not in Source.objects.get(slug=ARTICLE_1).body

    def test_the_trade_figures(self):
        record = Claim.objects.get(slug="trade-record-high-2022-up-30-percent")
        assert (record.quantity, record.quantity_unit, record.quantity_period) == (Decimal(30), "%", "2022")
        forecast = Claim.objects.get(slug="trade-expected-to-exceed-200-billion-2023")
        assert (forecast.quantity, forecast.quantity_unit, forecast.quantity_qualifier) == (
            Decimal(200_000_000_000),
            "USD",
            "more_than",
        )
        share = Claim.objects.get(slug="two-thirds-of-trade-in-yuan-and-rubles")
        assert share.quantity_qualifier == "about" and abs(share.quantity - Decimal("66.6667")) < Decimal("0.001")
        for claim in (record, forecast, share):
            assert supporting_sources(claim) == {ARTICLE_2}

    def test_credibility_follows_the_evidence(self):
        """Credibility 2 only with both articles behind a claim; a claim resting on one article is graded 3 or worse."""
        for claim in Claim.objects.prefetch_related("citations__source"):
            sources = supporting_sources(claim)
            assert sources, claim.slug
            if len(sources) == 1:
                assert claim.credibility >= 3, claim.slug
            if claim.credibility <= 2:
                assert sources == {ARTICLE_1, ARTICLE_2}, claim.slug

    def test_events_and_their_dates(self):
        visit = Event.objects.get(slug="xi-visit-moscow-2023")
        assert (visit.starts_on, visit.ends_on, visit.parent) == (date(2023, 3, 20), date(2023, 3, 22), None)
        parts = {e.slug: e for e in visit.parts.all()}
        assert set(parts) == {
            "xi-putin-first-round-2023-03-20",
            "xi-putin-talks-2023-03-21",
            "ceremonial-dinner-moscow-2023",
            "press-briefing-moscow-2023",
        }
        assert parts["xi-putin-first-round-2023-03-20"].starts_on == date(2023, 3, 20)
        assert parts["xi-putin-talks-2023-03-21"].starts_on == date(2023, 3, 21)
        # The coverage dates neither the dinner nor the briefing.
        assert parts["ceremonial-dinner-moscow-2023"].starts_on is None
        assert parts["press-briefing-moscow-2023"].starts_on is None
        assert "inferred" in visit.description and "inferred" in parts["xi-putin-first-round-2023-03-20"].description
        assert sorted(e.sequence for e in parts.values()) == [1, 2, 3, 4]

    def test_quotes_carry_speaker_occasion_date_and_partiality(self):
        xi = Quote.objects.get(slug="xi-we-signed-agreement-new-era")
        assert (xi.speaker.slug, xi.said_on, xi.occasion.slug) == (
            "xi-jinping",
            date(2023, 3, 21),
            "xi-putin-talks-2023-03-21",
        )
        dinner = Quote.objects.get(slug="putin-world-powers-should-interact")
        assert (dinner.speaker.slug, dinner.occasion.slug, dinner.is_partial) == (
            "vladimir-putin",
            "ceremonial-dinner-moscow-2023",
            False,
        )
        partial = set(Quote.objects.filter(is_partial=True).values_list("text", flat=True))
        assert {"responsible dialogue", "common soul", "superior to that form of interstate co-operation"} <= partial
        assert "further deepen military mutual trust" in partial
        joint = Agreement.objects.get(slug="russia-china-joint-statements-march-2023")
        assert joint.quoted_in.count() == 4
        # "responsible dialogue" is the two leaders' words ("the two leaders urged for a …", article 1):
        # Xi's, said with Putin, not the joint statements' (article 1 ties it to no statement). Its
        # corrected attribution waits for an editor.
        dialogue = Quote.objects.get(slug="leaders-responsible-dialogue")
        assert (dialogue.speaker.slug, dialogue.speaker_statement, dialogue.is_partial) == ("xi-jinping", None, True)
        assert [person.slug for person in dialogue.co_speakers.all()] == ["vladimir-putin"]
        assert dialogue.public_speaker_name == "Xi Jinping and Vladimir Putin"
        assert not dialogue.agreements.exists()
        assert dialogue.status == Status.IN_REVIEW

    def test_agreements_parties_and_groups(self):
        def parties(slug):
            return {o.slug for o in Agreement.objects.get(slug=slug).parties.all()}

        assert Agreement.objects.get(slug="six-intergovernmental-memoranda").documents == 6
        assert parties("six-intergovernmental-memoranda") == {"government-of-russia", "government-of-china"}
        joint = Agreement.objects.get(slug="russia-china-joint-statements-march-2023")
        assert (joint.kind, joint.documents, joint.status) == ("joint_statement", 2, Status.VERIFIED)
        assert supporting_sources(joint) == {ARTICLE_1, ARTICLE_2}
        assert parties("tass-xinhua-information-exchange") == {"tass", "xinhua"}
        assert parties("vgtrk-china-media-group-memorandum") == {"vgtrk", "china-media-group"}
        assert parties("rosatom-fast-neutron-reactors-fuel-cycle") == {"rosatom", "chinese-atomic-energy-agency"}
        assert Organization.objects.get(slug="tass").alias_list == ["Tass"]
        assert set(Organization.objects.filter(kind="media_outlet").values_list("slug", flat=True)) == {
            "vgtrk",
            "china-media-group",
            "tass",
            "xinhua",
            "rt",
        }
        # No article says when any document was signed, only "by Tuesday evening".
        assert not Agreement.objects.filter(signed_on__isnull=False).exists()
        # Signatories only where an article says who signed: Xi's "We signed an agreement".
        signed = {a.slug for a in Agreement.objects.filter(signatories__isnull=False)}
        assert signed == {"agreement-deepening-strategic-partnership"}
        assert not Agreement.objects.filter(title__icontains="2030").exists()
        assert Claim.objects.filter(slug="development-plan-to-2030-economic-cooperation").exists()

    def test_actors_carry_the_aliases_the_articles_use_and_only_those(self):
        xi = Person.objects.get(slug="xi-jinping")
        assert {"Xi", "President Xi Jinping"} <= set(xi.alias_list)
        putin = Person.objects.get(slug="vladimir-putin")
        assert "Putin" in putin.alias_list
        bodies = " ".join(Source.objects.values_list("body", flat=True)).lower()
        for actor in [*Person.objects.all(), *Organization.objects.all()]:
            assert all(alias.lower() in bodies for alias in actor.alias_list), actor
