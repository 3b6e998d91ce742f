import pytest
from django.urls import reverse

from apps.quotes.models import Quote
from tests.builders import inline_rows, make_analyst, make_person, make_source

pytestmark = pytest.mark.django_db


def quote_form(source, text, excerpt, stance="supports"):
    data = {"text": text, "slug": "xi-peace", "status": "draft", "speaker": make_person().pk, "language": "en"}
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": excerpt, "stance": stance}]))
    return data


def test_a_quote_found_in_its_excerpt_is_saved(client):
    client.force_login(make_analyst())
    source = make_source()
    text = "We're always for peace and dialogue"
    response = client.post(
        reverse("admin:quotes_quote_add"),
        quote_form(source, text, "“We’re always for peace and dialogue, and we firmly stand"),
    )
    assert response.status_code == 302
    assert Quote.objects.get().citations.count() == 1


def test_a_quote_not_in_its_supporting_excerpt_is_refused(client):
    client.force_login(make_analyst())
    source = make_source()
    response = client.post(
        reverse("admin:quotes_quote_add"), quote_form(source, "We want war", "three-day visit to Moscow")
    )
    assert response.status_code == 200
    assert "is not in any of its supporting excerpts" in response.content.decode()
    assert not Quote.objects.exists()


def test_a_quote_needs_a_speaker_in_the_form(client):
    client.force_login(make_analyst())
    source = make_source()
    data = quote_form(source, "three-day visit", "three-day visit")
    data["speaker"] = ""
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 200
    assert "exactly one speaker" in response.content.decode()
