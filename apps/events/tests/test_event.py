import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.events.models import Event
from tests.builders import make_event

pytestmark = pytest.mark.django_db


def test_an_event_cannot_end_before_it_starts():
    event = make_event()
    event.starts_on = datetime.date(2023, 3, 22)
    event.ends_on = datetime.date(2023, 3, 20)
    with pytest.raises(ValidationError):
        event.full_clean()


def test_an_event_cannot_be_part_of_its_own_part():
    visit = make_event()
    talks = make_event(parent=visit)
    visit.parent = talks
    with pytest.raises(ValidationError) as error:
        visit.full_clean()
    assert "part of itself" in str(error.value)


def test_a_loop_of_parents_above_an_event_ends_its_check_and_is_not_its_own():
    """Parents as an import hands them over, in memory: the walk up stops at the loop."""
    first, second = Event(pk=-1, name="First", slug="first"), Event(pk=-2, name="Second", slug="second")
    first.parent, second.parent = second, first
    below = Event(pk=-3, name="Below", slug="below", parent=first)
    below.clean()  # no error, and it returns
    with pytest.raises(ValidationError, match="part of itself"):
        first.clean()


def test_parts_are_ordered_by_day_then_sequence():
    visit = make_event(slug="visit")
    day = datetime.date(2023, 3, 21)
    dinner = make_event(parent=visit, starts_on=day, sequence=2, name="Dinner")
    talks = make_event(parent=visit, starts_on=day, sequence=1, name="Talks")
    assert list(visit.parts.all()) == [talks, dinner]
