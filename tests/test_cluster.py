"""The cluster (deploy/cluster.py), and the faults it survives, measured through HAProxy.

    make cluster-test        (pytest -m cluster tests/test_cluster.py)

Starts the cluster with a generated corpus unless one is running (and then stops it,
unless SUMMITCMS_CLUSTER_KEEP=1), and checks, over HTTPS through the balancer, as readers
and an editor do: readers' pages come from the replica (the servers' own statistics,
pg_stat_statements, say so), writes go to the primary, the writer reads their own write,
a retraction reaches readers once the replica has replayed it; then each fault: the
primary stopped, the replica stopped, Redis stopped, an app server killed under load;
and a backup restored with the WAL archived since. Not part of ``make test``: CI runs it
as a step of its own (.ci/run).
"""

import http.client
import http.cookiejar
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import psycopg
import pytest
from bs4 import BeautifulSoup

from deploy import cluster

pytestmark = pytest.mark.cluster

CLAIMS = int(os.environ.get("SUMMITCMS_CLUSTER_CLAIMS", 2000))
VERSION_QUERY = 'SELECT number, changed_at FROM "editorial_contentversion" WHERE id = $1'


@pytest.fixture(scope="module")
def cfg():
    made_here = not cluster.CONFIG.exists()
    cluster.start(claims=CLAIMS)
    yield cluster.config()
    if made_here and not os.environ.get("SUMMITCMS_CLUSTER_KEEP"):
        cluster.stop()


@dataclass
class Answer:
    status: int
    body: str
    headers: http.client.HTTPMessage  # names in any case


class Visitor:
    """One browser: its own cookies, HTTPS trusting the cluster's certificate only."""

    def __init__(self, cfg):
        self.base = cluster.site_url(cfg).rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=cluster.client_context()),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        )

    def request(self, path, data=None):
        # The Origin a browser sends with a form: Django's CSRF check over HTTPS wants it.
        headers = {"Origin": self.base} if data is not None else {}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read().decode(), response.headers)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.headers)

    def get(self, path):
        return self.request(path)

    def submit(self, path, **fields):
        """The form on the page at ``path``, as it is, with ``fields`` filled in."""
        return self.request(path, {**form_fields(self.get(path)), **fields})

    def sign_in(self, username, password):
        answer = self.submit("/admin/login/?next=/admin/", username=username, password=password)
        assert answer.status == 200 and "Log out" in answer.body, answer.body[:500]


def form_fields(answer):
    """The fields of the page's form (not the admin's sign-out button), as they are."""
    forms = BeautifulSoup(answer.body, "html.parser").find_all("form", method="post")
    [form] = [form for form in forms if not form.get("action", "").endswith("/logout/")]
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


@pytest.fixture(scope="module")
def editor(cfg):
    username, password = f"cluster-editor-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    cluster.manage(
        cfg,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user({username!r}, password={password!r}, is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editors'))",
    )
    visitor = Visitor(cfg)
    visitor.sign_in(username, password)
    return visitor


def sql(cfg, server, query, database="summitcms"):
    """A query as the superuser on the primary or the replica (over its Unix socket)."""
    port = cfg["ports"][server]
    with psycopg.connect(host=str(cluster.PG_RUN), port=port, user="postgres", dbname=database, autocommit=True) as db:
        return db.execute(query).fetchall()


def version_reads(cfg, server):
    """How many times the server ran the page cache's read of the content version: once
    per public request it served."""
    query = f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query = '{VERSION_QUERY}'"
    rows = sql(cfg, server, query, database="postgres")  # where the extension is
    return int(rows[0][0])


def verified_claims(cfg, count):
    return sql(
        cfg, "primary", f"SELECT id, slug FROM claims_claim WHERE status = 'verified' ORDER BY slug LIMIT {count}"
    )


def retract(editor, claim_id):
    answer = editor.submit(f"/admin/claims/claim/{claim_id}/transition/retract/", note="Retracted by the cluster test.")
    assert answer.status == 200 and "was retracted" in answer.body, answer.body[:500]


def status_on(cfg, server, claim_id):
    return sql(cfg, server, f"SELECT status FROM claims_claim WHERE id = {claim_id}")[0][0]


def eventually(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)


class Logs:
    """What the app servers log from now on."""

    def __init__(self):
        self.start = {name: self.path(name).stat().st_size for name in cluster.APP_SERVERS}

    @staticmethod
    def path(name):
        return cluster.LOG / f"{name}.log"

    def since(self):
        lines = []
        for name, offset in self.start.items():
            with open(self.path(name), encoding="utf-8", errors="replace") as log:
                log.seek(offset)
                lines += log.read().splitlines()
        return lines


