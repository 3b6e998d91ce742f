"""The admin's add forms under fuzzing: never a 500, never an invalid record, and valid
forms do save.

Each example posts a valid form, then a hostile variant of it. The valid form has slugs,
choices, dates and quantities that pass, records that exist, excerpts cut from a
source's body and pasted as an analyst would (other whitespace, straight or curly
quotes, hyphens for dashes), and a quote text cut from one of its supporting excerpts:
it must save. The variant replaces or drops fields, repeats a row or a slug, or makes
every field hostile: whatever it does, it must not fail, and what it saves must be
sound. Everything saved passes its model's ``full_clean`` and ``check_corpus``; each test
then checks that a real share of its posts saved, so those checks cannot go unused
again (they did when every form was random: 8 saves in 1 200 posts).
"""

import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.actors.models import Organization, OrganizationKind, Person
from apps.agreements.models import Agreement, AgreementKind
from apps.claims.models import Claim, Credibility, QuantityQualifier, RelationKind
from apps.editorial.models import Entry, Status, Topic
from apps.editorial.workflow import TRANSITIONS
from apps.events.models import Event
from apps.quotes.models import Quote
from apps.sources import text as folding
from apps.sources.models import CitationStance, Reliability, Source, SourceKind
from tests.builders import inline_rows, make_analyst, make_claim, make_editor, make_summit_corpus

pytestmark = pytest.mark.django_db
# How many examples: half the Hypothesis profile's (summitcms/pytest_plugin.py), as
# each example posts two forms. An admin request takes longer than the default deadline.
fuzz = settings(deadline=None, max_examples=max(1, settings.default.max_examples // 2))


# Hostile values: arbitrary text, with what breaks naive code over-represented.
def repeated(text, length):
    return (text * length)[:length]


hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE x; --",
            "\x00",
            "nul\x00byte",
            "‮",
            "=cmd|'/c calc'!A1",
            " ",
            "",
            "1e309",
            "-1",
            "0",
            "999999999",
            "99999999999999999999",  # beyond 64 bits: no key can be it
            "2023-02-30",
        ]
    ),
    # Long values, built by repeating a short one: drawing 3 000 characters one by one
    # costs more than the request.
    st.builds(repeated, st.text(alphabet=st.characters(codec="utf-8"), min_size=1), st.integers(1000, 3000)),
)


# Valid values.
def words(max_size):
    """What a person types in a box: any printable character, line breaks, not only spaces."""
    characters = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n\t")
    return st.text(characters, min_size=1, max_size=max_size).filter(str.strip)


def maybe(strategy):
    return st.one_of(st.just(""), strategy)


# A prefix no slug of the corpus has, so that a valid form never collides with it.
slugs = st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True).map("fz-{}".format)
dates = st.dates(date(1945, 1, 1), date(2100, 12, 31))
urls = st.builds(
    "{}{}.example.org/{}".format,
    st.sampled_from(["https://", "http://", ""]),  # the admin assumes https
    st.from_regex(r"[a-z0-9]{1,30}", fullmatch=True),
    st.from_regex(r"[-a-zA-Z0-9_/]{0,60}", fullmatch=True),
)
languages = st.one_of(st.sampled_from(["en", "ru", "zh", "pt-BR"]), words(10))


def choice(choices):
    return st.sampled_from([str(value) for value in choices.values])


def one_of_pks(objects):
    return st.sampled_from([obj.pk for obj in objects])


def some_pks(objects, max_size=3):
    return st.lists(one_of_pks(objects), max_size=max_size, unique=True)


# Passages of a source, as analysts paste them.
WORD = re.compile(r"\S+")
# Characters that read as the same once folded (apps.sources.text): either may be pasted.
_same = {}
for _code, _plain in folding.FOLDED_CHARACTERS.items():
    _same.setdefault(_plain, [_plain]).append(chr(_code))
SAME = {character: group for group in _same.values() for character in group}
SPACES = [" ", "  ", "\n", "\r\n", "\t", "\xa0", " \n\n "]


