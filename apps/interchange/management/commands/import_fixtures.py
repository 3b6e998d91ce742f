from pathlib import Path

from django.core.management import BaseCommand, CommandError

from apps.interchange.fixture_import import PART_SIZE, FixtureError, FixtureImport
from summitcms.lib.statistics import refresh_statistics


class Command(BaseCommand):
    help = (
        "Load a JSON fixture after checking all of it: fields (lengths, choices), references (in the "
        "file or in the database), the provenance rule (every excerpt in its source at the recorded "
        "offsets, every quote in its excerpts) and the verification rule (a verified entry has a "
        "supporting citation). Writes in one transaction and reports what it added and changed; on any "
        "problem it names the object and writes nothing. An object already in the database with other "
        "values is refused unless --update is given; the change is then recorded in its history. "
        f"A file of more than {PART_SIZE} objects is checked and written a part at a time, still in one "
        "transaction, with a progress line per part: there, an object must come after those it refers "
        "to (as export_fixtures writes them), and the problems reported are those of the first part "
        "that has any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="A fixture, e.g. one written by export_fixtures.")
        parser.add_argument(
            "--update", action="store_true", help="Change objects that are in the database with other values."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, file, update, dry_run, **options):
        path = Path(file)
        verb = "checked" if dry_run else "checked and written"

        def progress(read):
            if options["verbosity"] >= 1:
                self.stderr.write(f"{read} objects {verb}…")

        importer = FixtureImport(update=update, name=path.name, progress=progress)
        try:
            with path.open("rb") as stream:  # read a piece at a time (json_stream)
                report = importer.run(stream, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except FixtureError as error:
            raise CommandError(
                f"{path.name} was not imported; the database is unchanged.\n" + "\n".join(error.problems)
            ) from None
        if not dry_run:
            refresh_statistics()
        if options["verbosity"] >= 2:
            for line in report.lines():
                self.stdout.write(line)
        elif options["verbosity"] >= 1:
            for line in report.lines(states=("changed",)):
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
