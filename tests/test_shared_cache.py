"""Redis, the shared cache, may go away: pages are then built uncached, still correct,
and cached again once it is back (summitcms.shared_cache). A real Redis server, stopped
and started again."""

import logging
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from summitcms.pytest_plugin import missing_part
from tests.builders import make_claim, make_editor, make_source


class RedisServer:
    def __init__(self):
        # A short path: a Unix socket's must fit in 107 bytes.
        self.directory = Path(tempfile.mkdtemp(prefix="redis.", dir="/tmp"))
        self.socket = self.directory / "redis.sock"

    def start(self):
        subprocess.run(
            ["redis-server", "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
            + ["--daemonize", "yes", "--dir", str(self.directory), "--save", "", "--appendonly", "no"]
            + ["--pidfile", str(self.directory / "pid")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.cli("ping").stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-s", str(self.socket), *args], capture_output=True, text=True)

    def stop(self):
        self.cli("shutdown", "nosave")
        for _ in range(100):
            if not self.socket.exists():
                return
            time.sleep(0.05)


@pytest.fixture
def redis(settings):
    if not shutil.which("redis-server"):
        missing_part("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "summitcms.shared_cache.RedisCache", "LOCATION": f"unix://{server.socket}"}
    }
    yield server
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.django_db
def test_pages_are_built_uncached_while_redis_is_away_and_cached_again_once_it_is_back(redis, client, settings, caplog):
    settings.OUTAGE_RETRY_SECONDS = 5
    clock = [1000.0]
    caches["default"].clock = lambda: clock[0]
    claim = make_claim(citations=[(make_source(), "three-day visit")], status="verified", statement="Cached")
    url = claim.get_absolute_url()
    client.get(url)
    cached, queries = get(client, url)
    assert queries == 1 and int(redis.cli("dbsize").stdout) > 0  # in Redis

    redis.stop()
    with caplog.at_level(logging.WARNING):
        built, queries = get(client, url)
        assert built.status_code == 200 and built.content == cached.content and queries > 1
        claim.statement = "Edited while Redis is away"
        claim.save()
        assert "Edited while Redis is away" in client.get(url).content.decode()
        assert client.get("/claims/?ordering=statement").status_code == 200  # its filter choices too
        desk = Client()
        desk.force_login(make_editor())  # sessions live in the database, not in the cache
        assert desk.get("/admin/").status_code == 200

        redis.start()
        clock[0] += 4  # left alone for OUTAGE_RETRY_SECONDS after the failure
        assert get(client, url)[1] > 1 and int(redis.cli("dbsize").stdout) == 0
        clock[0] += 1
        client.get(url)
        again, queries = get(client, url)
        assert queries == 1 and "Edited while Redis is away" in again.content.decode()
    # One line when it went away, one when it came back: no traceback per request.
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "The cache does not answer",
        "The cache answers again: pages are cached again.",
    ]
    assert not [r for r in caplog.records if r.exc_info]
