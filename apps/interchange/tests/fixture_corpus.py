"""A small corpus that uses every model and every kind of reference, and helpers to export it."""

import json
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from apps.claims.models import ClaimRelation
from apps.editorial.models import Topic
from apps.interchange import fixtures
from tests import builders as testing

BODY = (
    "Xi Jinping arrived in Moscow on 20 March 2023 for a three-day state visit. "
    "Trade between China and Russia reached a record $190 billion in 2022, "
    "an increase of about 30%. The two leaders signed 14 agreements, RT reported. "
    "“We are always for peace and dialogue,” Xi said at the talks. "
    "The joint statement says that “the Ukraine crisis must be resolved through dialogue”."
)
OTHER_BODY = (
    "Russian President Vladimir Putin and Chinese counterpart Xi Jinping signed several documents "
    "during the visit. “Our cooperation is not directed against third countries,” Putin said. "
    "The two leaders urged “a responsible dialogue”."
)


def build():
    """Every model, every reference, users on the stamps; all verified unless said otherwise."""
    # Plain rows: the export must leave them out, and hashing passwords would slow every test.
    User = get_user_model()
    analyst, editor = User.objects.create(username="ann-analyst"), User.objects.create(username="ed-editor")
    stamps = {"created_by": analyst, "updated_by": analyst}
    verified = {**stamps, "status": "verified", "verified_by": editor, "verified_at": timezone.now()}
    c = SimpleNamespace(analyst=analyst, editor=editor)
    c.trade = Topic.objects.create(name="Trade", slug="trade")
    c.diplomacy = Topic.objects.create(name="Diplomacy", slug="diplomacy")
    c.summit = testing.make_event(slug="moscow-2023", name="Xi's state visit to Moscow", **stamps)
    c.talks = testing.make_event(slug="talks", name="Talks in the Kremlin", parent=c.summit)
    c.dinner = testing.make_event(slug="a-state-dinner", name="State dinner", parent=c.summit)
    c.rt = testing.make_organization(slug="rt", name="RT")
    c.outlet = testing.make_organization(slug="the-outlet", name="The Outlet", **stamps)
    c.china = testing.make_organization(slug="china", name="China", kind="state")
    c.russia = testing.make_organization(slug="russia", name="Russia", kind="state")
    c.xi = testing.make_person(slug="xi-jinping", name="Xi Jinping", role="President of China")
    c.putin = testing.make_person(slug="vladimir-putin", name="Vladimir Putin")
    c.source = testing.make_source(
        body=BODY, title="Xi in Moscow", slug="report", outlet=c.outlet, published_on="2023-03-21", **stamps
    )
    c.source.relays.add(c.rt)
    c.other = testing.make_source(
        body=OTHER_BODY, title="Several documents signed", slug="other-report", published_on="2023-03-22"
    )
    c.statement = testing.make_agreement(
        slug="joint-statement",
        title="Joint statement on the Ukraine crisis",
        kind="joint_statement",
        event=c.talks,
        signed_on="2023-03-21",
        citations=[(c.source, "The joint statement says")],
        **verified,
    )
    c.statement.parties.add(c.russia, c.china)
    c.statement.signatories.add(c.xi, c.putin)
    c.statement.topics.add(c.diplomacy)
    c.agreements = testing.make_agreement(
        slug="fourteen-agreements",
        title="Fourteen agreements",
        documents=14,
        citations=[(c.source, "signed 14 agreements")],
        **verified,
    )
    c.peace = testing.make_quote(
        slug="peace-and-dialogue",
        text="We are always for peace and dialogue",
        speaker=c.xi,
        occasion=c.talks,
        citations=[(c.source, "“We are always for peace and dialogue,” Xi said")],
        **verified,
    )
    c.peace.topics.add(c.diplomacy)
    c.peace.agreements.add(c.statement)
    c.crisis = testing.make_quote(
        slug="ukraine-crisis",
        text="the Ukraine crisis must be resolved through dialogue",
        speaker_statement=c.statement,
        citations=[(c.source, "“the Ukraine crisis must be resolved through dialogue”")],
        **verified,
    )
    c.third = testing.make_quote(
        slug="not-against-third-countries",
        text="Our cooperation is not directed against third countries",
        speaker=c.putin,
        citations=[(c.other, "“Our cooperation is not directed against third countries,” Putin said")],
        **verified,
    )
    # Words said together: Xi with Putin.
    c.dialogue = testing.make_quote(
        slug="responsible-dialogue",
        text="a responsible dialogue",
        speaker=c.xi,
        is_partial=True,
        citations=[(c.other, "The two leaders urged “a responsible dialogue”")],
        **verified,
    )
    c.dialogue.co_speakers.add(c.putin)
    c.record = testing.make_claim(
        slug="trade-record",
        statement="Trade reached a record $190 billion in 2022.",
        event=c.summit,
        quantity=Decimal("190000000000"),
        quantity_unit="USD",
        quantity_qualifier="exactly",
        quantity_period="2022",
        credibility=2,
        citations=[(c.source, "reached a record $190 billion in 2022")],
        **verified,
    )
    c.record.topics.add(c.trade, c.diplomacy)
    c.fourteen = testing.make_claim(
        slug="fourteen-documents",
        statement="They signed 14 agreements.",
        event=c.talks,
        attributed_to=c.xi,
        citations=[(c.source, "signed 14 agreements"), (c.other, "signed several documents", "contradicts")],
        **verified,
    )
    c.fourteen.agreements.add(c.agreements)
    c.fourteen.quotes.add(c.peace)
    c.several = testing.make_claim(
        slug="several-documents",
        statement="They signed several documents.",
        citations=[(c.other, "signed several documents")],
        **verified,
    )
    ClaimRelation.objects.create(from_claim=c.several, to_claim=c.fourteen, kind="contradicts", note="14 or some?")
    return c


def export(*args, **options):
    """Run export_fixtures; return its output (the fixture) and its standard error."""
    out, err = StringIO(), StringIO()
    call_command("export_fixtures", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def objects(fixture_text):
    return json.loads(fixture_text)


def keys(fixture_text, label):
    """The natural keys of the objects of ``label`` in an export, as the file orders them."""
    paths = fixtures.natural_keys()[label]
    result = []
    for obj in objects(fixture_text):
        if obj["model"] == label:
            key = []
            for path in paths:
                name = path.split("__")[0]
                value = obj["fields"][name]
                key.append(value[0] if isinstance(value, list) else value)
            result.append(key[0] if len(key) == 1 else tuple(key))
    return result


def fields(fixture_text, label, slug):
    for obj in objects(fixture_text):
        if obj["model"] == label and obj["fields"].get("slug") == slug:
            return obj["fields"]
    raise AssertionError(f"{label} {slug} is not in the export")


def empty_the_corpus():
    """Delete every exported model's rows, children first: an empty database for the corpus."""
    for label in reversed(fixtures.model_labels()):
        model = fixtures.get_model(label)
        if label == "events.event":
            model.objects.filter(parent__isnull=False).update(parent=None)
        model.objects.all().delete()