@st.composite
def passage_of(draw, text, max_words=30):
    """A passage of ``text``: whole words, or any characters that are not only whitespace."""
    if draw(st.booleans()):
        spans = [match.span() for match in WORD.finditer(text)]
        first = draw(st.integers(0, len(spans) - 1))
        last = draw(st.integers(first, min(len(spans) - 1, first + max_words)))
        return text[spans[first][0] : spans[last][1]]
    start = draw(st.integers(0, len(text) - 1))
    cut = text[start : draw(st.integers(start + 1, min(len(text), start + 200)))]
    assume(cut.strip())
    return cut


@st.composite
def pasted(draw, passage):
    """``passage`` as it arrives from a web page or a PDF: other whitespace, the other
    kind of quotes and dashes, spaces around it. The rule folds all of these."""
    if draw(st.booleans()):
        return passage
    pieces = []
    for piece in re.split(r"(\s+)", passage):
        if piece.isspace():
            pieces.append(draw(st.sampled_from(SPACES)))
        else:
            pieces.extend(draw(st.sampled_from(SAME[c])) if c in SAME else c for c in piece)
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(pieces) + draw(st.sampled_from(["", " ", "\n"]))


@st.composite
def evidence(draw, sources, max_size=3):
    """Citation rows, each a passage of a source; a passage at most once per entry.

    Each row keeps its ``passage`` as the source prints it (not posted)."""
    rows, cited = [], set()
    for _ in range(draw(st.integers(0, max_size))):
        source = draw(st.sampled_from(sources))
        passage = draw(passage_of(source.body))
        key = (source.pk, folding.folded(passage))
        if key not in cited:
            cited.add(key)
            row = {"source": source.pk, "excerpt": draw(pasted(passage)), "stance": draw(choice(CitationStance))}
            rows.append({**row, "note": draw(maybe(words(500))), "passage": passage})
    return rows


def citation_rows(rows):
    return inline_rows("citations", [{k: v for k, v in row.items() if k != "passage"} for row in rows])


# A valid add form for each model, with what exists in ``world`` to refer to.
@st.composite
def claim_forms(draw, world):
    quantity = draw(
        maybe(
            st.one_of(
                st.integers(0, 10**12).map(str),
                st.decimals(0, 10**12, places=4, allow_nan=False, allow_infinity=False).map("{:f}".format),
            )
        )
    )
    data = {
        "statement": draw(words(1000)),
        "slug": draw(slugs),
        "credibility": draw(choice(Credibility)),
        "attributed_to": draw(maybe(one_of_pks(world.people))),
        "quantity": quantity,
        # A unit or a qualifier needs a number.
        "quantity_unit": draw(maybe(st.one_of(st.sampled_from(["USD", "%", "agreements"]), words(50))))
        if quantity
        else "",
        "quantity_qualifier": draw(maybe(choice(QuantityQualifier))) if quantity else "",
        "quantity_period": draw(maybe(words(50))),
        "event": draw(maybe(one_of_pks(world.events))),
        "topics": draw(some_pks(world.topics)),
        "quotes": draw(some_pks(world.quotes)),
        "agreements": draw(some_pks(world.agreements)),
        "notes": draw(maybe(words(2000))),
        "seen_version": "1",
    }
    data.update(citation_rows(draw(evidence(world.sources))))
    relation = st.fixed_dictionaries(
        {"kind": choice(RelationKind), "to_claim": one_of_pks(world.claims), "note": maybe(words(500))}
    )
    relations = draw(st.lists(relation, max_size=2, unique_by=lambda r: (r["kind"], r["to_claim"])))
    data.update(inline_rows("relations_from", relations))
    return data


@st.composite
def quote_forms(draw, world):
    rows = draw(evidence(world.sources))
    supporting = [row["passage"] for row in rows if row["stance"] == CitationStance.SUPPORTS]
    # The text must occur in a supporting excerpt; without one, any text will do.
    said = draw(pasted(draw(passage_of(draw(st.sampled_from(supporting)))))) if supporting else draw(words(1000))
    speakers = {
        "speaker": world.people,
        "speaker_organization": world.organizations,
        "speaker_statement": world.statements,
    }
    speaker = draw(st.sampled_from(sorted(speakers)))  # exactly one
    data = {
        "text": said,
        "slug": draw(slugs),
        **{field: "" for field in speakers},
        speaker: draw(one_of_pks(speakers[speaker])),
        "occasion": draw(maybe(one_of_pks(world.events))),
        "said_on": draw(maybe(dates.map(date.isoformat))),
        "language": draw(languages),
        **{name: "on" for name in ["is_partial", "is_paraphrase"] if draw(st.booleans())},
        "context": draw(maybe(words(1000))),
        "topics": draw(some_pks(world.topics)),
        "agreements": draw(some_pks(world.agreements)),
        "notes": draw(maybe(words(1000))),
        "seen_version": "1",
    }
    data.update(citation_rows(rows))
    return data


