import datetime

import pytest
from django.core.exceptions import ValidationError

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


def test_parts_are_ordered_by_day_then_sequence():
    visit = make_event(slug="visit")
    day = datetime.date(2023, 3, 21)
    dinner = make_event(parent=visit, starts_on=day, sequence=2, name="Dinner")
    talks = make_event(parent=visit, starts_on=day, sequence=1, name="Talks")
    assert list(visit.parts.all()) == [talks, dinner]
