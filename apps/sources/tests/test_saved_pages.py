"""A source from a saved web page or a text file: its main text, title, author and date,
read by trafilatura and shown in the add form for the analyst to check before saving.

The pages are in ``pages/``: a news report with its metadata (Open Graph, author, date)
and the page around the article (menus, related links, comments, footer), a page without
any metadata, and a plain text file.
"""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html

from apps.sources import saved_pages
from apps.sources.models import Source
from tests.builders import form_data, make_analyst

PAGES = Path(__file__).parent / "pages"


def read(name):
    return saved_pages.source_fields(name, (PAGES / name).read_bytes())


def test_a_news_page_gives_its_article_and_metadata_without_the_page_around_it():
    fields = read("news_report.html")
    assert fields["title"] == "Xi and Putin sign over a dozen agreements in Moscow"
    assert fields["slug"] == "xi-and-putin-sign-over-a-dozen-agreements-in-moscow"
    assert fields["authors"] == "Anna Petrova"
    assert fields["published_on"] == datetime.date(2023, 3, 22)
    assert fields["url"] == "https://news.example/world/2023/03/22/xi-putin-agreements"
    assert fields["language"] == "en"
    body = fields["body"]
    assert body.split("\n\n")[1].startswith("During the latter’s three-day visit to Moscow")
    assert "The two leaders urged a “responsible dialogue” to end the conflict in Ukraine." in body
    for clutter in ("Subscribe", "Advertisement", "Related stories", "Great article", "All rights reserved", "gtag"):
        assert clutter not in body


def test_a_page_without_metadata_gives_its_text_and_nothing_invented():
    fields = read("no_metadata.html")
    assert set(fields) == {"body"}
    assert fields["body"].startswith("Chinese President Xi Jinping returned to China")
    assert fields["body"].endswith("Putin hailed Xi for a peace plan for Ukraine that he introduced last month.")
    assert "Archive" not in fields["body"] and "Powered by" not in fields["body"]


def test_a_text_file_is_the_body_as_it_is():
    fields = read("statement.txt")
    assert fields == {"body": (PAGES / "statement.txt").read_text().strip()}


def test_a_page_without_text_and_an_empty_file_are_refused_with_a_reason():
    with pytest.raises(saved_pages.Unreadable, match="No main text"):
        saved_pages.source_fields(
            "empty.html", b"<!DOCTYPE html><html><head><script>x()</script></head><body></body></html>"
        )
    with pytest.raises(saved_pages.Unreadable, match="empty"):
        saved_pages.source_fields("empty.txt", b"  \n")


def test_a_page_saved_in_windows_1252_is_read():
    data = (PAGES / "no_metadata.html").read_text().replace("Putin hailed", "Putin – hailed").encode("cp1252")
    assert "Putin – hailed" in saved_pages.source_fields("old.html", data)["body"]


@pytest.mark.django_db
def test_an_analyst_adds_a_source_from_a_saved_page_after_checking_it(client):
    client.force_login(make_analyst())
    add = client.get(reverse("admin:sources_source_add"))
    assert reverse("admin:sources_source_from_page") in add.content.decode()  # the way there

    upload = SimpleUploadedFile("xi-putin.html", (PAGES / "news_report.html").read_bytes(), "text/html")
    response = client.post(reverse("admin:sources_source_from_page"), {"page": upload})
    assert response.status_code == 302
    assert not Source.objects.exists()  # nothing saved before the analyst has checked it

    page = client.get(response["Location"])
    form = html.fromstring(page.content)
    assert "Read from “xi-putin.html”" in page.content.decode()
    assert form.get_element_by_id("id_title").get("value") == "Xi and Putin sign over a dozen agreements in Moscow"
    assert form.get_element_by_id("id_authors").get("value") == "Anna Petrova"
    assert form.get_element_by_id("id_published_on").get("value") == "2023-03-22"
    assert form.get_element_by_id("id_body").text_content().strip().startswith("Xi and Putin sign")

    # The analyst corrects the title and saves.
    response = client.post(
        page.request["PATH_INFO"] + "?from_page=1",
        form_data(page.content.decode(), {"title": "Xi, Putin sign agreements"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get()
    assert source.title == "Xi, Putin sign agreements"
    assert source.url == "https://news.example/world/2023/03/22/xi-putin-agreements"
    assert "responsible dialogue" in source.body


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_on_the_upload_page(client):
    client.force_login(make_analyst())
    upload = SimpleUploadedFile("blank.html", b"<html><body></body></html>", "text/html")
    response = client.post(reverse("admin:sources_source_from_page"), {"page": upload})
    assert response.status_code == 200
    assert "No main text was found in the page" in response.content.decode()


@pytest.mark.django_db
def test_someone_who_may_not_add_sources_cannot_use_it(client):
    from tests.builders import make_user

    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("admin:sources_source_from_page")).status_code == 403