@st.composite
def agreement_forms(draw, world):
    data = {
        "title": draw(words(300)),
        "slug": draw(slugs),
        "kind": draw(choice(AgreementKind)),
        "documents": str(draw(st.integers(1, 32767))),
        "parties": draw(some_pks(world.organizations)),
        "signatories": draw(some_pks(world.people)),
        "signed_on": draw(maybe(dates.map(date.isoformat))),
        "place": draw(maybe(words(200))),
        "event": draw(maybe(one_of_pks(world.events))),
        "topics": draw(some_pks(world.topics)),
        "summary": draw(maybe(words(1000))),
        "document_url": draw(maybe(urls)),
        "notes": draw(maybe(words(1000))),
        "seen_version": "1",
    }
    data.update(citation_rows(draw(evidence(world.sources))))
    return data


@st.composite
def source_forms(draw, world):
    return {
        "title": draw(words(300)),
        "slug": draw(slugs),
        "outlet": draw(maybe(one_of_pks(world.organizations))),
        "authors": draw(maybe(words(300))),
        "published_on": draw(maybe(dates.map(date.isoformat))),
        "url": draw(maybe(urls)),
        "language": draw(languages),
        "kind": draw(choice(SourceKind)),
        "reliability": draw(choice(Reliability)),
        "reliability_notes": draw(maybe(words(500))),
        "relays": draw(some_pks(world.organizations)),
        # Random text is never the text of a source already recorded.
        "body": draw(words(3000)),
        "notes": draw(maybe(words(500))),
    }


@st.composite
def person_forms(draw, world):
    return {
        "name": draw(words(200)),
        "slug": draw(slugs),
        "role": draw(maybe(words(300))),
        "country": draw(maybe(words(100))),
        "aliases": draw(maybe(words(500))),
        "notes": draw(maybe(words(500))),
    }


@st.composite
def organization_forms(draw, world):
    return {
        "name": draw(words(200)),
        "slug": draw(slugs),
        "kind": draw(choice(OrganizationKind)),
        "country": draw(maybe(words(100))),
        "aliases": draw(maybe(words(500))),
        "url": draw(maybe(urls)),
        "notes": draw(maybe(words(500))),
    }


@st.composite
def topic_forms(draw, world):
    taken = {topic.name for topic in world.topics}
    return {
        "name": draw(words(100).filter(lambda name: name.strip() not in taken)),
        "slug": draw(slugs),
        "description": draw(maybe(words(500))),
    }


@st.composite
def dated(draw):
    """``starts_on`` and ``ends_on``, either missing, never ending before the start."""
    starts_on = draw(maybe(dates))
    ends_on = draw(maybe(st.dates(min_value=starts_on or date(1945, 1, 1), max_value=date(2100, 12, 31))))
    return {"starts_on": starts_on and starts_on.isoformat(), "ends_on": ends_on and ends_on.isoformat()}


@st.composite
def event_forms(draw, world):
    names = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))  # the event's and its parts'
    data = {
        "name": draw(words(200)),
        "slug": names[0],
        "parent": draw(maybe(one_of_pks(world.events))),
        **draw(dated()),
        "sequence": str(draw(st.integers(0, 32767))),
        "place": draw(maybe(words(200))),
        "description": draw(maybe(words(500))),
    }
    parts = [
        {
            "name": draw(words(200)),
            "slug": slug,
            **draw(dated()),
            "sequence": str(draw(st.integers(0, 32767))),
            "place": draw(maybe(words(200))),
        }
        for slug in names[1:]
    ]
    data.update(inline_rows("parts", parts))
    return data


