from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """A deterministic synthetic corpus for benchmarks (generate_corpus)."""

    name = "apps.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic corpus"
