"""export_fixtures: what goes out, what never does, and the same bytes for the same data."""

import difflib
import json
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.claims.models import Claim, ClaimRelation
from apps.editorial.models import Topic
from apps.interchange import fixtures
from apps.quotes.models import Quote
from tests import builders as testing
from tests import plans

from .fixture_corpus import empty_the_corpus, export, fields, keys, objects

pytestmark = pytest.mark.django_db

UNPUBLISHED = ["draft", "in_review", "retracted"]


# -- What a default export holds ---------------------------------------------------------


def test_the_default_export_holds_the_verified_entries_and_everything_they_refer_to(corpus):
    fixture, _ = export()
    assert keys(fixture, "claims.claim") == ["fourteen-documents", "several-documents", "trade-record"]
    assert keys(fixture, "quotes.quote") == [
        "not-against-third-countries",
        "peace-and-dialogue",
        "responsible-dialogue",
        "ukraine-crisis",
    ]
    assert keys(fixture, "agreements.agreement") == ["fourteen-agreements", "joint-statement"]
    assert keys(fixture, "sources.source") == ["other-report", "report"]
    # The outlet, the outlet it relays, and the parties.
    assert keys(fixture, "actors.organization") == ["china", "rt", "russia", "the-outlet"]
    assert keys(fixture, "actors.person") == ["vladimir-putin", "xi-jinping"]
    assert keys(fixture, "editorial.topic") == ["diplomacy", "trade"]
    # The summit comes in as the parent of the parts the entries happened at.
    assert keys(fixture, "events.event") == ["moscow-2023", "talks"]
    assert keys(fixture, "claims.claimrelation") == [("several-documents", "fourteen-documents", "contradicts")]
    assert len(keys(fixture, "claims.claimcitation")) == 4
    assert len(keys(fixture, "quotes.quotecitation")) == 4
    assert len(keys(fixture, "agreements.agreementcitation")) == 2


def test_references_are_natural_keys_and_never_database_ids(corpus):
    fixture, _ = export()
    claim = fields(fixture, "claims.claim", "fourteen-documents")
    assert claim["event"] == ["talks"]
    assert claim["attributed_to"] == ["xi-jinping"]
    assert claim["agreements"] == [["fourteen-agreements"]]
    assert fields(fixture, "quotes.quote", "ukraine-crisis")["speaker_statement"] == ["joint-statement"]
    assert fields(fixture, "quotes.quote", "responsible-dialogue")["co_speakers"] == [["vladimir-putin"]]
    assert fields(fixture, "sources.source", "report")["relays"] == [["rt"]]
    citation = next(o["fields"] for o in objects(fixture) if o["model"] == "claims.claimcitation")
    assert citation["claim"] == ["fourteen-documents"] and citation["source"] == ["other-report"]
    assert all("pk" not in obj for obj in objects(fixture))


def test_someone_named_only_as_a_co_speaker_travels_with_the_quote(corpus):
    corpus.dialogue.co_speakers.add(testing.make_person(slug="alexander-lukashenko", name="Alexander Lukashenko"))
    fixture, _ = export()
    assert keys(fixture, "actors.person") == ["alexander-lukashenko", "vladimir-putin", "xi-jinping"]
    co_speakers = fields(fixture, "quotes.quote", "responsible-dialogue")["co_speakers"]
    assert co_speakers == [["alexander-lukashenko"], ["vladimir-putin"]]


def test_no_user_account_travels_in_an_export(corpus):
    fixture, _ = export("--all")
    assert all(not obj["model"].startswith("auth.") for obj in objects(fixture))
    for obj in objects(fixture):
        for name in ("created_by", "updated_by", "verified_by"):
            assert obj["fields"].get(name) is None
    assert corpus.analyst.username not in fixture and corpus.editor.username not in fixture


