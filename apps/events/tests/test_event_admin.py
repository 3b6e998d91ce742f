"""Events and their parts through the real admin form."""

import pytest
from django.urls import reverse

from apps.events.models import Event
from tests.builders import inline_rows, make_analyst

pytestmark = pytest.mark.django_db


def test_a_part_cannot_take_the_slug_of_its_event(client):
    client.force_login(make_analyst())
    data = {"name": "State visit", "slug": "state-visit", "sequence": "0"}
    data.update(inline_rows("parts", [{"name": "Talks", "slug": "state-visit", "sequence": "1"}]))
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert [str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors()] == [
        "A part cannot have the slug of its event, “state-visit”."
    ]
    assert not Event.objects.exists()


def test_an_event_is_saved_with_its_parts(client):
    client.force_login(make_analyst())
    data = {"name": "State visit", "slug": "state-visit", "sequence": "0"}
    data.update(inline_rows("parts", [{"name": "Talks", "slug": "talks", "sequence": "1"}]))
    assert client.post(reverse("admin:events_event_add"), data).status_code == 302
    assert Event.objects.get(slug="talks").parent == Event.objects.get(slug="state-visit")
