"""check_corpus finds what loaddata lets through."""

import json
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.claims.models import Claim, ClaimCitation
from apps.interchange.management.commands import check_corpus
from apps.quotes.models import Quote
from apps.sources.models import Source
from tests.builders import make_agreement, make_claim, make_editor, make_person, make_quote, make_source, published

pytestmark = pytest.mark.django_db


def check():
    out, err = StringIO(), StringIO()
    try:
        call_command("check_corpus", stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


@pytest.fixture
def sound_corpus():
    source = make_source()
    editor = make_editor()
    verified = {"status": "verified", "verified_at": timezone.now()}
    claim = make_claim(citations=[(source, "three-day visit")], verified_by=editor, slug="sound", **verified)
    quote = make_quote(citations=[(source, "We’re always for peace and dialogue")], slug="peace", **verified)
    return source, claim, quote


def test_a_sound_corpus_passes(sound_corpus):
    ok, out, _ = check()
    assert ok and "0 problem(s)" in out


# Each case breaks the data the way a hand-edited fixture can: behind the models' backs.
def test_it_reports_an_excerpt_that_is_not_in_its_source(sound_corpus):
    ClaimCitation.objects.filter(claim__slug="sound").update(excerpt="a sentence nobody wrote")
    ok, out, summary = check()
    assert not ok and "claim sound: The excerpt “a sentence nobody wrote” is not in the source" in out
    # Written outside review, the new excerpt is also what no editor approved.
    assert "claim sound: Readers see a version that no editor approved" in out
    assert "2 problem(s)" in summary


def test_it_reports_offsets_that_point_elsewhere(sound_corpus):
    ClaimCitation.objects.filter(claim__slug="sound").update(start=0, end=5)
    ok, out, _ = check()
    assert not ok and "is recorded at 0–5" in out


def test_it_reports_a_verified_entry_without_support(sound_corpus):
    ClaimCitation.objects.filter(claim__slug="sound").update(stance="mentions")
    ok, out, _ = check()
    assert not ok and "claim sound: It is verified without a supporting citation." in out


def test_it_reports_a_quote_missing_from_its_excerpts(sound_corpus):
    Quote.objects.filter(slug="peace").update(text="We want war")
    ok, out, _ = check()
    assert not ok and "quote peace: The quote “We want war” is not in any of its supporting excerpts." in out


def test_it_reports_an_entry_verified_by_its_author(sound_corpus):
    _, claim, _ = sound_corpus
    Claim.objects.filter(pk=claim.pk).update(created_by=claim.verified_by)
    ok, out, _ = check()
    assert not ok and "claim sound: It was verified by the person who created it (four-eyes rule)." in out


def test_it_reports_a_source_whose_text_changed_behind_its_hash(sound_corpus):
    source, _, _ = sound_corpus
    Source.objects.filter(pk=source.pk).update(body=source.body + " Appended.")
    ok, out, _ = check()
    assert not ok and f"source {source.slug}: Its content hash does not match its text." in out


# What the workflow records with a status, missing: rows the workflow never wrote.
def test_it_reports_a_verified_entry_without_its_verification_time_written_by_sql(sound_corpus):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Claim._meta.db_table} SET verified_at = NULL WHERE slug = %s", ["sound"])
    ok, out, summary = check()
    assert not ok and "claim sound: A verified entry needs the time it was verified (verified_at)." in out
    assert "1 problem(s)" in summary