@pytest.mark.parametrize("status", UNPUBLISHED)
@pytest.mark.parametrize("kind", ["claim", "quote", "agreement"])
def test_an_unverified_entry_never_appears_in_a_default_export(corpus, kind, status):
    # Everything this entry refers to is its own, so none of it may go out either.
    hidden_source = testing.make_source(slug="hidden-source", body="Only the hidden entry cites this sentence.")
    topic = Topic.objects.create(name="Hidden topic", slug="hidden-topic")
    person = testing.make_person(slug="hidden-person")
    event = testing.make_event(slug="hidden-event")
    citation = [(hidden_source, "Only the hidden entry cites")]
    if kind == "claim":
        entry = testing.make_claim(slug="hidden", status=status, citations=citation, event=event, attributed_to=person)
    elif kind == "quote":
        entry = testing.make_quote(
            slug="hidden", status=status, text="Only the hidden entry", speaker=person, occasion=event,
            citations=citation,
        )  # fmt: skip
    else:
        entry = testing.make_agreement(slug="hidden", status=status, citations=citation, event=event)
        entry.signatories.add(person)
    entry.topics.add(topic)
    fixture, _ = export()
    assert '"hidden"' not in fixture
    for slug in ("hidden-source", "hidden-topic", "hidden-person", "hidden-event"):
        assert slug not in fixture
    assert "Only the hidden entry" not in fixture
    # A full backup has it.
    assert '"hidden"' in export("--all")[0]


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_links_from_a_verified_entry_to_unverified_ones_are_dropped(corpus, status):
    quote = testing.make_quote(slug="unpublished-quote", status=status, speaker=corpus.xi)
    agreement = testing.make_agreement(slug="unpublished-agreement", status=status)
    corpus.record.quotes.add(quote)
    corpus.record.agreements.add(agreement)
    corpus.peace.agreements.add(agreement)
    fixture, _ = export()
    assert "unpublished-quote" not in fixture and "unpublished-agreement" not in fixture
    assert fields(fixture, "claims.claim", "trade-record")["quotes"] == []
    assert fields(fixture, "claims.claim", "trade-record")["agreements"] == []
    # The verified link stays.
    assert fields(fixture, "quotes.quote", "peace-and-dialogue")["agreements"] == [["joint-statement"]]


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_a_relation_to_an_unverified_claim_is_dropped(corpus, status):
    hidden = testing.make_claim(slug="unpublished-claim", status=status)
    ClaimRelation.objects.create(from_claim=corpus.record, to_claim=hidden, kind="refines")
    ClaimRelation.objects.create(from_claim=hidden, to_claim=corpus.several, kind="duplicates")
    fixture, _ = export()
    assert "unpublished-claim" not in fixture
    assert keys(fixture, "claims.claimrelation") == [("several-documents", "fourteen-documents", "contradicts")]


def test_a_verified_quote_spoken_by_an_unverified_joint_statement_is_left_out_and_said_so(corpus):
    statement = testing.make_agreement(slug="draft-statement", kind="joint_statement", status="draft")
    testing.make_quote(
        slug="statement-says",
        text="We are always for peace and dialogue",
        speaker_statement=statement,
        citations=[(corpus.source, "We are always for peace and dialogue")],
        status="verified",
    )
    fixture, err = export()
    assert "draft-statement" not in fixture and "statement-says" not in fixture
    assert "Left out quote “statement-says”: its speaker, the joint statement “draft-statement”" in err


def test_a_source_shared_with_an_unverified_entry_goes_out_without_that_entrys_citation(corpus):
    testing.make_claim(slug="draft-claim", status="draft", citations=[(corpus.source, "an increase of about 30%")])
    fixture, _ = export()
    assert "report" in keys(fixture, "sources.source")
    excerpts = [o["fields"]["excerpt"] for o in objects(fixture) if o["model"] == "claims.claimcitation"]
    assert "an increase of about 30%" not in excerpts


def test_a_full_backup_holds_every_record_even_what_nothing_refers_to(corpus):
    testing.make_claim(slug="a-draft", status="draft")
    testing.make_person(slug="nobody-cites-me")
    Topic.objects.create(name="Unused", slug="unused")
    fixture, _ = export("--all")
    assert "a-draft" in keys(fixture, "claims.claim")
    assert "nobody-cites-me" in keys(fixture, "actors.person")
    assert "unused" in keys(fixture, "editorial.topic")
    assert "a-state-dinner" in keys(fixture, "events.event")
    for label in fixtures.model_labels():
        assert len(keys(fixture, label)) == fixtures.get_model(label).objects.count(), label


def test_an_event_export_holds_the_event_its_parts_and_only_their_entries(corpus):
    fixture, _ = export("--event", "talks")
    assert keys(fixture, "claims.claim") == ["fourteen-documents"]
    assert keys(fixture, "quotes.quote") == ["peace-and-dialogue"]
    assert keys(fixture, "agreements.agreement") == ["joint-statement"]
    # Its parent comes along, so that the file loads.
    assert keys(fixture, "events.event") == ["moscow-2023", "talks"]
    whole, _ = export("--event", "moscow-2023")
    assert keys(whole, "events.event") == ["moscow-2023", "a-state-dinner", "talks"]
    assert len(keys(whole, "claims.claim")) == 2  # several-documents belongs to no event


def test_an_unknown_event_is_a_clear_error():
    with pytest.raises(CommandError, match="no event with the slug “atlantis”"):
        export("--event", "atlantis")


# -- Stable bytes ----------------------------------------------------------------------


