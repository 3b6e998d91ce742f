from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "apps.editorial"
    label = "editorial"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import corroboration
        from .cache import watch_public_tables
        from .planner import refresh_statistics

        corroboration.connect_signals(apps)
        post_migrate.connect(watch_public_tables, sender=self, dispatch_uid="editorial-watch-public-tables")
        post_migrate.connect(refresh_statistics, sender=self, dispatch_uid="editorial-refresh-statistics")
