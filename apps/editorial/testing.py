"""Small builders for tests: each makes one valid object, with overrides."""

import itertools

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation
from apps.editorial.groups import ANALYSTS, EDITORS, sync_groups
from apps.events.models import Event
from apps.quotes.models import Quote, QuoteCitation
from apps.sources.models import Source

_numbers = itertools.count(1)

SAMPLE_BODY = (
    "During the latter’s three-day visit to Moscow, Russian President Vladimir Putin and Chinese "
    "counterpart Xi Jinping signed over a dozen agreements.\n\n“We’re always for peace and dialogue, "
    "and we firmly stand on the right side of history,” said Xi."
)


def make_user(username=None, group=None, **fields):
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password", **fields)
    if group:
        user.is_staff = True
        user.save()
        if not Group.objects.filter(name=group).exists():
            # Transactional tests flush the tables the data migration filled.
            sync_groups(django_apps)
        user.groups.add(Group.objects.get(name=group))
    return user


def make_analyst(username=None):
    return make_user(username, ANALYSTS)


def make_editor(username=None):
    return make_user(username, EDITORS)


def make_organization(**fields):
    n = next(_numbers)
    fields = {"name": f"Outlet {n}", "slug": f"outlet-{n}", "kind": "media_outlet", **fields}
    return Organization.objects.create(**fields)


def make_person(**fields):
    n = next(_numbers)
    return Person.objects.create(**{"name": f"Person {n}", "slug": f"person-{n}", **fields})


def make_event(**fields):
    n = next(_numbers)
    return Event.objects.create(**{"name": f"Event {n}", "slug": f"event-{n}", **fields})


def make_source(body=None, **fields):
    n = next(_numbers)
    body = body if body is not None else f"Report number {n}. {SAMPLE_BODY}"
    return Source.objects.create(**{"title": f"Source {n}", "slug": f"source-{n}", "body": body, **fields})


def make_claim(citations=(), **fields):
    """``citations``: (source, excerpt) or (source, excerpt, stance) tuples."""
    n = next(_numbers)
    claim = Claim.objects.create(**{"statement": f"Claim {n}", "slug": f"claim-{n}", **fields})
    for source, excerpt, *stance in citations:
        ClaimCitation.objects.create(
            claim=claim, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return claim


def make_quote(citations=(), **fields):
    n = next(_numbers)
    if not any(key in fields for key in ("speaker", "speaker_organization", "speaker_statement")):
        fields["speaker"] = make_person()
    quote = Quote.objects.create(**{"text": "We’re always for peace and dialogue", "slug": f"quote-{n}", **fields})
    for source, excerpt, *stance in citations:
        QuoteCitation.objects.create(
            quote=quote, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return quote


def make_agreement(citations=(), **fields):
    n = next(_numbers)
    agreement = Agreement.objects.create(
        **{"title": f"Agreement {n}", "slug": f"agreement-{n}", "kind": "agreement", **fields}
    )
    for source, excerpt, *stance in citations:
        AgreementCitation.objects.create(
            agreement=agreement, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return agreement


def inline_rows(prefix, rows, initial=0):
    """POST data for an admin inline formset: its management form and its rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data