PUBLIC = [
    "/",
    "/claims/",
    "/quotes/",
    "/agreements/",
    "/sources/",
    "/claims/?ordering=-verified_at",
    "/search/?q=trade",
]


def test_the_cluster_serves_the_site_through_the_balancer_from_both_app_servers(cfg):
    visitor = Visitor(cfg)
    for path in PUBLIC:
        answer = visitor.get(path)
        assert answer.status == 200, path
        assert "max-age" in answer.headers.get("Strict-Transport-Security", "")  # TLS as in production
    assert cluster.haproxy_servers() == {"app1": "UP", "app2": "UP"}
    served_by = {
        line.split()[3] for line in (cluster.LOG / "balancer.log").read_text().splitlines() if '"GET /' in line
    }
    assert {"app/app1", "app/app2"} <= served_by
    assert sql(cfg, "replica", "SELECT pg_is_in_recovery()") == [(True,)]
    assert sql(cfg, "primary", "SELECT application_name, state FROM pg_stat_replication") == [
        ("replica_1", "streaming")
    ]


def test_readers_read_the_replica_and_the_writer_reads_the_primary(cfg, editor):
    reader = Visitor(cfg)
    (claim_id, slug), *others = verified_claims(cfg, 4)
    url = f"/claims/{slug}/"
    on_replica, on_primary = version_reads(cfg, "replica"), version_reads(cfg, "primary")
    for path in [url, *(f"/claims/{other}/" for _, other in others), *PUBLIC]:
        assert reader.get(path).status == 200, path
    # Every reader's request read the replica; none touched the primary.
    assert version_reads(cfg, "replica") - on_replica == 4 + len(PUBLIC)
    assert version_reads(cfg, "primary") == on_primary

    # The replica stops replaying (as a lagging one would) while an editor retracts a
    # claim through the admin, over the balancer.
    sql(cfg, "replica", "SELECT pg_wal_replay_pause()")
    try:
        retract(editor, claim_id)
        assert status_on(cfg, "primary", claim_id) == "retracted"
        assert reader.get(url).status == 200  # the reader's replica has not replayed it yet
        assert editor.get(url).status == 410  # the writer reads the primary: their own write
    finally:
        sql(cfg, "replica", "SELECT pg_wal_replay_resume()")
    # As soon as the replica has replayed it, no reader sees the claim (its page cache is
    # keyed by the replica's content version).
    eventually(lambda: reader.get(url).status == 410, "the retraction reaches readers")
    assert status_on(cfg, "replica", claim_id) == "retracted"


def test_with_the_primary_stopped_readers_read_and_the_admin_is_read_only(cfg, editor):
    logs = Logs()
    newcomer = Visitor(cfg)
    login_page = newcomer.get("/admin/login/")
    (claim_id, slug), *_ = verified_claims(cfg, 1)
    cluster.stop_service("primary")
    try:
        for path in [*PUBLIC, f"/claims/{slug}/"]:
            assert newcomer.get(path).status == 200, path
        for answer in (
            editor.get("/admin/"),
            editor.get(f"/admin/claims/claim/{claim_id}/change/"),
            editor.request(f"/admin/claims/claim/{claim_id}/transition/retract/", {"note": "no"}),
            newcomer.request("/admin/login/", {**form_fields(login_page), "username": "editor", "password": "x"}),
        ):
            assert answer.status == 503 and "Read-only for now" in answer.body
            assert answer.headers["Retry-After"]
    finally:
        cluster.start_service("primary")
    # Back by itself: the editor's next request.
    assert editor.get("/admin/").status == 200
    assert status_on(cfg, "primary", claim_id) == "verified"  # the refused write was not made
    assert not [line for line in logs.since() if "Traceback" in line or " 500 " in line]


def test_with_the_replica_stopped_everything_reads_the_primary(cfg, editor):
    logs = Logs()
    reader = Visitor(cfg)
    on_primary = version_reads(cfg, "primary")
    cluster.stop_service("replica")
    try:
        for path in PUBLIC:
            assert reader.get(path).status == 200, path
        assert version_reads(cfg, "primary") - on_primary >= len(PUBLIC)
        assert editor.get("/admin/").status == 200
    finally:
        cluster.start_service("replica")
    # Readers go back to it once it answers (each worker tries it again after
    # OUTAGE_RETRY_SECONDS).
    on_replica = version_reads(cfg, "replica")
    eventually(
        lambda: reader.get("/claims/").status == 200 and version_reads(cfg, "replica") > on_replica,
        "reads on the replica again",
    )
    problems = [line for line in logs.since() if "Traceback" in line or " 500 " in line]
    assert not problems
    # One line per worker that noticed it, not one per request.
    assert 1 <= len([line for line in logs.since() if "does not answer" in line]) <= 2 * len(cluster.APP_SERVERS)


