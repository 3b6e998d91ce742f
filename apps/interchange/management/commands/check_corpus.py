import multiprocessing
import os
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection, connections

from apps.editorial import changes, registry
from apps.editorial import stored_corroboration as corroboration
from apps.editorial.models import Status
from apps.sources.models import Source

CHUNK = 2000
# Sources carry their full text: fewer at a time keeps memory flat.
SOURCE_CHUNK = 200


class Task(NamedTuple):
    """A run of rows to check: sources (``model`` None) or entries (``model`` their model's
    label, which a worker looks up), ``first``–``last`` by id."""

    model: str | None
    first: int
    last: int
    rows: int


def ranges(queryset, size):
    """``(first id, last id, rows)`` of each run of ``size`` rows, in the order of their ids:
    only the ids are read, and only the runs' edges kept."""
    first, rows = None, 0
    for pk in queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000):
        first, rows = (pk if rows == 0 else first), rows + 1
        if rows == size:
            yield first, pk, rows
            rows = 0
    if rows:
        yield first, pk, rows


def check(task):
    """Check one task; return its problems as ``(what, problem)``. Run in this process or
    in a worker's: it reads all it needs by the task's range of ids."""
    checker = Checker()
    if task.model is None:
        checker.check_sources(task.first, task.last)
    else:
        checker.check_entries(registry.entry_type(apps.get_model(task.model)), task.first, task.last)
    return checker.problems


# The connections a worker was forked with: set aside, never used, never closed (closing one
# would end the session of the process it came from).
inherited = []


def own_connections():
    """A worker's first step: a connection of its own to each database. Two processes on
    one connection would read each other's rows."""
    for alias in connections:
        inherited.append(connections[alias])
        connections[alias] = connections.create_connection(alias)


class Command(BaseCommand):
    help = (
        "Check every source and entry against the rules of the design — excerpts anchored in their "
        "source, verified entries supported and verified by someone other than their author, verified "
        "and retracted entries with what the workflow records (when; a retraction's correction note), "
        "quotes found in their excerpts, the rules on entries' links (a quote's co-speakers), source "
        "hashes current, stored corroboration current — and report each problem. Exits with status 1 "
        "when any is found. Use it after loading data with loaddata, which bypasses the checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="How many processes check at once, each a run of sources or entries (default 1; this "
            f"machine has {os.cpu_count() or 1} CPUs). Inside a transaction, or on an in-memory SQLite "
            "database, it checks in this process alone: other processes would not see the data.",
        )

    def handle(self, *args, quiet, jobs, **options):
        if jobs < 1:
            raise CommandError(f"--jobs must be at least 1 (got {jobs}).")
        tasks = [Task(None, *run) for run in ranges(Source.objects.all(), SOURCE_CHUNK)]
        for model in registry.entry_models():
            tasks += [Task(model._meta.label, *run) for run in ranges(model.objects.all(), CHUNK)]
        totals = {}
        for task in tasks:
            totals[task.model] = totals.get(task.model, 0) + task.rows
        checked, problems, done = 0, 0, dict.fromkeys(totals, 0)
        for task, found in zip(tasks, self.results(tasks, jobs), strict=True):
            for what, problem in found:
                problems += 1
                if not quiet:
                    self.stdout.write(f"{what}: {problem}")
            checked += task.rows
            done[task.model] += task.rows
            self.progress(task.model, done[task.model], totals[task.model])
        summary = f"Checked {checked} sources and entries: {problems} problem(s)."
        if problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def results(self, tasks, jobs):
        """Each task's problems, in the order of the tasks, from ``jobs`` processes at once."""
        alone = connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        if jobs == 1 or len(tasks) < 2 or alone:
            yield from map(check, tasks)
            return
        connections.close_all()  # each worker opens its own
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=own_connections) as pool:
            yield from pool.imap(check, tasks)

    def progress(self, model, done, total):
        if total > CHUNK:
            what = apps.get_model(model)._meta.verbose_name_plural if model else "sources"
            self.stderr.write(f"\r{what}: {done}/{total}", ending="" if done < total else "\n")


