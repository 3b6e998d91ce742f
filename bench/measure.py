"""Measurements that run inside Django, against the benchmark's database.

    python bench/measure.py prepare|admin|public|search

Run by ``bench/run.py`` in a child process whose environment names the database (the
production settings, debug off). Each command prints one JSON document on its last line:
``{"rows": [...]}`` and whatever the orchestrator needs next. Times are medians of
repeated requests through Django's test client (middleware, templates and all); the
reference is measured in the same process, right after ours.
"""

import collections
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitcms.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.actors.models import Organization, Person  # noqa: E402
from apps.agreements.models import Agreement  # noqa: E402
from apps.claims.models import Claim, ClaimCitation  # noqa: E402
from apps.editorial import changes, stored_corroboration  # noqa: E402
from apps.editorial.models import PublicationKind  # noqa: E402
from apps.events.models import Event  # noqa: E402
from apps.quotes.models import Quote  # noqa: E402
from apps.sources.models import Source  # noqa: E402
from apps.synthetic import corpus  # noqa: E402
from bench.results import row  # noqa: E402

CITATIONS_ON_ONE_CLAIM = 50
ENTRY_LIST_QUERY_LIMIT = 10
PUBLIC_LIST_QUERY_LIMIT = 6
SEARCH_P95_GOAL_MS = 20
DEEP_PAGE = 10_000
DEEP_PAGE_GOAL = 3  # page 10 000 of the claims within 3× page 1's time
# The stock change form lists every claim, quote and source as an option: 256 s at 100 000
# claims. Beyond this many, ours is measured alone (the stock form would take most of an hour).
STOCK_CHANGE_FORM_UP_TO = 200_000


def median_ms(get, url, repeat, before=None):
    """Median time of ``repeat`` requests and the query count of the first."""
    times, count = [], None
    for _ in range(repeat):
        if before:
            before()
        # Django's log keeps 9000 queries; a stock page of 500 rows runs more.
        connection.queries_log = collections.deque(maxlen=1_000_000)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times.append(elapsed * 1000)
        count = len(queries) if count is None else count
    return round(statistics.median(times), 2), count


def reference(get, url):
    """Time and queries of a stock page: the median of 3, or the first run alone when it
    takes over 5 s (the ratio is already clear, and a stock change form of a large corpus
    renders every claim, quote and source as an option, for minutes)."""
    first_ms, queries = median_ms(get, url, 1)
    return (first_ms, queries) if first_ms > 5000 else median_ms(get, url, 3)


# Which claim prepare gave 50 citations: not renamed, since the slug of a verified entry is
# fixed, and the entries that refer to it would show readers a version no editor approved.
MANY_CITATIONS = Path(settings.VAR_DIR) / "bench-claim-with-many-citations"


def the_claim_with_many_citations():
    return Claim.objects.get(pk=int(MANY_CITATIONS.read_text()))


def prepare():
    """A verified claim with 50 citations, for the change form and the detail page.

    Written in bulk, as a generated corpus is, and left as check_corpus expects: its
    stored corroboration recomputed, and the version with 50 citations published by
    the editor who verified it (a generated corpus has no review to go through)."""
    claim = Claim.objects.filter(status="verified", slug__startswith=corpus.PREFIX).order_by("slug").first()
    seen = set(claim.citations.values_list("source_id", "start", "end"))
    extra = []
    for citation in ClaimCitation.objects.exclude(claim=claim).order_by("pk").iterator(chunk_size=500):
        key = (citation.source_id, citation.start, citation.end)
        if key in seen:
            continue
        seen.add(key)
        extra.append(
            ClaimCitation(
                claim=claim,
                source_id=citation.source_id,
                excerpt=citation.excerpt,
                start=citation.start,
                end=citation.end,
                stance="supports",
            )
        )
        if len(seen) >= CITATIONS_ON_ONE_CLAIM:
            break
    ClaimCitation.objects.bulk_create(extra)
    claim.save()  # through the model, so whatever derives from its citations follows
    stored_corroboration.refresh(Claim, [claim.pk])
    claim.refresh_from_db()
    claim.publications.create(
        number=max(claim.publications.values_list("number", flat=True)) + 1,
        kind=PublicationKind.UPDATE,
        reason="Fifty citations, for the benchmark.",
        published_at=timezone.now(),
        published_by_id=claim.verified_by_id,
        digest=changes.digest(changes.state(claim)),
    )
    MANY_CITATIONS.write_text(str(claim.pk))
    return {"rows": [], "claim": claim.slug, "citations": claim.citations.count()}


def analyst_client():
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=corpus.ANALYST))
    return client