def test_it_reports_a_retracted_entry_loaded_without_its_correction_note_or_time(sound_corpus, tmp_path):
    fixture = tmp_path / "retracted.json"
    stamps = {"created_at": "2023-03-21T00:00:00Z", "updated_at": "2023-03-21T00:00:00Z"}
    claim = {"slug": "loaded", "statement": "Loaded behind the models' back.", "status": "retracted", **stamps}
    fixture.write_text(json.dumps([{"model": "claims.claim", "fields": claim}]), encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    ok, out, summary = check()
    assert not ok
    assert "claim loaded: A retracted entry needs a correction note for readers." in out
    assert "claim loaded: A retracted entry needs the time it was retracted (retracted_at)." in out
    assert "2 problem(s)" in summary


# Who said a quote together with whom: ``Quote.co_speakers_problem``, the rule the admin's
# form, approvals and the import apply, here on links written behind its back.
def test_it_reports_a_speaker_written_by_sql_as_their_own_co_speaker(sound_corpus):
    xi = make_person(name="Xi Jinping")
    quote = make_quote(speaker=xi, slug="alone-together")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Quote.co_speakers.through._meta.db_table} (quote_id, person_id) VALUES (%s, %s)",
            [quote.pk, xi.pk],
        )
    ok, out, summary = check()
    assert not ok and "1 problem(s)" in summary
    assert f"quote alone-together: {quote.co_speakers_problem([xi])}" in out
    assert "Xi Jinping is the speaker: “said with” names the others who said the words with them." in out


def test_it_reports_people_added_beside_a_joint_statement_and_passes_words_said_together(sound_corpus):
    source, _, _ = sound_corpus
    putin, xi = make_person(name="Vladimir Putin"), make_person(name="Xi Jinping")
    statement = make_agreement(kind="joint_statement", slug="statement")
    quote = make_quote(speaker_statement=statement, slug="statement-says")
    quote.co_speakers.add(putin)  # as a script would: no form, no review
    # Two leaders who said the words together, verified and approved as they are: sound.
    together = make_quote(speaker=xi, citations=[(source, "We’re always for peace and dialogue")], slug="together")
    together.co_speakers.add(putin)
    Quote.objects.filter(pk=together.pk).update(status="verified", verified_at=timezone.now())
    published(Quote.objects.get(pk=together.pk))
    ok, out, summary = check()
    assert not ok and "1 problem(s)" in summary
    assert f"quote statement-says: {quote.co_speakers_problem([putin])}" in out
    assert "A joint statement speaks for its signatories" in out
    assert "together" not in out


def test_it_reads_the_co_speakers_of_any_number_of_quotes_in_the_same_queries(sound_corpus):
    """A chunk's links are read in a query per many-to-many field, not one per quote."""

    def queries_with_quotes_said_together(count):
        for _ in range(count):
            make_quote(slug=f"together-{Quote.objects.count()}").co_speakers.add(make_person(), make_person())
        with CaptureQueriesContext(connection) as queries:
            assert check()[0]
        return len(queries)

    assert queries_with_quotes_said_together(2) == queries_with_quotes_said_together(6)


def test_it_reads_the_corpus_in_a_number_of_queries_that_does_not_grow_with_it():
    """Linear in the corpus, not a query per entry: a million claims must be checked in
    minutes. 20 claims and 60 claims (in one chunk each) take the same queries."""

    def queries_of_a_check(claims):
        call_command("generate_corpus", claims=claims, replace=True, stdout=StringIO(), stderr=StringIO())
        with CaptureQueriesContext(connection) as queries:
            assert check()[0]
        return len(queries)

    assert queries_of_a_check(20) == queries_of_a_check(60)


