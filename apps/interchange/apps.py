from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Fixtures in and out: export_fixtures, import_fixtures, check_corpus, bootstrap, the admin export action."""

    name = "apps.interchange"
    label = "interchange"
    verbose_name = "Interchange"
