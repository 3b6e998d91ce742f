from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The kernel: what every kind of entry shares, and the registry they join."""

    name = "apps.editorial"
    label = "editorial"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import registry
        from .changes import fill_missing_digests
        from .groups import sync_groups
        from .models import Topic

        registry.register_record(Topic)
        post_migrate.connect(sync_groups, sender=self, dispatch_uid="editorial-sync-groups")
        post_migrate.connect(fill_missing_digests, sender=self, dispatch_uid="editorial-fill-missing-digests")