class Checker:
    """The checks of a run of sources or of entries; what they find is kept in ``problems``."""

    def __init__(self):
        self.problems = []

    def report(self, what, problem):
        self.problems.append((what, problem))

    def check_sources(self, first, last):
        """The hashes of the sources with ids ``first``–``last``, and the anchor of every
        citation of them: each body is folded once for all its citations
        (``Source.folded_body``), not once per citation."""
        sources = Source.objects.filter(pk__range=(first, last)).order_by("pk")
        sources = list(sources.only("pk", "slug", "title", "body", "content_hash"))
        for source in sources:
            if problem := source.hash_problem():
                self.report(f"source {source.slug}", problem)
        by_pk = {source.pk: source for source in sources}
        for model in registry.entry_models():
            citation_model, entry = model.citations.rel.related_model, model.citations.field.name
            citations = (
                citation_model.objects.filter(source_id__in=by_pk)
                .only("pk", "source_id", "excerpt", "start", "end", entry)
                .order_by(f"{entry}_id", "pk")
            )
            found = []
            for citation in citations:
                citation.source = by_pk[citation.source_id]  # one instance: its body folded once
                if problem := citation.anchor_problem():
                    found.append((getattr(citation, f"{entry}_id"), problem))
            # The entries' slugs only for the problems found: not an entry built per citation.
            slugs = {}
            if found:
                slugs = dict(model.objects.filter(pk__in={pk for pk, _ in found}).values_list("pk", "slug"))
            for pk, problem in found:
                self.report(f"{model._meta.verbose_name} {slugs[pk]}", problem)

    def check_entries(self, kind, first, last):
        """A chunk of entries: its record and evidence, the rules on its links
        (``link_problems``), its stored corroboration, and its approvals (``check_reviews``).
        Its citations and publications are read in a query each, its links in a query per
        many-to-many field, and handed to the entries, not prefetched: a prefetch builds a
        queryset per entry and relation. All are read by the range of ids ``first``–``last``
        (a list of 2 000 ids sent with each query cost as much as the query)."""
        model, key = kind.model, kind.citation_model.entry_field
        entries = list(model.objects.filter(pk__range=(first, last)).order_by("pk"))
        by_pk = {entry.pk: entry for entry in entries}
        ids = (first, last)
        citations = {pk: [] for pk in by_pk}
        rows = kind.citation_model.objects.filter(**{f"{key}_id__gte": ids[0], f"{key}_id__lte": ids[1]})
        for citation in rows.only("pk", key, "source_id", "stance", "excerpt").order_by("pk"):
            if entry := by_pk.get(getattr(citation, f"{key}_id")):  # not one written since
                setattr(citation, key, entry)  # as a prefetch leaves it: no query for its entry
                citations[entry.pk].append(citation)
        links = self.chunk_links(model, by_pk, ids)
        for entry in entries:
            problems = entry.integrity_problems(
                four_eyes=settings.SUMMITCMS_FOUR_EYES, anchors=False, citations=citations[entry.pk]
            )
            problems += [p for found in entry.link_problems(links[entry.pk]).values() for p in found]
            for problem in problems:
                self.report(f"{model._meta.verbose_name} {entry.slug}", problem)
        self.check_stored_corroboration(model, entries)
        self.check_reviews(kind, entries, ids)

    def chunk_links(self, model, by_pk, ids):
        """``{entry pk: {many-to-many name: [pk, …]}}``, every link of the chunk's entries as
        ``link_problems`` takes them (the admin's form and the import pass theirs): a query
        per many-to-many field, on its table alone by the chunk's range of ids; left out,
        ``link_problems`` would read each entry's links in a query of its own."""
        links = {pk: {} for pk in by_pk}
        for field in changes.link_fields(model):
            through = field.remote_field.through._meta
            entry_id = through.get_field(field.m2m_field_name()).attname
            target_id = through.get_field(field.m2m_reverse_field_name()).attname
            for found in links.values():
                found[field.name] = []
            rows = through.model.objects.filter(**{f"{entry_id}__gte": ids[0], f"{entry_id}__lte": ids[1]})
            for pk, target in rows.order_by().values_list(entry_id, target_id):
                if pk in links:  # not one written since
                    links[pk][field.name].append(target)
        return links

    def check_reviews(self, kind, entries, ids):
        """Each entry's approvals: recorded, of what readers see, by nobody who contributed;
        and its evidence checked since it changed. What readers see is read as rows
        (``changes.states``), only for the verified entries: the others have no digest to
        compare."""
        model, key = kind.model, kind.publication_model.entry_field
        publications = {entry.pk: [] for entry in entries}
        rows = kind.publication_model.objects.filter(**{f"{key}_id__gte": ids[0], f"{key}_id__lte": ids[1]})
        for publication in rows:
            if (pk := getattr(publication, f"{key}_id")) in publications:
                publications[pk].append(publication)
        states = changes.states(model.objects.filter(pk__range=ids, status=Status.VERIFIED))
        for entry in entries:
            digest = changes.digest(states[entry.pk]) if entry.status == Status.VERIFIED else ""
            problems = entry.publication_problems(
                digest, four_eyes=settings.SUMMITCMS_FOUR_EYES, publications=publications[entry.pk]
            )
            for problem in problems:
                self.report(f"{model._meta.verbose_name} {entry.slug}", problem)

    def check_stored_corroboration(self, model, entries):
        stored = [(e.pk, e.corroboration_level, e.supporting_sources) for e in entries]
        slugs = {e.pk: e.slug for e in entries}
        for pk, ((level, count), (now_level, now_count)) in sorted(corroboration.stale(model, stored).items()):
            self.report(
                f"{model._meta.verbose_name} {slugs[pk]}",
                f"Its stored corroboration ({level}, {count} source(s)) is stale: it is {now_level}, "
                f"{now_count} source(s).",
            )