@override_settings(ROOT_URLCONF="bench.urls")
def measure_admin():
    from bench.stock_admin import site as stock_site

    client = analyst_client()
    client.get(reverse("admin:index"))  # the first request of a session renews it
    rows = []
    for model in (Claim, Quote, Agreement, Source):
        ours, stock = admin.site._registry[model], stock_site._registry[model]
        info = model._meta.app_label, model._meta.model_name
        name = model._meta.verbose_name_plural
        for per_page in (100, 500):
            ours.list_per_page = stock.list_per_page = per_page
            ours_ms, ours_queries = median_ms(client.get, reverse("admin:{}_{}_changelist".format(*info)), 5)
            url = reverse("stock:{}_{}_changelist".format(*info))
            stock_ms, stock_queries = reference(client.get, url)
            group = "admin changelist (analyst)"
            label = f"{name}, {per_page} rows"
            rows.append(row(group, f"{label}: time", "ms", ours_ms, stock_ms, "≤ 0.05", ours_ms <= 0.05 * stock_ms))
            rows.append(
                row(
                    group,
                    f"{label}: queries",
                    "queries",
                    ours_queries,
                    stock_queries,
                    f"≤ {ENTRY_LIST_QUERY_LIMIT}",
                    ours_queries <= ENTRY_LIST_QUERY_LIMIT,
                )
            )
    claim = the_claim_with_many_citations()
    group = f"admin change form, claim with {claim.citations.count()} citations"
    ours_ms, ours_queries = median_ms(client.get, reverse("admin:claims_claim_change", args=[claim.pk]), 3)
    if Claim.objects.count() > STOCK_CHANGE_FORM_UP_TO:
        rows.append(row(group, "time (stock form not measured: too many options)", "ms", ours_ms))
        rows.append(row(group, "queries", "queries", ours_queries))
        return {"rows": rows}
    url = reverse("stock:claims_claim_change", args=[claim.pk])
    stock_ms, stock_queries = reference(client.get, url)
    rows.append(row(group, "time", "ms", ours_ms, stock_ms, "< 1", ours_ms < stock_ms))
    rows.append(row(group, "queries", "queries", ours_queries, stock_queries, "< 1", ours_queries < stock_queries))
    return {"rows": rows}


def public_paths():
    """Every kind of public page, with detail pages from the generated corpus."""
    claim = the_claim_with_many_citations()
    plain_claim = (
        Claim.objects.public().filter(slug__startswith=corpus.PREFIX).exclude(pk=claim.pk).order_by("slug").first()
    )
    quote = Quote.objects.public().order_by("slug").first()
    agreement = Agreement.objects.public().order_by("slug").first()
    source = Source.objects.order_by("slug").first()
    person = Person.objects.filter(quotes__status="verified").order_by("slug").first()
    organization = Organization.objects.filter(kind="media_outlet").order_by("slug").first()
    event = Event.objects.filter(parent=None).order_by("slug").first()
    word = Claim.objects.public().order_by("slug").first().statement.split()[2]
    return {
        "home": ["/"],
        "lists": ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"],
        "details": [
            claim.get_absolute_url(),
            plain_claim.get_absolute_url(),
            quote.get_absolute_url(),
            agreement.get_absolute_url(),
            source.get_absolute_url(),
            person.get_absolute_url(),
            organization.get_absolute_url(),
            event.get_absolute_url(),
        ],
        "other": [f"/search/?q={word}", "/feeds/verified/", "/claims/?corroboration=disputed"],
        "many_citations": claim.get_absolute_url(),
        "few_citations": plain_claim.get_absolute_url(),
    }


def measure_public():
    paths = public_paths()
    client = Client(SERVER_NAME="127.0.0.1")
    cache = caches[settings.PUBLIC_PAGE_CACHE]
    uncached, cached, counts = [], [], {}
    for path in paths["home"] + paths["lists"] + paths["details"] + paths["other"]:
        uncached_ms, queries = median_ms(client.get, path, 3, before=cache.clear)
        cached_ms, cached_queries = median_ms(client.get, path, 5)
        counts[path] = queries
        is_list = path in paths["lists"] or path.startswith("/claims/?")
        goal = f"≤ {PUBLIC_LIST_QUERY_LIMIT}" if is_list else ""
        met = queries <= PUBLIC_LIST_QUERY_LIMIT if is_list else None
        uncached.append(row("public page, uncached", f"{path}: queries", "queries", queries, None, goal, met))
        uncached.append(row("public page, uncached", f"{path}: time", "ms", uncached_ms))
        cached.append(
            row("public page, cached", f"{path}: queries", "queries", cached_queries, None, "≤ 1", cached_queries <= 1)
        )
        cached.append(row("public page, cached (reference: uncached)", f"{path}: time", "ms", cached_ms, uncached_ms))
    uncached += measure_deep_page(client, cache)
    many, few = counts[paths["many_citations"]], counts[paths["few_citations"]]
    claim_detail = f"claim detail with {CITATIONS_ON_ONE_CLAIM} citations (reference: with a few)"
    uncached.append(row("public page, uncached", claim_detail, "queries", many, few, "same count", many == few))
    return {"rows": uncached + cached, "paths": paths}


