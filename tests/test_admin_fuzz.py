"""Arbitrary text in every field of the admin forms: never a 500, never an invalid entry."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial.models import Topic
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.sources.models import Source
from tests.builders import inline_rows, make_editor, make_person, make_source

pytestmark = pytest.mark.django_db
EXAMPLES = 150
# Arbitrary text, with the characters that break naive code over-represented.
hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "‮", "=cmd|'/c calc'!A1", " ", "1e309"]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
)
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def post_and_check(client, model, url, data):
    """POST inside a transaction that is rolled back: each example starts from the same data."""
    with transaction.atomic():
        before = set(model.objects.values_list("pk", flat=True))
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        for obj in model.objects.exclude(pk__in=before):
            obj.full_clean()  # what was saved obeys every field rule
            if hasattr(obj, "integrity_problems"):
                assert obj.integrity_problems() == []
                assert obj.status == "draft"
        transaction.set_rollback(True)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


@pytest.fixture
def source():
    return make_source()


@fuzz
@given(statement=hostile, slug=hostile, quantity=hostile, unit=hostile, period=hostile, excerpt=hostile, note=hostile)
def test_the_claim_form(editor_client, source, statement, slug, quantity, unit, period, excerpt, note):
    data = {
        "statement": statement,
        "slug": slug,
        "credibility": "3",
        "quantity": quantity,
        "quantity_unit": unit,
        "quantity_period": period,
        "notes": note,
        "seen_version": "1",
    }
    data.update(
        inline_rows("citations", [{"source": source.pk, "excerpt": excerpt, "stance": "supports", "note": note}])
    )
    data.update(inline_rows("relations_from", []))
    post_and_check(editor_client, Claim, reverse("admin:claims_claim_add"), data)


@fuzz
@given(text=hostile, slug=hostile, context=hostile, language=hostile, said_on=hostile, excerpt=hostile)
def test_the_quote_form(editor_client, source, text, slug, context, language, said_on, excerpt):
    data = {
        "text": text,
        "slug": slug,
        "speaker": make_person().pk,
        "context": context,
        "language": language,
        "said_on": said_on,
        "seen_version": "1",
    }
    data.update(inline_rows("citations", [{"source": source.pk, "excerpt": excerpt, "stance": "supports"}]))
    post_and_check(editor_client, Quote, reverse("admin:quotes_quote_add"), data)


@fuzz
@given(title=hostile, slug=hostile, summary=hostile, place=hostile, url=hostile, documents=hostile, kind=hostile)
def test_the_agreement_form(editor_client, source, title, slug, summary, place, url, documents, kind):
    data = {
        "title": title,
        "slug": slug,
        "kind": kind,
        "documents": documents,
        "summary": summary,
        "place": place,
        "document_url": url,
        "seen_version": "1",
    }
    data.update(inline_rows("citations", []))
    post_and_check(editor_client, Agreement, reverse("admin:agreements_agreement_add"), data)


@fuzz
@given(title=hostile, slug=hostile, body=hostile, authors=hostile, url=hostile, published=hostile, grade=hostile)
def test_the_source_form(editor_client, title, slug, body, authors, url, published, grade):
    data = {
        "title": title,
        "slug": slug,
        "body": body,
        "authors": authors,
        "url": url,
        "published_on": published,
        "reliability": grade,
        "language": "en",
        "kind": "news_report",
    }
    post_and_check(editor_client, Source, reverse("admin:sources_source_add"), data)


@fuzz
@given(name=hostile, slug=hostile, role=hostile, aliases=hostile, kind=hostile)
def test_the_people_organization_topic_and_event_forms(editor_client, name, slug, role, aliases, kind):
    post_and_check(
        editor_client,
        Person,
        reverse("admin:actors_person_add"),
        {"name": name, "slug": slug, "role": role, "aliases": aliases},
    )
    post_and_check(
        editor_client,
        Organization,
        reverse("admin:actors_organization_add"),
        {"name": name, "slug": slug, "kind": kind, "aliases": aliases},
    )
    post_and_check(editor_client, Topic, reverse("admin:editorial_topic_add"), {"name": name, "slug": slug})
    data = {"name": name, "slug": slug, "starts_on": role, "ends_on": kind, "sequence": aliases, "place": name}
    data.update(inline_rows("parts", []))
    post_and_check(editor_client, Event, reverse("admin:events_event_add"), data)


@fuzz
@given(note=hostile, version=hostile)
def test_the_workflow_forms(editor_client, note, version):
    claim = Claim.objects.create(statement="x", slug="fuzz-claim", status="in_review")
    for name in ("send_back", "verify", "submit", "retract"):
        with transaction.atomic():
            url = reverse("admin:claims_claim_transition", args=[claim.pk, name])
            response = editor_client.post(url, {"note": note, "version": version})
            assert response.status_code in (200, 302)
            claim.refresh_from_db()
            assert claim.integrity_problems() == []
            transaction.set_rollback(True)
    claim.delete()
