from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db.models import Prefetch

from apps.editorial import changes, registry
from apps.editorial import stored_corroboration as corroboration
from apps.editorial.models import Status
from apps.sources.models import Source

CHUNK = 2000
# Sources carry their full text: fewer at a time keeps memory flat.
SOURCE_CHUNK = 200


class Command(BaseCommand):
    help = (
        "Check every source and entry against the rules of the design — excerpts anchored in their "
        "source, verified entries supported and verified by someone other than their author, verified "
        "and retracted entries with what the workflow records (when; a retraction's correction note), "
        "quotes found in their excerpts, source hashes current, stored corroboration current — and report "
        "each problem. Exits with status 1 when any is found. Use it after loading data with loaddata, "
        "which bypasses the checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")

    def handle(self, *args, quiet, **options):
        self.quiet = quiet
        self.problems = 0
        checked = self.check_sources()
        for model in registry.entry_models():
            checked += self.check_entries(model)
        summary = f"Checked {checked} sources and entries: {self.problems} problem(s)."
        if self.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def check_sources(self):
        """Hashes, and the anchor of every citation, a chunk of sources at a time: each body
        is folded once for all its citations (``Source.folded_body``), not once per citation."""
        sources = Source.objects.order_by("pk").only("pk", "slug", "title", "body", "content_hash")
        total = sources.count()
        checked = 0
        chunk = []
        for source in sources.iterator(chunk_size=SOURCE_CHUNK):
            chunk.append(source)
            if len(chunk) == SOURCE_CHUNK:
                checked += self.check_source_chunk(chunk, total, checked)
                chunk = []
        if chunk:
            checked += self.check_source_chunk(chunk, total, checked)
        self.end_progress(total)
        return checked

    def check_source_chunk(self, sources, total, done):
        for source in sources:
            if problem := source.hash_problem():
                self.report(f"source {source.slug}", problem)
        by_pk = {source.pk: source for source in sources}
        for model in registry.entry_models():
            citation_model, entry = model.citations.rel.related_model, model.citations.field.name
            citations = (
                citation_model.objects.filter(source_id__in=by_pk)
                .select_related(entry)
                .only("pk", "source_id", "excerpt", "start", "end", f"{entry}__slug")
                .order_by(f"{entry}_id", "pk")
            )
            for citation in citations:
                citation.source = by_pk[citation.source_id]  # one instance: its body folded once
                if problem := citation.anchor_problem():
                    self.report(f"{model._meta.verbose_name} {citation.entry.slug}", problem)
        self.progress("sources", done + len(sources), total)
        return len(sources)

    def check_entries(self, model):
        citations = model.citations.rel.related_model.objects.only(
            "pk", model.citations.field.name, "source_id", "stance", "excerpt"
        )
        queryset = model.objects.order_by("pk").prefetch_related(Prefetch("citations", queryset=citations))
        total = queryset.count()
        chunk = []
        for index, entry in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
            for problem in entry.integrity_problems(four_eyes=settings.SUMMITCMS_FOUR_EYES, anchors=False):
                self.report(f"{model._meta.verbose_name} {entry.slug}", problem)
            chunk.append(entry)
            if len(chunk) == CHUNK or index == total:
                self.check_stored_corroboration(model, chunk)
                chunk = []
                self.progress(model._meta.verbose_name_plural, index, total)
        self.end_progress(total)
        self.check_reviews(model)
        return total

    def check_reviews(self, model):
        """Each published entry's approvals: recorded, of what readers see, by nobody who
        contributed; and its evidence checked since it changed."""
        queryset = changes.with_state(model.objects.exclude(status=Status.DRAFT, publications=None)).prefetch_related(
            "publications"
        )
        total = queryset.count()
        for index, entry in enumerate(queryset.order_by("pk").iterator(chunk_size=CHUNK), start=1):
            digest = changes.digest(changes.state(entry)) if entry.status == Status.VERIFIED else ""
            for problem in entry.publication_problems(digest, four_eyes=settings.SUMMITCMS_FOUR_EYES):
                self.report(f"{model._meta.verbose_name} {entry.slug}", problem)
            if index % CHUNK == 0 or index == total:
                self.progress(f"{model._meta.verbose_name_plural} (reviews)", index, total)
        self.end_progress(total)

    def check_stored_corroboration(self, model, entries):
        stored = [(e.pk, e.corroboration_level, e.supporting_sources) for e in entries]
        slugs = {e.pk: e.slug for e in entries}
        for pk, ((level, count), (now_level, now_count)) in sorted(corroboration.stale(model, stored).items()):
            self.report(
                f"{model._meta.verbose_name} {slugs[pk]}",
                f"Its stored corroboration ({level}, {count} source(s)) is stale: it is {now_level}, "
                f"{now_count} source(s).",
            )

    def progress(self, what, done, total):
        if total > CHUNK:
            self.stderr.write(f"\r{what}: {done}/{total}", ending="")

    def end_progress(self, total):
        if total > CHUNK:
            self.stderr.write("")

    def report(self, what, problem):
        self.problems += 1
        if not self.quiet:
            self.stdout.write(f"{what}: {problem}")
