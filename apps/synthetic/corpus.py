"""A deterministic synthetic corpus shaped like real summit coverage, for benchmarks.

``plan()`` decides everything from ``random.Random(seed)``: first what every part of the
corpus shares (topics, people, organizations, the summits and their parts), then, a few
summits at a time (``Part``), their sources, whose bodies are built sentence by sentence
from the facts, quotes and agreements that the entries record, and the entries
themselves. An entry cites only sources of its own summit and rests only on entries of
it, so ``write()`` stores each part with ``bulk_create`` in batches and lets it go
before the next is planned: memory stays that of one part, whatever the size of the
corpus. All of it is written in one transaction. The same seed and size give the same
rows (primary keys aside), down to the timestamps.

Every row it makes has a slug starting with ``gen-`` (``PREFIX``), so it can tell its own
corpus from an analyst's work, and ``delete_generated()`` removes exactly what it made.

Entries follow every rule of the design, so ``check_corpus`` passes: each excerpt is a
run of whole sentences of its source's body with the offsets ``text.locate`` gives it,
a quote's text occurs in each of its excerpts, and a verified entry has a supporting
citation and was verified by ``corpus-editor``, not by its creator ``corpus-analyst``.
"""

import bisect
import gc
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from django.utils.text import slugify

from apps.actors.models import Organization, Person
from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.editorial import changes, stored_corroboration
from apps.editorial.groups import ANALYSTS, EDITORS
from apps.editorial.models import Status, Topic
from apps.events.models import Event
from apps.quotes.models import Quote, QuoteCitation
from apps.sources import text
from apps.sources.models import Source
from summitcms.lib.fields import auto_timestamps
from summitcms.lib.statistics import AsItGrows
from summitcms.lib.words import and_list

from . import vocabulary as words

PREFIX = "gen-"
ANALYST = "corpus-analyst"
EDITOR = "corpus-editor"
# Rows per bulk_create call; Django splits them further to the database's parameter limit.
BATCH = 2000
MIN_SOURCES = 10  # an entry cites up to five distinct sources of its summit
CLAIMS_PER_SUMMIT = 2000
# Claims planned and written together, with their summits' quotes, agreements and
# sources: what the generator holds at once (one summit, the least it can be).
CLAIMS_PER_PART = CLAIMS_PER_SUMMIT

STATUS_MIX = [(Status.VERIFIED, 60), (Status.DRAFT, 15), (Status.IN_REVIEW, 15), (Status.RETRACTED, 10)]
CITATIONS_PER_ENTRY = [(2, 30), (3, 35), (4, 20), (5, 15)]
# What a claim is made from (the rest state a new fact).
CLAIM_ORIGINS = [("quote", 20), ("agreement", 5), ("duplicates", 5), ("refines", 5), ("contradicts", 5), ("fact", 60)]

# Everything the generator makes carries a slug; these are checked for foreign rows.
SLUGGED_MODELS = [Topic, Person, Organization, Event, Source, Agreement, Quote, Claim]
CITATION_LABELS = [m._meta.label for m in (ClaimCitation, QuoteCitation, AgreementCitation)]

# The generator computes excerpt offsets itself (``Body.locate``), which matches
# ``text.locate`` only while sentences keep to single spaces on one line.
UNSAFE_WHITESPACE = re.compile(r"[^\S ]|  |^ | $")


class Refusal(Exception):
    """The database is not one the generator may write into as asked; the message says why."""


