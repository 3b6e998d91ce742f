"""A full backup survives an empty database: flush, load, export again, the same bytes.

Real flushes, so these run outside the test transaction (slower, hence few of them).
"""

import pytest
from django.core.management import call_command

from apps.claims.models import Claim
from apps.quotes.models import Quote

from .fixture_corpus import build, export

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("loader", ["loaddata", "import_fixtures"])
def test_a_full_backup_loaded_into_a_flushed_database_exports_to_the_same_bytes(tmp_path, loader):
    build()
    backup = tmp_path / "backup.json"
    call_command("export_fixtures", "--all", "--output", str(backup), verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    assert not Claim.objects.exists()
    call_command(loader, str(backup), verbosity=0)
    assert export("--all")[0].encode("utf-8") == backup.read_bytes()
    # Words said together come back said together (the bytes above hold them by natural key).
    dialogue = Quote.objects.get(slug="responsible-dialogue")
    assert (dialogue.speaker.slug, [p.slug for p in dialogue.co_speakers.all()]) == ("xi-jinping", ["vladimir-putin"])


def test_a_published_export_loaded_into_a_flushed_database_exports_to_the_same_bytes(tmp_path):
    corpus = build()
    corpus.record.status = "draft"
    corpus.record.save()
    published = tmp_path / "published.json"
    call_command("export_fixtures", "--output", str(published), verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    call_command("loaddata", str(published), verbosity=0)
    assert not Claim.objects.filter(slug="trade-record").exists()
    assert export()[0].encode("utf-8") == published.read_bytes()


def test_the_shipped_corpus_passes_every_import_check_and_round_trips(tmp_path, shipped_corpus):
    call_command("import_fixtures", str(shipped_corpus), verbosity=0)
    backup = tmp_path / "backup.json"
    call_command("export_fixtures", "--all", "--output", str(backup), verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    call_command("loaddata", str(backup), verbosity=0)
    assert export("--all")[0].encode("utf-8") == backup.read_bytes()
