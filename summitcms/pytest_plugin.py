"""Test environment and shared fixtures, loaded with ``-p`` before pytest-django.

The settings are the production ones (debug off) with a throwaway secret key and
plain HTTP, so the tests exercise what a deployment runs.
"""

import os
import shutil

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# One database: the tests that need a replica make one of their own (tests/test_replicas.py).
os.environ.pop("DATABASE_REPLICA_URLS", None)
# Sync Playwright runs an event loop in the test thread; Django's ORM must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))

# Property-based tests draw few examples locally, so that the whole suite stays quick,
# and more in CI, derandomized there as in Hypothesis's own "ci" profile (a red run is
# the code's doing, and prints how to reproduce it). Loaded here, before the test
# modules are imported: their @settings read the profile then. ``--hypothesis-profile``
# chooses another.
hypothesis_settings.register_profile("dev", max_examples=20)
hypothesis_settings.register_profile("ci", hypothesis_settings.get_profile("ci"), max_examples=200)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


def missing_part(reason):
    """Skip a test whose tool is absent, but fail under CI, where everything must be present."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        missing_part("Chromium is not installed (apt-get install chromium)")
    # The cluster's tests start servers and stop them on purpose: only when asked for.
    if item.get_closest_marker("cluster") and "cluster" not in (item.config.option.markexpr or ""):
        pytest.skip("starts the cluster: run it with make cluster-test (pytest -m cluster)")


@pytest.fixture(scope="session")
def shipped_corpus():
    """The path of fixtures/summit-2023.json. A test of the shipped corpus fails without it,
    never skips: a checkout that lost it must not pass."""
    from apps.interchange.management.commands.bootstrap import SEED_FIXTURE

    if not SEED_FIXTURE.is_file():
        pytest.fail(
            f"The shipped corpus {SEED_FIXTURE} is missing: it is part of the product "
            "(make run loads it). Restore it: git checkout -- fixtures/summit-2023.json",
            pytrace=False,
        )
    return SEED_FIXTURE


@pytest.fixture
def require_postgres(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("runs on PostgreSQL only: set DATABASE_URL (make test does on CI's second pass)")


def flushes_the_database(item):
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "live_server" in fixtures or "transactional_db" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that flush the database after the others, as Django does.

    pytest-django sorts them so, but pytest then regroups tests by session-scoped
    parameters (pytest-playwright's ``browser_name``) and can put a browser test among
    the others: its flush empties what data migrations filled (the groups) for the
    tests after it.
    """
    items.sort(key=flushes_the_database)
