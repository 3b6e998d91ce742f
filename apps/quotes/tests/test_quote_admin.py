import pytest
from django.urls import reverse

from apps.quotes.models import Quote
from tests.builders import form_data, inline_rows, make_agreement, make_analyst, make_person, make_quote, make_source

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


def test_words_said_together_are_saved_with_who_said_them_with_the_speaker(client):
    client.force_login(make_analyst())
    xi, putin = make_person(name="Xi Jinping"), make_person(name="Vladimir Putin")
    data = quote_form(make_source(), "peace and dialogue", "peace and dialogue")
    data.update(speaker=xi.pk, co_speakers=[putin.pk])
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.speaker, list(quote.co_speakers.all())) == (xi, [putin])
    listing = client.get(reverse("admin:quotes_quote_changelist")).content.decode()
    assert "Xi Jinping and Vladimir Putin" in listing


def test_the_speaker_as_their_own_co_speaker_is_refused_beside_the_box(client):
    client.force_login(make_analyst())
    xi = make_person(name="Xi Jinping")
    data = quote_form(make_source(), "peace and dialogue", "peace and dialogue")
    data.update(speaker=xi.pk, co_speakers=[xi.pk])
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["co_speakers"] == [
        "Xi Jinping is the speaker: “said with” names the others who said the words with them."
    ]
    assert not Quote.objects.exists()


def test_co_speakers_of_a_joint_statement_are_refused(client):
    client.force_login(make_analyst())
    statement = make_agreement(kind="joint_statement", title="Joint statement")
    data = quote_form(make_source(), "peace and dialogue", "peace and dialogue")
    data.update(speaker="", speaker_statement=statement.pk, co_speakers=[make_person().pk])
    response = client.post(reverse("admin:quotes_quote_add"), data)
    assert response.status_code == 200
    assert "record who signed it on the agreement" in " ".join(response.context["adminform"].form.errors["co_speakers"])
    assert not Quote.objects.exists()


def test_a_co_speaker_added_on_the_change_form_is_saved_and_changing_the_speaker_to_them_is_refused(client):
    client.force_login(make_analyst())
    xi, putin = make_person(name="Xi Jinping"), make_person(name="Vladimir Putin")
    source = make_source()
    quote = make_quote(speaker=xi, citations=[(source, "We’re always for peace and dialogue")])
    url = reverse("admin:quotes_quote_change", args=[quote.pk])
    response = client.post(url, form_data(client.get(url).content.decode(), {"co_speakers": str(putin.pk)}))
    assert response.status_code == 302
    assert list(quote.co_speakers.all()) == [putin]
    # Putin said it with Xi: he cannot become the speaker and stay among those who said it with him.
    response = client.post(url, form_data(client.get(url).content.decode(), {"speaker": str(putin.pk)}))
    assert response.status_code == 200
    assert "Vladimir Putin is the speaker" in " ".join(response.context["adminform"].form.errors["co_speakers"])
    quote.refresh_from_db()
    assert quote.speaker == xi
