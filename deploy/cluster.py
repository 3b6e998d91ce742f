"""SummitCMS as it runs on several machines, on this one: a PostgreSQL primary and a hot
standby fed by streaming replication, Redis, two gunicorn app servers, HAProxy in front.

    python deploy/cluster.py start [--claims N] [--workers N]   (make cluster)
    python deploy/cluster.py stop                               (make cluster-stop)
    python deploy/cluster.py status
    python deploy/cluster.py stop-service NAME [--kill]         a fault, by hand
    python deploy/cluster.py start-service NAME
    python deploy/cluster.py backup                             a base backup of the primary
    python deploy/cluster.py restore-check                      restore it with the archived WAL
    python deploy/cluster.py measure                            the figures of docs/deploy.md

Everything comes from Debian's packages (postgresql, redis-server, haproxy, openssl) and
the project itself, listens on 127.0.0.1 (ports from SUMMITCMS_CLUSTER_PORT, default
18400, upwards) or on Unix sockets, and lives under var/cluster/, which ``stop`` removes.
The app servers get the settings a real deployment would (docs/deploy.md): only the
addresses differ. ``start`` is safe to run again: it starts what is not running.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import ssl
import string
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("SUMMITCMS_CLUSTER_DIR", ROOT / "var" / "cluster"))
PGBIN = Path("/usr/lib/postgresql/15/bin")
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
APP_SERVERS = ("app1", "app2")
SERVICES = ("primary", "replica", "redis", *APP_SERVERS, "balancer")

PG = STATE / "pg"  # owned by the postgres user when run as root (initdb refuses root)
PRIMARY, REPLICA, ARCHIVE, BACKUPS, RESTORED = (
    PG / name for name in ("primary", "replica", "archive", "backups", "restored")
)
PG_RUN = PG / "run"  # the servers' Unix sockets, for the superuser only
RUN, LOG, TLS, APP = (STATE / name for name in ("run", "log", "tls", "app"))
CONFIG = STATE / "cluster.json"


def log(message):
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ports():
    base = int(os.environ.get("SUMMITCMS_CLUSTER_PORT", 18400))
    if not 1024 <= base <= 32768 - 40:
        sys.exit("SUMMITCMS_CLUSTER_PORT must leave 40 ports below 32768 (the ephemeral range).")
    return {
        "balancer": base,
        "app1": base + 1,
        "app2": base + 2,
        "primary": base + 32,
        "replica": base + 33,
        "restored": base + 34,
    }


def config():
    """Ports, passwords and the secret key, made once (readable by this user only)."""
    if CONFIG.exists():
        return json.loads(CONFIG.read_text())
    STATE.mkdir(parents=True, exist_ok=True)
    STATE.chmod(0o755)  # the postgres user goes through it to its own directory
    made = {
        "ports": ports(),
        "passwords": {name: secrets.token_urlsafe(24) for name in ("summitcms", "replicator")},
        "secret_key": secrets.token_urlsafe(50),
    }
    CONFIG.touch(mode=0o600)
    CONFIG.write_text(json.dumps(made, indent=2))
    return made


# PostgreSQL -----------------------------------------------------------------------------


def as_postgres(command, check=True, **kwargs):
    """Run a PostgreSQL program as the postgres user when we are root (they refuse root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *map(str, command)], check=check, **kwargs)