def test_the_same_data_gives_the_same_bytes(corpus):
    assert export()[0] == export()[0]
    assert export("--all")[0] == export("--all")[0]


def test_objects_follow_their_natural_key_in_code_point_order_whatever_the_insertion_order():
    # Hyphens and underscores sort by code point, not as a locale would (which ignores them).
    for slug in ["ab", "a_c", "aa", "a-b", "B"]:
        testing.make_claim(slug=slug, status="verified", citations=[(testing.make_source(), "three-day visit")])
    fixture, _ = export()
    assert keys(fixture, "claims.claim") == ["B", "a-b", "a_c", "aa", "ab"]


def test_on_postgresql_a_locale_collation_does_not_change_the_order(require_postgres):
    """A production database may sort text by a locale (capitals among small letters, its own
    order of punctuation); the file must not depend on it."""
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'en-x-icu'")
        if not cursor.fetchone():
            pytest.skip("this PostgreSQL has no ICU collations")
        cursor.execute('ALTER TABLE claims_claim ALTER COLUMN slug TYPE varchar(200) COLLATE "en-x-icu"')
        cursor.execute("SELECT slug FROM (VALUES ('B'), ('a-b'), ('a_c')) v(slug) ORDER BY slug COLLATE \"en-x-icu\"")
        assert [row[0] for row in cursor.fetchall()] == ["a_c", "a-b", "B"]  # the locale's order
    for slug in ["ab", "a_c", "aa", "a-b", "B"]:
        testing.make_claim(slug=slug, status="verified", citations=[(testing.make_source(), "three-day visit")])
    assert keys(export()[0], "claims.claim") == ["B", "a-b", "a_c", "aa", "ab"]


def test_many_to_many_lists_are_sorted(corpus):
    for slug in ["zebra", "alpha", "mid"]:
        corpus.record.topics.add(Topic.objects.create(name=slug, slug=slug))
    fixture, _ = export()
    assert fields(fixture, "claims.claim", "trade-record")["topics"] == [
        ["alpha"], ["diplomacy"], ["mid"], ["trade"], ["zebra"]
    ]  # fmt: skip


def test_parts_of_an_event_follow_their_parent(corpus):
    testing.make_event(slug="0-briefing", parent=corpus.dinner)
    fixture, _ = export("--all")
    assert keys(fixture, "events.event") == ["moscow-2023", "a-state-dinner", "0-briefing", "talks"]


def test_models_come_in_dependency_order(corpus):
    fixture, _ = export("--all")
    order = list(dict.fromkeys(obj["model"] for obj in objects(fixture)))
    assert order == fixtures.model_labels()


def test_a_change_to_one_claim_shows_as_a_change_of_its_lines_only(corpus):
    before, _ = export("--all")
    claim = Claim.objects.get(slug="trade-record")
    claim.statement = "Trade reached $190 billion in 2022."
    claim.save()
    after, _ = export("--all")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert sorted(line[1:].split(":")[0].strip() for line in changed) == [
        '"statement"', '"statement"', '"updated_at"', '"updated_at"'
    ]  # fmt: skip


def test_the_layout_is_one_field_per_line_and_indent_zero_is_one_object_per_line(corpus):
    fixture, _ = export()
    assert '\n    "event": ["talks"],\n' in fixture
    assert '    "topics": [\n      ["diplomacy"],\n      ["trade"]\n    ],\n' in fixture
    compact, _ = export("--indent", "0")
    lines = compact.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == 2 + len(objects(fixture))
    assert objects(compact) == objects(fixture)
    wide, _ = export("--indent", "4")
    assert '\n        "event": ["talks"],\n' in wide


def test_the_natural_keys_in_the_file_are_those_the_models_give(corpus):
    """The exporter builds keys from joins; they must be what ``natural_key()`` returns."""
    fixture, _ = export("--all")
    for label in fixtures.model_labels():
        model = fixtures.get_model(label)
        expected = sorted(tuple(obj.natural_key()) for obj in model.objects.all())
        found = [key if isinstance(key, tuple) else (key,) for key in keys(fixture, label)]
        assert sorted(found) == expected, label


def test_every_model_of_the_project_is_exported_or_deliberately_left_out():
    project = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("apps.")}
    assert project == set(fixtures.model_labels()) | set(fixtures.NOT_EXPORTED)


# -- Where it goes, and what it says -------------------------------------------------------


def test_output_goes_to_a_file_and_the_summary_to_standard_output(corpus, tmp_path):
    path = tmp_path / "corpus.json"
    out, _ = export("--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8"))
    assert out.startswith("Exported ") and f"to {path}" in out
    assert path.read_text(encoding="utf-8") == export()[0]
    assert "“We are always" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not the private mode of a temporary file


