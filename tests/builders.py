"""Small builders for tests: each makes one valid object, with overrides."""

import itertools
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation
from apps.editorial import changes, registry
from apps.editorial.groups import ANALYSTS, EDITORS
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


def published(entry):
    """An entry made verified by a builder, as if an editor had approved it: its first
    publication recorded, of what it shows now (``check_corpus`` finds it sound)."""
    if entry.status in ("verified", "retracted") and not entry.publications.exists():
        if entry.verified_at is None:
            entry.verified_at = timezone.now()
            type(entry).objects.filter(pk=entry.pk).update(verified_at=entry.verified_at)
        entry.publications.create(
            number=1,
            kind="first",
            published_at=entry.verified_at or timezone.now(),
            published_by=entry.verified_by,
            digest=changes.digest(changes.state(entry)) if entry.status == "verified" else "",
        )
    return entry


def approved_as_shown():
    """Every published entry's approved version made what it shows now (builders add links
    and relations after the entries they join)."""
    for kind in registry.entry_types():
        kind.publication_model.objects.exclude(kind="retraction").update(digest="")
    changes.fill_missing_digests()


def make_claim(citations=(), **fields):
    """``citations``: (source, excerpt) or (source, excerpt, stance) tuples."""
    n = next(_numbers)
    claim = Claim.objects.create(**{"statement": f"Claim {n}", "slug": f"claim-{n}", **fields})
    for source, excerpt, *stance in citations:
        ClaimCitation.objects.create(
            claim=claim, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return published(claim)


def make_quote(citations=(), **fields):
    n = next(_numbers)
    if not any(key in fields for key in ("speaker", "speaker_organization", "speaker_statement")):
        fields["speaker"] = make_person()
    quote = Quote.objects.create(**{"text": "We’re always for peace and dialogue", "slug": f"quote-{n}", **fields})
    for source, excerpt, *stance in citations:
        QuoteCitation.objects.create(
            quote=quote, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return published(quote)


def make_agreement(citations=(), **fields):
    n = next(_numbers)
    agreement = Agreement.objects.create(
        **{"title": f"Agreement {n}", "slug": f"agreement-{n}", "kind": "agreement", **fields}
    )
    for source, excerpt, *stance in citations:
        AgreementCitation.objects.create(
            agreement=agreement, source=source, excerpt=excerpt, stance=stance[0] if stance else "supports"
        )
    return published(agreement)


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


class FormFields(HTMLParser):
    """What a browser would submit from the admin's change or add form, as it is."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id", "").endswith("_form")
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            self.data.append((name, value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.data += [(self.select["name"], value) for value in chosen]
            self.select = None


def form_data(html, changes=None):
    """What a browser would POST from the admin form in ``html`` (a change or add page,
    inline rows and hidden fields included), with ``changes`` typed in, and "Save" pressed."""
    parser = FormFields()
    parser.feed(html)
    data = {}
    for key, value in parser.data:
        data.setdefault(key, []).append(value)
    data.update({key: [value] for key, value in (changes or {}).items()})
    return {key: values if len(values) > 1 else values[0] for key, values in data.items()} | {"_save": "Save"}


# A small, realistic corpus for page tests, screenshots and a local demo: two reports of
# Xi Jinping's state visit to Moscow (condensed from the seed coverage), which disagree
# on how many documents were signed; one of them relays RT.
REPORT_A = (
    "On March 22, 2023, Chinese President Xi Jinping returned to China after his first trip to Russia since "
    "the start of the war in Ukraine last year. The two leaders discussed the conflict in the Ukraine, the "
    "influence of the United States and NATO, economic cooperation and military cooperation. Russian President "
    "Putin hailed President Xi Jinping for a peace plan for Ukraine that he introduced last month.\n\n"
    "Vladimir Putin, the President of Russia, and Xi Jinping, the president of China, have signed several "
    "documents on strategic cooperation between Moscow and Beijing following what Putin referred to as "
    'successful and constructive meetings at the Kremlin. "We signed an agreement on deepening the strategic '
    'partnership and bilateral ties, which are entering a new era." Xi said after the discussions with Putin '
    "on March 21, 2023.\n\n"
    "According to Putin, further gas shipments to China have been agreed upon. Additionally, he said that by "
    "working together, the two nations might overtake rivals in IT and Al. Media sources indicate that Xi and "
    'Putin agreed in a joint statement that Russia and China "will build a closer energy partnership, '
    "supporting companies from both countries in advancing cooperation projects in oil, gas, coal, electricity "
    'and nuclear energy." In their joint statement, Xi and Putin also decided to "further deepen military '
    'mutual trust" between the two countries.'
)
REPORT_B = (
    "During the latter’s three-day visit to Moscow, Russian President Vladimir Putin and Chinese counterpart "
    "Xi Jinping signed over a dozen agreements aimed at expanding co-operation between their two countries.\n\n"
    "“This is an example of how world powers, who are permanent members of the UN Security Council and have a "
    "special responsibility for maintaining stability and security on the planet, should interact,” Putin said "
    "at the ceremonial dinner following the hours-long talks at the highest level in the Kremlin.\n\n"
    "The Russian president has praised the peace roadmap presented by China last month, stating that many of "
    "its components can serve as a basis for a peaceful resolution when the West and Kyiv are prepared for it.\n\n"
    "“We’re always for peace and dialogue, and we firmly stand on the right side of history,” said Xi.\n\n"
    "China's trade with Russia reached a record high in 2022, increasing by 30% despite efforts by the West to "
    "impose sanctions on Moscow. Bilateral trade between the two nations is expected to exceed $200 billion "
    "this year, reported RT.\n\n"
    "“By joining our rich scientific potentials and production capabilities, Russia and China can become world "
    "leaders in the fields of information technology, network security, and artificial intelligence,” Putin told "
    "reporters.\n\n"
    "In two joint statements issued during the summit, Russia and China vowed to “deepen relations of "
    "comprehensive partnership and strategic interaction entering a new era”.\n\n"
    "On Monday, Xi Jinping arrived in Moscow for a three-day visit, and by Tuesday evening, the summit had "
    "resulted in the signing of 14 agreements, including statements, protocols, memoranda, and other forms of "
    "agreements. As part of their increased co-operation, Moscow and Beijing have agreed to regularly conduct "
    "joint maritime and air patrols, along with joint military exercises."
)


def make_summit_corpus():
    """Verified claims, quotes and agreements about one summit, with a draft, an entry in
    review and a retracted one beside them. Returns the objects by name."""
    from datetime import date, timedelta

    from django.utils import timezone

    from apps.claims.models import ClaimRelation
    from apps.editorial.models import Topic

    now = timezone.now()
    editor = make_editor()
    verified = {"status": "verified", "verified_by": editor}

    def at(days):
        return {**verified, "verified_at": now - timedelta(days=days)}

    topics = {
        name.lower(): Topic.objects.create(name=name, slug=name.lower())
        for name in ("Trade", "Energy", "Military", "Diplomacy", "Technology")
    }
    russia = make_organization(name="Russia", slug="russia", kind="state", country="Russia")
    china = make_organization(name="China", slug="china", kind="state", country="China")
    rt = make_organization(name="RT", slug="rt", kind="media_outlet", country="Russia")
    review = make_organization(name="Regional Policy Review", slug="regional-policy-review", kind="media_outlet")
    wire = make_organization(name="World Affairs Wire", slug="world-affairs-wire", kind="media_outlet")
    putin = make_person(name="Vladimir Putin", slug="vladimir-putin", role="President of Russia", country="Russia")
    xi = make_person(name="Xi Jinping", slug="xi-jinping", role="President of China", country="China")
    visit = make_event(
        name="Xi Jinping’s state visit to Russia",
        slug="xi-state-visit-2023",
        starts_on=date(2023, 3, 20),
        ends_on=date(2023, 3, 22),
        place="Moscow",
        description="Xi Jinping’s first visit to Russia since the start of the war in Ukraine.",
    )
    talks = make_event(
        name="Talks at the Kremlin", slug="kremlin-talks", parent=visit, starts_on=date(2023, 3, 21), sequence=1
    )
    dinner = make_event(name="State dinner", slug="state-dinner", parent=visit, starts_on=date(2023, 3, 21), sequence=2)
    briefing = make_event(
        name="Press briefing", slug="press-briefing", parent=visit, starts_on=date(2023, 3, 21), sequence=3
    )
    a = make_source(
        body=REPORT_A,
        title="Strengthening Alliances: Xi Jinping’s Visit To Russia",
        slug="strengthening-alliances",
        outlet=review,
        authors="Ezba Walayat",
        published_on=date(2023, 4, 3),
        kind="analysis",
        reliability="C",
        url="https://example.org/strengthening-alliances",
    )
    b = make_source(
        body=REPORT_B,
        title="Putin and Xi sign over a dozen agreements in Moscow",
        slug="over-a-dozen-agreements",
        outlet=wire,
        published_on=date(2023, 3, 22),
        kind="news_report",
        reliability="D",
        reliability_notes="Relays RT, Russian state media.",
    )
    b.relays.add(rt)

    statement = make_agreement(
        title="Joint statement on deepening the comprehensive partnership in a new era",
        slug="joint-statement-new-era",
        kind="joint_statement",
        signed_on=date(2023, 3, 21),
        place="Moscow",
        event=talks,
        summary="The two leaders vow to deepen their partnership and strategic interaction.",
        citations=[(a, "We signed an agreement on deepening the strategic partnership and bilateral ties")],
        **at(5),
    )
    statement.parties.add(russia, china)
    statement.signatories.add(putin, xi)
    statement.topics.add(topics["diplomacy"])
    fourteen = make_agreement(
        title="Fourteen agreements signed during the visit",
        slug="fourteen-agreements",
        kind="agreement",
        documents=14,
        signed_on=date(2023, 3, 21),
        event=visit,
        citations=[(b, "the summit had resulted in the signing of 14 agreements")],
        **at(4),
    )
    fourteen.parties.add(russia, china)

    several = make_claim(
        statement="Putin and Xi signed several documents on strategic cooperation.",
        slug="several-documents-signed",
        event=talks,
        credibility=2,
        citations=[(a, "have signed several documents on strategic cooperation between Moscow and Beijing")],
        **at(3),
    )
    dozen = make_claim(
        statement="Putin and Xi signed 14 agreements during the visit.",
        slug="fourteen-agreements-signed",
        event=visit,
        quantity=14,
        quantity_unit="agreements",
        credibility=3,
        citations=[
            (b, "the summit had resulted in the signing of 14 agreements"),
            (b, "signed over a dozen agreements aimed at expanding co-operation"),
        ],
        **at(2),
    )
    dozen.agreements.add(fourteen)
    ClaimRelation.objects.create(from_claim=several, to_claim=dozen, kind="contradicts", note="How many documents?")
    peace = make_claim(
        statement="Putin praised China’s peace plan for Ukraine.",
        slug="putin-praised-peace-plan",
        event=talks,
        attributed_to=putin,
        credibility=1,
        citations=[
            (a, "Putin hailed President Xi Jinping for a peace plan for Ukraine"),
            (b, "The Russian president has praised the peace roadmap presented by China last month"),
        ],
        **at(1),
    )
    peace.topics.add(topics["diplomacy"])
    trade = make_claim(
        statement="China’s trade with Russia reached a record high in 2022, up 30 %.",
        slug="trade-record-2022",
        event=visit,
        quantity=30,
        quantity_unit="%",
        quantity_qualifier="exactly",
        quantity_period="2022",
        credibility=2,
        citations=[(b, "China's trade with Russia reached a record high in 2022, increasing by 30%")],
        **at(6),
    )
    trade.topics.add(topics["trade"])
    patrols = make_claim(
        statement="Russia and China agreed to conduct joint maritime and air patrols.",
        slug="joint-patrols",
        event=talks,
        credibility=3,
        citations=[
            (b, "have agreed to regularly conduct joint maritime and air patrols"),
            (a, "further deepen military mutual trust", "mentions"),
        ],
        **at(7),
    )
    patrols.topics.add(topics["military"])
    ai = make_claim(
        statement="Putin said the two nations might overtake rivals in IT and AI.",
        slug="overtake-rivals-in-ai",
        event=briefing,
        attributed_to=putin,
        credibility=2,
        citations=[
            (a, "the two nations might overtake rivals in IT and Al"),
            (b, "Russia and China can become world leaders in the fields of information technology"),
        ],
        **at(8),
    )
    ai.topics.add(topics["technology"])
    one_statement = make_claim(
        statement="Xi and Putin issued one joint statement.",
        slug="one-joint-statement",
        event=talks,
        credibility=4,
        citations=[
            (a, "Media sources indicate that Xi and Putin agreed in a joint statement"),
            (b, "In two joint statements issued during the summit", "contradicts"),
        ],
        **at(9),
    )
    one_statement.topics.add(topics["diplomacy"])
    one_statement.citations.filter(stance="contradicts").update(
        note="Article 2 counts two joint statements; article 1 rests its one on unnamed media sources."
    )

    peace_quote = make_quote(
        text="We’re always for peace and dialogue, and we firmly stand on the right side of history",
        slug="xi-peace-and-dialogue",
        speaker=xi,
        occasion=briefing,
        said_on=date(2023, 3, 21),
        citations=[(b, "We’re always for peace and dialogue, and we firmly stand on the right side of history")],
        **at(2),
    )
    peace_quote.topics.add(topics["diplomacy"])
    powers = make_quote(
        text="This is an example of how world powers",
        slug="putin-world-powers",
        speaker=putin,
        occasion=dinner,
        said_on=date(2023, 3, 21),
        is_partial=True,
        citations=[(b, "This is an example of how world powers, who are permanent members of the UN Security")],
        **at(3),
    )
    energy = make_quote(
        text="will build a closer energy partnership",
        slug="joint-statement-energy",
        speaker_statement=statement,
        occasion=talks,
        said_on=date(2023, 3, 21),
        is_partial=True,
        citations=[(a, "will build a closer energy partnership, supporting companies from both countries")],
        **at(4),
    )
    energy.topics.add(topics["energy"])
    energy.agreements.add(statement)

    # Work the public must not see.
    draft = make_claim(
        statement="Draft: gas shipments to China were agreed.",
        slug="draft-gas-shipments",
        citations=[(a, "further gas shipments to China have been agreed upon")],
    )
    in_review = make_quote(
        text="By joining our rich scientific potentials",
        slug="in-review-scientific-potentials",
        speaker=putin,
        status="in_review",
        citations=[(b, "By joining our rich scientific potentials and production capabilities")],
    )
    retracted = make_claim(
        statement="Retracted: trade will exceed $200 billion this year.",
        slug="retracted-200-billion",
        status="retracted",
        correction="The figure is a forecast reported by RT, not an agreed target.",
        retracted_at=now,
        citations=[(b, "expected to exceed $200 billion this year")],
    )
    # Retracted for a legal reason: readers may not read it again.
    withheld = make_quote(
        text="Russia and China can become world leaders",
        slug="withdrawn-words",
        speaker=putin,
        status="retracted",
        correction="Withdrawn by order of a court.",
        retracted_at=now - timedelta(days=1),
        text_withheld=True,
        citations=[(b, "Russia and China can become world leaders in the fields of information technology")],
    )
    # Topics, links and relations came after the entries: what was approved is what they show now.
    approved_as_shown()
    return {
        "topics": topics,
        "sources": [a, b],
        "outlets": [review, wire, rt],
        "people": [putin, xi],
        "event": visit,
        "parts": [talks, dinner, briefing],
        "claims": [several, dozen, peace, trade, patrols, ai, one_statement],
        "quotes": [peace_quote, powers, energy],
        "agreements": [statement, fourteen],
        "hidden": [draft, in_review, retracted, withheld],
    }