# Hostile variants of a valid form.
@st.composite
def variants(draw, form):
    data = dict(form)
    keys = sorted(data)
    rows = [key[: -len("-TOTAL_FORMS")] for key in keys if key.endswith("-TOTAL_FORMS") and data[key] != "0"]
    slug_keys = [key for key in keys if key == "slug" or key.endswith("-slug")]
    how = draw(st.sampled_from(["replace", "drop", "repeat a row", "repeat a slug", "all"]))
    if how == "repeat a row" and rows:
        # The same passage twice, one pasted with other spacing; the same part twice.
        prefix = draw(st.sampled_from(rows))
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        row = draw(st.integers(0, total - 1))
        for key in [key for key in keys if key.startswith(f"{prefix}-{row}-")]:
            field = key.removeprefix(f"{prefix}-{row}-")
            data[f"{prefix}-{total}-{field}"] = f" {data[key]}\n" if field == "excerpt" else data[key]
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    elif how == "repeat a slug" and len(slug_keys) > 1:
        first, second = draw(st.lists(st.sampled_from(slug_keys), min_size=2, max_size=2, unique=True))
        data[second] = data[first]
    elif how == "drop":
        for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
            del data[key]
    elif how == "all":
        data.update({key: draw(hostile) for key in keys if not key.endswith("_FORMS")})
    else:
        data.update({key: draw(hostile) for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3))})
    return data


def valid_and_hostile(forms):
    return forms.flatmap(lambda form: st.tuples(st.just(form), variants(form)))


@pytest.fixture
def world():
    """What forms refer to: the summit corpus (sources, people, outlets and states,
    events, topics, and entries, a joint statement among them)."""
    corpus = make_summit_corpus()
    call_command("check_corpus", stdout=io.StringIO())  # sound before any post
    entries = corpus["claims"] + corpus["quotes"] + corpus["agreements"] + corpus["hidden"]
    return SimpleNamespace(
        sources=corpus["sources"],
        people=list(Person.objects.all()),
        organizations=list(Organization.objects.all()),
        events=list(Event.objects.all()),
        topics=list(Topic.objects.all()),
        claims=[e for e in entries if isinstance(e, Claim)],
        quotes=[e for e in entries if isinstance(e, Quote)],
        agreements=[e for e in entries if isinstance(e, Agreement)],
        statements=list(Agreement.objects.filter(kind=AgreementKind.JOINT_STATEMENT)),
    )


@pytest.fixture
def editor():
    return make_editor()


def warns_of_a_near_duplicate(response):
    """The form came back with the near-duplicate warning (its "Save anyway" box shown)."""
    if response.status_code != 200 or not response.context or "adminform" not in response.context:
        return False
    save_anyway = response.context["adminform"].form.fields.get("save_anyway")
    return save_anyway is not None and isinstance(save_anyway.widget, forms.CheckboxInput)


class Poster:
    """Posts add forms of one model as an editor, each in a transaction that is rolled
    back (every example starts from the same data), checks what each saved, and counts."""

    def __init__(self, client, editor, model):
        client.force_login(editor)
        self.client, self.editor, self.model = client, editor, model
        self.url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        self.posted = self.saved = 0

    def post(self, data, valid):
        with transaction.atomic():
            before = set(self.model.objects.values_list("pk", flat=True))
            response = self.client.post(self.url, data)
            if valid and warns_of_a_near_duplicate(response):
                # As the analyst does: it is not a repeat, so "Save anyway".
                response = self.client.post(self.url, {**data, "save_anyway": "on"})
            saved = list(self.model.objects.exclude(pk__in=before))
            if valid:
                assert response.status_code == 302, refusal(response)
            assert response.status_code in (200, 302), response.status_code
            assert bool(saved) == (response.status_code == 302)  # a refused form saves nothing
            for obj in saved:
                self.check(obj)
            if saved:
                report = io.StringIO()
                try:
                    call_command("check_corpus", stdout=report)
                except CommandError:
                    pytest.fail(f"check_corpus after a save:\n{report.getvalue()}")
            transaction.set_rollback(True)
        self.posted += 1
        self.saved += bool(saved)

    def check(self, obj):
        obj.full_clean()  # every field rule, constraint and clean() of the model
        if isinstance(obj, Entry):
            assert obj.status == Status.DRAFT and obj.created_by == self.editor
            for citation in obj.citations.all():
                citation.full_clean()
            assert obj.integrity_problems() == []
        if isinstance(obj, Claim):
            for relation in obj.relations_from.all():
                relation.full_clean()

    def check_a_real_share_saved(self):
        name = self.model._meta.verbose_name_plural
        print(f"{name}: {self.saved} of {self.posted} posts saved")
        assert self.saved >= self.posted / 3, f"only {self.saved} of {self.posted} {name} forms saved"