def test_with_redis_stopped_pages_are_built_uncached_and_caching_resumes(cfg):
    logs = Logs()
    reader = Visitor(cfg)
    (_, slug), *_ = verified_claims(cfg, 1)
    before = {path: reader.get(path) for path in [f"/claims/{slug}/", "/claims/"]}
    cluster.stop_service("redis")
    try:
        for path, answer in before.items():
            again = reader.get(path)
            assert again.status == 200 and again.body == answer.body, path
    finally:
        cluster.start_service("redis")
    assert int(cluster.redis_cli("dbsize").stdout) == 0  # a new, empty Redis

    def cached_again():
        for path in before:
            reader.get(path)
        return int(cluster.redis_cli("dbsize").stdout) > 0

    eventually(cached_again, "pages cached in Redis again")
    assert not [line for line in logs.since() if "Traceback" in line or " 500 " in line]
    assert 1 <= len([line for line in logs.since() if "The cache does not answer" in line])


@dataclass
class Result:
    started: float
    ended: float
    ok: bool
    what: str


def load(cfg, paths, results, stop, worker):
    connection = None
    n = worker
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            if connection is None:
                host, port = cluster.HOST, cfg["ports"]["balancer"]
                connection = http.client.HTTPSConnection(host, port, context=cluster.client_context(), timeout=30)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            ok, what = 200 <= response.status < 300, str(response.status)
        except (OSError, http.client.HTTPException) as error:
            ok, what = False, repr(error)
            connection = None
        results.append(Result(started, time.monotonic(), ok, what))


def test_an_app_server_killed_under_load_fails_no_request_beyond_those_in_flight(cfg):
    slugs = [slug for _, slug in verified_claims(cfg, 20)]
    paths = [*PUBLIC, *(f"/claims/{slug}/" for slug in slugs)]
    results, stop = [], threading.Event()
    threads = [threading.Thread(target=load, args=(cfg, paths, results, stop, n)) for n in range(8)]
    for thread in threads:
        thread.start()
    served_before = int(cluster.haproxy_stats()["app1"]["stot"])
    try:
        time.sleep(3)
        assert int(cluster.haproxy_stats()["app1"]["stot"]) > served_before  # app1 had its share
        killed_at = time.monotonic()
        cluster.stop_service("app1", kill=True)  # SIGKILL, master and workers
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    try:
        after = [r for r in results if r.started > killed_at]
        failed = [r for r in results if not r.ok]
        # Only a request already in flight when the server died may fail; every later one
        # went to the other server.
        assert all(r.started < killed_at < r.ended for r in failed), failed
        assert after and all(r.ok for r in after)
        assert len([r for r in results if r.started < killed_at]) > 0
        print(
            f"\n{len(results)} requests, {len(failed)} failed (in flight when app1 was killed:"
            f" {', '.join(r.what for r in failed) or 'none'}), {len(after)} after it"
        )
        eventually(lambda: cluster.haproxy_servers()["app1"] == "DOWN", "the balancer marks app1 down", 10)
    finally:
        cluster.start_service("app1")
    eventually(lambda: cluster.haproxy_servers() == {"app1": "UP", "app2": "UP"}, "app1 back in the balancer", 15)


def test_a_base_backup_restores_with_the_wal_archived_after_it(cfg, editor):
    (claim_id, _), *_ = verified_claims(cfg, 1)
    cluster.backup()
    retract(editor, claim_id)  # written after the backup: only the archived WAL has it
    port = cluster.restore_check()
    try:
        restored = psycopg.connect(host=str(cluster.PG_RUN), port=port, user="postgres", dbname="summitcms")
        with restored:
            status = restored.execute("SELECT status FROM claims_claim WHERE id = %s", [claim_id]).fetchone()[0]
            counts = restored.execute("SELECT count(*) FROM claims_claim").fetchone()
        assert status == "retracted"
        assert counts == sql(cfg, "primary", "SELECT count(*) FROM claims_claim")[0]
    finally:
        cluster.pg_stop(cluster.RESTORED)
