from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Fixtures in and out: export_fixtures, import_fixtures, check_corpus, bootstrap, the admin export action."""

    name = "apps.interchange"
    label = "interchange"
    verbose_name = "Interchange"

    def ready(self):
        from django.contrib import admin

        from apps.editorial import registry
        from apps.sources.models import Source

        from .admin_actions import export_selected_as_fixture

        # Every kind of entry, and sources, can be taken away from their admin list.
        for model in [*registry.entry_models(), Source]:
            model_admin = admin.site.get_model_admin(model)
            if export_selected_as_fixture not in model_admin.actions:
                model_admin.actions = [*model_admin.actions, export_selected_as_fixture]
