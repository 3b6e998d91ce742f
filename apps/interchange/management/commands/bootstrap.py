import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, call_command

from apps.editorial import registry
from apps.editorial.groups import ANALYSTS, EDITORS
from apps.sources.models import Source

SEED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "summit-2023.json"
DEMO_ACCOUNTS = [("analyst", ANALYSTS), ("editor", EDITORS)]


class Command(BaseCommand):
    help = (
        "Prepare a migrated database for a first look: load the seed corpus when the database "
        "holds no entries yet (never over existing work), and create the demo analyst and editor "
        "accounts when they do not exist, printing their random passwords once. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(SEED_FIXTURE), help="Corpus to load (default: %(default)s).")
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args, fixture, no_accounts, **options):
        self.load_corpus(Path(fixture))
        if not no_accounts:
            self.create_accounts()

    def load_corpus(self, fixture):
        existing = sum(model.objects.count() for model in (Source, *registry.entry_models()))
        if existing:
            self.stdout.write(
                f"The database already holds {existing} sources and entries: the seed corpus is not loaded."
            )
        elif not fixture.exists():
            self.stdout.write(f"No corpus at {fixture}: starting empty.")
        else:
            call_command("loaddata", str(fixture), verbosity=0)
            counts = [(Source._meta, Source.objects.count())]
            counts += [(model._meta, model.objects.count()) for model in registry.entry_models()]
            shown = ", ".join(f"{count} {opts.verbose_name_plural}" for opts, count in counts)
            self.stdout.write(f"Loaded {fixture.name}: {shown}.")

    def create_accounts(self):
        User = get_user_model()
        for username, group_name in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"Account “{username}” exists; its password is unchanged.")
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=group_name))
            self.stdout.write(
                self.style.SUCCESS(f"Created {group_name[:-1].lower()} “{username}” with password: {password}")
            )
        self.stdout.write("Passwords are shown once. Change one with: python manage.py changepassword USERNAME")