def test_it_finds_the_same_problems_whatever_its_chunks(monkeypatch):
    """Entries are read a chunk at a time, their citations, links, publications and states
    by the range of the chunk's ids, and sources a chunk at a time: chunks of a few entries and
    sources find what one chunk finds, at the edges of the chunks too."""
    call_command("generate_corpus", claims=30, stdout=StringIO(), stderr=StringIO())
    verified = list(Claim.objects.filter(status="verified").order_by("pk"))
    edited = [verified[0], verified[len(verified) // 2], verified[-1]]
    for claim in edited:  # as SQL would: no proposal, no approval
        Claim.objects.filter(pk=claim.pk).update(statement=f"{claim.statement} (edited)")
    ClaimCitation.objects.filter(pk=edited[1].citations.first().pk).update(excerpt="a sentence nobody wrote")
    # Quotes at the edges of chunks of 4, each said by a person listed as their own co-speaker:
    # links are read by the range of the chunk's ids too.
    quotes = list(Quote.objects.order_by("pk"))
    said_alone, person = [quotes[0], quotes[3], quotes[4], quotes[-1]], make_person()
    for quote in said_alone:
        Quote.objects.filter(pk=quote.pk).update(speaker=person, speaker_organization=None, speaker_statement=None)
        quote.co_speakers.add(person)
    ok, out, summary = check()
    assert not ok
    for claim in edited:
        assert f"claim {claim.slug}: Readers see a version that no editor approved" in out
    assert f"claim {edited[1].slug}: The excerpt “a sentence nobody wrote” is not in the source" in out
    for quote in said_alone:
        assert f"quote {quote.slug}: {person} is the speaker: “said with” names the others" in out
    monkeypatch.setattr(check_corpus, "CHUNK", 4)
    monkeypatch.setattr(check_corpus, "SOURCE_CHUNK", 3)
    ok, small_chunks, summary = check()
    assert sorted(small_chunks.splitlines()) == sorted(out.splitlines())


@pytest.mark.django_db(transaction=True)
def test_it_checks_in_several_processes_and_reports_what_one_reports(monkeypatch, tmp_path):
    """With --jobs, worker processes check runs of sources and entries, each with its own
    connection to the committed data; the report is the same, line for line and in the
    same order, as one process's."""
    call_command("generate_corpus", claims=30, stdout=StringIO(), stderr=StringIO())
    verified = list(Claim.objects.filter(status="verified").order_by("pk"))
    for claim in (verified[0], verified[-1]):  # as SQL would: no proposal, no approval
        Claim.objects.filter(pk=claim.pk).update(statement=f"{claim.statement} (edited)")
    ClaimCitation.objects.filter(pk=verified[1].citations.first().pk).update(excerpt="a sentence nobody wrote")
    Source.objects.filter(pk=Source.objects.order_by("pk").last().pk).update(body="A body changed behind its hash.")
    monkeypatch.setattr(check_corpus, "CHUNK", 4)
    monkeypatch.setattr(check_corpus, "SOURCE_CHUNK", 3)

    def run(jobs):
        out = StringIO()
        with pytest.raises(CommandError) as failure:
            call_command("check_corpus", jobs=jobs, stdout=out, stderr=StringIO())
        return out.getvalue(), str(failure.value)

    one_process = run(1)
    pids = tmp_path / "pids"
    check = check_corpus.check

    def check_and_note_the_process(task):
        with pids.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return check(task)

    # Pickled by name into the workers, which find this one (they are forked from here).
    check_and_note_the_process.__module__, check_and_note_the_process.__qualname__ = check_corpus.__name__, "check"
    monkeypatch.setattr(check_corpus, "check", check_and_note_the_process)
    several = run(2)
    assert several == one_process
    assert "Readers see a version that no editor approved" in several[0]
    assert "a sentence nobody wrote" in several[0]
    assert "problem(s)" in several[1]
    workers = set(pids.read_text().split())
    assert len(workers) == 2 and str(os.getpid()) not in workers


def test_it_refuses_fewer_than_one_job():
    with pytest.raises(CommandError, match="--jobs must be at least 1"):
        call_command("check_corpus", jobs=0, stdout=StringIO())


def test_inside_a_transaction_it_checks_in_its_own_process(sound_corpus):
    """Another process would not see rows this transaction has not committed."""
    ClaimCitation.objects.filter(claim=sound_corpus[1]).update(excerpt="uncommitted and wrong")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_corpus", jobs=2, stdout=out, stderr=StringIO())
    assert "uncommitted and wrong" in out.getvalue()
