"""Production settings: headers, cookies, sessions, login throttling, error pages."""

import logging
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from summitcms.proxy import client_address
from tests import html
from tests.builders import make_editor, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-test-password"
ROOT = Path(__file__).resolve().parent.parent
PUBLIC_URLS = ["/", "/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"]


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize("url", [*PUBLIC_URLS, LOGIN])
def test_every_response_carries_the_security_headers(client, behind_tls_proxy, url):
    response = client.get(url, **behind_tls_proxy)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/claims/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client):
    make_editor("editor")
    client.get(LOGIN)
    response = login(client, "editor")
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_login_rotates_the_session_key(client):
    make_editor("editor")
    client.get(LOGIN)
    session = client.session
    session["before-login"] = True
    session.save()
    before = client.cookies["sessionid"].value
    login(client, "editor")
    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_the_session(client):
    make_editor("editor")
    login(client, "editor")
    key = client.cookies["sessionid"].value
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_deactivated_user_is_refused_at_once(client):
    editor = make_editor("editor")
    login(client, "editor")
    assert client.get(reverse("admin:index")).status_code == 200
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_idle_session_expires(client, settings):
    make_editor("editor")
    login(client, "editor")
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("admin:index")).status_code == 302


def test_activity_renews_a_session_at_most_once_a_minute(client, settings):
    make_editor("editor")
    login(client, "editor")
    key = client.cookies["sessionid"].value
    assert client.get(reverse("admin:index")).status_code == 200  # renews
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timezone.timedelta(seconds=30))
    assert client.get(reverse("admin:index")).status_code == 200  # too soon to renew again
    assert (Session.objects.get(pk=key).expire_date - timezone.now()).total_seconds() < 60
    session = client.session
    session["renewed_at"] -= 61
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timezone.timedelta(seconds=30))
    assert client.get(reverse("admin:index")).status_code == 200
    remaining = (Session.objects.get(pk=key).expire_date - timezone.now()).total_seconds()
    assert remaining > settings.SESSION_COOKIE_AGE - 60


def test_many_passwords_from_one_address_lock_the_username(client, settings):
    make_editor("editor")
    statuses = [login(client, "editor", f"wrong-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    locked = login(client, "editor")  # even the right password
    assert locked.status_code == 429
    assert "Sign-in is locked" in locked.content.decode()
    assert login(client, "editor", address="10.9.9.9").status_code == 429  # the username, not only the address


def test_one_username_from_many_addresses_is_locked(client, settings):
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", f"wrong-{attempt}", address=f"10.0.1.{attempt}")
    assert login(client, "editor", address="10.0.2.1").status_code == 429


def test_one_address_trying_many_usernames_is_locked(client, settings):
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess-{attempt}", "wrong", address="10.0.3.1")
    assert login(client, "editor", address="10.0.3.1").status_code == 429
    assert login(client, "editor", address="10.0.3.2").status_code == 302  # others still sign in


# Behind the TLS proxy every request comes from the proxy (REMOTE_ADDR), and the proxy
# appends the address it saw to whatever X-Forwarded-For the client sent.
PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxies(settings):
    """Production behind N proxies, as DJANGO_BEHIND_TLS_PROXY and DJANGO_PROXY_COUNT set it."""

    def configure(count=1):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.TRUSTED_PROXY_COUNT = count

    configure()
    return configure


def login_through_proxy(client, username, forwarded_for, password=PASSWORD):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
    )


def test_behind_one_proxy_failures_lock_the_client_not_every_account(client, settings, behind_proxies):
    make_user("root", is_staff=True, is_superuser=True)
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):  # a username that does not even exist
        login_through_proxy(client, "nobody", "203.0.113.5", f"wrong-{attempt}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert login_through_proxy(client, "root", "198.51.100.7").status_code == 302
    assert login_through_proxy(client, "editor", "198.51.100.8").status_code == 302
    assert login_through_proxy(client, "editor", "203.0.113.5").status_code == 429  # the address that failed


def test_behind_one_proxy_the_address_the_client_writes_is_ignored(client, settings, behind_proxies):
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A new made-up address each time; the proxy appended the real one.
        login_through_proxy(client, f"guess-{attempt}", f"10.66.0.{attempt}, 203.0.113.5", "wrong")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert login_through_proxy(client, "editor", "10.66.1.1, 203.0.113.5").status_code == 429
    assert login_through_proxy(client, "editor", "203.0.113.5, 198.51.100.7").status_code == 302


def test_behind_two_proxies_the_client_is_the_second_value_from_the_right(client, settings, behind_proxies):
    behind_proxies(2)
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # client-written, the client as the outer proxy saw it, the outer proxy as the inner one saw it
        login_through_proxy(client, f"guess-{attempt}", f"10.66.0.{attempt}, 203.0.113.5, 10.0.0.2", "wrong")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert login_through_proxy(client, "editor", "203.0.113.5, 10.0.0.2").status_code == 429
    assert login_through_proxy(client, "editor", "203.0.113.5, 198.51.100.7, 10.0.0.2").status_code == 302


def test_served_directly_x_forwarded_for_is_not_trusted(client, settings):
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess-{attempt}", "password": "x"},
            REMOTE_ADDR="10.0.4.1",
            HTTP_X_FORWARDED_FOR=f"10.66.0.{attempt}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.4.1"}
    assert login(client, "editor", address="10.0.4.1").status_code == 429


