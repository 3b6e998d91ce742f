"""A production instance of SummitCMS on 127.0.0.1, for the scanner, load runs and benchmarks.

It runs what a deployer runs — migrations, collectstatic, gunicorn with debug off — on a
database of its own, and stops the server when done. Only ever on the loopback address.
"""

import contextlib
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def environment(var_dir, database_url=None, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",  # plain HTTP on the loopback address
        SUMMITCMS_VAR_DIR=str(var_dir),
        **extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def prepare(env, corpus=True):
    manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    if corpus:
        manage(env, "bootstrap", "--no-accounts", stdout=subprocess.DEVNULL)


def create_user(env, username, group):
    """A desk account with a random password, which is returned."""
    password = secrets.token_urlsafe(16)
    code = (
        "from django.contrib.auth.models import Group, User; "
        f"u, _ = User.objects.get_or_create(username={username!r}, defaults={{'is_staff': True}}); "
        f"u.set_password({password!r}); u.is_staff = True; u.save(); u.groups.add(Group.objects.get(name={group!r}))"
    )
    manage(env, "shell", "-c", code)
    return password


@contextlib.contextmanager
def gunicorn(env, port, workers=2, log=None):
    """Serve on http://127.0.0.1:PORT/ until the block ends."""
    assert port < 32768, "stay below the ephemeral range (sockets in TIME_WAIT after load runs)"
    command = [GUNICORN, "summitcms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--error-logfile", "-", "--log-level", "warning"]
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {server.returncode}") from None
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 20 seconds")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            output.close()


def wrk(url, seconds, connections, timeout=None, headers=None):
    """One wrk run: ``(requests, requests per second, non-2xx answers, socket errors)``.

    ``timeout`` (say "30s") replaces wrk's own 2 s, after which it counts a slow answer
    as a socket error; ``headers`` are sent with every request.
    """
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *(["--timeout", timeout] if timeout else [])]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return requests, rate, int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""
