"""import_fixtures: checks all of a fixture first, then writes all of it or nothing."""

import json
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from apps.actors.models import Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimCitation
from apps.interchange import fixture_import
from apps.quotes.models import Quote
from apps.site.models import ContentVersion
from apps.sources import text
from apps.sources.models import Source
from tests import builders as testing

from .fixture_corpus import BODY, empty_the_corpus, export, objects

pytestmark = pytest.mark.django_db


RECORD_SPAN = text.locate("reached a record $190 billion in 2022", BODY)


def database_state():
    """Everything the import could change: the full export, and the history."""
    return export("--all")[0], Version.objects.count()


def write(tmp_path, data, name="corpus.json"):
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(path, *args):
    out = StringIO()
    call_command("import_fixtures", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(path, *args):
    """Run the import expecting a refusal; check that nothing changed; return the message."""
    before = database_state()
    with pytest.raises(CommandError) as error:
        run_import(path, *args)
    assert database_state() == before
    message = str(error.value)
    assert "was not imported; the database is unchanged" in message
    return message


def find(data, label, slug=None, **match):
    for obj in data:
        if obj["model"] == label and (slug is None or obj["fields"].get("slug") == slug):
            if all(obj["fields"].get(k) == v for k, v in match.items()):
                return obj
    raise AssertionError(f"no {label} {slug} {match}")


def new_claim(data, slug="a-new-claim", **changes):
    """A copy of a claim of the export under a new slug, with its citation."""
    claim = json.loads(json.dumps(find(data, "claims.claim", "trade-record")))
    claim["fields"].update(slug=slug, **changes)
    citation = json.loads(json.dumps(find(data, "claims.claimcitation", claim=["trade-record"])))
    citation["fields"]["claim"] = [slug]
    return [claim, citation]


# -- It loads what is sound ------------------------------------------------------------


def test_an_export_imports_into_an_empty_database_and_exports_to_the_same_bytes(corpus, tmp_path):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    empty_the_corpus()
    out = run_import(path)
    assert out.strip().splitlines()[-1].startswith("42 added, 0 changed, 0 unchanged")  # with 9 publications
    assert export("--all")[0] == fixture


def test_importing_the_same_file_twice_changes_nothing_the_second_time(corpus, tmp_path):
    path = write(tmp_path, export()[0])
    before = database_state()
    out = run_import(path)
    assert out.startswith("0 added, 0 changed, 41 unchanged")
    assert database_state() == before


def test_it_adds_new_objects_beside_existing_ones_and_reports_them(published, tmp_path):
    path = write(tmp_path, [*published, *new_claim(published)])
    out = run_import(path, "--verbosity", "2")
    assert "added claims.claim “a-new-claim”" in out
    assert "2 added, 0 changed, 41 unchanged" in out
    assert Claim.objects.get(slug="a-new-claim").citations.get().passage == "reached a record $190 billion in 2022"


def test_a_dry_run_checks_and_reports_but_writes_nothing(published, tmp_path):
    path = write(tmp_path, [*published, *new_claim(published)])
    before = database_state()
    out = run_import(path, "--dry-run")
    assert "Dry run: 2 would add, 0 would change, 41 unchanged" in out and "Nothing was written." in out
    assert database_state() == before


def test_a_dry_run_reports_problems_like_a_real_run(published, tmp_path):
    path = write(tmp_path, new_claim(published, status="published"))
    assert "status: Value 'published' is not a valid choice." in refused(path, "--dry-run")


def test_many_to_many_links_in_the_file_are_added_and_those_it_lacks_are_kept(corpus, published, tmp_path):
    corpus.record.quotes.add(testing.make_quote(slug="draft-quote", status="draft", speaker=corpus.xi))
    claim = find(published, "claims.claim", "trade-record")
    claim["fields"]["quotes"] = [["peace-and-dialogue"]]  # the export left out the draft
    run_import(write(tmp_path, published), "--update")
    assert set(corpus.record.quotes.values_list("slug", flat=True)) == {"draft-quote"}  # published: as it was
    corpus.record.refresh_from_db()
    # The link is proposed (a change to a published claim waits for review), the other kept.
    assert sorted(corpus.record.proposal["links"]["quotes"]) == [["draft-quote"], ["peace-and-dialogue"]]


# -- Written in bulk: what the signals of one-by-one saves did, done once ------------------


def stored_by_slug():
    """Each entry's stored corroboration, by slug (ids change when a corpus is imported again)."""
    return {
        (model.__name__, slug): (level, count)
        for model in (Claim, Quote, Agreement)
        for slug, level, count in model.objects.values_list("slug", "corroboration_level", "supporting_sources")
    }


def test_an_import_stores_corroboration_and_makes_cached_pages_stale(corpus, tmp_path):
    fixture = export("--all")[0]
    path = write(tmp_path, fixture)
    expected = stored_by_slug()
    assert {level for level, _ in expected.values()} >= {"single", "disputed"}
    empty_the_corpus()
    version, _ = ContentVersion.objects.current()
    run_import(path)
    assert stored_by_slug() == expected
    assert ContentVersion.objects.current()[0] > version


def test_the_import_makes_as_many_queries_for_twice_the_objects(published, tmp_path, django_assert_num_queries):
    def claims(prefix, count):
        return [obj for number in range(count) for obj in new_claim(published, slug=f"{prefix}-{number}")]

    run_import(write(tmp_path, claims("first", 1), "first.json"))  # what is looked up once per process
    with CaptureQueriesContext(connection) as few:
        run_import(write(tmp_path, claims("few", 4), "few.json"))
    with django_assert_num_queries(len(few.captured_queries)):
        run_import(write(tmp_path, claims("many", 8), "many.json"))
    assert Claim.objects.filter(slug__startswith="many-").count() == 8
    assert ClaimCitation.objects.filter(claim__slug__startswith="many-").count() == 8


def test_what_the_import_holds_of_each_object_shares_what_objects_have_in_common(corpus, tmp_path):
    """Memory without timing: the import holds an item per object of the file, so each
    holds no copy of what others have (field names, the keys it refers to, a status)."""
    fixture = export("--all")[0]
    empty_the_corpus()
    importer = fixture_import.FixtureImport()
    importer.parse(enumerate(importer.load(fixture.encode()), start=1))
    claims = {item.key: item for item in importer.by_label["claims.claim"]}
    citations = importer.by_label["claims.claimcitation"]
    assert citations and len(claims) > 1
    for citation in citations:
        assert citation.fks["claim"] is claims[citation.fks["claim"]].key  # the claim's own key
    plans = fixture_import.plans_by_name(Claim)
    for item in claims.values():
        assert all(name is plans[name].name for name in item.values)
        assert all(name is plans[name].name for name in (*item.fks, *item.m2m))
    statuses = defaultdict(set)  # a status's value → the strings that hold it
    for item in claims.values():
        statuses[item.values["status"]].add(id(item.values["status"]))
    assert all(len(held) == 1 for held in statuses.values())
    for item in importer.by_label["claims.claimpublication"]:
        assert item.m2m is fixture_import.NONE  # no links: one empty value for all
    assert len({item.label for item in importer.items if item.label == "claims.claim"}) == 1
    assert len({id(item.label) for item in importer.items if item.label == "claims.claim"}) == 1


def test_new_objects_refer_to_each_other_and_to_existing_ones_beside_a_change(corpus, published, tmp_path):
    source = json.loads(json.dumps(find(published, "sources.source", "report")))
    body = "A new report. " + BODY
    source["fields"].update(slug="new-report", body=body, content_hash=text.content_hash(body), outlet=None)
    topic = {"model": "editorial.topic", "fields": {"name": "Energy", "slug": "energy", "description": ""}}
    claim, citation = new_claim(published, slug="from-the-new-report", topics=[["energy"], ["trade"]])
    start, end = text.locate("reached a record $190 billion in 2022", body)
    second = {**citation, "fields": {**citation["fields"], "source": ["new-report"], "start": start, "end": end}}
    find(published, "claims.claim", "trade-record")["fields"]["statement"] = "Trade fell."
    run_import(write(tmp_path, [topic, source, *published, claim, citation, second]), "--update")

    new = Claim.objects.get(slug="from-the-new-report")
    assert new.event == corpus.summit
    assert set(new.topics.values_list("slug", flat=True)) == {"energy", "trade"}
    assert {(c.source.slug, c.passage) for c in new.citations.all()} == {
        ("report", "reached a record $190 billion in 2022"),
        ("new-report", "reached a record $190 billion in 2022"),
    }
    # Two sources, one from an outlet and one from none: independent.
    assert (new.corroboration_level, new.supporting_sources) == ("corroborated", 2)
    assert Source.objects.get(slug="new-report").created_at == corpus.source.created_at  # the file's stamps
    changed = Claim.objects.get(slug="trade-record")
    # Published: the change is proposed for review, and readers keep the verified statement.
    assert changed.statement == "Trade reached a record $190 billion in 2022."
    assert changed.proposal["fields"]["statement"] == "Trade fell." and changed.proposal_status == "draft"
    assert Version.objects.get_for_object(changed).first().revision.get_comment().endswith("statement.")


@pytest.mark.parametrize("model", [Claim, ClaimCitation])
def test_a_refused_insert_leaves_the_database_as_it_was(published, tmp_path, monkeypatch, model):
    data = [*published, *new_claim(published, slug="first"), *new_claim(published, slug="second")]
    original = fixture_import.insert_rows

    def refuse_the_second(table, fields, rows):
        """The claim “second”, or its citation: an error of the database at that row."""
        if table is model:
            column = [f.name for f in fields].index("slug" if model is Claim else "claim")
            second = "second" if model is Claim else Claim.objects.get(slug="second").pk
            if any(row[column] == second for row in rows):
                from django.db import IntegrityError

                raise IntegrityError("simulated failure")
        return original(table, fields, rows)

    monkeypatch.setattr(fixture_import, "insert_rows", refuse_the_second)
    message = refused(write(tmp_path, data))
    refused_object = "claims.claim “second” (object 44)" if model is Claim else "claims.claimcitation “second / report"
    assert refused_object in message and "the database refused it: simulated failure" in message
    assert not Claim.objects.filter(slug__in=["first", "second"]).exists()


# -- An existing entry: refused, or changed with --update and recorded ----------------------


def test_an_entry_that_exists_with_other_values_is_refused_without_update(published, tmp_path):
    find(published, "claims.claim", "trade-record")["fields"]["statement"] = "Trade fell."
    message = refused(write(tmp_path, published))
    assert "claims.claim “trade-record”" in message
    assert "the verified entry is already in the database with other values (statement)" in message
    assert "run with --update" in message


def test_with_update_a_change_to_a_published_entry_is_proposed_and_recorded_in_its_history(corpus, published, tmp_path):
    find(published, "claims.claim", "trade-record")["fields"]["statement"] = "Trade fell."
    version = Claim.objects.get(slug="trade-record").version
    out = run_import(write(tmp_path, published, "from-brussels.json"), "--update")
    assert "changed claims.claim “trade-record” (object" in out and ": statement" in out
    assert "proposed a change to claims.claim “trade-record”: it is published, and the change waits" in out
    claim = Claim.objects.get(slug="trade-record")
    assert claim.statement == "Trade reached a record $190 billion in 2022."  # readers keep it
    assert claim.proposal["fields"]["statement"] == "Trade fell."
    assert claim.version == version + 1  # a form opened before the import is stale now
    versions = Version.objects.get_for_object(claim)
    assert versions[0].revision.get_comment() == "Proposed by import_fixtures from from-brussels.json: statement."
    assert versions[0].field_dict["proposal"]["fields"]["statement"] == "Trade fell."
    assert versions[1].revision.get_comment() == "Version before the first recorded change."


def test_with_update_a_draft_is_changed_in_place(corpus, published, tmp_path):
    Claim.objects.filter(slug="trade-record").update(status="draft", verified_at=None)
    find(published, "claims.claim", "trade-record")["fields"]["statement"] = "Trade fell."
    run_import(write(tmp_path, published, "from-brussels.json"), "--update")
    claim = Claim.objects.get(slug="trade-record")
    assert (claim.statement, claim.status, claim.proposal) == ("Trade fell.", "draft", None)


def test_a_new_citation_of_an_existing_entry_is_recorded_in_the_entrys_history(corpus, published, tmp_path):
    citation = json.loads(json.dumps(find(published, "claims.claimcitation", claim=["trade-record"])))
    start, end = text.locate("an increase of about 30%", BODY)
    citation["fields"].update(excerpt="an increase of about 30%", start=start, end=end)
    run_import(write(tmp_path, [citation]), "--update")
    claim = Claim.objects.get(slug="trade-record")
    # Published: the new evidence is proposed with it, for review.
    assert claim.citations.count() == 1 and len(claim.proposal["parts"]["citations"]) == 2
    latest = Version.objects.get_for_object(claim).first()
    assert latest.revision.get_comment().endswith("claim citation added.")
    # On an entry not yet published, it is written at once, and its history says so.
    Claim.objects.filter(pk=claim.pk).update(status="draft", proposal=None, proposal_status="")
    run_import(write(tmp_path, [citation]), "--update")
    assert claim.citations.count() == 2
    latest = Version.objects.get_for_object(claim).first()
    assert latest.revision.get_comment().endswith("citations added.")


def test_the_record_update_hook_is_the_one_place_history_is_written(corpus, published, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(fixture_import, "record_update", lambda obj, user=None, comment="": calls.append(obj))
    find(published, "actors.person", "xi-jinping")["fields"]["role"] = "General Secretary"
    run_import(write(tmp_path, published), "--update")
    assert [str(obj) for obj in calls] == ["Xi Jinping"]


# -- Bad input: a clear message, a non-zero exit, the database as it was -----------------


BAD_FILES = {
    "malformed JSON": (b'[{"model": "claims.claim", "fields": {', "is not valid JSON: Expecting property name"),
    "an empty file": (b"", "corpus.json is empty: there is nothing to import."),
    "a file of blanks": (b"  \n ", "is empty"),
    "not UTF-8": (b"[]" + b"\xff", "is not UTF-8 text"),
    "not a list": (b'{"model": "claims.claim"}', "must hold a JSON list of objects, not a dict"),
    "an object without a model": (b'[{"fields": {}}]', 'Object 1 is not of the form {"model": …'),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_file_that_is_not_a_fixture_is_refused(corpus, tmp_path, case):
    content, expected = BAD_FILES[case]
    assert expected in refused(write(tmp_path, content))


def test_malformed_json_is_located_by_line_and_column(corpus, tmp_path):
    path = write(tmp_path, '[\n{"model": "claims.claim",\n "fields": {"slug": "x",}}\n]')
    assert "at line 3, column 25" in refused(path)


def edit(data, label, slug, /, **changes):
    find(data, label, slug)["fields"].update(changes)
    return data


def left_out(data, name):
    """The file without the field ``name`` anywhere: the database's value stands."""
    for obj in data:
        obj["fields"].pop(name, None)
    return data


def same_text(data, slug, other):
    copy = find(data, "sources.source", other)["fields"]
    return edit(data, "sources.source", slug, body=copy["body"], content_hash=copy["content_hash"])


# Each case: (how to spoil the verified corpus's export, what the message must say).
BAD_OBJECTS = {
    "a wrong model name": (
        lambda d: [{"model": "claims.clam", "fields": {}}, *d],
        "Object 1: there is no model “claims.clam” among those a fixture carries. Did you mean “claims.claim”?",
    ),
    "a user account": (
        lambda d: [{"model": "auth.user", "fields": {"username": "mallory"}}, *d],
        "auth.user is not imported: user accounts and permissions never travel in fixtures.",
    ),
    "a model that never travels": (
        lambda d: [{"model": "site.contentversion", "fields": {}}, *d],
        "site.contentversion is not imported",
    ),
    "an unknown field": (
        lambda d: edit(d, "claims.claim", "trade-record", colour="red"),
        "claims.claim has no field “colour”.",
    ),
    "a missing reference": (
        lambda d: edit(d, "claims.claim", "trade-record", event=["atlantis-summit"]),
        "“event” refers to events.event “atlantis-summit”, which is neither in the file nor in the database.",
    ),
    "a missing reference in a list": (
        lambda d: edit(d, "claims.claim", "trade-record", topics=[["trade"], ["astrology"]]),
        "“topics” refers to editorial.topic “astrology”, which is neither in the file nor in the database.",
    ),
    "a reference by database id": (
        lambda d: edit(d, "claims.claim", "trade-record", event=3),
        "“event” refers to a event by database id (3); ids differ between instances",
    ),
    "a user on a stamp": (
        lambda d: edit(d, "claims.claim", "trade-record", verified_by=["editor"]),
        "user accounts do not travel in fixtures: “verified_by” must be null.",
    ),
    "a status outside the choices": (
        lambda d: edit(d, "claims.claim", "trade-record", status="published"),
        "status: Value 'published' is not a valid choice.",
    ),
    "a credibility outside the scale": (
        lambda d: edit(d, "claims.claim", "trade-record", credibility=9),
        "credibility: Value 9 is not a valid choice.",
    ),
    "an over-long string": (
        lambda d: edit(d, "actors.person", "xi-jinping", name="X" * 201),
        "name: Ensure this value has at most 200 characters (it has 201).",
    ),
    "a bad date": (
        lambda d: edit(d, "sources.source", "report", published_on="21/03/2023"),
        "published_on: “21/03/2023” value has an invalid date format.",
    ),
    "a bad slug": (
        lambda d: edit(d, "actors.person", "xi-jinping", slug="xi jinping"),
        "slug: Enter a valid “slug”",
    ),
    "a unit without a quantity": (
        lambda d: edit(d, "claims.claim", "trade-record", quantity=None),
        "quantity: A unit or qualifier needs a quantity.",
    ),
    "an event that ends before it starts": (
        lambda d: edit(d, "events.event", "talks", starts_on="2023-03-21", ends_on="2023-03-20"),
        "ends_on: An event cannot end before it starts.",
    ),
    "an event that is part of itself": (
        lambda d: edit(d, "events.event", "moscow-2023", parent=["talks"]),
        "parent: An event cannot be part of itself.",
    ),
    "a quote with two speakers": (
        lambda d: edit(d, "quotes.quote", "peace-and-dialogue", speaker_organization=["china"]),
        "Give exactly one speaker: a person, an organization or a joint statement.",
    ),
    "a speaker said to have said the words with themselves": (
        lambda d: edit(d, "quotes.quote", "peace-and-dialogue", co_speakers=[["xi-jinping"]]),
        "co_speakers: Xi Jinping is the speaker: “said with” names the others who said the words with them.",
    ),
    "a joint statement with co-speakers": (
        lambda d: edit(d, "quotes.quote", "ukraine-crisis", co_speakers=[["vladimir-putin"]]),
        "co_speakers: A joint statement speaks for its signatories: record who signed it on the agreement",
    ),
    "a new speaker who is among the co-speakers recorded": (
        lambda d: left_out(edit(d, "quotes.quote", "responsible-dialogue", speaker=["vladimir-putin"]), "co_speakers"),
        "co_speakers: Vladimir Putin is the speaker",
    ),
    "an agreement without a document": (
        lambda d: edit(d, "agreements.agreement", "fourteen-agreements", documents=0),
        "documents: An agreement has at least one document.",
    ),
    "a claim related to itself": (
        lambda d: [
            *d,
            {
                "model": "claims.claimrelation",
                "fields": {"from_claim": ["trade-record"], "to_claim": ["trade-record"], "kind": "refines"},
            },
        ],
        "A claim cannot be related to itself.",
    ),
    "a topic with the name of another": (
        lambda d: edit(d, "editorial.topic", "trade", name="Diplomacy"),
        "editorial.topic “trade” (object 2): the name is already recorded, as editorial.topic “diplomacy”.",
    ),
    "a source whose hash does not match its text": (
        lambda d: edit(d, "sources.source", "report", content_hash="0" * 64),
        "Its content hash does not match its text. Export the source again, or leave content_hash out.",
    ),
    "a source with the text of another": (
        lambda d: same_text(d, "report", "other-report"),
        "sources.source “report” (object 12): body: This text is already recorded as the source "
        "“Several documents signed” (other-report).",
    ),
}


@pytest.mark.parametrize("case", list(BAD_OBJECTS))
def test_a_fixture_with_a_bad_object_is_refused_naming_the_object_and_the_problem(published, tmp_path, case):
    spoil, expected = BAD_OBJECTS[case]
    message = refused(write(tmp_path, spoil(published)), "--update")
    assert expected in message
    assert message.count("\n") >= 1  # the summary line, then one line per problem


def test_a_duplicate_natural_key_is_refused_where_loaddata_keeps_the_last(published, tmp_path):
    claim, citation = new_claim(published, slug="twice")
    second = json.loads(json.dumps(claim))
    second["fields"]["statement"] = "The second one."
    message = refused(write(tmp_path, [claim, citation, second]))
    assert "claims.claim “twice” (object 3): it appears twice in the file (objects 1 and 3)" in message


def test_an_excerpt_that_is_not_in_its_source_is_refused(published, tmp_path):
    claim, citation = new_claim(published)
    citation["fields"]["excerpt"] = "Trade reached a record $200 billion"
    message = refused(write(tmp_path, [claim, citation]))
    assert "The excerpt “Trade reached a record $200 billion” is not in the source “Xi in Moscow”." in message


def test_offsets_that_do_not_point_at_the_excerpt_are_refused(published, tmp_path):
    claim, citation = new_claim(published)
    citation["fields"].update(start=10, end=47)
    message = refused(write(tmp_path, [claim, citation]))
    assert "is recorded at 10–47 of “Xi in Moscow” but found at {}–{}.".format(*RECORD_SPAN) in message


def test_a_quote_that_is_not_in_its_supporting_excerpts_is_refused(published, tmp_path):
    edit(published, "quotes.quote", "peace-and-dialogue", text="We are always for war")
    message = refused(write(tmp_path, published), "--update")
    assert "The quote “We are always for war” is not in any of its supporting excerpts." in message


def test_a_verified_entry_without_a_supporting_citation_is_refused(published, tmp_path):
    claim, citation = new_claim(published)
    citation["fields"]["stance"] = "mentions"
    message = refused(write(tmp_path, [claim, citation]))
    assert "claims.claim “a-new-claim” (object 1): It is verified without a supporting citation." in message


# -- What the workflow records with a status (Entry.record_problems) --------------------


def test_a_retracted_entry_without_a_correction_note_or_a_retraction_time_is_refused(published, tmp_path):
    claim, citation = new_claim(published, status="retracted", correction="", retracted_at=None)
    message = refused(write(tmp_path, [claim, citation]))
    named = "claims.claim “a-new-claim” (object 1): "
    assert named + "A retracted entry needs a correction note for readers." in message
    assert named + "A retracted entry needs the time it was retracted (retracted_at)." in message


def test_an_import_never_changes_the_status_of_an_entry_here(published, tmp_path):
    """An entry's review is this instance's: retracting, like verifying, is an editor's act here."""
    quote = find(published, "quotes.quote", "peace-and-dialogue")
    quote["fields"].update(status="retracted", retracted_at="2023-04-01T00:00:00Z")
    del quote["fields"]["correction"]
    out = run_import(write(tmp_path, [quote]), "--update")
    assert "kept quotes.quote “peace-and-dialogue” (object 1): status, retracted_at as this instance has it" in out
    assert Quote.objects.get(slug="peace-and-dialogue").status == "verified"


def test_an_import_into_an_instance_with_entries_brings_a_verified_entry_for_review(published, tmp_path):
    out = run_import(write(tmp_path, new_claim(published)))
    claim = Claim.objects.get(slug="a-new-claim")
    assert (claim.status, claim.verified_at, claim.publications.count()) == ("in_review", None, 0)
    assert claim.submission_note.startswith("Verified in ")
    assert "claims.claim “a-new-claim” is verified in the file: it arrives here in review" in out


def test_a_verified_entry_without_its_verification_time_is_refused(published, tmp_path):
    claim, citation = new_claim(published, verified_at=None)
    message = refused(write(tmp_path, [claim, citation]))
    assert (
        "claims.claim “a-new-claim” (object 1): A verified entry needs the time it was verified (verified_at)."
        in message
    )


def test_a_retracted_entry_with_its_note_and_time_is_imported(published, tmp_path):
    fields = {"status": "retracted", "correction": "The figure was misread.", "retracted_at": "2023-04-01T00:00:00Z"}
    run_import(write(tmp_path, new_claim(published, **fields)))
    claim = Claim.objects.get(slug="a-new-claim")
    assert (claim.status, claim.correction) == ("retracted", "The figure was misread.")
    assert claim.retracted_at.isoformat() == "2023-04-01T00:00:00+00:00"


# -- A NUL character, anywhere in a file ----------------------------------------------------

# Each: (the objects of the file, made from the export; what the message must say). On
# PostgreSQL a NUL in a topic's name or slug ended in a DataError traceback; on SQLite a
# claim's statement with a NUL was stored.
NUL_CASES = {
    "in a topic's name": (
        lambda d: [{"model": "editorial.topic", "fields": {"name": "Tra\x00de", "slug": "nul-topic"}}],
        "editorial.topic “nul-topic” (object 1): name: Null characters are not allowed.",
    ),
    "in a topic's slug": (
        lambda d: [{"model": "editorial.topic", "fields": {"name": "A topic", "slug": "nul\x00topic"}}],
        "editorial.topic “nul\\u0000topic” (object 1): slug: Null characters are not allowed.",
    ),
    "in a claim's statement": (
        lambda d: new_claim(d, statement="Trade grew\x00."),
        "claims.claim “a-new-claim” (object 1): statement: Null characters are not allowed.",
    ),
    "in a change to a person's notes": (
        lambda d: [{**find(d, "actors.person", "xi-jinping"), "fields": {"slug": "xi-jinping", "notes": "\x00"}}],
        "actors.person “xi-jinping” (object 1): notes: Null characters are not allowed.",
    ),
    "in a reference": (
        lambda d: new_claim(d, topics=[["trade"], ["ene\x00rgy"]]),
        "claims.claim “a-new-claim” (object 1): topics: Null characters are not allowed.",
    ),
}


@pytest.mark.parametrize("case", list(NUL_CASES))
def test_a_nul_character_in_any_field_is_refused_naming_the_object(published, tmp_path, case):
    make, expected = NUL_CASES[case]
    message = refused(write(tmp_path, make(published)), "--update")
    assert expected in message


def test_a_draft_may_come_without_evidence(published, tmp_path):
    claim, _ = new_claim(published, status="draft")
    run_import(write(tmp_path, [claim]))
    assert Claim.objects.get(slug="a-new-claim").status == "draft"


def test_a_changed_source_text_that_loses_a_cited_passage_is_refused(published, tmp_path):
    source = find(published, "sources.source", "report")
    source["fields"]["body"] = source["fields"]["body"].replace("$190 billion", "$200 billion")
    del source["fields"]["content_hash"]
    message = refused(write(tmp_path, [source]), "--update")
    assert (
        "body: The new text no longer contains 1 cited excerpt(s): “reached a record $190 billion in 2022”" in message
    )


def test_a_changed_source_text_that_moves_a_cited_passage_is_refused_where_the_admin_would_move_it(published, tmp_path):
    source = find(published, "sources.source", "report")
    source["fields"]["body"] = "Moved. " + source["fields"]["body"]
    del source["fields"]["content_hash"]
    message = refused(write(tmp_path, [source]), "--update")
    start, end = RECORD_SPAN
    moved = (
        "sources.source “report” (object 1): claims.claim “trade-record”: The excerpt “reached a record $190 "
        f"billion in 2022” is recorded at {start}–{end} of “Xi in Moscow” but found at {start + 7}–{end + 7}. "
        "An import does not move citations: keep the passage where it is, or change the text in the admin."
    )
    assert moved in message


def test_a_changed_source_text_is_checked_against_the_citations_the_file_gives_unchanged(published, tmp_path):
    """The file's copy of a citation, the same as the database's, is evidence the import leaves too."""
    source = find(published, "sources.source", "report")
    source["fields"]["body"] = source["fields"]["body"].replace("$190 billion", "$200 billion")
    del source["fields"]["content_hash"]
    citation = find(published, "claims.claimcitation", claim=["trade-record"])
    message = refused(write(tmp_path, [source, citation]), "--update")
    assert "The new text no longer contains 1 cited excerpt(s): “reached a record $190 billion in 2022”" in message


def test_a_citation_change_that_leaves_a_verified_entry_without_support_is_refused(published, tmp_path):
    citation = find(published, "claims.claimcitation", claim=["trade-record"])
    citation["fields"]["stance"] = "mentions"
    message = refused(write(tmp_path, [citation]), "--update")
    assert "(object 1): claims.claim “trade-record”: It is verified without a supporting citation." in message


def test_events_in_a_loop_are_refused_and_an_event_below_the_loop_is_not_blamed(corpus, tmp_path):
    def event(slug, parent):
        return {"model": "events.event", "fields": {"name": slug, "slug": slug, "parent": [parent]}}

    message = refused(write(tmp_path, [event("a", "b"), event("b", "a"), event("c", "a")]))
    assert message.splitlines()[1:] == [
        "events.event “a” (object 1): parent: An event cannot be part of itself.",
        "events.event “b” (object 2): parent: An event cannot be part of itself.",
    ]


def test_every_problem_is_reported_at_once(published, tmp_path):
    edit(published, "claims.claim", "trade-record", status="published")
    edit(published, "actors.person", "xi-jinping", name="X" * 201)
    message = refused(write(tmp_path, published), "--update")
    assert "status: Value 'published'" in message and "name: Ensure this value has at most 200" in message


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.json: No such file or directory"):
        run_import(tmp_path / "missing.json")


# -- Where stock loaddata falls short, and import_fixtures does not ------------------------
# Each test shows what loaddata really does on this database, then import_fixtures on the same file.


def test_an_empty_file_loaddata_fails_without_saying_why(tmp_path):
    from django.core.serializers.base import DeserializationError

    path = write(tmp_path, b"", "empty.json")
    with pytest.raises(DeserializationError) as error:
        call_command("loaddata", str(path), verbosity=0)
    assert str(error.value).endswith("empty.json': ")  # no reason given
    assert "empty.json is empty: there is nothing to import." in refused(path)


def test_a_status_outside_the_choices_loaddata_stops_at_the_database_constraint(published, tmp_path):
    from django.db import IntegrityError

    path = write(tmp_path, new_claim(published, status="published"), "status.json")
    # The check constraint refuses it on SQLite and PostgreSQL alike, but the message is
    # the database's: a constraint name and (PostgreSQL) the raw row, never the allowed values.
    with pytest.raises(IntegrityError) as error:
        call_command("loaddata", str(path), verbosity=0)
    assert "claim_status_valid" in str(error.value) and "in_review" not in str(error.value)
    assert not Claim.objects.filter(slug="a-new-claim").exists()
    message = refused(path)
    assert "claims.claim “a-new-claim” (object 1): status: Value 'published' is not a valid choice." in message


def test_an_over_long_string_loaddata_stores_it_on_sqlite_and_fails_on_postgresql(published, tmp_path, settings):
    from django.db import DataError

    edit(published, "actors.person", "xi-jinping", slug="xi-2", name="X" * 201)
    person = [find(published, "actors.person", "xi-2")]
    path = write(tmp_path, person, "long.json")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        call_command("loaddata", str(path), verbosity=0)
        assert len(Person.objects.get(slug="xi-2").name) == 201  # kept silently, past max_length
        Person.objects.filter(slug="xi-2").delete()
    else:
        with pytest.raises(DataError, match="value too long"):
            call_command("loaddata", str(path), verbosity=0)
    assert "name: Ensure this value has at most 200 characters (it has 201)." in refused(path)


def overwrite_by_pk(tmp_path):
    """A fixture object with the primary key of the verified claim and another statement."""
    claim = Claim.objects.get(slug="trade-record")
    obj = find(objects(export()[0]), "claims.claim", "trade-record")
    obj["pk"] = claim.pk
    obj["fields"]["statement"] = "Overwritten."
    return claim, write(tmp_path, [obj], "pk.json")


def test_an_existing_primary_key_loaddata_overwrites_a_verified_entry_without_history(corpus, tmp_path):
    claim, path = overwrite_by_pk(tmp_path)
    call_command("loaddata", str(path), verbosity=0)
    assert Claim.objects.get(pk=claim.pk).statement == "Overwritten."
    assert not Version.objects.get_for_object(claim).exists()


def test_an_existing_primary_key_import_refuses_it_or_with_update_records_the_change(corpus, tmp_path):
    claim, path = overwrite_by_pk(tmp_path)
    assert "the verified entry is already in the database with other values (statement)" in refused(path)
    run_import(path, "--update")
    assert Claim.objects.get(pk=claim.pk).proposal["fields"]["statement"] == "Overwritten."  # for review
    assert Version.objects.get_for_object(claim).count() == 2


def test_a_natural_key_twice_in_one_file_loaddata_lets_the_last_one_win(published, tmp_path):
    claim, citation = new_claim(published, slug="twice")
    second = json.loads(json.dumps(claim))
    second["fields"]["statement"] = "The second one."
    path = write(tmp_path, [claim, citation, second], "twice.json")
    call_command("loaddata", str(path), verbosity=0)
    assert Claim.objects.get(slug="twice").statement == "The second one."
    Claim.objects.filter(slug="twice").delete()
    assert "it appears twice in the file" in refused(path)


def test_wrong_offsets_loaddata_stores_them_and_the_passage_is_wrong(published, tmp_path):
    claim, citation = new_claim(published)
    citation["fields"].update(start=10, end=47)
    path = write(tmp_path, [claim, citation], "offsets.json")
    call_command("loaddata", str(path), verbosity=0)
    stored = ClaimCitation.objects.get(claim__slug="a-new-claim")
    assert stored.passage != stored.excerpt
    Claim.objects.filter(slug="a-new-claim").delete()
    assert "is recorded at 10–47 of “Xi in Moscow” but found at {}–{}.".format(*RECORD_SPAN) in refused(path)
