"""Export memory and time at two corpus sizes, against stock dumpdata.

    python bench/export_memory.py [--sizes 10000 100000] [--dumpdata-max 100000]

For each size, a scratch SQLite database under a temporary directory is migrated and
filled (bulk inserts: the claims, two citations each, topics, quotes, agreements,
relations), then each measurement runs in its own process so that peak figures do not
mix: ``export_fixtures --all`` to /dev/null (wall time and peak RSS), the same under
tracemalloc (peak of Python allocations during the export), and stock
``dumpdata --natural-foreign --natural-primary`` of the same models (wall time and peak
RSS). Flat memory means the export's tracemalloc peak stays about the same while the
corpus grows tenfold. Not a test: timings depend on the machine.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUMPDATA_LABELS = [
    "editorial.Topic",
    "actors",
    "events",
    "sources",
    "agreements",
    "quotes",
    "claims",
]


def setup_django(database):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Production settings: with DEBUG on, Django keeps the last 9000 queries' SQL, which
    # would be counted as the export's memory.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitcms.settings")
    import django

    django.setup()


def populate(size):
    from django.utils import timezone

    from apps.actors.models import Organization, Person
    from apps.agreements.models import Agreement, AgreementCitation
    from apps.claims.models import Claim, ClaimCitation, ClaimRelation
    from apps.editorial.models import Topic
    from apps.events.models import Event
    from apps.quotes.models import Quote, QuoteCitation
    from apps.sources import text
    from apps.sources.models import Source

    batch = 2000
    now = timezone.now()
    stamps = {"created_at": now, "updated_at": now}
    summit = Event.objects.create(name="Summit", slug="summit")
    parts = [Event.objects.create(name=f"Part {i}", slug=f"part-{i}", parent=summit) for i in range(3)]
    events = [summit, *parts]
    topics = Topic.objects.bulk_create([Topic(name=f"Topic {i}", slug=f"topic-{i}") for i in range(20)])
    outlets = Organization.objects.bulk_create(
        [Organization(name=f"Outlet {i}", slug=f"outlet-{i}", kind="media_outlet", **stamps) for i in range(200)]
    )
    people = Person.objects.bulk_create([Person(name=f"Person {i}", slug=f"person-{i}", **stamps) for i in range(500)])
    paragraph = (
        "During the latter’s three-day visit to Moscow, Russian President Vladimir Putin and Chinese "
        "counterpart Xi Jinping signed over a dozen agreements. “We’re always for peace and dialogue, "
        "and we firmly stand on the right side of history,” said Xi. Trade between the two countries "
        "reached a record high in 2022, increasing by 30%. "
    ) * 4
    excerpts = ["three-day visit to Moscow", "reached a record high in 2022", "We’re always for peace and dialogue"]
    sources = []
    for i in range(max(10, size // 20)):
        body = f"Report number {i}. {paragraph}"
        sources.append(
            Source(
                title=f"Source {i}",
                slug=f"source-{i:06d}",
                outlet=outlets[i % len(outlets)],
                body=body,
                content_hash=text.content_hash(body),
                **stamps,
            )
        )
    sources = Source.objects.bulk_create(sources, batch_size=batch)
    Source.relays.through.objects.bulk_create(
        [Source.relays.through(source=s, organization=outlets[(i + 1) % len(outlets)]) for i, s in enumerate(sources)],
        batch_size=batch,
    )
    spans = {(s.pk, e): text.locate(e, s.body) for s in sources for e in excerpts}

    def citations(model, entry_field, entries, count):
        rows = []
        for i, entry in enumerate(entries):
            for j in range(count):
                source = sources[(i + j) % len(sources)]
                excerpt = excerpts[j % 2] if model is not QuoteCitation else excerpts[2]
                start, end = spans[(source.pk, excerpt)]
                rows.append(model(**{entry_field: entry}, source=source, excerpt=excerpt, start=start, end=end))
        model.objects.bulk_create(rows, batch_size=batch)

    agreements = Agreement.objects.bulk_create(
        [
            Agreement(title=f"Agreement {i}", slug=f"agreement-{i:06d}", kind="agreement", status="verified", **stamps)
            for i in range(max(1, size // 100))
        ],
        batch_size=batch,
    )
    citations(AgreementCitation, "agreement", agreements, 1)
    quotes = Quote.objects.bulk_create(
        [
            Quote(
                slug=f"quote-{i:06d}",
                text="We’re always for peace and dialogue",
                speaker=people[i % len(people)],
                occasion=events[i % len(events)],
                status="verified",
                **stamps,
            )
            for i in range(max(1, size // 10))
        ],
        batch_size=batch,
    )
    citations(QuoteCitation, "quote", quotes, 1)
    claims = Claim.objects.bulk_create(
        [
            Claim(
                slug=f"claim-{i:07d}",
                statement=f"Claim number {i}: trade reached a record high in 2022.",
                event=events[i % len(events)],
                status="verified" if i % 10 else "draft",
                **stamps,
            )
            for i in range(size)
        ],
        batch_size=batch,
    )
    citations(ClaimCitation, "claim", claims, 2)
    Claim.topics.through.objects.bulk_create(
        [
            Claim.topics.through(claim=c, topic=topics[(i + k) % len(topics)])
            for i, c in enumerate(claims)
            for k in range(2)
        ],
        batch_size=batch,
    )
    Claim.quotes.through.objects.bulk_create(
        [Claim.quotes.through(claim=c, quote=quotes[i % len(quotes)]) for i, c in enumerate(claims) if i % 5 == 0],
        batch_size=batch,
    )
    ClaimRelation.objects.bulk_create(
        [ClaimRelation(from_claim=claims[i], to_claim=claims[i + 1], kind="refines") for i in range(0, size - 1, 50)],
        batch_size=batch,
    )


def measure(what, traced):
    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        if what == "export":
            call_command("export_fixtures", "--all", "--output", os.devnull, verbosity=0)
        else:
            call_command(
                "dumpdata", *DUMPDATA_LABELS, natural_foreign=True, natural_primary=True, indent=2, stdout=devnull
            )
    seconds = time.perf_counter() - started
    result = {"seconds": round(seconds, 2)}
    if traced:
        result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    else:
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["rss_peak_mb"] = round(after / 1024, 1)
        result["rss_growth_mb"] = round((after - before) / 1024, 1)
    print(json.dumps(result))


def child(*args):
    output = subprocess.run(
        [sys.executable, __file__, *map(str, args)], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1]) if output.strip() else {}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dumpdata-max", type=int, default=100_000, help="Skip dumpdata above this size (it is slow).")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summitcms-bench-") as scratch:
        columns = [("claims", 8), ("export s", 9), ("export RSS+", 12), ("export traced", 14)]
        columns += [("dumpdata s", 11), ("dumpdata RSS+", 14)]
        print(" ".join(f"{name:>{width}}" for name, width in columns))
        for size in options.sizes:
            database = Path(scratch) / f"bench-{size}.sqlite3"
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                check=True,
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"},
            )
            child("populate", size, database)
            export = child("measure", "export", database)
            traced = child("trace", "export", database)
            dump = child("measure", "dumpdata", database) if size <= options.dumpdata_max else {}
            print(
                f"{size:>8} {export['seconds']:>9} {export['rss_growth_mb']:>10} MB {traced['traced_peak_mb']:>11} MB"
                f" {dump.get('seconds', '-'):>11} {dump.get('rss_growth_mb', '-'):>11} MB",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("populate", "measure", "trace"):
        command, *rest = sys.argv[1:]
        setup_django(rest[-1])
        if command == "populate":
            populate(int(rest[0]))
        else:
            measure(rest[0], traced=command == "trace")
    else:
        main()
