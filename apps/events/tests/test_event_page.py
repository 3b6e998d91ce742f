"""The event page: its timeline and its coverage matrix."""

import re

import pytest

from apps.events.models import Event
from tests import html
from tests.builders import make_claim, make_event, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db


def test_the_timeline_lists_the_parts_in_order_with_what_is_verified_of_each(client):
    make_summit_corpus()
    body = client.get("/events/xi-state-visit-2023/").content.decode()
    timeline = body[body.index('class="timeline"') : body.index("</ol>", body.index('class="timeline"'))]
    assert [m for m in re.findall(r'href="/events/([\w-]+)/"', timeline)] == [
        "kremlin-talks",
        "state-dinner",
        "press-briefing",
    ]
    assert "0 claims · 1 quote · 0 agreements" in timeline  # the state dinner


def test_the_coverage_matrix_says_how_each_source_reports_each_claim(client):
    make_summit_corpus()
    body = client.get("/events/xi-state-visit-2023/").content.decode()
    table = body[body.index('<table class="matrix">') : body.index("</table>")]
    headers = re.findall(r'<th scope="col"><a href="/sources/([\w-]+)/"', table)
    assert headers == ["over-a-dozen-agreements", "strengthening-alliances"]  # oldest first
    rows = {
        re.search(r'href="/claims/([\w-]+)/"', row).group(1): re.findall(r'class="(?:stance )?stance-(\w+)"', row)
        for row in table.split("<tr>")[2:]
    }
    assert rows["one-joint-statement"] == ["contradicts", "supports"]
    assert rows["joint-patrols"] == ["supports", "mentions"]
    assert rows["several-documents-signed"] == ["none", "supports"]
    assert len(rows) == 7
    # Each cell links to the passage.
    assert re.search(
        r'class="stance stance-contradicts" href="/sources/over-a-dozen-agreements/#passage-\d+-\d+"', table
    )


def test_a_part_shows_its_own_claims_and_its_parent(client):
    make_summit_corpus()
    response = client.get("/events/press-briefing/")
    body, kicker = response.content.decode(), html.page(response).select_one(".kicker")
    assert html.text(kicker) == "Event · part of Xi Jinping’s state visit to Russia"
    assert html.hrefs(kicker) == ["/events/xi-state-visit-2023/"]
    assert "Putin said the two nations might overtake rivals in IT and AI." in body
    assert "Putin praised China’s peace plan" not in body


def test_unknown_and_unpublished_events_are_not_found(client):
    event = make_event(slug="draft-only")
    make_claim(event=event, citations=[(make_source(), "said Xi")])
    assert client.get("/events/draft-only/").status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404


def test_a_loop_of_parts_written_past_the_form_is_shown_once_not_walked_forever(client):
    """The admin refuses an event that is part of its own part; the shell or SQL does not."""
    make_summit_corpus()
    summit = Event.objects.get(slug="xi-state-visit-2023")
    Event.objects.filter(slug="kremlin-talks").update(parent=summit)
    # The summit becomes a part of its own part: a loop under the page's event.
    Event.objects.filter(pk=summit.pk).update(parent=Event.objects.get(slug="kremlin-talks"))
    response = client.get("/events/kremlin-talks/")
    assert response.status_code == 200
    timeline = html.page(response).select_one(".timeline")
    assert html.hrefs(timeline) == ["/events/xi-state-visit-2023/"]
    # Every claim of the family once in the matrix, the summit's own among them.
    matrix = html.page(response).select_one("table.matrix")
    claims = [href for href in html.hrefs(matrix) if href.startswith("/claims/")]
    assert len(claims) == len(set(claims)) == 7