def test_behind_the_proxy_the_application_sees_the_client_address(client, behind_proxies):
    response = client.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.66.0.1, 203.0.113.5")
    assert response.wsgi_request.META["REMOTE_ADDR"] == "203.0.113.5"


def free_port():
    """A free port below the ephemeral range (sockets in TIME_WAIT after load runs)."""
    for port in random.sample(range(20000, 30000), 50):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def test_gunicorn_logs_the_address_that_throttling_counts(tmp_path):
    """gunicorn as `make serve` runs it, behind a proxy on 127.0.0.1 (its --forwarded-allow-ips)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)  # the login page reads no table: an empty SQLite file will do
    env.update(
        DJANGO_SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_STATIC_MANIFEST="0",
        SUMMITCMS_VAR_DIR=str(tmp_path),
    )
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [gunicorn, "summitcms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--access-logfile", "-", "--error-logfile", "-", "--forwarded-allow-ips", PROXY]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{LOGIN}",
            headers={"X-Forwarded-For": "10.66.0.1, 203.0.113.5", "X-Forwarded-Proto": "https"},
        )
        for _ in range(100):
            try:
                assert urllib.request.urlopen(request, timeout=5).status == 200
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    [line] = [line for line in output.splitlines() if f"GET {LOGIN}" in line]
    assert line.startswith("203.0.113.5 ")


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (1, None, PROXY),  # no header: the peer is all we know
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "203.0.113.5, not-an-address", PROXY),  # the proxy's value is the one that counts
        (1, "2001:DB8::1", "2001:db8::1"),
        (2, "203.0.113.5", "203.0.113.5"),  # through the inner proxy only (a health check)
        (0, "203.0.113.5", PROXY),  # DJANGO_PROXY_COUNT=0: the header is ignored
    ],
)
def test_the_client_address_is_never_none(rf, behind_proxies, count, forwarded_for, expected):
    behind_proxies(count)
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    assert client_address(rf.post(LOGIN, REMOTE_ADDR=PROXY, **headers)) == expected


def test_the_log_names_the_address_that_is_locked(client, caplog, behind_proxies):
    make_editor("editor")
    with caplog.at_level(logging.WARNING, logger="axes"):
        login_through_proxy(client, "editor", "10.66.0.1, 203.0.113.5", "wrong")
    [record] = [r for r in caplog.records if r.name.startswith("axes")]
    assert 'ip_address: "203.0.113.5"' in record.getMessage() and "10.66.0.1" not in record.getMessage()


def test_a_superuser_unlocks_a_username(client, settings):
    make_editor("editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", f"wrong-{attempt}")
    assert login(client, "editor").status_code == 429
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert html.texts(html.page(attempts), "#result_list .field-username") == ["editor"]
    call_command("axes_reset_username", "editor", verbosity=0)
    client.logout()
    assert not AccessAttempt.objects.filter(username="editor").exists()
    assert login(client, "editor").status_code == 302


def test_passwords_never_reach_a_log(client, caplog, settings):
    make_editor("editor")
    secret = "Sup3r-secret-guess"
    with caplog.at_level(logging.DEBUG):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            login(client, "editor", secret)
    assert caplog.records, "the failed logins should have been logged"
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert secret not in str(list(AccessAttempt.objects.values()))


def test_not_found_uses_the_site_design_without_details(client):
    response = client.get("/claims/no-such-claim/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and 'class="masthead"' in page
    assert "Traceback" not in page and "URLconf" not in page


def test_permission_denied_uses_the_site_design(client):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 403 and "Not allowed" in response.content.decode()


@pytest.fixture
def failing_site(client, settings):
    settings.ROOT_URLCONF = "tests.failing_urls"
    client.raise_request_exception = False
    return client


def test_a_server_error_shows_the_site_page_and_is_logged_with_its_request(failing_site, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_site.get("/boom/?q=1")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'class="masthead"' in page
    assert "secret internal detail" not in page and "Traceback" not in page and "SECRET_KEY" not in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request.get_full_path() == "/boom/?q=1" and record.exc_info


def test_a_bad_request_shows_the_site_page(failing_site):
    response = failing_site.get("/suspicious/")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode() and "tampered input" not in response.content.decode()


def test_a_refusal_is_logged_as_one_warning_line(client, caplog):
    client.force_login(make_user(is_staff=True))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert (
        record.levelno == logging.WARNING
        and record.getMessage() == "Forbidden (Permission denied): /admin/claims/claim/"
    )
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_request_for_another_host_is_logged_as_one_line(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "attacker.example" in record.getMessage()
    assert record.exc_info is None and "Traceback" not in caplog.text