def test_a_failed_export_leaves_no_partial_file(corpus, tmp_path, monkeypatch):
    path = tmp_path / "corpus.json"
    path.write_text("the previous export")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fixtures, "render", broken)
    with pytest.raises(RuntimeError):
        export("--output", str(path))
    assert path.read_text() == "the previous export"
    assert list(tmp_path.iterdir()) == [path]


def test_a_long_export_shows_its_progress_on_standard_error(corpus, monkeypatch):
    monkeypatch.setattr(fixtures, "CHUNK_SIZE", 1)
    fixture, err = export()
    assert "claims.claim: 1/3" in err and "claims.claim: 3/3" in err
    assert err.rstrip().splitlines()[-1].startswith("Exported 41 objects")  # with 9 publications
    assert "claims.claim" not in fixture.split("\n")[0]
    monkeypatch.setattr(fixtures, "CHUNK_SIZE", 1000)
    assert "1/3" not in export()[1]


def test_the_number_of_queries_does_not_grow_with_the_corpus(corpus):
    def add_claims(count):
        for _ in range(count):
            claim = testing.make_claim(status="verified", citations=[(corpus.source, "three-day state visit")])
            claim.topics.add(corpus.trade)
            claim.quotes.add(corpus.peace)
            claim.agreements.add(corpus.agreements)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            export()
        return len(captured)

    add_claims(2)
    few = queries()
    add_claims(40)
    assert queries() == few


@pytest.mark.parametrize("options", [(), ("--event", "moscow-2023")])
def test_on_postgresql_every_query_of_the_export_joins_its_tables_and_reads_no_subquery_per_row(
    corpus, require_postgres, options
):
    """Under an ``OR``, PostgreSQL runs an ``IN (subquery)`` as a subplan: hashed while it
    fits in memory, read again for every row when it does not (at a million claims, one
    query of the export ran 22 minutes that way before it was stopped). Every query of an
    export must join (a ``UNION ALL`` of what refers to a table, the status of the entry
    referred to through a join), which the plans of these few rows show as well as a
    million would."""
    with CaptureQueriesContext(connection) as captured:
        export(*options)
    selects = [query["sql"] for query in captured if query["sql"].startswith("SELECT")]
    assert len(selects) > 20
    for sql in selects:
        planned = plans.plan(sql)
        assert "SubPlan" not in planned, f"{sql}\n{planned}"


def test_an_empty_database_exports_an_empty_list_that_loaddata_accepts(tmp_path):
    fixture, _ = export()
    assert fixture == "[\n]\n"


def test_the_default_export_loads_with_stock_loaddata_into_an_empty_database(corpus, tmp_path):
    fixture, _ = export()
    path = tmp_path / "published.json"
    path.write_text(fixture, encoding="utf-8")
    empty_the_corpus()
    call_command("loaddata", str(path), verbosity=0)
    assert set(Claim.objects.values_list("slug", flat=True)) == {
        "trade-record", "fourteen-documents", "several-documents"
    }  # fmt: skip
    assert Quote.objects.get(slug="ukraine-crisis").speaker_statement.slug == "joint-statement"
    assert set(Claim.objects.get(slug="trade-record").topics.values_list("slug", flat=True)) == {"trade", "diplomacy"}
    citation = Claim.objects.get(slug="trade-record").citations.get()
    assert citation.passage == "reached a record $190 billion in 2022"
    assert export()[0] == fixture


def test_an_output_file_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*nowhere/corpus.json: No such file or directory"):
        export("--output", str(tmp_path / "nowhere" / "corpus.json"))


@pytest.mark.parametrize(
    "value",
    ["", "plain", "“curly” — dash", 'quote " and \\ backslash', "line\nbreak\ttab", "\x00\x1f", "😀", None, True,
     False, 0, -7, 12345678901234567890, [], ["slug"], ["a", "b", 3, 4], [["x"], ["y"]], "190000000000.0000"],
)  # fmt: skip
def test_the_fast_value_encoder_writes_what_json_dumps_writes(value):
    assert fixtures.dump(value) == json.dumps(value, ensure_ascii=False)


@pytest.mark.django_db
def test_exporting_to_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path):
    # Moving a finished file into place would replace a device or pipe such as /dev/null.
    import stat
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    call_command("export_fixtures", "--all", "--output", str(pipe), stdout=StringIO(), stderr=StringIO())
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert received and received[0].startswith("[")


def test_exporting_through_a_symbolic_link_writes_the_file_it_names(corpus, tmp_path):
    target, link = tmp_path / "corpus.json", tmp_path / "latest.json"
    target.write_text("old")
    link.symlink_to(target)
    export("--output", str(link))
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == export()[0]
