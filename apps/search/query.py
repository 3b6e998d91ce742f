"""Searching claims, quotes, agreements and sources.

On PostgreSQL: full-text search over the stored ``search_vector`` column (see
``vectors.py``) with ``websearch_to_tsquery`` — "quoted phrases", ``or``, ``-word`` — plus
prefix matching of the last word, so "agree" finds "agreements"; ranked with
``ts_rank``, at most ``RANKED`` matches (see there). On SQLite, where no such column
exists, every word (or "quoted phrase") must occur, case-insensitively, in one of the
fields the model's search declaration lists (``index.searchables()``), whatever their
weight.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Expression, Q
from django.db.models.expressions import Col

from summitcms.lib.counting import AtLeast

from .index import parts, searchables

CONFIG = "english"
MAX_LENGTH = 200

# How many matches ``ranked()`` ranks at most. Ranking reads every match's vector, and a
# common word ("said"), a short prefix ("visi") or a phrase of common words matches tens
# of thousands of claims: ranking them all took 50-200 ms at 100 000 claims (a phrase
# must also be checked against every vector's positions). Beyond this many, only the
# first matches found are ranked, so the cost no longer grows with their number: a
# specific query, which matches fewer, is ranked whole; a word found everywhere shows
# the best of a sample, which for such a word is barely worse than the best of all.
# A sample in no order, because an ordered one ("the most recent") lets PostgreSQL walk
# the table in that order hoping to meet matches soon, and a name or a place cited in one
# summit only is met late: 150 ms at 100 000 claims. One row more is kept, so that a
# count can say "more than RANKED" (``total()``).
RANKED = 250

WORDS = re.compile(r"\w+")
TERMS = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')
# Marks a matched word in a PostgreSQL headline; private-use characters never occur in
# the corpus, and the headline is escaped before they become <mark> elements.
START, STOP = "\ue000", "\ue001"


def on_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


_vector_fields = {}


def vector_field(model):
    """A stand-in field for the ``search_vector`` column of ``model``'s table."""
    if model not in _vector_fields:
        field = SearchVectorField()
        field.set_attributes_from_name("search_vector")
        field.model = model
        _vector_fields[model] = field
    return _vector_fields[model]


class StoredVector(Expression):
    """The ``search_vector`` column of the queryset's own table.

    Not a model field (SQLite has no such column), so it resolves to a ``Col`` of the
    query's base alias: unlike raw SQL, it stays correct when the queryset becomes a
    subquery and its tables are relabelled.
    """

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        field = vector_field(query.model)
        return Col(query.get_initial_alias(), field, output_field=field)


# A last word shorter than this is matched whole: "Xi" is a name, not the start of
# "Xinhua", and a prefix of one or two letters would read most of the index.
PREFIX_LENGTH = 3


# A word as PostgreSQL's parser reads it into the same words as ``WORDS``: letters and
# digits, or letters joined by hyphens ("Al-Amin": the whole and each part).
PLAIN_WORD = re.compile(r"[^\W_]+|[^\W\d_]+(?:-[^\W\d_]+)+")


def websearch(text):
    """The reader's query; when it uses no operators, its last word may also be the start
    of a longer word ("agree" finds "agreements"), as a reader who is still typing it.

    Only the last word: a prefix match reads every word of the index that starts with it,
    three to five times the cost of the word itself, and words the reader has finished
    ("Rania Al-Amin": "al" began thousands of words) need not pay it.

    When the query is plain words only (``PLAIN_WORD``), every row its words find, their
    prefix query finds too: that alone is read. PostgreSQL then checks one query instead of
    two, and does not count the same rows twice when it estimates how many match, which
    made it read the table in order for a name met only late in it ("Deng": 20-40 ms,
    9.6 ms through the index). The bench's 300 queries at a million claims, both ways in
    turn in one process, five passes: p95 15.9-20.3 ms against 16.6-23.2, better in three
    passes of five; per query the best of the five, 14.2 against 15.9 ms.
    """
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    words = WORDS.findall(text)
    uses_operators = '"' in text or re.search(r"(^|\s)-", text) or re.search(r"\bor\b", text, re.IGNORECASE)
    if words and not uses_operators and len(words[-1]) >= PREFIX_LENGTH:
        # \w+ words only, so the raw query cannot be malformed.
        prefix = SearchQuery(" & ".join([*words[:-1], f"{words[-1]}:*"]), search_type="raw", config=CONFIG)
        if all(PLAIN_WORD.fullmatch(token) for token in text.split()):
            return prefix
        query = query | prefix
    return query


def fallback_terms(text):
    """``[(negated, term)]`` from words and "quoted phrases"."""
    terms = []
    for negated_phrase, phrase, negated_word, word in TERMS.findall(text):
        term = (phrase or word).strip()
        if term and term.lower() != "or":
            terms.append((bool(negated_phrase or negated_word), term))
    return terms


def search(queryset, text):
    """Rows of ``queryset`` that match ``text``, annotated with ``rank`` (0 on SQLite).

    Does not order them: ``ranked()`` does, for a results page.
    """
    text = text.strip()
    if not text:
        return queryset
    if on_postgres(queryset):
        query = websearch(text)
        return queryset.alias(search_vector=StoredVector()).filter(search_vector=query)
    model = queryset.model
    lookups = [parts(lookup) for lookup in searchables()[model].lookups()]
    for negated, term in fallback_terms(text):
        matching = Q()
        for path, conditions in lookups:
            # The conditions hold on the same related row: one filter() joins it once.
            matching |= Q(**{f"{path}__icontains": term}, **conditions)
        # A subquery, so joins through citations or parties do not repeat rows.
        condition = Q(pk__in=model._default_manager.filter(matching).values("pk"))
        queryset = queryset.exclude(condition) if negated else queryset.filter(condition)
    return queryset


def ranked(queryset, text):
    """``search()`` ordered best first: by rank on PostgreSQL, newest first on SQLite.

    On PostgreSQL, of more than ``RANKED`` matches only ``RANKED + 1`` are kept (see
    ``RANKED``): count them with ``total()``.
    """
    text = text.strip()
    matches = search(queryset, text)
    if not text or not on_postgres(queryset):
        return matches
    # In no order: the database stops after that many matches (see RANKED).
    first = matches.order_by().values("pk")[: RANKED + 1]
    rank = SearchRank(StoredVector(), websearch(text))
    return queryset.filter(pk__in=first).annotate(rank=rank).order_by("-rank", "slug")


def total(queryset, text, count):
    """``count`` rows of ``ranked(queryset, text)`` as readers should read it: "more than
    RANKED" where ``ranked()`` stopped there (an ``AtLeast``, which compares as a number)."""
    if text.strip() and on_postgres(queryset) and count > RANKED:
        return AtLeast(RANKED)
    return count


def with_headline(queryset, text, field, **options):
    """Annotate ``headline``: fragments of ``field`` around the matches, the matched words
    between START and STOP (PostgreSQL only; the ``headline`` template filter escapes it
    and turns them into <mark>). PostgreSQL drops what looks like markup from it: use it
    for snippets of long text, not to show a field whole."""
    if not text.strip() or not on_postgres(queryset):
        return queryset
    return queryset.annotate(
        headline=SearchHeadline(
            field,
            websearch(text.strip()),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            **options,
        )
    )
