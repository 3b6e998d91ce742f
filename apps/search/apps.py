from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate

        from . import vectors

        # The stored vectors follow the declarations after every migrate (see vectors.py);
        # Django sends post_migrate only to apps with a models module (models.py).
        post_migrate.connect(vectors.install_after_migrate, sender=self, dispatch_uid="search-install-vectors")
        checks.register(vectors.check_declarations)