def refusal(response):
    """Why the admin refused a form: its errors and its rows' errors."""
    if response.context is None:
        return response.status_code
    return [str(error) for error in response.context["errors"]]


def test_the_claim_form(client, editor, world):
    claims = Poster(client, editor, Claim)

    @fuzz
    @given(valid_and_hostile(claim_forms(world)))
    def post(forms):
        claims.post(forms[0], valid=True)
        claims.post(forms[1], valid=False)

    post()
    claims.check_a_real_share_saved()


def test_the_quote_form(client, editor, world):
    quotes = Poster(client, editor, Quote)

    @fuzz
    @given(valid_and_hostile(quote_forms(world)))
    def post(forms):
        quotes.post(forms[0], valid=True)
        quotes.post(forms[1], valid=False)

    post()
    quotes.check_a_real_share_saved()


def test_the_agreement_form(client, editor, world):
    agreements = Poster(client, editor, Agreement)

    @fuzz
    @given(valid_and_hostile(agreement_forms(world)))
    def post(forms):
        agreements.post(forms[0], valid=True)
        agreements.post(forms[1], valid=False)

    post()
    agreements.check_a_real_share_saved()


def test_the_source_form(client, editor, world):
    sources = Poster(client, editor, Source)

    @fuzz
    @given(valid_and_hostile(source_forms(world)))
    def post(forms):
        sources.post(forms[0], valid=True)
        sources.post(forms[1], valid=False)

    post()
    sources.check_a_real_share_saved()


@pytest.mark.parametrize(
    "model, forms",
    [(Person, person_forms), (Organization, organization_forms), (Topic, topic_forms), (Event, event_forms)],
    ids=["person", "organization", "topic", "event"],
)
def test_the_people_organization_topic_and_event_forms(client, editor, world, model, forms):
    records = Poster(client, editor, model)

    @fuzz
    @given(valid_and_hostile(forms(world)))
    def post(pair):
        records.post(pair[0], valid=True)
        records.post(pair[1], valid=False)

    post()
    records.check_a_real_share_saved()


def test_the_workflow_forms(client, editor, world):
    """Every transition, with the version the page showed or a garbled one, and any note:
    what the rules allow happens, nothing else does, and the entry stays sound."""
    client.force_login(editor)
    claim = make_claim(created_by=make_analyst(), status="in_review", citations=[(world.sources[0], "NATO")])
    applied = []

    @fuzz
    @given(
        version=st.one_of(st.sampled_from([str(claim.version)] * 3), hostile),
        note=st.one_of(words(500), hostile),
    )
    def post(version, note):
        for name, transition in TRANSITIONS.items():
            with transaction.atomic():
                url = reverse("admin:claims_claim_transition", args=[claim.pk, name])
                response = client.post(url, {"note": note, "version": version})
                assert response.status_code in (200, 302)
                claim.refresh_from_db()
                assert claim.integrity_problems() == []
                # From review, an editor may verify, and send back with a note.
                allowed = "\x00" not in note and (name == "verify" or (name == "send_back" and note.strip()))
                target = {"verify": Status.VERIFIED, "send_back": Status.DRAFT}.get(transition.name)
                if version == str(claim.version) and allowed:
                    assert claim.status == target, refusal(response)
                if claim.status != Status.IN_REVIEW:
                    assert claim.status == target and claim.version == 2
                    applied.append(name)
                transaction.set_rollback(True)
            claim.refresh_from_db()

    post()
    assert "verify" in applied and "send_back" in applied