@dataclass(frozen=True)
class Shape:
    """How many of each thing a corpus of ``claims`` claims has."""

    claims: int
    quotes: int
    agreements: int
    sources: int
    summits: int
    people: int

    @classmethod
    def for_claims(cls, claims):
        sources = max(MIN_SOURCES, round(claims / 10))
        return cls(
            claims=claims,
            quotes=claims // 2,
            agreements=claims // 20,
            sources=sources,
            # At least ten sources per summit, so five distinct ones can be cited.
            summits=max(1, min(claims // CLAIMS_PER_SUMMIT, sources // MIN_SOURCES)),
            people=max(3 * len(words.COUNTRIES), claims // 100),
        )


def marked(model):
    return model.objects.filter(slug__startswith=PREFIX)


def foreign_counts():
    """``{Claim: 3, …}`` for rows the generator did not make (empty when there are none)."""
    counts = {m: m.objects.exclude(slug__startswith=PREFIX).count() for m in SLUGGED_MODELS}
    return {model: count for model, count in counts.items() if count}


def generated_counts():
    counts = {m: marked(m).count() for m in SLUGGED_MODELS}
    return {model: count for model, count in counts.items() if count}


def describe(counts):
    """``{Claim: 1, Source: 20 000}`` as “1 claim, 20 000 sources”."""
    return ", ".join(
        f"{count:,} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}".replace(",", " ")
        for model, count in counts.items()
    )


# ---------------------------------------------------------------------------------------
# Planning: everything decided in memory, from the seed alone.


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def slug_for(kind, index, title):
    head = f"{PREFIX}{kind}-{index}"
    # At most 80 characters in all, as an entry's address (editorial.models.SLUG_LENGTH).
    words_part = slugify(title)[: min(60, 79 - len(head))].rstrip("-")
    return f"{head}-{words_part}" if words_part else head


def capitalized(phrase):
    return phrase[:1].upper() + phrase[1:]


def a_or_an(phrase):
    return f"an {phrase}" if phrase[:1] in "aeiou" else f"a {phrase}"


@dataclass
class Body:
    """A source body assembled from sentences, and where each sentence landed.

    Paragraphs are separated by a blank line and sentences by one space, so folding the
    body (``text.fold``) only turns each paragraph break into a space: ``locate`` can
    search a folded copy made with two C-speed string calls instead of folding the
    whole body again for every excerpt.
    """

    text: str
    spans: dict  # sentence id -> (start, end) in text
    paragraphs: list  # lists of sentence ids
    where: dict  # sentence id -> (paragraph number, position in it)
    folded: str = ""
    breaks: list = field(default_factory=list)  # positions of paragraph breaks in ``folded``

    @classmethod
    def assemble(cls, sentences, paragraphs):
        spans, where, parts, offset, breaks = {}, {}, [], 0, []
        for number, paragraph in enumerate(paragraphs):
            if number:
                breaks.append(offset - (number - 1))  # the blank line folds to one space
                offset += 2
            for position, sentence_id in enumerate(paragraph):
                sentence = sentences[sentence_id]
                if position:
                    offset += 1
                spans[sentence_id] = (offset, offset + len(sentence))
                where[sentence_id] = (number, position)
                offset += len(sentence)
            parts.append(" ".join(sentences[i] for i in paragraph))
        body = "\n\n".join(parts)
        folded = text.fold_characters(body.replace("\n\n", " "))
        return cls(body, spans, paragraphs, where, folded, breaks)

    def original(self, folded_index):
        # Each paragraph break before this point lost one character in folding.
        return folded_index + bisect.bisect_left(self.breaks, folded_index)

    def locate(self, excerpt):
        """What ``text.locate(excerpt, self.text)`` returns, for an excerpt cut from this body."""
        needle = text.fold_characters(excerpt.strip().replace("\n\n", " "))
        index = self.folded.find(needle)
        if index < 0:
            return None
        return self.original(index), self.original(index + len(needle) - 1) + 1


@dataclass
class SourcePlan:
    index: int
    summit: object
    outlet: int
    relays: list
    kind: str
    reliability: str
    published_on: date
    title: str
    slug: str
    authors: str
    url: str
    sentences: list = field(default_factory=list)
    body: Body = None


@dataclass
class Summit:
    index: int
    host: tuple
    guest: tuple
    city: str
    other_city: str
    starts_on: date
    ends_on: date
    event: int  # index into plan.events
    parts: list  # (event index, name, date)
    leaders: list  # person indexes: host, guest
    officials: list  # person indexes
    bodies: list  # organization indexes of government bodies
    states: list  # organization indexes: host, guest
    context: dict
    sources: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    joint_statements: list = field(default_factory=list)
    facts: list = field(default_factory=list)  # (claim index, family, params)
    numbered_facts: list = field(default_factory=list)  # those that turn on a number


class EntryPlan:
    """One claim, quote or agreement: its fields, and the sentences its citations rest on."""

    __slots__ = ("index", "slug", "fields", "cites", "topics", "links", "relations", "summit", "extra")

    def __init__(self, index, summit):
        self.index = index
        self.summit = summit
        self.slug = ""
        self.fields = {}
        self.cites = []  # [source index, sentence id, stance], later [source, excerpt, start, end, stance]
        self.topics = []
        self.links = {}  # m2m name -> indexes
        self.relations = []  # (kind, claim index)
        self.extra = {}


@dataclass
class Plan:
    """What every part shares, held for the whole run (it grows with the corpus only by
    its people and summits: a hundredth and a two-thousandth of the claims), and the
    parts, planned one at a time as they are iterated."""

    seed: int
    shape: Shape
    epoch: datetime
    topics: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    people: list = field(default_factory=list)
    events: list = field(default_factory=list)  # dicts; "parent" is an index
    summits: list = field(default_factory=list)
    parts: object = None  # an iterator of Part


@dataclass
class Part:
    """The sources and entries of a few summits, by their index in the whole corpus."""

    summits: list
    sources: dict = field(default_factory=dict)
    agreements: dict = field(default_factory=dict)
    quotes: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)


class Planner:
    def __init__(self, claims, seed, progress=None):
        self.progress = progress or (lambda label, done, total: None)
        self.rng = random.Random(seed)
        self.shape = Shape.for_claims(claims)
        # Every stored time derives from the seed: a fixed day, moved by the seed.
        epoch = datetime(2014, 1, 1, 9, 0, tzinfo=UTC) + timedelta(days=random.Random(seed).randrange(365))
        self.plan = Plan(seed=seed, shape=self.shape, epoch=epoch)

    def run(self):
        self.topics()
        self.organizations()
        self.people()
        self.summits()
        self.plan.parts = self.parts()
        return self.plan

    def parts(self):
        """Plan a few summits at a time: their sources, agreements, quotes and claims.

        Entry ``i`` of a kind belongs to summit ``i % summits`` (round-robin, as sources
        do), so a part's entries are known without planning the others. The summits'
        lists of what they hold are emptied once their part is done.
        """
        summits = self.plan.summits
        size = max(1, CLAIMS_PER_PART // CLAIMS_PER_SUMMIT)
        for start in range(0, len(summits), size):
            chosen = summits[start : start + size]
            self.part = part = Part(summits=chosen)
            self.sources(self.indexes(chosen, self.shape.sources))
            for make, indexes in (
                (self.agreement, self.indexes(chosen, self.shape.agreements)),
                (self.quote, self.indexes(chosen, self.shape.quotes)),
                (self.claim, self.indexes(chosen, self.shape.claims)),
            ):
                for index in indexes:
                    make(index)
            for source in part.sources.values():
                self.finish_body(source)
            for entries in (part.agreements, part.quotes, part.claims):
                for entry in entries.values():
                    self.cut_excerpts(entry)
            self.forget_layouts()
            self.part = None
            for summit in chosen:
                summit.sources, summit.quotes, summit.agreements = [], [], []
                summit.joint_statements, summit.facts, summit.numbered_facts = [], [], []
            yield part

    def indexes(self, summits, total):
        """The indexes, among ``total`` things of a kind, of those of these summits."""
        count = len(self.plan.summits)
        return sorted(i for summit in summits for i in range(summit.index, total, count))

    # Reference data --------------------------------------------------------------------

    def topics(self):
        for name, description in words.TOPICS:
            self.plan.topics.append({"name": name, "slug": PREFIX + slugify(name), "description": description})
        self.topic_index = {t["name"]: i for i, t in enumerate(self.plan.topics)}

    def organization(self, name, kind, country="", url=""):
        index = len(self.plan.organizations)
        slug = f"{PREFIX}{slugify(name)}"
        self.plan.organizations.append({"name": name, "slug": slug, "kind": kind, "country": country, "url": url})
        return index

    def organizations(self):
        self.outlets = []
        for name in words.OUTLETS:
            url = f"https://{slugify(name)}.example/"
            self.outlets.append(self.organization(name, "media_outlet", url=url))
        self.country_orgs = {}
        for country, _capital, adjective, *_ in words.COUNTRIES:
            state = self.organization(country, "state", country)
            agency = self.organization(words.NEWS_AGENCY.format(adjective=adjective), "media_outlet", country)
            self.outlets.append(agency)
            bodies = [
                self.organization(b.format(country=country), "government_body", country)
                for b in words.GOVERNMENT_BODIES
            ]
            self.country_orgs[country] = (state, bodies)
        self.companies = [self.organization(name, "company") for name in words.COMPANIES]
        for name in words.INTERNATIONAL_BODIES:
            self.organization(name, "international_body")

    def person_name(self, region):
        return f"{self.rng.choice(words.GIVEN_NAMES[region])} {self.rng.choice(words.FAMILY_NAMES[region])}"

    def people(self):
        """Each country gets a head of state first, then officials, round-robin."""
        self.country_people = {c[0]: [] for c in words.COUNTRIES}
        for index in range(self.shape.people):
            country, _capital, _adjective, _currency, _city, region = words.COUNTRIES[index % len(words.COUNTRIES)]
            rank = index // len(words.COUNTRIES)
            if rank == 0:
                role = f"{words.HEAD_ROLE} of {country}"
            else:
                role = f"{words.OFFICIAL_ROLES[(rank - 1) % len(words.OFFICIAL_ROLES)]} of {country}"
            name = self.person_name(region)
            self.plan.people.append(
                {"name": name, "slug": slug_for("person", index, name), "role": role, "country": country}
            )
            self.country_people[country].append(index)

    def summits(self):
        rng = self.rng
        for index in range(self.shape.summits):
            host, guest = rng.sample(words.COUNTRIES, 2)
            city = host[1] if rng.random() < 0.7 else host[4]
            starts_on = (self.plan.epoch + timedelta(days=rng.randrange(3650))).date()
            days = rng.randint(2, 3)
            ends_on = starts_on + timedelta(days=days - 1)
            month, year = words.MONTHS[starts_on.month - 1], starts_on.year
            name = rng.choice(words.SUMMIT_NAMES).format(
                host=host[0], guest=guest[0], city=city, month=month, year=year
            )
            event = self.event(name, None, starts_on, ends_on, city, 0)
            parts = []
            chosen = sorted(rng.sample(range(len(words.EVENT_PARTS)), rng.randint(3, 6)))
            for sequence, (part, place) in enumerate(words.EVENT_PARTS[i] for i in chosen):
                on = starts_on + timedelta(days=rng.randrange(days))
                place = place.format(**words.PLACES, city=city).format(city=city)
                parts.append((self.event(part, event, on, on, place, sequence + 1), part, on))
            host_people, guest_people = self.country_people[host[0]], self.country_people[guest[0]]
            officials = rng.sample(host_people[1:], min(4, len(host_people) - 1))
            officials += rng.sample(guest_people[1:], min(4, len(guest_people) - 1))
            states = [self.country_orgs[host[0]][0], self.country_orgs[guest[0]][0]]
            bodies = self.country_orgs[host[0]][1] + self.country_orgs[guest[0]][1]
            people = self.plan.people
            context = {
                "host": host[0],
                "guest": guest[0],
                "capital_host": host[1],
                "capital_guest": guest[1],
                "adjective_host": host[2],
                "adjective_guest": guest[2],
                "currency_host": host[3],
                "currency_guest": guest[3],
                "city": city,
                "other_city": guest[4] if city != guest[4] else guest[1],
                "leader_host": people[host_people[0]]["name"],
                "leader_guest": people[guest_people[0]]["name"],
                "year": year,
                "past_year": year - 1,
                "month": month,
                "day": starts_on.day,
                "days": ["", "one", "two", "three"][days],
            }
            self.plan.summits.append(
                Summit(
                    index=index,
                    host=host,
                    guest=guest,
                    city=city,
                    other_city=context["other_city"],
                    starts_on=starts_on,
                    ends_on=ends_on,
                    event=event,
                    parts=parts,
                    leaders=[host_people[0], guest_people[0]],
                    officials=officials,
                    bodies=bodies,
                    states=states,
                    context=context,
                )
            )

    def event(self, name, parent, starts_on, ends_on, place, sequence):
        index = len(self.plan.events)
        self.plan.events.append(
            {
                "name": name,
                "slug": slug_for("event", index, name),
                "parent": parent,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "place": place,
                "sequence": sequence,
                "description": f"{name}." if parent is None else "",
            }
        )
        return index

    def sources(self, indexes):
        rng, orgs = self.rng, self.plan.organizations
        for index in indexes:
            # Round-robin, so every summit has its share (at least MIN_SOURCES).
            summit = self.plan.summits[index % len(self.plan.summits)]
            kind = weighted(rng, words.SOURCE_KINDS)
            if kind == "official_statement":
                outlet = rng.choice(summit.bodies)
            else:
                outlet = rng.choice(self.outlets)
            relays = []
            if kind != "official_statement" and rng.random() < 0.15:
                relays = [rng.choice([o for o in self.outlets if o != outlet])]
            published_on = summit.starts_on + timedelta(days=rng.randrange(6))
            topic = rng.choice(words.TOPICS)[0].lower()
            title = rng.choice(words.SOURCE_TITLES[kind]).format(
                **summit.context,
                topic=topic,
                count=rng.randint(3, 30),
            )
            region = rng.choice([summit.host[5], summit.guest[5]])
            authors = (
                ""
                if kind == "official_statement"
                else " and ".join(self.person_name(region) for _ in range(rng.choice([1, 1, 1, 2])))
            )
            slug = slug_for("source", index, title)
            url = orgs[outlet]["url"] or f"https://{slugify(orgs[outlet]['name'])}.example/"
            source = SourcePlan(
                index=index,
                summit=summit,
                outlet=outlet,
                relays=relays,
                kind=kind,
                reliability=weighted(rng, words.RELIABILITY),
                published_on=published_on,
                title=title,
                slug=slug,
                authors=authors,
                url=f"{url}{published_on:%Y/%m}/{slug.removeprefix(PREFIX)}",
            )
            self.part.sources[index] = source
            summit.sources.append(index)

    # Entries ---------------------------------------------------------------------------

    def context(self, summit, **more):
        """What a sentence of this summit may mention; ``more`` is the fact's own words."""
        rng = self.rng
        official = self.plan.people[rng.choice(summit.officials or summit.leaders)]["name"]
        part = rng.choice(summit.parts)[1].lower()
        return {**summit.context, "official": official, "part": part, **more}

    def say(self, source_index, sentence):
        """Put ``sentence`` in a source's body; return its id there."""
        if UNSAFE_WHITESPACE.search(sentence):
            raise ValueError(f"A generated sentence breaks the whitespace rule: {sentence!r}")
        sentences = self.part.sources[source_index].sentences
        sentences.append(sentence)
        return len(sentences) - 1

    def cite_new(self, entry, summit, templates, params, count, exclude=()):
        """Write the fact into ``count`` distinct sources of the summit, one sentence each."""
        rng = self.rng
        candidates = [s for s in summit.sources if s not in exclude] if exclude else summit.sources
        for source_index in rng.sample(candidates, min(count, len(candidates))):
            sentence = rng.choice(templates).format_map(self.context(summit, **params))
            entry.cites.append([source_index, self.say(source_index, sentence), "supports"])

    def cite_again(self, entry, cites, count):
        """Rest on passages another entry already cites (a claim on a quote, a duplicate)."""
        for source_index, sentence_id, _stance in self.rng.sample(cites, min(count, len(cites))):
            entry.cites.append([source_index, sentence_id, "supports"])

    def citation_count(self):
        return weighted(self.rng, CITATIONS_PER_ENTRY)

    def settle_stances(self, entry):
        """The first citation supports the entry; a few others only mention it."""
        for cite in entry.cites[1:]:
            if cite[2] == "supports" and self.rng.random() < 0.1:
                cite[2] = "mentions"

    def workflow(self, entry, evidence_on):
        """Status and the stamps a real history would have left, all derived from the seed."""
        rng = self.rng
        status = weighted(rng, STATUS_MIX)
        created = datetime.combine(evidence_on, datetime.min.time(), tzinfo=UTC) + timedelta(
            days=1, hours=8, minutes=rng.randrange(72 * 60)
        )
        fields = {
            "status": status,
            "created_by": ANALYST,
            "updated_by": ANALYST,
            "created_at": created,
            "updated_at": created,
            "submitted_at": None,
            "verified_by": None,
            "verified_at": None,
            "retracted_at": None,
            "review_note": "",
            "correction": "",
            "version": 1,
        }
        sent_back = status == Status.DRAFT and rng.random() < 0.2
        if status != Status.DRAFT or sent_back:
            fields["submitted_at"] = fields["updated_at"] = created + timedelta(minutes=rng.randrange(5, 600))
            fields["version"] = 2
        if sent_back:
            fields["updated_at"] += timedelta(minutes=rng.randrange(10, 2000))
            fields["updated_by"] = EDITOR
            fields["review_note"] = "Please cite a second, independent source."
            fields["version"] = 3
        if status in (Status.VERIFIED, Status.RETRACTED):
            verified_at = fields["submitted_at"] + timedelta(minutes=rng.randrange(10, 2000))
            fields.update(verified_by=EDITOR, verified_at=verified_at, updated_by=EDITOR, updated_at=verified_at)
            fields["version"] = 3
        if status == Status.RETRACTED:
            retracted_at = fields["verified_at"] + timedelta(days=rng.randrange(1, 30))
            fields.update(retracted_at=retracted_at, updated_at=retracted_at, version=4)
            fields["correction"] = "A later report showed the sources had misread the figures."
        entry.fields.update(fields)

    def evidence_date(self, entry):
        return max(self.part.sources[s].published_on for s, *_ in entry.cites)

    def agreement(self, index):
        rng = self.rng
        summit = self.plan.summits[index % len(self.plan.summits)]
        # Each summit's first agreement is its joint statement, so quotes can cite one.
        kind = "joint_statement" if not summit.agreements else weighted(rng, words.AGREEMENT_KINDS)
        topic = rng.choice(list(words.AGREEMENT_SUBJECTS))
        subject = rng.choice(words.AGREEMENT_SUBJECTS[topic])
        company, other_company = rng.sample(self.companies, 2)
        orgs, people = self.plan.organizations, self.plan.people
        if kind == "contract":
            parties = [company, other_company]
            signatories = []
        elif kind == "memorandum" and rng.random() < 0.5:
            parties = [rng.choice(summit.bodies[:2]), rng.choice(summit.bodies[2:])]
            signatories = rng.sample(summit.officials, min(2, len(summit.officials)))
        else:
            parties = list(summit.states)
            signatories = list(summit.leaders)
        documents = 1 if rng.random() < 0.85 else rng.randint(2, 8)
        title = words.AGREEMENT_TITLES[kind].format(
            **summit.context, subject=subject, company=orgs[company]["name"], other_company=orgs[other_company]["name"]
        )
        signing = next((p for p in summit.parts if p[1] == "Signing ceremony"), summit.parts[0])
        entry = EntryPlan(index, summit)
        entry.slug = slug_for("agreement", index, title)
        entry.fields = {
            "title": title,
            "kind": kind,
            "documents": documents,
            "signed_on": signing[2],
            "place": summit.city,
            "event": signing[0],
            "summary": f"{title}, signed in {summit.city} on {signing[2]:%-d %B %Y}.",
            "document_url": f"https://{slugify(summit.host[0])}.example/documents/{entry.slug.removeprefix(PREFIX)}"
            if rng.random() < 0.3
            else "",
        }
        entry.topics = [self.topic_index[topic]]
        entry.links = {"parties": parties, "signatories": signatories}
        kind_name = words.AGREEMENT_NAMES[kind]
        params = {
            "subject": subject,
            "kind_name": kind_name,
            "a_kind": a_or_an(kind_name),
            "A_kind": capitalized(a_or_an(kind_name)),
            "party": orgs[parties[0]]["name"],
            "other_party": orgs[parties[1]]["name"],
            "signatory": people[signatories[0]]["name"] if signatories else orgs[parties[0]]["name"],
            "other_signatory": people[signatories[1]]["name"] if signatories else orgs[parties[1]]["name"],
        }
        entry.extra = {"params": params}
        templates = words.JOINT_STATEMENT_SENTENCES if kind == "joint_statement" else words.AGREEMENT_REPORTS
        self.cite_new(entry, summit, templates, params, self.citation_count())
        self.settle_stances(entry)
        self.workflow(entry, self.evidence_date(entry))
        self.part.agreements[index] = entry
        summit.agreements.append(index)
        if kind == "joint_statement":
            summit.joint_statements.append(index)

    def quote(self, index):
        rng = self.rng
        summit = self.plan.summits[index % len(self.plan.summits)]
        entry = EntryPlan(index, summit)
        people, orgs = self.plan.people, self.plan.organizations
        topic = rng.choice(words.TOPICS)[0]
        who = rng.random()
        if who < 0.1 and summit.joint_statements:
            statement = rng.choice(summit.joint_statements)
            speaker = ("speaker_statement", statement)
            said, country, templates = "the joint statement", summit.host[0], words.JOINT_STATEMENT_REPORTS
        elif who < 0.3:
            body = rng.choice(summit.bodies)
            speaker = ("speaker_organization", body)
            said, country, templates = f"the {orgs[body]['name']}", orgs[body]["country"], words.QUOTE_REPORTS
        else:
            person = rng.choice(summit.leaders + summit.officials)
            together = index % 10 == 0  # a tenth of them: words the two leaders said together
            if together:
                # Decided by its number, not a draw: the rest of what a seed makes stays the same.
                person, entry.links["co_speakers"] = summit.leaders[0], summit.leaders[1:]
            speaker = ("speaker", person)
            said, country, templates = people[person]["name"], people[person]["country"], words.QUOTE_REPORTS
            if together:
                said = and_list(people[p]["name"] for p in summit.leaders)
        more = {"topic_lower": topic.lower(), "x": rng.randint(100, 400), "years": rng.randint(3, 15)}
        opener, opener_gist = rng.choice(words.QUOTE_OPENERS)
        verb = rng.choice(words.QUOTE_VERBS)
        obj = rng.choice(words.QUOTE_OBJECTS).format_map({**summit.context, **more})
        tail = rng.choice(words.QUOTE_TAILS).format_map(more)
        partial = rng.random() < 0.1 and speaker[0] != "speaker_statement"
        if partial:
            quoted = f"{verb} {obj}{tail}"
            templates = ["{Said} promised to “{words}”.", "{Said} vowed to “{words}”."]
        else:
            quoted = f"{opener} {verb} {obj}{tail}{rng.choice(words.QUOTE_SECOND_SENTENCES)}"
        gist = f"{capitalized(said)} said {opener_gist.format(country=country)} {verb} {obj.replace('our ', 'their ')}."
        part = rng.choice(summit.parts)
        entry.slug = slug_for("quote", index, quoted)
        entry.fields = {
            "text": quoted,
            speaker[0]: speaker[1],
            "occasion": part[0],
            "said_on": part[2],
            "language": "en",
            "is_partial": partial,
            "context": f"Said at the {part[1].lower()} in {summit.city}.",
        }
        entry.topics = [self.topic_index[topic]]
        if summit.agreements and rng.random() < 0.2:
            entry.links["agreements"] = [rng.choice(summit.agreements)]
        params = {"words": quoted, "said": said, "Said": capitalized(said), "part": part[1].lower()}
        self.cite_new(entry, summit, templates, params, self.citation_count())
        self.settle_stances(entry)
        self.workflow(entry, self.evidence_date(entry))
        entry.extra = {"gist": gist, "person": speaker[1] if speaker[0] == "speaker" else None}
        self.part.quotes[index] = entry
        summit.quotes.append(index)

    def fact_params(self, summit, family):
        """The words one fact of ``family`` fills in (its number, company, year, …)."""
        rng, orgs = self.rng, self.plan.organizations
        outlet, other_outlet = rng.sample(self.outlets, 2)
        params = {
            "future_year": summit.starts_on.year + rng.randint(1, 6),
            "pct": rng.randint(2, 40),
            "company": orgs[rng.choice(self.companies)]["name"],
            "region": rng.choice(words.REGIONS),
            "outlet": orgs[outlet]["name"],
            "other_outlet": orgs[other_outlet]["name"],
            "part": rng.choice(summit.parts)[1].lower(),
        }
        if family["x"]:
            params.update(self.number(family["x"]))
        return params

    def number(self, spec, near=None):
        """A number for a fact and how the text prints it; ``near`` gives another value close to it."""
        rng = self.rng
        form, low, high = spec
        if near is None:
            value = rng.uniform(low, high) if form in ("billions", "decimal") else rng.randint(low, high)
        else:
            value = near
            while value == near:
                value = near * rng.choice([0.5, 0.6, 0.75, 1.25, 1.5, 2])
                value = round(value, 1) if form in ("billions", "decimal") else max(1, round(value))
        if form in ("billions", "decimal"):
            value = round(value, 1)
            low_value = round(value * rng.uniform(0.5, 0.9), 1)
            shown, shown_low = f"{value:.1f}", f"{low_value:.1f}"
        else:
            low_value = max(1, round(value * rng.uniform(0.5, 0.9)))
            shown, shown_low = f"{value:,}", f"{low_value:,}"
        return {"value": value, "x": shown, "x_low": shown_low}

    def quantity(self, family, params, summit):
        if not family["x"]:
            return {}
        value = Decimal(str(params["value"]))
        if family["x"][0] == "billions":
            value *= 10**9
        period = family["period"].format_map({**summit.context, **params})
        return {"quantity": value, "quantity_unit": family["unit"], "quantity_period": period}

    def claim(self, index):
        rng = self.rng
        summit = self.plan.summits[index % len(self.plan.summits)]
        entry = EntryPlan(index, summit)
        origin = weighted(rng, CLAIM_ORIGINS)
        if origin == "quote" and not summit.quotes:
            origin = "fact"
        if origin == "agreement" and not summit.agreements:
            origin = "fact"
        if origin in ("duplicates", "refines", "contradicts") and not summit.facts:
            origin = "fact"
        if origin == "contradicts" and not summit.numbered_facts:
            origin = "fact"
        count = self.citation_count()
        fields = {"event": summit.event, "attributed_to": None}
        if origin == "quote":
            quote = self.part.quotes[rng.choice(summit.quotes)]
            statement = quote.extra["gist"]
            fields.update(event=quote.fields["occasion"], attributed_to=quote.extra["person"])
            entry.topics = list(quote.topics)
            entry.links = {"quotes": [quote.index]}
            self.cite_again(entry, quote.cites, max(2, count))
        elif origin == "agreement":
            agreement = self.part.agreements[rng.choice(summit.agreements)]
            params = agreement.extra["params"]
            statement = (
                f"{params['party']} and {params['other_party']} signed {params['a_kind']} on {params['subject']}."
            )
            fields["event"] = agreement.fields["event"]
            entry.topics = list(agreement.topics)
            entry.links = {"agreements": [agreement.index]}
            self.cite_again(entry, agreement.cites, max(2, count))
        elif origin == "fact":
            family = rng.choice(words.CLAIM_FAMILIES)
            params = self.fact_params(summit, family)
            statement = family["statements"][0].format_map({**summit.context, **params})
            fields.update(self.quantity(family, params, summit))
            entry.topics = [self.topic_index[family["topic"]]]
            self.cite_new(entry, summit, family["reports"], params, count)
            self.remember(summit, index, family, params)
        else:
            target, family, params = rng.choice(summit.numbered_facts if origin == "contradicts" else summit.facts)
            target_entry = self.part.claims[target]
            entry.relations = [(origin, target)]
            entry.topics = list(target_entry.topics)
            if origin == "duplicates":
                statement = family["statements"][1].format_map({**summit.context, **params})
                fields.update(self.quantity(family, params, summit))
                self.cite_again(entry, target_entry.cites, max(2, count))
            elif origin == "refines":
                statement = family["statements"][0].format_map({**summit.context, **params})
                statement = statement[:-1] + family["detail"].format_map({**summit.context, **params}) + "."
                fields.update(self.quantity(family, params, summit))
                self.cite_again(entry, target_entry.cites, 1)
                used = {c[0] for c in entry.cites}
                self.cite_new(entry, summit, family["reports"], params, count - 1, exclude=used)
            else:
                params = {**params, **self.number(family["x"], near=params["value"])}
                statement = family["statements"][0].format_map({**summit.context, **params})
                fields.update(self.quantity(family, params, summit))
                self.cite_new(entry, summit, family["reports"], params, count)
                self.remember(summit, index, family, params)
                # Half the time the analyst also cites the other figure as contradicting it.
                used = {c[0] for c in entry.cites}
                others = [c for c in target_entry.cites if c[0] not in used]
                if others and len(entry.cites) < 5 and rng.random() < 0.5:
                    source_index, sentence_id, _ = rng.choice(others)
                    entry.cites.append([source_index, sentence_id, "contradicts"])
        self.settle_stances(entry)
        entry.slug = slug_for("claim", index, statement)
        fields["statement"] = statement
        self.workflow(entry, self.evidence_date(entry))
        verified = entry.fields["status"] in (Status.VERIFIED, Status.RETRACTED)
        fields["credibility"] = rng.randint(1, 3) if verified else rng.randint(2, 6)
        entry.fields.update(fields)
        self.part.claims[index] = entry

    def remember(self, summit, index, family, params):
        """A claim stating a fact that later claims may duplicate, refine or contradict."""
        summit.facts.append((index, family, params))
        if family["x"]:
            summit.numbered_facts.append((index, family, params))

    # Bodies and excerpts ---------------------------------------------------------------

    def finish_body(self, source):
        """Shuffle the source's sentences among a lead and fillers, in paragraphs."""
        rng, summit = self.rng, source.summit
        sentences = source.sentences
        order = list(range(len(sentences)))
        rng.shuffle(order)
        orgs = self.plan.organizations
        filler_context = {
            **summit.context,
            "hours": rng.randint(2, 9),
            "past_year": summit.starts_on.year - rng.randint(1, 6),
            "months": rng.randint(2, 18),
        }
        fillers = rng.sample(words.FILLERS, min(len(words.FILLERS), 1 + len(sentences) // 6))
        if source.relays:
            relay = rng.choice(words.RELAY_SENTENCES).format(relayed=orgs[source.relays[0]]["name"])
            fillers.append(relay)
        for filler in fillers:
            order.insert(rng.randrange(len(order) + 1), self.say(source.index, filler.format_map(filler_context)))
        lead = self.say(source.index, rng.choice(words.LEADS).format_map(filler_context))
        paragraphs, current = [[lead]], []
        for sentence_id in order:
            current.append(sentence_id)
            if len(current) >= rng.randint(1, 4):
                paragraphs.append(current)
                current = []
        if current:
            paragraphs.append(current)
        source.body = Body.assemble(sentences, paragraphs)
        source.sentences = None  # the body has them now

    def cut_excerpts(self, entry):
        """Turn each cited sentence into an excerpt: it alone, or with a neighbour in its paragraph."""
        rng = self.rng
        for cite in entry.cites:
            source_index, sentence_id, stance = cite
            body = self.part.sources[source_index].body
            number, position = body.where[sentence_id]
            paragraph = body.paragraphs[number]
            first = last = sentence_id
            roll = rng.random()
            if roll < 0.25 and position + 1 < len(paragraph):
                last = paragraph[position + 1]
            elif roll < 0.4 and position > 0:
                first = paragraph[position - 1]
            excerpt = body.text[body.spans[first][0] : body.spans[last][1]]
            start, end = body.locate(excerpt)
            cite[:] = [source_index, excerpt, start, end, stance]

    def forget_layouts(self):
        """Only the body text is stored; drop what cutting excerpts needed (memory)."""
        for source in self.part.sources.values():
            source.body.folded = source.body.spans = source.body.where = source.body.paragraphs = None


def plan(claims, seed, progress=None):
    """Decide what the corpus for ``claims`` claims from ``seed`` shares; its ``parts``
    plan the rest as they are iterated (once). Touches no database.

    ``progress(label, done, total)`` is called as parts are planned.
    """
    if claims < 1:
        raise ValueError("A corpus needs at least one claim.")
    return Planner(claims, seed, progress).run()


# ---------------------------------------------------------------------------------------
# Writing


@contextmanager
def paused_garbage_collection():
    """A part of the corpus is hundreds of thousands of small objects that live until it
    is written; the cyclic collector would walk them again and again (when the whole
    corpus was held, it made 100 000 claims take twice as long as ten times 10 000). The
    writer collects once per part instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def stored_timestamps(models):
    """Let bulk_create store the planned ``created_at``/``updated_at`` instead of now().

    ``auto_now``/``auto_now_add`` fields overwrite any value on insert; the generator's
    times must come from the seed, so the flags are off while it writes.
    """
    fields = [f for m in models for f in auto_timestamps(m)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def generator_users(epoch):
    """The analyst who records every generated entry and the editor who verifies them."""
    User = get_user_model()
    users = {}
    for username, group_name in ((ANALYST, ANALYSTS), (EDITOR, EDITORS)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=True, date_joined=epoch)
            user.set_unusable_password()  # nobody signs in as the generator
            user.save()
        user.groups.add(Group.objects.get(name=group_name))
        users[username] = user.pk
    return users


def with_user_ids(fields, users):
    """Model fields from planned ones: usernames become user ids."""
    out = dict(fields)
    for key in ("created_by", "updated_by", "verified_by"):
        out[f"{key}_id"] = users[out.pop(key)] if out[key] else None
    return out


class Writer:
    def __init__(self, plan, progress=None):
        self.plan = plan
        self.progress = progress or (lambda label, done, total: None)
        self.counts = {}
        self.statistics = AsItGrows()

    def bulk(self, model, rows):
        """Insert ``rows`` (model instances) and return their primary keys."""
        model.objects.bulk_create(rows, batch_size=BATCH)
        if rows and rows[0].pk is None:  # pragma: no cover - every supported database returns them
            raise RuntimeError(f"The database did not return the ids of the new {model._meta.verbose_name_plural}.")
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        return [row.pk for row in rows]

    def write(self):
        plan = self.plan
        self.users = generator_users(plan.epoch)
        base = {
            "created_at": plan.epoch,
            "updated_at": plan.epoch,
            "created_by_id": self.users[ANALYST],
            "updated_by_id": self.users[ANALYST],
        }
        models = [Person, Organization, Event, Source, Agreement, Quote, Claim]
        with stored_timestamps(models), paused_garbage_collection():
            self.topic_pks = self.write_topics()
            self.organization_pks = self.bulk(Organization, [Organization(**o, **base) for o in plan.organizations])
            self.person_pks = self.bulk(Person, [Person(**p, **base) for p in plan.people])
            self.event_pks = self.write_events(base)
            for part in plan.parts:
                self.write_part(part)
                del part  # planned, written: the next part is planned in its place
                reset_queries()  # DEBUG's log of the last 9 000 queries holds a part's INSERTs
                gc.collect()
        return self.counts

    def write_part(self, part):
        # Ids by index in the whole corpus, for this part only: its entries refer to
        # sources and entries of their own summits.
        self.source_pks = self.write_sources(part.sources)
        self.agreement_pks = self.write_entries(Agreement, AgreementCitation, part.agreements)
        self.quote_pks = self.write_entries(Quote, QuoteCitation, part.quotes)
        self.claim_pks = self.write_entries(Claim, ClaimCitation, part.claims)
        # Bulk inserts send no signals: store what corroboration() gives, as a save would.
        for model, pks in ((Agreement, self.agreement_pks), (Quote, self.quote_pks), (Claim, self.claim_pks)):
            pks = list(pks.values())
            stored_corroboration.refresh(model, pks)
            # As if an editor had approved each verified entry: its first publication.
            changes.record_first_publications(model, pks)
        self.progress("claims", self.counts.get(Claim._meta.label, 0), self.plan.shape.claims)
        self.statistics.wrote(sum(self.counts.values()))

    def write_topics(self):
        # A topic's name is unique: beside an analyst's corpus (--force) reuse theirs.
        existing = dict(Topic.objects.values_list("name", "pk"))
        new = [Topic(**t) for t in self.plan.topics if t["name"] not in existing]
        self.bulk(Topic, new)
        existing.update({t.name: t.pk for t in new})
        return [existing[t["name"]] for t in self.plan.topics]

    def write_events(self, base):
        # Summits first, then their parts, which point at them.
        pks = {}
        for is_part in (False, True):
            chosen = [(i, e) for i, e in enumerate(self.plan.events) if (e["parent"] is not None) == is_part]
            rows = [
                Event(**{k: v for k, v in e.items() if k != "parent"}, parent_id=pks.get(e["parent"]), **base)
                for _, e in chosen
            ]
            pks.update(zip((i for i, _ in chosen), self.bulk(Event, rows), strict=True))
        return [pks[i] for i in range(len(self.plan.events))]

    def write_sources(self, sources):
        pks = {}
        sources = list(sources.values())
        hashes = set()
        for start in range(0, len(sources), BATCH):
            rows = []
            for s in sources[start : start + BATCH]:
                digest = text.content_hash(s.body.text)
                if digest in hashes:  # pragma: no cover - bodies differ in their entries' sentences
                    raise RuntimeError(f"Two generated sources have the same text ({s.slug}).")
                hashes.add(digest)
                created = datetime.combine(s.published_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
                rows.append(
                    Source(
                        title=s.title,
                        slug=s.slug,
                        outlet_id=self.organization_pks[s.outlet],
                        authors=s.authors,
                        published_on=s.published_on,
                        url=s.url,
                        language="en",
                        kind=s.kind,
                        body=s.body.text,
                        content_hash=digest,
                        reliability=s.reliability,
                        created_at=created,
                        updated_at=created,
                        created_by_id=self.users[ANALYST],
                        updated_by_id=self.users[ANALYST],
                    )
                )
            batch_pks = self.bulk(Source, rows)
            relays = [
                Source.relays.through(source_id=pk, organization_id=self.organization_pks[o])
                for pk, s in zip(batch_pks, sources[start : start + BATCH], strict=True)
                for o in s.relays
            ]
            self.bulk(Source.relays.through, relays)
            pks.update((s.index, pk) for s, pk in zip(sources[start : start + BATCH], batch_pks, strict=True))
        return pks

    def entry_row(self, model, entry):
        fields = with_user_ids(entry.fields, self.users)
        if model is Agreement:
            fields["event_id"] = self.event_pks[fields.pop("event")]
        elif model is Quote:
            fields["occasion_id"] = self.event_pks[fields.pop("occasion")]
            for key, pks in (
                ("speaker", self.person_pks),
                ("speaker_organization", self.organization_pks),
                ("speaker_statement", self.agreement_pks),
            ):
                if key in fields:
                    fields[f"{key}_id"] = pks[fields.pop(key)]
        else:
            fields["event_id"] = self.event_pks[fields.pop("event")]
            person = fields.pop("attributed_to")
            fields["attributed_to_id"] = self.person_pks[person] if person is not None else None
        return model(slug=entry.slug, **fields)

    def write_entries(self, model, citation_model, entries):
        entry_field = citation_model.entry_field
        targets = {
            "topics": self.topic_pks,
            "parties": self.organization_pks,
            "signatories": self.person_pks,
            "co_speakers": self.person_pks,
            "agreements": getattr(self, "agreement_pks", None),
            "quotes": getattr(self, "quote_pks", None),
        }
        pks, entries = {}, list(entries.values())
        for start in range(0, len(entries), BATCH):
            batch = entries[start : start + BATCH]
            batch_pks = self.bulk(model, [self.entry_row(model, e) for e in batch])
            # Relations point at earlier claims, possibly in this batch.
            pks.update((e.index, pk) for e, pk in zip(batch, batch_pks, strict=True))
            citations = [
                citation_model(
                    **{f"{entry_field}_id": pk},
                    source_id=self.source_pks[source],
                    excerpt=excerpt,
                    start=begin,
                    end=end,
                    stance=stance,
                )
                for pk, e in zip(batch_pks, batch, strict=True)
                for source, excerpt, begin, end, stance in e.cites
            ]
            self.bulk(citation_model, citations)
            links = {"topics": [(pk, t) for pk, e in zip(batch_pks, batch, strict=True) for t in e.topics]}
            for pk, e in zip(batch_pks, batch, strict=True):
                for name, indexes in e.links.items():
                    links.setdefault(name, []).extend((pk, i) for i in indexes)
            for name, pairs in links.items():
                m2m = model._meta.get_field(name)
                through = m2m.remote_field.through
                source_column, target_column = m2m.m2m_column_name(), m2m.m2m_reverse_name()
                rows = [through(**{source_column: pk, target_column: targets[name][i]}) for pk, i in pairs]
                self.bulk(through, rows)
            if model is Claim:
                relations = [
                    ClaimRelation(from_claim_id=pk, to_claim_id=pks[target], kind=kind)
                    for pk, e in zip(batch_pks, batch, strict=True)
                    for kind, target in e.relations
                ]
                self.bulk(ClaimRelation, relations)
        return pks


def generate(claims, seed=1, progress=None):
    """Plan and store a corpus of ``claims`` claims in one transaction; return the row counts.

    ``progress(label, done, total)`` is called as batches are written.
    """
    corpus = plan(claims, seed, progress)
    with transaction.atomic():
        return Writer(corpus, progress).write()


def references_to_generated():
    """Sentences naming work the generator did not make that points at generated rows.

    Such a row (an analyst's citation of a generated source, a quote by a generated
    person) would keep the generated corpus from being deleted.
    """
    found = []

    def note(queryset, slug, what):
        slugs = list(queryset.order_by(slug).values_list(slug, flat=True)[:4])
        if slugs:
            found.append(f"{what} ({', '.join(slugs[:3])}{', …' if len(slugs) > 3 else ''})")

    for model in SLUGGED_MODELS:
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in SLUGGED_MODELS:
                queryset = model.objects.exclude(slug__startswith=PREFIX).filter(
                    **{f"{f.name}__slug__startswith": PREFIX}
                )
                note(queryset, "slug", f"{model._meta.verbose_name_plural} whose {f.verbose_name} was generated")
    for citation_model in (ClaimCitation, QuoteCitation, AgreementCitation):
        slug = f"{citation_model.entry_field}__slug"
        queryset = citation_model.objects.exclude(**{f"{slug}__startswith": PREFIX})
        note(
            queryset.filter(source__slug__startswith=PREFIX),
            slug,
            f"{citation_model.entry_field}s citing a generated source",
        )
    return found


def delete_rows(cursor, model, references=(), extra=""):
    """One DELETE of the rows of ``model`` that are generated (``references``: none) or
    that point, through one of the foreign keys ``references``, at a generated row.

    Plain SQL through the connection's cursor, not ``QuerySet.delete()``: that loads
    every row it deletes to send its signals (the models have receivers that recompute
    what deleted evidence changes), and a corpus of a million claims has ten million
    rows; nothing of a generated corpus needs recomputing once all of it is gone. The
    slug test is the one ``slug__startswith`` makes (LIKE, with no wildcard in PREFIX).
    """
    quote = connection.ops.quote_name
    if references:
        conditions, params = [], []
        for name in references:
            target = model._meta.get_field(name)
            table, key = quote(target.related_model._meta.db_table), quote(target.target_field.column)
            conditions.append(f"{quote(target.column)} IN (SELECT {key} FROM {table} WHERE slug LIKE %s)")
            params.append(PREFIX + "%")
        where = " OR ".join(conditions)
    else:
        where, params = "slug LIKE %s", [PREFIX + "%"]
    if extra:
        where = f"({where}) AND {extra}"
    cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}", params)


def delete_generated():
    """Delete everything the generator made (slugs starting with ``gen-``); return the counts.

    Rows go with plain DELETE statements (``delete_rows``), neither loaded nor sent
    through signals: a corpus of 100 000 claims has over a million rows. Raises ``Refusal`` when work the
    generator did not make points at generated rows (see ``references_to_generated``).
    Call it inside a transaction.
    """
    if references := references_to_generated():
        raise Refusal(
            "The generated corpus cannot be deleted: work the generator did not make refers to it — "
            + "; ".join(references)
            + ". Remove those references first, or generate into another database."
        )
    counts = generated_counts()
    # Claims of others that a generated claim contradicts are no longer disputed by it.
    g = PREFIX
    relations = ClaimRelation.objects.filter(kind=ClaimRelation.Kind.CONTRADICTS)
    partners = set(
        relations.filter(from_claim__slug__startswith=g)
        .exclude(to_claim__slug__startswith=g)
        .values_list("to_claim_id", flat=True)
    ) | set(
        relations.filter(to_claim__slug__startswith=g)
        .exclude(from_claim__slug__startswith=g)
        .values_list("from_claim_id", flat=True)
    )
    # What points at generated rows first, then the rows, parts of events before them.
    plans = [(ClaimRelation, ["from_claim", "to_claim"])]
    plans += [(model, [model.entry_field]) for model in (ClaimCitation, QuoteCitation, AgreementCitation)]
    plans += [
        (model.publications.rel.related_model, [model.publications.field.name]) for model in (Claim, Quote, Agreement)
    ]
    for model in (Claim, Quote, Agreement, Source):
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            plans.append((through, [m2m.m2m_field_name(), m2m.m2m_reverse_field_name()]))
    with connection.cursor() as cursor:
        for model, references in plans:
            delete_rows(cursor, model, references)
        for model in (Claim, Quote, Agreement, Source):
            delete_rows(cursor, model)
        delete_rows(cursor, Event, extra="parent_id IS NOT NULL")
        for model in (Event, Person, Organization, Topic):
            delete_rows(cursor, model)
    stored_corroboration.refresh(Claim, partners)
    return counts
