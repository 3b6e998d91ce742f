"""import_fixtures on a long file: checked and written a part at a time, in one transaction.

``fixture_import.PART_SIZE`` is made small here, so that the fixture corpus (42 objects)
runs through the same code as a file of millions: every rule still holds across parts,
and a problem in any part, or found at the end, leaves the database as it was.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Version

from apps.claims.models import Claim
from apps.interchange import fixture_import
from apps.search.tests.test_search import stale_vectors
from apps.sources import text

from .fixture_corpus import BODY, empty_the_corpus, export, objects
from .test_import_fixtures import database_state, find, new_claim, refused, run_import, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts_of(monkeypatch):
    def set_size(size):
        monkeypatch.setattr(fixture_import, "PART_SIZE", size)

    return set_size


def run_with_progress(path, *args):
    """The command's report (stdout) and its progress lines (stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_fixtures", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("size", [1, 2, 5, 41])
def test_an_export_imported_in_parts_exports_to_the_same_bytes(corpus, tmp_path, parts_of, size):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    parts_of(size)
    versions = Version.objects.count()
    out, err = run_with_progress(path)
    assert out.strip().splitlines()[-1].startswith("42 added, 0 changed, 0 unchanged")
    # New entries begin their history here when first changed: a later part's citations
    # of an entry an earlier part added are no change of it.
    assert Version.objects.count() == versions
    # A progress line per part: 42 objects in parts of ``size``.
    assert len(err.splitlines()) == -(-42 // size)
    assert err.splitlines()[-1] == "42 objects checked and written…"
    assert export("--all")[0] == fixture


def test_a_part_ends_at_its_share_of_text_before_its_count_of_objects(corpus, tmp_path, monkeypatch):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    data = objects(fixture)
    sources = [number for number, obj in enumerate(data, start=1) if obj["model"] == "sources.source"]
    empty_the_corpus()
    # Parts of up to 1 000 objects, but no more text than the shortest source's body: each
    # source ends a part.
    monkeypatch.setattr(fixture_import, "PART_SIZE", 1000)
    monkeypatch.setattr(fixture_import, "PART_TEXT", min(len(data[n - 1]["fields"]["body"]) for n in sources))
    out, err = run_with_progress(path)
    assert out.strip().splitlines()[-1].startswith("42 added")
    ends = [int(line.split()[0]) for line in err.splitlines()]
    assert set(sources) <= set(ends) and ends[-1] == 42
    assert export("--all")[0] == fixture


def test_one_part_is_held_at_a_time(corpus, tmp_path, parts_of, monkeypatch):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    parts_of(5)
    held = []
    write_part = fixture_import.FixtureImport.write

    def spy(importer):
        held.append(len(importer.items))
        write_part(importer)

    monkeypatch.setattr(fixture_import.FixtureImport, "write", spy)
    run_import(path)
    assert held == [5] * 8 + [2]


def test_a_file_of_one_part_is_checked_whole_before_anything_is_written(corpus, tmp_path, parts_of):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    parts_of(42)
    out, err = run_with_progress(path)
    assert "42 added" in out and err == ""


def test_a_dry_run_in_parts_reports_what_the_import_would_do_and_writes_nothing(corpus, tmp_path, parts_of):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    parts_of(4)
    before = database_state()
    out, err = run_with_progress(path, "--dry-run", "--verbosity", "2")
    assert database_state() == before
    assert out.strip().splitlines()[-1].startswith("Dry run: 42 would add, 0 would change, 0 unchanged")
    assert "added claims.claim “trade-record” (object " in out
    assert err.splitlines()[-1] == "42 objects checked…"
    out, _ = run_with_progress(path, "--verbosity", "2")
    assert out.strip().splitlines()[-1].startswith("42 added, 0 changed, 0 unchanged")


def test_importing_the_same_file_again_in_parts_changes_nothing(corpus, published, tmp_path, parts_of):
    parts_of(3)
    before = database_state()
    out = run_import(write(tmp_path, published))
    assert out.startswith("0 added, 0 changed, 41 unchanged")
    assert database_state() == before


def test_an_object_given_twice_in_different_parts_is_refused(published, tmp_path, parts_of):
    parts_of(2)
    topic = find(published, "editorial.topic", "trade")
    data = [*new_claim(published), *new_claim(published)]
    message = refused(write(tmp_path, [*data, topic]))
    assert (
        "claims.claim “a-new-claim” (object 3): it appears twice in the file (an earlier object has the same "
        "natural key)" in message
    )


def test_an_object_added_in_one_part_and_changed_in_a_later_one_is_refused(published, tmp_path, parts_of):
    parts_of(2)
    claim, citation = new_claim(published)
    again = json.loads(json.dumps(claim))
    again["fields"]["statement"] = "Trade fell."
    message = refused(write(tmp_path, [claim, citation, again]), "--update")
    assert "claims.claim “a-new-claim” (object 3): it appears twice in the file" in message


def test_an_entry_is_judged_on_the_citations_of_later_parts(published, tmp_path, parts_of):
    parts_of(1)  # the claim in one part, its citation in the next
    empty = objects(export()[0])
    run_import(write(tmp_path, new_claim(empty)))
    assert Claim.objects.get(slug="a-new-claim").citations.count() == 1
    claim, citation = new_claim(published, slug="another-claim")
    citation["fields"]["stance"] = "mentions"
    message = refused(write(tmp_path, [claim, citation]))
    assert "claims.claim “another-claim”: It is verified without a supporting citation." in message


def test_a_verified_entry_arrives_in_review_without_the_publications_of_a_later_part(published, tmp_path, parts_of):
    parts_of(1)
    publication = json.loads(json.dumps(find(published, "claims.claimpublication", claim=["trade-record"])))
    publication["fields"]["claim"] = ["a-new-claim"]
    out = run_import(write(tmp_path, [*new_claim(published), publication]))
    claim = Claim.objects.get(slug="a-new-claim")
    assert (claim.status, claim.publications.count()) == ("in_review", 0)
    assert "claims.claim “a-new-claim” is verified in the file: it arrives here in review" in out


def test_a_change_to_a_published_entry_over_several_parts_is_one_proposal(corpus, published, tmp_path, parts_of):
    parts_of(1)
    claim = json.loads(json.dumps(find(published, "claims.claim", "trade-record")))
    claim["fields"]["statement"] = "Trade fell."
    citation = json.loads(json.dumps(find(published, "claims.claimcitation", claim=["trade-record"])))
    start, end = text.locate("an increase of about 30%", BODY)
    citation["fields"].update(excerpt="an increase of about 30%", start=start, end=end)
    out = run_import(write(tmp_path, [claim, citation]), "--update", "--verbosity", "2")
    record = Claim.objects.get(slug="trade-record")
    # Readers keep what was verified; both parts of the change wait for review together.
    assert record.statement == corpus.record.statement and record.citations.count() == 1
    assert record.proposal["fields"]["statement"] == "Trade fell."
    assert len(record.proposal["parts"]["citations"]) == 2
    assert out.count("proposed a change to claims.claim “trade-record”") == 1


def test_a_proposed_change_is_held_to_the_rules_at_the_end(published, tmp_path, parts_of):
    parts_of(1)
    quote = find(published, "quotes.quote", "peace-and-dialogue")
    quote["fields"]["text"] = "We are always for war"
    message = refused(write(tmp_path, published), "--update")
    assert "The quote “We are always for war” is not in any of its supporting excerpts." in message


def test_a_reference_to_an_object_of_a_later_part_is_refused_with_the_reason(published, tmp_path, parts_of):
    parts_of(2)
    claim, citation = new_claim(published)
    event = json.loads(json.dumps(find(published, "events.event", claim["fields"]["event"][0])))
    event["fields"].update(slug="a-later-event", parent=None)
    claim["fields"]["event"] = ["a-later-event"]
    message = refused(write(tmp_path, [claim, citation, event]))
    assert (
        "“event” refers to events.event “a-later-event”, which is neither earlier in the file nor in the "
        "database (a file of more than 2 objects must give an object before those that refer to it" in message
    )
    # In one part, the order does not matter.
    parts_of(3)
    run_import(write(tmp_path, [claim, citation, event]))
    assert Claim.objects.get(slug="a-new-claim").event.slug == "a-later-event"


def test_a_problem_in_a_later_part_leaves_the_database_as_it_was(corpus, tmp_path, parts_of):
    data = objects(export("--all")[0])
    find(data, "claims.claimpublication", claim=["trade-record"])["fields"]["kind"] = "no-such-kind"
    path = write(tmp_path, data)
    empty_the_corpus()
    parts_of(3)
    before = database_state()
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert database_state() == before
    assert "kind: Value 'no-such-kind' is not a valid choice." in str(error.value)


def test_an_import_in_parts_leaves_every_search_vector_current(corpus, tmp_path, parts_of, require_postgres):
    # The import defers the vectors and computes them once at its end (search.vectors.deferred).
    path = write(tmp_path, export("--all")[0])
    empty_the_corpus()
    parts_of(5)
    run_with_progress(path)
    assert Claim.objects.exists()
    for table in ("claims_claim", "quotes_quote", "agreements_agreement", "sources_source"):
        assert stale_vectors(table) == 0, table


def test_a_long_import_does_not_keep_the_sql_of_every_part_when_debug_is_on(corpus, tmp_path, parts_of, settings):
    """With DEBUG on (``make run``), Django logs the SQL of the last 9 000 queries. An
    import's INSERTs carry the file's text: kept part after part, that log took a
    million-claim import to 1.5 GB. Each part forgets the SQL of the one before."""
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    parts_of(2)
    settings.DEBUG = True
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(f"{sql} {params}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        out, err = run_with_progress(path)
    assert out.strip().splitlines()[-1].startswith("42 added")
    assert len(err.splitlines()) == 21  # parts
    logged = [query["sql"] for query in connection.queries]
    assert 0 < len(logged) < len(executed) / 5
    # What is left is the end of the import, not its first parts' sources.
    assert not any(BODY[:40] in sql for sql in logged)
    assert any(BODY[:40] in sql for sql in executed)