def psql(port, sql, database="postgres"):
    """SQL as the superuser, over the Unix socket (trusted: only its owner may open it)."""
    result = as_postgres(
        [
            PGBIN / "psql",
            "-h",
            PG_RUN,
            "-p",
            port,
            "-U",
            "postgres",
            "-d",
            database,
            "-XAtq",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def pg_running(data):
    return (data / "postmaster.pid").exists() and not as_postgres(
        [PGBIN / "pg_ctl", "-D", data, "status"], check=False, capture_output=True
    ).returncode


def pg_start(data, name):
    if not pg_running(data):
        as_postgres(
            [PGBIN / "pg_ctl", "-D", data, "-l", LOG / f"{name}.log", "-w", "-t", "120", "start"],
            stdout=subprocess.DEVNULL,
        )


def pg_stop(data, mode="fast"):
    if pg_running(data):
        as_postgres([PGBIN / "pg_ctl", "-D", data, "-m", mode, "-w", "-t", "60", "stop"], stdout=subprocess.DEVNULL)


def server_settings(port):
    """What the primary (and, copied by the base backup, the standby) runs with."""
    return f"""
# SummitCMS cluster (deploy/cluster.py)
listen_addresses = '{HOST}'
port = {port}
unix_socket_directories = '{PG_RUN}'
unix_socket_permissions = 0700
max_connections = 60
# Streaming replication: the standby connects with the replicator role, through a slot
# (the primary keeps the WAL a stopped standby has not received yet).
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
hot_standby_feedback = on
# WAL archiving, for backups: each finished segment is copied to the archive, and a
# segment is finished at least every minute when something was written.
archive_mode = on
archive_command = 'test ! -f {ARCHIVE}/%f && cp %p {ARCHIVE}/%f'
archive_timeout = 60
# Which server ran which statements (the CI step shows readers' reads on the standby).
shared_preload_libraries = 'pg_stat_statements'
log_line_prefix = '%m [%p] %q%u@%d '
"""


def setup_primary(cfg):
    port = cfg["ports"]["primary"]
    if not (PRIMARY / "PG_VERSION").exists():
        log("initdb: the primary")
        as_postgres(
            [PGBIN / "initdb", "-D", PRIMARY, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256"]
            + ["--encoding=UTF8", "--locale=C.UTF-8"],
            stdout=subprocess.DEVNULL,
        )
        (PRIMARY / "pg_hba.conf").write_text(
            "# The superuser on the socket only (its directory is the postgres user's); the site and\n"
            "# the standby over TCP, with passwords.\n"
            "local   all          postgres                   trust\n"
            "local   replication  postgres                   trust\n"
            f"host    summitcms    summitcms    {HOST}/32   scram-sha-256\n"
            f"host    replication  replicator   {HOST}/32   scram-sha-256\n"
        )
        with open(PRIMARY / "postgresql.conf", "a") as conf:
            conf.write(server_settings(port))
    pg_start(PRIMARY, "primary")
    if psql(port, "SELECT 1 FROM pg_roles WHERE rolname = 'summitcms'") != "1":
        log("roles, database and pg_stat_statements on the primary")
        passwords = cfg["passwords"]
        psql(port, f"CREATE ROLE summitcms LOGIN PASSWORD '{passwords['summitcms']}'")
        psql(port, f"CREATE ROLE replicator REPLICATION LOGIN PASSWORD '{passwords['replicator']}'")
        psql(port, "CREATE DATABASE summitcms OWNER summitcms")
        psql(port, "CREATE EXTENSION pg_stat_statements")


def setup_replica(cfg):
    if not (REPLICA / "PG_VERSION").exists():
        log("pg_basebackup: the standby, from the primary")
        primary = cfg["ports"]["primary"]
        if psql(primary, "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica_1'") == "1":
            psql(primary, "SELECT pg_drop_replication_slot('replica_1')")
        passfile = PG / "replicator.pgpass"
        passfile.write_text(f"{HOST}:{primary}:replication:replicator:{cfg['passwords']['replicator']}\n")
        if os.geteuid() == 0:
            shutil.chown(passfile, "postgres", "postgres")
        passfile.chmod(0o600)
        # -R writes standby.signal and the primary's address; -C -S: a slot of its own.
        as_postgres(
            [PGBIN / "pg_basebackup", "-h", HOST, "-p", primary, "-U", "replicator", "-D", REPLICA]
            + ["-R", "-X", "stream", "-C", "-S", "replica_1", "--checkpoint=fast", "--no-password"],
            env={**os.environ, "PGPASSFILE": str(passfile)},
        )
        with open(REPLICA / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {cfg['ports']['replica']}\nprimary_conninfo = '{conninfo(cfg, passfile)}'\n")
    pg_start(REPLICA, "replica")


def conninfo(cfg, passfile):
    return f"host={HOST} port={cfg['ports']['primary']} user=replicator passfile={passfile} application_name=replica_1"


# Redis, the app servers, the balancer ---------------------------------------------------


def redis_socket():
    return RUN / "redis.sock"


def redis_cli(*args):
    return subprocess.run(["redis-cli", "-s", redis_socket(), *args], capture_output=True, text=True)


def redis_running():
    return redis_cli("ping").stdout.strip() == "PONG"


def start_redis():
    if redis_running():
        return
    # A cache: nothing saved to disk; the least recently used pages go first when full.
    subprocess.run(
        ["redis-server", "--port", "0", "--unixsocket", redis_socket(), "--unixsocketperm", "700"]
        + ["--daemonize", "yes", "--dir", RUN, "--save", "", "--appendonly", "no", "--pidfile", RUN / "redis.pid"]
        + ["--logfile", LOG / "redis.log", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        check=True,
    )
    wait_for(redis_running, "Redis")


def stop_redis():
    if redis_running():
        redis_cli("shutdown", "nosave")
        wait_for(lambda: not redis_socket().exists(), "Redis to stop")


def site_url(cfg):
    return f"https://{HOST}:{cfg['ports']['balancer']}/"


def app_environment(cfg):
    """What every app server gets: the settings of a real deployment (docs/deploy.md)."""
    ports, password = cfg["ports"], cfg["passwords"]["summitcms"]
    database = f"postgres://summitcms:{password}@{HOST}:{{port}}/summitcms?connect_timeout=2"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SUMMITCMS_", "DATABASE_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=cfg["secret_key"],
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_TLS_PROXY="1",  # HAProxy terminates TLS and appends X-Forwarded-For
        DJANGO_PROXY_COUNT="1",
        DATABASE_URL=database.format(port=ports["primary"]),
        DATABASE_REPLICA_URLS=database.format(port=ports["replica"]),
        CACHE_URL=f"unix://{redis_socket()}",
        SUMMITCMS_VAR_DIR=str(APP),
    )
    return env


def manage(cfg, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=app_environment(cfg), check=True, **kwargs)


def pid_of(name):
    try:
        return int((RUN / f"{name}.pid").read_text())
    except (FileNotFoundError, ValueError):
        return None


def alive(pid):
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by its parent) is not serving.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def spawn(name, command, env=None):
    """A process of its own session (it outlives this script; its group is its pid)."""
    with open(LOG / f"{name}.log", "ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True
        )
    (RUN / f"{name}.pid").write_text(str(process.pid))
    return process


def app_answers(port):
    request = urllib.request.Request(
        f"http://{HOST}:{port}/static/site/favicon.svg", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    try:
        return urllib.request.urlopen(request, timeout=2).status == 200
    except OSError:
        return False


def start_app(cfg, name, workers):
    if alive(pid_of(name)):
        return
    port = cfg["ports"][name]
    spawn(
        name,
        [
            GUNICORN,
            "summitcms.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--name",
            f"summitcms-{name}",
        ]
        + ["--forwarded-allow-ips", HOST, "--access-logfile", LOG / f"{name}.access.log", "--timeout", "30"]
        + ["--graceful-timeout", "10", "--control-socket", RUN / f"{name}.ctl"],
        env=app_environment(cfg),
    )
    wait_for(lambda: app_answers(port), f"app server {name}")


def stop_process(name, kill=False, timeout=30):
    pid = pid_of(name)
    if alive(pid):
        try:
            # The whole group: a gunicorn master and its workers.
            os.killpg(pid, signal.SIGKILL if kill else signal.SIGTERM)
        except ProcessLookupError:
            pass
        wait_for(lambda: not alive(pid), f"{name} to stop", timeout)
    (RUN / f"{name}.pid").unlink(missing_ok=True)


def make_certificate():
    """A self-signed certificate for 127.0.0.1: TLS ends at the balancer, as in production."""
    if (TLS / "site.pem").exists():
        return
    TLS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", f"/CN={HOST}"]
        + ["-addext", f"subjectAltName=IP:{HOST}", "-keyout", TLS / "key.pem", "-out", TLS / "cert.pem"],
        check=True,
        capture_output=True,
    )
    (TLS / "site.pem").write_bytes((TLS / "cert.pem").read_bytes() + (TLS / "key.pem").read_bytes())
    for name in ("key.pem", "site.pem"):
        (TLS / name).chmod(0o600)


def start_balancer(cfg, workers=2):
    if alive(pid_of("balancer")):
        return
    make_certificate()
    servers = "\n".join(f"    server {name} {HOST}:{cfg['ports'][name]}" for name in APP_SERVERS)
    text = string.Template((ROOT / "deploy" / "haproxy.cfg").read_text()).substitute(
        run=RUN,
        bind=f"{HOST}:{cfg['ports']['balancer']}",
        certificate=TLS / "site.pem",
        host=HOST,
        servers=servers,
        workers=workers,
    )
    path = STATE / "haproxy.cfg"
    path.write_text(text)
    subprocess.run(["haproxy", "-c", "-q", "-f", path], check=True)
    spawn("balancer", ["haproxy", "-db", "-f", path])  # in the foreground of its own session: logs to its file
    wait_for(lambda: site_answers(cfg), "the balancer")


def client_context():
    """TLS that trusts the cluster's own certificate (and nothing else)."""
    return ssl.create_default_context(cafile=TLS / "cert.pem")


def site_answers(cfg):
    try:
        with urllib.request.urlopen(f"{site_url(cfg)}static/site/favicon.svg", timeout=2, context=client_context()):
            return True
    except (OSError, urllib.error.HTTPError):
        return False


def haproxy_stats():
    """``{server: {statistic: value}}`` of the app servers, from HAProxy's statistics socket
    (``status``: UP, DOWN...; ``stot``: requests sent to it so far...)."""
    import csv
    import socket

    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect(str(RUN / "haproxy.sock"))
        connection.sendall(b"show stat\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    rows = csv.DictReader(data.decode().removeprefix("# ").splitlines())
    return {row["svname"]: row for row in rows if row["pxname"] == "app" and row["svname"] in APP_SERVERS}


def haproxy_servers():
    """``{server: status}`` as HAProxy sees them (UP, DOWN...)."""
    return {name: row["status"] for name, row in haproxy_stats().items()}


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"Gave up waiting for {what} after {timeout} s (logs: {LOG}).")
        time.sleep(0.1)


# Commands --------------------------------------------------------------------------------


def check_tools():
    missing = [
        package
        for package, program in [
            ("postgresql", PGBIN / "initdb"),
            ("redis-server", "redis-server"),
            ("haproxy", "haproxy"),
            ("openssl", "openssl"),
        ]
        if not shutil.which(str(program))
    ]
    if missing:
        sys.exit(f"Missing: apt-get install {' '.join(missing)}")


def prepare_directories():
    for directory in (RUN, LOG, APP, PG):
        directory.mkdir(parents=True, exist_ok=True)
    for directory in (PG_RUN, ARCHIVE, BACKUPS):
        directory.mkdir(exist_ok=True)
    PG_RUN.chmod(0o700)
    if os.geteuid() == 0:
        for path in (PG, PG_RUN, ARCHIVE, BACKUPS):
            shutil.chown(path, "postgres", "postgres")
        for name in ("primary", "replica"):  # pg_ctl -l writes them as postgres
            (LOG / f"{name}.log").touch()
            shutil.chown(LOG / f"{name}.log", "postgres", "postgres")


def start(claims=None, workers=2, quiet=False):
    check_tools()
    cfg = config()
    prepare_directories()
    setup_primary(cfg)
    setup_replica(cfg)
    start_redis()
    prepared = APP / ".prepared"
    if not prepared.exists():
        log("migrate, collectstatic and the corpus, on the primary")
        manage(cfg, "migrate", "--noinput", stdout=subprocess.DEVNULL)
        manage(cfg, "collectstatic", "--noinput", "--verbosity", "0")
        if claims:
            manage(cfg, "generate_corpus", "--claims", str(claims), "--verbosity", "0")
        manage(cfg, "bootstrap")  # the seed corpus when there is none yet, the demo accounts
        prepared.touch()
    for name in APP_SERVERS:
        start_app(cfg, name, workers)
    start_balancer(cfg, workers)
    if not quiet:
        describe(cfg)


def describe(cfg):
    ports = cfg["ports"]
    print(
        f"""
SummitCMS cluster: {site_url(cfg)}   (admin: {site_url(cfg)}admin/)
  TLS certificate, self-signed: {TLS / "cert.pem"} (curl --cacert ...)
  balancer     HAProxy    {HOST}:{ports["balancer"]} -> app1, app2
  app1, app2   gunicorn   {HOST}:{ports["app1"]}, {HOST}:{ports["app2"]}
  primary      PostgreSQL {HOST}:{ports["primary"]}  (WAL archive: {ARCHIVE})
  replica      PostgreSQL {HOST}:{ports["replica"]}  hot standby, streaming from the primary
  redis        Redis      {redis_socket()}
  state and logs under {STATE}; stop and remove it all with: make cluster-stop""",
        flush=True,
    )


def status():
    cfg = config()
    running = {
        "primary": pg_running(PRIMARY),
        "replica": pg_running(REPLICA),
        "redis": redis_running(),
        **{name: alive(pid_of(name)) for name in (*APP_SERVERS, "balancer")},
    }
    for name, up in running.items():
        print(f"{name:10} {'running' if up else 'stopped'}")
    if running["balancer"]:
        print("balancer sees:", ", ".join(f"{name} {state}" for name, state in haproxy_servers().items()))
    describe(cfg)
    return running


def stop_service(name, kill=False):
    if name == "primary":
        pg_stop(PRIMARY, "immediate" if kill else "fast")
    elif name == "replica":
        pg_stop(REPLICA, "immediate" if kill else "fast")
    elif name == "redis":
        stop_redis()
    else:
        stop_process(name, kill=kill)


def start_service(name, workers=2):
    cfg = config()
    if name == "primary":
        pg_start(PRIMARY, "primary")
    elif name == "replica":
        pg_start(REPLICA, "replica")
    elif name == "redis":
        start_redis()
    elif name == "balancer":
        start_balancer(cfg)
    else:
        start_app(cfg, name, workers)


def stop():
    """Stop everything and remove var/cluster."""
    if not STATE.exists():
        print("No cluster here.")
        return
    for name in ("balancer", *APP_SERVERS):
        stop_process(name)
    stop_redis()
    for data in (RESTORED, REPLICA, PRIMARY):
        pg_stop(data)
    shutil.rmtree(STATE)
    print(f"Stopped, and removed {STATE}.")


def backup():
    """A base backup of the primary (tar, compressed, with the WAL it needs): with the
    archived WAL since, it restores the database as of any later moment."""
    cfg = config()
    target = BACKUPS / time.strftime("base-%Y%m%d-%H%M%S")
    as_postgres(
        [PGBIN / "pg_basebackup", "-h", PG_RUN, "-p", cfg["ports"]["primary"], "-U", "postgres", "-D", target]
        + ["-Ft", "-z", "-X", "stream", "--checkpoint=fast"]
    )
    log(f"base backup: {target}")
    return target


def restore_check():
    """Restore the latest base backup and every archived WAL segment since into a new
    server, as after losing the primary's disk; print what it holds. Returns its port,
    left running for a look (``stop`` stops it)."""
    cfg = config()
    port = cfg["ports"]["restored"]
    latest = sorted(BACKUPS.glob("base-*"))[-1]
    # Everything written until now, in the archive: the segment in progress is closed,
    # and archived (in production, archive_timeout bounds what the archive can miss).
    primary = cfg["ports"]["primary"]
    segment = psql(primary, "SELECT pg_walfile_name(pg_current_wal_lsn())")
    psql(primary, "SELECT pg_switch_wal()")
    wait_for(lambda: (ARCHIVE / segment).exists(), f"the archiving of {segment}")
    pg_stop(RESTORED)
    as_postgres(["rm", "-rf", RESTORED])
    as_postgres(["mkdir", "-m", "700", RESTORED])
    for name, into in (("base.tar.gz", RESTORED), ("pg_wal.tar.gz", RESTORED / "pg_wal")):
        with tarfile.open(latest / name) as archive:
            archive.extractall(into, filter="data")
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", RESTORED], check=True)
    with open(RESTORED / "postgresql.auto.conf", "a") as conf:
        # Replay the archive to its end, then open; archive nothing itself (not into the
        # primary's archive), and listen on a port of its own.
        conf.write(f"port = {port}\narchive_mode = off\nrestore_command = 'cp {ARCHIVE}/%f %p'\n")
    (RESTORED / "recovery.signal").touch()
    (RESTORED / "standby.signal").unlink(missing_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", RESTORED], check=True)
    (LOG / "restored.log").touch()
    if os.geteuid() == 0:
        shutil.chown(LOG / "restored.log", "postgres", "postgres")
    pg_start(RESTORED, "restored")
    wait_for(lambda: psql(port, "SELECT pg_is_in_recovery()") == "f", "the restored server to finish recovery", 120)
    log(f"restored {latest.name} and the archive up to {segment} on {HOST}:{port}")
    return port


def wrk(url, seconds):
    """Requests per second under wrk (2 threads, 16 connections; a slow answer is not an
    error before 30 s), and what was not a 2xx."""
    import re

    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rate, (f"{bad.group(1)} non-2xx " if bad else "") + (errors.group(1) if errors else "")


def replication_lag(cfg, rounds=50):
    """Milliseconds from a commit on the primary to the standby showing it (median, worst)."""
    import psycopg

    def connect(server):
        return psycopg.connect(host=str(PG_RUN), port=cfg["ports"][server], user="postgres", autocommit=True)

    lags = []
    with connect("primary") as primary, connect("replica") as replica:
        primary.execute("CREATE TABLE replication_probe (n int)")
        try:
            while replica.execute("SELECT to_regclass('replication_probe')").fetchone()[0] is None:
                time.sleep(0.01)
            for n in range(rounds):
                primary.execute("INSERT INTO replication_probe VALUES (%s)", [n])
                committed = time.monotonic()
                while replica.execute("SELECT count(*) FROM replication_probe WHERE n = %s", [n]).fetchone()[0] == 0:
                    pass
                lags.append((time.monotonic() - committed) * 1000)
        finally:
            primary.execute("DROP TABLE replication_probe")
    lags.sort()
    return lags[len(lags) // 2], lags[-1]


def measure(seconds=10):
    """Throughput through the balancer in a few arrangements, and the replication lag:
    the figures of docs/deploy.md. Leaves the cluster as it found it (all running)."""
    cfg = config()
    claim = psql(
        cfg["ports"]["primary"],
        "SELECT slug FROM claims_claim WHERE status = 'verified' ORDER BY slug LIMIT 1",
        database="summitcms",
    )
    pages = {"a claim": f"claims/{claim}/", "the claims list": "claims/", "a search": "search/?q=trade"}

    def four_workers_on_one():
        stop_service("app1")
        start_service("app1", workers=4)
        stop_service("balancer")  # it lets each server take as many requests as it has workers
        start_balancer(cfg, workers=4)

    def back_to_two():
        for name in ("app1", "balancer"):
            stop_service(name)
        start(quiet=True)

    arrangements = [
        ("two app servers, 2 workers each", lambda: None),
        ("one app server, 2 workers", lambda: stop_service("app2")),
        ("one app server, 4 workers", four_workers_on_one),
        ("two app servers, Redis stopped (nothing cached)", lambda: (back_to_two(), stop_redis())),
    ]
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f};"
        f" wrk -t2 -c16 -d{seconds}s through HAProxy (TLS), requests per second"
    )
    print("| arrangement | " + " | ".join(pages) + " |\n|---|" + "---|" * len(pages))
    try:
        for name, arrange in arrangements:
            arrange()
            wait_for(lambda: site_answers(cfg), "the site")
            time.sleep(2)  # the balancer's health checks see the change
            for path in pages.values():  # built and cached once before measuring
                urllib.request.urlopen(site_url(cfg) + path, context=client_context()).read()
            figures = [wrk(site_url(cfg) + path, seconds) for path in pages.values()]
            print(f"| {name} | " + " | ".join(f"{rate:.0f} {bad}".strip() for rate, bad in figures) + " |", flush=True)
    finally:
        back_to_two()
    median, worst = replication_lag(cfg)
    print(
        "replication lag, from a commit on the primary to the standby showing it:"
        f" median {median:.0f} ms, worst {worst:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start (or complete) the cluster")
    start_parser.add_argument("--claims", type=int, help="a generated corpus of N claims instead of the seed corpus")
    start_parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    commands.add_parser("stop", help="stop everything and remove var/cluster")
    commands.add_parser("status")
    for name in ("stop-service", "start-service"):
        sub = commands.add_parser(name)
        sub.add_argument("service", choices=SERVICES)
        if name == "stop-service":
            sub.add_argument("--kill", action="store_true", help="SIGKILL (PostgreSQL: immediate), not a clean stop")
    commands.add_parser("backup")
    commands.add_parser("restore-check")
    commands.add_parser("measure", help="throughput through the balancer, replication lag").add_argument(
        "--seconds", type=int, default=10
    )
    args = parser.parse_args()
    if args.command not in ("start", "stop") and not CONFIG.exists():
        sys.exit(f"No cluster here ({STATE}): make cluster starts one.")
    if args.command == "start":
        start(args.claims, args.workers)
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        status()
    elif args.command == "stop-service":
        stop_service(args.service, args.kill)
    elif args.command == "start-service":
        start_service(args.service)
    elif args.command == "backup":
        backup()
    elif args.command == "restore-check":
        restore_check()
    elif args.command == "measure":
        measure(args.seconds)


if __name__ == "__main__":
    main()
