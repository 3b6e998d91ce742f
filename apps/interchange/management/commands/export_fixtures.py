import os
import sys
import time

from django.core.management import BaseCommand, CommandError

from apps.events.models import Event
from apps.interchange import fixtures


class Command(BaseCommand):
    help = (
        "Write the verified entries and everything they refer to (sources, citations, people, "
        "organizations, events, topics, relations) as a JSON fixture that stock `loaddata` loads into "
        "an empty database. Natural keys, no user accounts, and a stable order and layout: the same "
        "data always gives the same file. Unverified entries never appear unless --all is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_statuses",
            help="Every entry in every status, and every record: a full backup.",
        )
        parser.add_argument("--event", metavar="SLUG", help="Only the entries of this event and of its parts.")
        parser.add_argument(
            "--indent", type=int, default=2, help="Spaces per level (default 2); 0 writes one object per line."
        )

    def handle(self, *args, output, all_statuses, event, indent, **options):
        if indent < 0:
            raise CommandError("--indent must be 0 or more.")
        chosen = None
        if event:
            chosen = Event.objects.filter(slug=event).first()
            if chosen is None:
                raise CommandError(f"There is no event with the slug “{event}”.")
        selection = fixtures.Selection.for_corpus(all_statuses=all_statuses, event=chosen)
        verbosity = options["verbosity"]
        progress = self.show_progress if verbosity >= 1 else None
        started = time.monotonic()
        self.progress_shown = False
        if output:
            try:
                exporter = fixtures.export_to_file(selection, output, indent=indent, progress=progress)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        else:
            exporter = fixtures.Exporter(selection, indent=indent, progress=progress)
            try:
                exporter.write(_Raw(self.stdout))
                self.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (`| head`): no traceback, and none again at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise CommandError("Standard output was closed before the export was complete.") from None
        if self.progress_shown:
            self.stderr.write("")
        if verbosity >= 1:
            for reason in exporter.left_out:
                self.stderr.write(f"Left out {reason}.")
            counts = ", ".join(f"{count} {label}" for label, count in exporter.counts.items() if count)
            summary = (
                f"Exported {sum(exporter.counts.values())} objects ({counts or 'none'}) "
                f"in {time.monotonic() - started:.1f} s" + (f" to {output}." if output else ".")
            )
            # Standard output may be the fixture itself.
            (self.stdout if output else self.stderr).write(summary)

    def show_progress(self, label, done, total):
        # Only long runs: a line that rewrites itself after each chunk of a big model.
        if total and total > fixtures.CHUNK_SIZE:
            self.stderr.write(f"\r{label}: {done}/{total}", ending="")
            self.progress_shown = True
            if done == total:
                self.stderr.write("")
                self.progress_shown = False


class _Raw:
    """Writes pieces of the fixture as they are (OutputWrapper adds a newline to each write)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper
        if wrapper._out is sys.stdout and hasattr(sys.stdout, "reconfigure"):
            # The fixture is UTF-8 whatever the terminal's locale says.
            sys.stdout.reconfigure(encoding="utf-8")

    def write(self, piece):
        self.wrapper.write(piece, ending="")
