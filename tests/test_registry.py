"""A fourth kind of entry needs no edit outside its own app.

The test defines a throwaway kind (notes, with their citations), creates its tables,
registers it as an entry app would, gives it an admin and its own public list, and finds
it in every part that spans the kinds of entry: the review queue, the feed, the sitemap,
the home page, the corrections log, the export, the groups and check_corpus.
"""

import json
import sys
import types
from io import StringIO

import pytest
import reversion
from django.apps import apps as django_apps
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone
from lxml import etree, html

from apps.editorial import groups, registry
from apps.editorial.admin import CitationInline, EntryAdmin
from apps.editorial.models import Entry, Publication
from apps.sources.models import Citation
from summitcms import urls as project_urls
from tests.builders import make_analyst, make_editor, make_source

# The models need an installed app for Django to see the relation between them; the
# kind itself is what the test adds, and takes away again.
LABEL = "site"


def define_kind():
    class Note(Entry):
        text = models.TextField()

        class Meta(Entry.Meta):
            app_label = LABEL
            permissions = [("verify_note", "Can verify, send back and retract notes")]

        def __str__(self):
            return self.text

        def get_absolute_url(self):
            return f"/notes/{self.slug}/"

    class NoteCitation(Citation):
        entry_field = "note"
        note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="citations")

        class Meta(Citation.Meta):
            app_label = LABEL

    class NotePublication(Publication):
        entry_field = "note"
        note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="publications")

        class Meta(Publication.Meta):
            app_label = LABEL

    return Note, NoteCitation, NotePublication


@pytest.fixture
def notes(transactional_db):
    """The throwaway kind, registered, with its tables, admin and URLs; all gone afterwards."""
    Note, NoteCitation, NotePublication = define_kind()
    with connection.schema_editor() as editor:
        editor.create_model(Note)
        editor.create_model(NoteCitation)
        editor.create_model(NotePublication)

    class NoteCitationInline(CitationInline):
        model = NoteCitation

    class NoteAdmin(EntryAdmin):
        inlines = [NoteCitationInline]
        search_fields = ["text"]

    registry.register(registry.EntryType(Note, list_url_name="notes:list"))
    admin.site.register(Note, NoteAdmin)
    # The project's addresses, with the admin's built again (it now has notes) and the
    # notes app's own list.
    urls = types.ModuleType("throwaway_urls")
    urls.urlpatterns = [
        path("admin/", admin.site.urls) if str(pattern.pattern) == "admin/" else pattern
        for pattern in project_urls.urlpatterns
    ] + [path("notes/", include(([path("", lambda request: HttpResponse("notes"), name="list")], "notes")))]
    sys.modules["throwaway_urls"] = urls
    try:
        with override_settings(ROOT_URLCONF="throwaway_urls"):
            yield Note, NoteCitation
    finally:
        del sys.modules["throwaway_urls"]
        admin.site.unregister(Note)
        registry.unregister(Note)
        for model in (Note, NoteCitation):
            reversion.unregister(model)
        with connection.schema_editor() as editor:
            editor.delete_model(NotePublication)
            editor.delete_model(NoteCitation)
            editor.delete_model(Note)
        for model in (Note, NoteCitation, NotePublication):
            del django_apps.all_models[LABEL][model._meta.model_name]
        django_apps.clear_cache()


def make_note(Note, NoteCitation, text, status, source, **fields):
    note = Note.objects.create(text=text, slug=text.lower().replace(" ", "-")[:50], status=status, **fields)
    NoteCitation.objects.create(note=note, source=source, excerpt="said Xi")
    return note


def test_a_registered_kind_is_found_by_every_part_that_spans_the_kinds(client, admin_user, notes):
    Note, NoteCitation = notes
    analyst = make_analyst()
    source = make_source()
    waiting = make_note(
        Note,
        NoteCitation,
        "A note awaiting review",
        "in_review",
        source,
        created_by=analyst,
        submitted_at=timezone.now(),
    )
    published = make_note(
        Note, NoteCitation, "A verified note", "verified", source, verified_at=timezone.now(), verified_by=admin_user
    )
    # Kept current for the new kind too.
    assert Note.objects.get(pk=published.pk).stored_corroboration().label == "1 source"

    client.force_login(admin_user)
    queue = html.fromstring(client.get("/admin/review/").content)
    rows = queue.xpath('//table[@id="review-queue"]/tbody/tr')
    assert [row.xpath("td[3]/a")[0].text_content() for row in rows] == [str(waiting)]
    assert [row.xpath("td[2]")[0].text_content() for row in rows] == ["note"]
    client.logout()

    feed = etree.fromstring(client.get("/feeds/verified/").content)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.xpath("//a:entry/a:title/text()", namespaces=atom) == ["Note: A verified note"]

    index = etree.fromstring(client.get("/sitemap.xml").content)
    sitemap_ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert "http://testserver/sitemap-notes.xml" in index.xpath("//s:loc/text()", namespaces=sitemap_ns)
    section = etree.fromstring(client.get("/sitemap-notes.xml").content)
    assert section.xpath("//s:loc/text()", namespaces=sitemap_ns) == ["http://testserver/notes/a-verified-note/"]

    home = html.fromstring(client.get("/").content)
    counts = [" ".join(li.text_content().split()) for li in home.xpath('//ul[@class="counts"]/li')]
    assert "1 verified note" in counts

    make_note(
        Note,
        NoteCitation,
        "A note withdrawn",
        "retracted",
        source,
        correction="It was wrong.",
        retracted_at=timezone.now(),
    )
    log = html.fromstring(client.get("/corrections/").content)
    assert [" ".join(e.text_content().split()) for e in log.xpath('//*[contains(@class, "retracted-text")]')] == [
        "A note withdrawn"
    ]
    assert log.xpath('//h2[@class="correction-title"]/a/@href') == ["/notes/a-note-withdrawn/"]
    # A kind that gives the API no serializer is not in it.
    assert "notes" not in json.loads(client.get("/api/").content)["entries"]

    out = StringIO()
    call_command("export_fixtures", stdout=out, stderr=StringIO())
    exported = json.loads(out.getvalue())
    assert [obj["fields"]["slug"] for obj in exported if obj["model"] == "site.note"] == ["a-verified-note"]
    assert [obj["fields"]["excerpt"] for obj in exported if obj["model"] == "site.notecitation"] == ["said Xi"]

    assert ("site", "verify_note") in groups.codenames()[groups.EDITORS]
    assert ("site", "verify_note") not in groups.codenames()[groups.ANALYSTS]

    published.verified_at = None
    Note.objects.filter(pk=published.pk).update(verified_at=None)  # as loaddata or SQL could leave it
    for jobs in (1, 2):  # in worker processes too, which look the kind up by its label
        report = StringIO()
        with pytest.raises(CommandError):
            call_command("check_corpus", jobs=jobs, stdout=report, stderr=StringIO())
        assert "note a-verified-note: " in report.getvalue()


def test_without_its_registration_the_kind_is_nowhere(client, notes):
    Note, NoteCitation = notes
    make_note(Note, NoteCitation, "A verified note", "verified", make_source(), verified_at=timezone.now())
    registry.unregister(Note)
    try:
        assert "Note:" not in client.get("/feeds/verified/").content.decode()
        assert client.get("/sitemap-notes.xml").status_code == 404
        out = StringIO()
        call_command("export_fixtures", stdout=out, stderr=StringIO())
        assert "site.note" not in out.getvalue()
    finally:
        registry.register(registry.EntryType(Note, list_url_name="notes:list"))
    make_editor()  # the groups still sync with the kind registered again
