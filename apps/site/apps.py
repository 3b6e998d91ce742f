from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public pages that span entry types (home, search, feeds, sitemaps) and the page cache."""

    name = "apps.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self):
        from django.db.models.signals import post_migrate

        from summitcms.lib.statistics import refresh_statistics

        from .cache import watch_public_tables

        post_migrate.connect(watch_public_tables, sender=self, dispatch_uid="site-watch-public-tables")
        post_migrate.connect(refresh_statistics, sender=self, dispatch_uid="site-refresh-statistics")
