"""The settings read the environment and refuse to start unsafely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    if "SUMMITCMS_VAR_DIR" in env:
        environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_refuses_a_bad_boolean():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_it_starts_without_configuration_in_debug():
    result = manage("check", DJANGO_DEBUG="1", SUMMITCMS_VAR_DIR=str(ROOT / "var" / "test-settings"))
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "a-long-and-random-production-secret-key-value",
        DJANGO_ALLOWED_HOSTS="summit.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


WRITER = """
from django.db import transaction
from apps.editorial.models import Topic
for n in range({rounds}):
    with transaction.atomic():
        # Read, then write: in SQLite's default deferred mode two such transactions
        # fail at once with "database is locked" instead of waiting for each other.
        count = Topic.objects.count()
        Topic.objects.create(name=f"{worker}-{{n}}-{{count}}", slug=f"w{worker}-{{n}}")
"""


def test_concurrent_writers_on_sqlite_wait_for_each_other(tmp_path):
    env = {"DJANGO_DEBUG": "1", "SUMMITCMS_VAR_DIR": str(tmp_path)}
    migrated = manage("migrate", "--noinput", **env)
    assert migrated.returncode == 0, migrated.stderr
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    environment.pop("DATABASE_URL", None)
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", WRITER.format(rounds=25, worker=worker)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(6)
    ]
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), "\n".join(errors)
    assert not any("locked" in error for error in errors)
    count = manage("shell", "-c", "from apps.editorial.models import Topic; print(Topic.objects.count())", **env)
    assert count.stdout.strip().endswith("150")


@pytest.mark.parametrize(("value", "expected"), [(None, "600 True"), ("0", "0 True"), ("30", "30 True")])
def test_database_connections_persist_as_configured_with_health_checks(value, expected):
    env = {"DJANGO_DEBUG": "1", "SUMMITCMS_VAR_DIR": str(ROOT / "var" / "test-settings")}
    if value is not None:
        env["DJANGO_CONN_MAX_AGE"] = value
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "0"),  # served directly: X-Forwarded-For is nobody's to trust
        ({"DJANGO_PROXY_COUNT": "2"}, "0"),
        ({"DJANGO_BEHIND_TLS_PROXY": "1"}, "1"),
        ({"DJANGO_BEHIND_TLS_PROXY": "1", "DJANGO_PROXY_COUNT": "2"}, "2"),
    ],
)
def test_the_trusted_proxies_are_counted_only_behind_the_tls_proxy(environment, expected):
    env = {"DJANGO_DEBUG": "1", "SUMMITCMS_VAR_DIR": str(ROOT / "var" / "test-settings"), **environment}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_it_refuses_a_negative_proxy_count():
    result = manage("check", DJANGO_DEBUG="1", DJANGO_BEHIND_TLS_PROXY="1", DJANGO_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "DJANGO_PROXY_COUNT must be 0 or more" in result.stderr


REPLICAS = (
    "from django.conf import settings as s; "
    "print(s.DATABASE_REPLICAS, s.DATABASE_ROUTERS, "
    "[(d['HOST'], d['OPTIONS'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    " for a, d in s.DATABASES.items() if a != 'default'])"
)


def test_replicas_are_read_from_database_replica_urls():
    env = {"DJANGO_DEBUG": "1", "SUMMITCMS_VAR_DIR": str(ROOT / "var" / "test-settings"), "DJANGO_CONN_MAX_AGE": "60"}
    urls = "postgres://app:pw@replica-a/summitcms?connect_timeout=2, postgres://app:pw@replica-b:5433/summitcms"
    result = manage("shell", "-c", REPLICAS, DATABASE_REPLICA_URLS=urls, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "['replica_1', 'replica_2'] ['summitcms.replicas.PrimaryReplicaRouter'] "
        "[('replica-a', {'connect_timeout': 2, 'options': '-c jit=off -c synchronize_seqscans=off'}, 60, True), "
        "('replica-b', {'options': '-c jit=off -c synchronize_seqscans=off'}, 60, True)]"
    )
    # Unset: one database, nothing routed.
    result = manage("shell", "-c", REPLICAS, **env)
    assert result.stdout.strip().splitlines()[-1] == "[] [] []"


def test_it_refuses_a_replica_url_it_does_not_understand():
    result = manage("check", DJANGO_DEBUG="1", DATABASE_REPLICA_URLS="not a url")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS holds a URL Django does not understand" in result.stderr


def test_postgresql_connections_run_without_jit_or_synchronized_scans_unless_the_url_says_otherwise():
    env = {"DJANGO_DEBUG": "1", "SUMMITCMS_VAR_DIR": str(ROOT / "var" / "test-settings")}
    options = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    result = manage("shell", "-c", options, DATABASE_URL="postgres://app:pw@db/summitcms", **env)
    assert result.stdout.strip().splitlines()[-1] == "{'options': '-c jit=off -c synchronize_seqscans=off'}", (
        result.stderr
    )
    # The URL's own settings are kept, beside the defaults it does not set.
    own = "postgres://app:pw@db/summitcms?options=-c%20statement_timeout%3D5000"
    result = manage("shell", "-c", options, DATABASE_URL=own, **env)
    assert result.stdout.strip().splitlines()[-1] == (
        "{'options': '-c jit=off -c synchronize_seqscans=off -c statement_timeout=5000'}"
    ), result.stderr
    # A default the URL sets, in either of libpq's forms, is the URL's.
    for given in ("-c%20jit%3Don", "--jit%3Don", "-csynchronize-seqscans%3Don%20--jit%3Don"):
        result = manage("shell", "-c", options, DATABASE_URL=f"postgres://app:pw@db/summitcms?options={given}", **env)
        last = result.stdout.strip().splitlines()[-1]
        assert "jit=off" not in last and "jit=on" in last, (given, last, result.stderr)
        assert last.count("synchronize") == 1, (given, last)
    # SQLite has no such option.
    result = manage("shell", "-c", options, **env)
    assert "jit" not in result.stdout, result.stdout


@pytest.mark.django_db
def test_the_database_says_jit_and_synchronized_scans_are_off():
    if connection.vendor != "postgresql":
        pytest.skip("JIT and synchronized scans are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone() == ("off",)
