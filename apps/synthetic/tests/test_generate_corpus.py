"""generate_corpus: a synthetic corpus that keeps every rule, the same for the same seed."""

import hashlib
import weakref
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.editorial.models import Topic
from apps.events.models import Event
from apps.quotes.models import Quote, QuoteCitation
from apps.search.tests.test_search import stale_vectors
from apps.sources import text
from apps.sources.models import Source
from apps.synthetic import corpus
from tests.builders import make_claim, make_source

pytestmark = pytest.mark.django_db

N = 200
ENTRY_MODELS = [Claim, Quote, Agreement]
CITATION_MODELS = [ClaimCitation, QuoteCitation, AgreementCitation]


def generate(**options):
    out, err = StringIO(), StringIO()
    call_command("generate_corpus", claims=options.pop("claims", N), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated():
    return generate()


def corpus_digest():
    """A hash of everything generated, with references by slug (primary keys differ between runs)."""
    rows = []

    def add(queryset, *fields):
        rows.append(list(queryset.order_by(*fields).values_list(*fields)))

    gen = {"slug__startswith": corpus.PREFIX}
    stamps = ("created_at", "updated_at", "created_by__username", "updated_by__username")
    entry = ("slug", "status", *stamps, "verified_by__username", "verified_at", "submitted_at", "retracted_at")
    entry += ("version", "review_note", "correction")
    add(Topic.objects.filter(**gen), "slug", "name", "description")
    add(Person.objects.filter(**gen), "slug", "name", "role", "country", *stamps)
    add(Organization.objects.filter(**gen), "slug", "name", "kind", "country", "url", *stamps)
    add(Event.objects.filter(**gen), "slug", "name", "parent__slug", "starts_on", "ends_on", "place", "sequence")
    source = ("slug", "title", "outlet__slug", "authors", "published_on", "url", "kind", "body", "content_hash")
    add(Source.objects.filter(**gen), *source, "reliability", *stamps)
    add(Source.relays.through.objects.all(), "source__slug", "organization__slug")
    claim = ("statement", "event__slug", "attributed_to__slug", "credibility", "quantity", "quantity_unit")
    add(Claim.objects.filter(**gen), *entry, *claim, "quantity_period")
    speakers = ("speaker__slug", "speaker_organization__slug", "speaker_statement__slug")
    add(Quote.objects.filter(**gen), *entry, "text", *speakers, "occasion__slug", "said_on", "is_partial", "context")
    agreement = ("title", "kind", "documents", "signed_on", "place", "event__slug", "summary", "document_url")
    add(Agreement.objects.filter(**gen), *entry, *agreement)
    for model in CITATION_MODELS:
        add(model.objects.all(), f"{model.entry_field}__slug", "source__slug", "start", "end", "excerpt", "stance")
    add(ClaimRelation.objects.all(), "from_claim__slug", "to_claim__slug", "kind")
    for model in ENTRY_MODELS:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            add(through.objects.all(), f"{m2m.m2m_field_name()}__slug", f"{m2m.m2m_reverse_field_name()}__slug")
    assert all(rows), "every part of the corpus is generated"
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def digest_of_a_fresh_run(**options):
    """Generate into the current (empty) database, hash it, and roll it all back."""
    with transaction.atomic():
        generate(**options)
        digest = corpus_digest()
        transaction.set_rollback(True)
    assert not Claim.objects.exists()
    return digest


def test_the_generated_corpus_passes_check_corpus(generated):
    out = StringIO()
    call_command("check_corpus", stdout=out, stderr=StringIO())  # raises CommandError on any problem
    assert f"Checked {N // 10 + N + N // 2 + N // 20} sources and entries: 0 problem(s)." in out.getvalue()


def test_it_holds_one_part_of_the_corpus_at_a_time(monkeypatch):
    """Memory that does not grow with the corpus: a part (a few summits with their sources
    and entries) is planned, written and let go before the next is planned."""
    monkeypatch.setattr(corpus, "CLAIMS_PER_SUMMIT", 100)
    monkeypatch.setattr(corpus, "CLAIMS_PER_PART", 100)  # one summit per part
    refs, held = [], []
    planned = corpus.Planner.parts

    def watched(self):
        for part in planned(self):
            refs.append(weakref.ref(part))
            held.append(sum(ref() is not None for ref in refs))
            yield part
            del part  # the watch itself must not keep it

    monkeypatch.setattr(corpus.Planner, "parts", watched)
    out, _ = generate(claims=1000)
    assert out.startswith("Generated 100 sources, 1 000 claims, 500 quotes, 50 agreements and ")
    assert held == [1] * 10  # ten summits, ten parts, never two at once
    call_command("check_corpus", stdout=StringIO(), stderr=StringIO())  # raises on any problem


def test_it_does_not_keep_the_sql_of_every_part_when_debug_is_on(monkeypatch, settings):
    """With DEBUG on, Django logs the SQL of the last 9 000 queries, and a part's INSERTs
    carry its sources' text: each part forgets the SQL of the one before."""
    monkeypatch.setattr(corpus, "CLAIMS_PER_SUMMIT", 100)
    monkeypatch.setattr(corpus, "CLAIMS_PER_PART", 100)  # one summit per part
    settings.DEBUG = True
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        generate(claims=500)
    first_source = Source.objects.order_by("pk").values_list("title", flat=True).first()
    logged = [query["sql"] for query in connection.queries]
    assert 0 < len(logged) < len(executed) / 3
    assert not any(first_source in sql for sql in logged)


def test_it_has_the_shape_asked_for(generated):
    assert Claim.objects.count() == N
    assert Quote.objects.count() == N // 2
    assert Agreement.objects.count() == N // 20
    assert Source.objects.count() == N // 10
    for model in ENTRY_MODELS:
        counts = model.objects.annotate(n=Count("citations"), sources=Count("citations__source", distinct=True))
        assert {row.n for row in counts} <= {2, 3, 4, 5}
        assert all(row.n == row.sources for row in counts), "an entry cites each source once"
    assert Organization.objects.filter(kind="media_outlet").exists()
    assert Event.objects.filter(parent__isnull=False).exists()
    assert Person.objects.exists() and Topic.objects.exists()
    assert {kind for kind in ClaimRelation.objects.values_list("kind", flat=True)} == {
        "contradicts",
        "refines",
        "duplicates",
    }


def test_bodies_read_like_coverage(generated):
    lengths = [len(body) for body in Source.objects.values_list("body", flat=True)]
    assert 2000 < sum(lengths) / len(lengths) < 8000
    body = Source.objects.order_by("slug").first().body
    assert "“" in body and "\n\n" in body and any(character.isdigit() for character in body)


def test_about_sixty_percent_of_entries_are_verified(generated):
    statuses = [status for model in ENTRY_MODELS for status in model.objects.values_list("status", flat=True)]
    share = statuses.count("verified") / len(statuses)
    assert 0.5 < share < 0.7
    assert {"draft", "in_review", "retracted"} < set(statuses)


def test_every_excerpt_is_where_locate_finds_it(generated):
    checked = 0
    for model in CITATION_MODELS:
        for citation in model.objects.select_related("source"):
            assert text.locate(citation.excerpt, citation.source.body) == (citation.start, citation.end)
            assert text.folded(citation.source.body[citation.start : citation.end]) == text.folded(citation.excerpt)
            checked += 1
    assert checked > 2 * (N + N // 2 + N // 20)


def test_source_hashes_are_the_hash_of_their_text(generated):
    for source in Source.objects.all():
        assert source.content_hash == text.content_hash(source.body)


def test_quotes_occur_in_their_excerpts(generated):
    for quote in Quote.objects.prefetch_related("citations"):
        assert all(text.contains(c.excerpt, quote.text) for c in quote.citations.all())


def test_verified_entries_rest_on_evidence_and_a_second_pair_of_eyes(generated):
    User = get_user_model()
    analyst, editor = User.objects.get(username=corpus.ANALYST), User.objects.get(username=corpus.EDITOR)
    assert analyst.groups.filter(name="Analysts").exists() and editor.groups.filter(name="Editors").exists()
    assert analyst.is_staff and editor.is_staff
    for model in ENTRY_MODELS:
        for entry in model.objects.prefetch_related("citations"):
            assert entry.created_by_id == analyst.pk
            if entry.status in ("verified", "retracted"):
                assert entry.supporting_citations()
                assert entry.verified_by_id == editor.pk
                assert entry.created_at < entry.submitted_at < entry.verified_at <= entry.updated_at
            else:
                assert entry.verified_by_id is None and entry.verified_at is None
            if entry.status == "in_review":
                assert entry.submitted_at is not None


def test_some_sources_relay_another_outlet():
    plan = corpus.plan(2000, seed=1)
    sources = [source for part in plan.parts for source in part.sources.values()]
    relaying = [s for s in sources if s.relays]
    assert 0.05 < len(relaying) / len(sources) < 0.3
    assert all(s.outlet not in s.relays for s in relaying)


def test_the_same_seed_gives_the_same_corpus():
    first = digest_of_a_fresh_run(seed=7)
    assert digest_of_a_fresh_run(seed=7) == first
    assert digest_of_a_fresh_run(seed=8) != first


def test_offsets_match_locate_across_paragraphs_quotes_and_repeats():
    sentences = ["He said “yes” – twice.", "Same words.", "Same words.", "Ends here."]
    body = corpus.Body.assemble(sentences, [[0, 1], [2], [3]])
    for first in range(len(sentences)):
        for last in range(first, len(sentences)):
            excerpt = body.text[body.spans[first][0] : body.spans[last][1]]
            assert body.locate(excerpt) == text.locate(excerpt, body.text)
    assert body.locate('said "yes" - twice') == text.locate('said "yes" - twice', body.text)


def test_it_refuses_a_database_holding_work_it_did_not_make():
    make_claim(statement="An analyst's claim")
    with pytest.raises(CommandError) as refused:
        generate()
    assert "holds work the generator did not make (1 claim" in str(refused.value)
    assert "--force" in str(refused.value)
    assert Claim.objects.count() == 1 and not Source.objects.exists()


def test_force_adds_the_corpus_beside_that_work():
    analysts = make_claim(statement="An analyst's claim")
    trade = Topic.objects.create(name="Trade", slug="trade")
    generate(force=True)
    assert Claim.objects.count() == N + 1
    assert Claim.objects.get(pk=analysts.pk).statement == "An analyst's claim"
    assert Topic.objects.filter(name="Trade").get() == trade  # reused, not duplicated
    assert trade.claims.exists()
    call_command("check_corpus", stdout=StringIO(), stderr=StringIO())


def test_it_refuses_to_generate_over_its_own_corpus_without_replace(generated):
    before = corpus_digest()
    with pytest.raises(CommandError, match="already holds a generated corpus .* Pass --replace"):
        generate(seed=2)
    assert corpus_digest() == before


def test_replace_deletes_the_previous_corpus_first():
    fresh = digest_of_a_fresh_run(seed=2)
    generate(seed=1)
    out, _ = generate(seed=2, replace=True)
    assert "after deleting the previous corpus" in out
    assert corpus_digest() == fresh
    assert Claim.objects.count() == N


def test_replace_refuses_while_other_work_cites_the_generated_corpus(generated):
    source = Source.objects.order_by("slug").first()
    make_claim(citations=[(source, source.body[:30])], slug="analysts-claim")
    before = corpus_digest()
    with pytest.raises(CommandError, match="cannot be deleted") as refused:
        generate(replace=True, force=True)
    assert "claims citing a generated source (analysts-claim)" in str(refused.value)
    assert corpus_digest() == before


def test_it_reports_progress_on_stderr_and_a_summary_on_stdout(generated):
    out, err = generated
    assert f"\rclaims {N}/{N}" in err
    assert out.startswith(f"Generated {N // 10} sources, {N} claims, {N // 2} quotes, {N // 20} agreements and ")


def test_claims_must_be_positive():
    with pytest.raises(CommandError, match="at least 1"):
        generate(claims=0)


def test_foreign_sources_are_foreign_too():
    make_source()
    with pytest.raises(CommandError, match="1 source:"):
        generate()


@pytest.mark.django_db
def test_generating_makes_cached_public_pages_stale():
    from apps.site.models import ContentVersion

    before = ContentVersion.objects.current()[0]
    call_command("generate_corpus", "--claims", "40", stdout=StringIO(), stderr=StringIO())
    assert ContentVersion.objects.current()[0] > before


def planner_knows_claims_rows():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'claims_claim'")
            row = cursor.fetchone()
            return bool(row) and int(row[0].split()[0]) >= N
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'claims_claim'")
        return cursor.fetchone()[0] >= N


def test_the_query_planner_learns_the_new_sizes(generated):
    # Without statistics SQLite read every verified claim per row of the claims list.
    assert planner_knows_claims_rows()


def test_every_entry_written_has_its_search_vector(generated, require_postgres):
    # The vectors are computed once, at the end of the load (search.vectors.deferred).
    for model in [*ENTRY_MODELS, Source]:
        assert model.objects.exists(), model
        assert stale_vectors(model._meta.db_table) == 0, model


@pytest.mark.django_db(transaction=True)
def test_the_tables_hold_no_dead_rows_ahead_of_the_live_ones(require_postgres):
    """Computing the vectors at the end of the load wrote every row again. A search for a
    common word scans until its first matches: the tables are compacted, so that it meets
    live rows from the first page on instead of reading through the dead copies first."""
    out, err = generate(claims=100)
    assert "compacting claims_claim" in err and out.startswith("Generated")
    with connection.cursor() as cursor:
        for model in [*ENTRY_MODELS, Source]:
            table = model._meta.db_table
            cursor.execute(f"SELECT min((ctid::text::point)[0]), count(*) FROM {table}")
            first_page, rows = cursor.fetchone()
            assert rows and first_page == 0, table
            assert stale_vectors(table) == 0, table
