"""A changelist's query count must not grow with the rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.editorial import testing

pytestmark = pytest.mark.django_db


def populate(rows):
    outlet = testing.make_organization()
    event = testing.make_event()
    person = testing.make_person()
    analyst = testing.make_analyst()
    for _ in range(rows):
        source = testing.make_source(outlet=outlet, created_by=analyst)
        statement = testing.make_agreement(
            kind="joint_statement", event=event, created_by=analyst, citations=[(source, "three-day visit")]
        )
        testing.make_claim(
            event=event, created_by=analyst, citations=[(source, "three-day visit"), (source, "said Xi")]
        )
        testing.make_quote(
            speaker=person,
            occasion=event,
            created_by=analyst,
            citations=[(source, "We’re always for peace and dialogue")],
        )
        testing.make_quote(speaker_statement=statement, citations=[(source, "We’re always for peace and dialogue")])
        testing.make_event(parent=event)
        testing.make_person()
        testing.make_organization()


CHANGELISTS = [
    "claims_claim",
    "claims_claimrelation",
    "quotes_quote",
    "agreements_agreement",
    "sources_source",
    "actors_person",
    "actors_organization",
    "events_event",
    "editorial_topic",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(client, changelist):
    client.force_login(testing.make_editor())
    url = reverse(f"admin:{changelist}_changelist")
    client.get(url)  # the first request of a session renews it; count the steady state
    populate(2)
    few = count_queries(client, url)
    populate(12)
    many = count_queries(client, url)
    assert many == few, f"{changelist}: {few} queries for a few rows, {many} for more"
    assert many <= 13  # session, user, 2 permission, filter choices, count, rows, evidence (3), dates (2)
