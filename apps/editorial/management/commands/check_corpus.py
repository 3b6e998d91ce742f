from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db.models import Prefetch

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.quotes.models import Quote
from apps.sources import text
from apps.sources.models import Source

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Check every source and entry against the rules of the design — excerpts anchored in their "
        "source, verified entries supported and verified by someone other than their author, quotes "
        "found in their excerpts, source hashes current — and report each problem. Exits with status 1 "
        "when any is found. Use it after loading data with loaddata, which bypasses the checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")

    def handle(self, *args, quiet, **options):
        self.quiet = quiet
        self.problems = 0
        checked = 0
        for source in Source.objects.only("pk", "slug", "title", "body", "content_hash").iterator(chunk_size=CHUNK):
            checked += 1
            if source.content_hash != text.content_hash(source.body):
                self.report(f"source {source.slug}", "Its content hash does not match its text.")
        for model in (Claim, Quote, Agreement):
            # A Prefetch with a join, not "citations__source": prefetching sources by id
            # builds one OR per source, which SQLite refuses past about a thousand.
            citations = model.citations.rel.related_model.objects.select_related("source")
            queryset = model.objects.order_by("pk").prefetch_related(Prefetch("citations", queryset=citations))
            total = queryset.count()
            for index, entry in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
                checked += 1
                for problem in entry.integrity_problems(four_eyes=settings.SUMMITCMS_FOUR_EYES):
                    self.report(f"{model._meta.verbose_name} {entry.slug}", problem)
                if total > CHUNK and (index % CHUNK == 0 or index == total):
                    self.stderr.write(f"\r{model._meta.verbose_name_plural}: {index}/{total}", ending="")
            if total > CHUNK:
                self.stderr.write("")
        summary = f"Checked {checked} sources and entries: {self.problems} problem(s)."
        if self.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def report(self, what, problem):
        self.problems += 1
        if not self.quiet:
            self.stdout.write(f"{what}: {problem}")