def measure_deep_page(client, cache):
    """Page 10 000 of the claims against page 1, uncached, and the deepest OFFSET its
    queries ask the database for (a list shows its first ``MAX_PAGES`` pages)."""
    deep = f"/claims/?page={DEEP_PAGE}"
    first_ms, _ = median_ms(client.get, "/claims/", 5, before=cache.clear)
    deep_ms, deep_queries = median_ms(client.get, deep, 5, before=cache.clear)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(deep)
    offsets = [int(n) for query in queries for n in re.findall(r"OFFSET (\d+)", query["sql"])]
    group = "public page, uncached (reference: /claims/)"
    goal = f"≤ {DEEP_PAGE_GOAL}"
    return [
        row(group, f"{deep}: time", "ms", deep_ms, first_ms, goal, deep_ms <= DEEP_PAGE_GOAL * first_ms),
        row(
            "public page, uncached",
            f"{deep}: queries",
            "queries",
            deep_queries,
            None,
            f"≤ {PUBLIC_LIST_QUERY_LIMIT}",
            deep_queries <= PUBLIC_LIST_QUERY_LIMIT,
        ),
        row("public page, uncached", f"{deep}: deepest OFFSET", "rows", max(offsets, default=0)),
    ]


def search_queries(count=300):
    """Words, phrases, names, prefixes and misspellings, as readers type them."""
    rng = random.Random(1)
    statements = list(Claim.objects.public().order_by("slug").values_list("statement", flat=True)[:2000])
    names = list(Person.objects.order_by("slug").values_list("name", flat=True)[:200])
    words = [w for s in statements for w in re.findall(r"[A-Za-z]{4,}", s)]
    queries = []
    while len(queries) < count:
        kind = len(queries) % 5
        if kind == 0:
            queries.append(rng.choice(words))
        elif kind == 1:
            statement = rng.choice(statements).split()
            start = rng.randrange(max(1, len(statement) - 2))
            queries.append('"' + " ".join(statement[start : start + 2]) + '"')
        elif kind == 2:
            queries.append(rng.choice(names))
        elif kind == 3:
            queries.append(rng.choice(words)[:4])
        else:
            word = rng.choice(words)
            i = rng.randrange(len(word) - 1)
            queries.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # two letters swapped
    return queries


def percentiles(times):
    ordered = sorted(times)
    return round(ordered[len(ordered) // 2], 2), round(ordered[int(len(ordered) * 0.95) - 1], 2)


def measure_search():
    from apps.search import query as search

    if connection.vendor != "postgresql":
        return {"rows": []}
    queries = search_queries()
    client = Client(SERVER_NAME="127.0.0.1")
    cache = caches[settings.PUBLIC_PAGE_CACHE]
    claims = Claim.objects.public()

    def timed(run):
        times = []
        for text in queries:
            started = time.perf_counter()
            run(text)
            times.append((time.perf_counter() - started) * 1000)
        return percentiles(times)

    ranked = timed(lambda text: list(search.ranked(claims, text)[:25].values_list("pk", flat=True)))
    naive = timed(
        lambda text: list(claims.filter(statement__icontains=text.strip('"'))[:25].values_list("pk", flat=True))
    )

    def page(text):
        cache.clear()
        response = client.get("/search/", {"q": text})
        if response.status_code != 200:
            raise SystemExit(f"/search/?q={text} answered {response.status_code}")

    whole_page = timed(page)
    plan = search.ranked(claims, "trade yuan")[:25].explain()
    uses_index = bool(re.search(r"Bitmap Index Scan on \w*search_vector", plan))
    group = f"search on PostgreSQL, {len(queries)} queries"
    goal = f"≤ {SEARCH_P95_GOAL_MS} ms"
    return {
        "rows": [
            row(group, "claims, ranked, top 25: p50 (reference: icontains)", "ms", ranked[0], naive[0]),
            row(
                group,
                "claims, ranked, top 25: p95 (reference: icontains)",
                "ms",
                ranked[1],
                naive[1],
                goal,
                ranked[1] <= SEARCH_P95_GOAL_MS,
            ),
            row(group, "whole /search/ page, uncached: p50", "ms", whole_page[0]),
            row(group, "whole /search/ page, uncached: p95", "ms", whole_page[1]),
            row(group, "EXPLAIN uses the GIN index", "", int(uses_index), None, "1", uses_index),
        ],
        "explain": plan,
    }


COMMANDS = {"prepare": prepare, "admin": measure_admin, "public": measure_public, "search": measure_search}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]]()))
