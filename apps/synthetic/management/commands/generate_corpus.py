import time

from django.core.management import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from apps.search import vectors
from apps.synthetic import corpus
from summitcms.lib.statistics import refresh_statistics


def spaced(number):
    return f"{number:,}".replace(",", " ")


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic corpus for benchmarks: for N claims, about N/10 sources "
        "with bodies of a few thousand characters, N/2 quotes, N/20 agreements, people, organizations, "
        "summits with their parts, and two to five citations per entry anchored in their sources, about "
        "60 % verified, so that check_corpus passes. The same --seed and N give the same data. "
        f"Everything it makes has a slug starting with “{corpus.PREFIX}”; entries are recorded by "
        f"“{corpus.ANALYST}” and verified by “{corpus.EDITOR}”. It refuses a database holding work it "
        "did not generate (see --force), and one holding a generated corpus unless --replace is given. "
        "All or nothing: one transaction. On PostgreSQL the tables with search vectors are then "
        "compacted (VACUUM FULL), which locks them for a minute or two at a million claims."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--claims", type=int, required=True, metavar="N", help="How many claims; the rest scales with it."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the generator; the same seed and N give the same corpus."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f"Delete the corpus generated earlier (every row whose slug starts with “{corpus.PREFIX}”, "
            "without history) before generating the new one, in the same transaction.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even though the database holds sources, entries, people, organizations, events or "
            "topics the generator did not make; the generated corpus is added beside them.",
        )

    def handle(self, *args, claims, seed, replace, force, verbosity, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        foreign = corpus.foreign_counts()
        if foreign and not force:
            raise CommandError(
                f"The database holds work the generator did not make ({corpus.describe(foreign)}: their slugs "
                f"do not start with “{corpus.PREFIX}”). Generating would mix synthetic entries into it. Use an "
                "empty database, or pass --force to add the generated corpus beside that work."
            )
        generated = corpus.generated_counts()
        if generated and not replace:
            raise CommandError(
                f"The database already holds a generated corpus ({corpus.describe(generated)}). "
                "Pass --replace to delete it and generate a new one."
            )
        self.show_progress = verbosity > 0
        started = time.monotonic()
        plan = corpus.plan(claims, seed, self.progress)
        try:
            with transaction.atomic():
                if generated:
                    self.progress("deleting the previous corpus", 0, 0)
                    corpus.delete_generated()
                with vectors.deferred():
                    counts = corpus.Writer(plan, self.progress).write()
                    self.progress("search vectors", 0, 0)
            # Computing the vectors wrote every row again: the dead copies go, before anyone reads.
            vectors.compact(progress=lambda table: self.progress(f"compacting {table}", 0, 0))
        except corpus.Refusal as refusal:
            raise CommandError(str(refusal)) from None
        except IntegrityError as error:
            raise CommandError(
                "Could not replace the generated corpus: work the generator did not make refers to it "
                f"(a citation of a generated source, or an entry with a generated speaker or event). Nothing "
                f"was changed. The database said: {error}"
            ) from None
        finally:
            if self.show_progress:
                self.stderr.write("")
        refresh_statistics()
        seconds = time.monotonic() - started
        citations = sum(counts.get(label, 0) for label in corpus.CITATION_LABELS)
        sources, quotes = spaced(counts.get("sources.Source", 0)), spaced(counts.get("quotes.Quote", 0))
        claims, agreements = spaced(counts.get("claims.Claim", 0)), spaced(counts.get("agreements.Agreement", 0))
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {sources} sources, {claims} claims, {quotes} quotes, {agreements} agreements "
                f"and {spaced(citations)} citations (seed {seed}) in {seconds:.1f} s"
                + (f", after deleting the previous corpus ({corpus.describe(generated)})." if generated else ".")
            )
        )

    def progress(self, label, done, total):
        if self.show_progress:
            line = f"{label} {spaced(done)}/{spaced(total)}" if total else label
            self.stderr.write(f"\r{line:<50}", ending="")
            self.stderr.flush()
