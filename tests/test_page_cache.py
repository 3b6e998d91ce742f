"""Public pages are cached, and never served stale: not even for one request."""

import gzip
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.claims.models import Claim
from apps.site.models import ContentVersion
from tests import html
from tests.builders import make_claim, make_source

ROOT = Path(__file__).resolve().parent.parent


def verified_claim(statement="Trade reached a record high."):
    return make_claim(citations=[(make_source(), "three-day visit")], status="verified", statement=statement)


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


@pytest.mark.django_db
def test_a_second_request_is_served_from_the_cache_with_one_query(client):
    claim = verified_claim()
    url = claim.get_absolute_url()
    first, _ = queries_for(client, url)
    second, count = queries_for(client, url)
    assert second.status_code == 200 and second.content == first.content
    assert count == 1  # the content version


@pytest.mark.django_db
def test_an_edit_is_visible_on_the_very_next_request(client):
    claim = verified_claim("Before the edit")
    url = claim.get_absolute_url()
    assert "Before the edit" in client.get(url).content.decode()
    claim.statement = "After the edit"
    claim.save()
    assert "After the edit" in client.get(url).content.decode()


def shown_as_retracted(client, url):
    """The page of a retracted entry: 410 Gone, what it said only as retracted, no evidence."""
    response = client.get(url)
    page = html.page(response)
    assert response.status_code == 410
    assert not page.select(".evidence")
    return html.the_text(page, ".retracted-text")


@pytest.mark.django_db
def test_a_retraction_removes_the_page_at_once(client):
    claim = verified_claim()
    url = claim.get_absolute_url()
    assert client.get(url).status_code == 200
    claim.status = "retracted"
    claim.save()
    assert shown_as_retracted(client, url) == "Trade reached a record high."


@pytest.mark.django_db
def test_a_change_to_a_source_it_cites_is_visible_at_once(client):
    claim = verified_claim()
    client.get(claim.get_absolute_url())
    number = ContentVersion.objects.current()[0]
    source = claim.citations.get().source
    source.title = "Renamed source"
    source.save()
    assert ContentVersion.objects.current()[0] > number


@pytest.mark.django_db
def test_conditional_get_answers_304_until_something_changes(client):
    claim = verified_claim()
    url = claim.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"]
    again, count = queries_for(client, url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and count == 1
    claim.statement = "Edited"
    claim.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.django_db
def test_signed_in_people_and_the_admin_are_never_served_from_the_page_cache(client, admin_user):
    claim = verified_claim()
    client.get(claim.get_absolute_url())
    client.force_login(admin_user)
    _, count = queries_for(client, claim.get_absolute_url())
    assert count > 1
    assert "ETag" not in client.get("/admin/").headers


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = quote(settings["HOST"] or "", safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{settings['USER']}@{host}{port}/{settings['NAME']}"


def in_another_process(code):
    env = {**os.environ, "DATABASE_URL": database_url()}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_retraction_by_another_process_is_visible_on_the_next_request(client, settings):
    claim = verified_claim()
    url = claim.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now from this worker's cache
    in_another_process(
        f"from apps.claims.models import Claim; c = Claim.objects.get(pk={claim.pk}); c.status = 'retracted'; c.save()"
    )
    assert Claim.objects.get(pk=claim.pk).status == "retracted"
    assert shown_as_retracted(client, url) == "Trade reached a record high."


@pytest.mark.django_db(transaction=True)
def test_an_edit_by_loaddata_in_another_process_is_visible_on_the_next_request(client, tmp_path):
    claim = verified_claim("Old wording")
    url = claim.get_absolute_url()
    assert "Old wording" in client.get(url).content.decode()
    in_another_process(
        "from django.core import serializers; from apps.claims.models import Claim; "
        f"c = Claim.objects.get(pk={claim.pk}); c.statement = 'Wording from a fixture'; "
        f"open({str(tmp_path / 'f.json')!r}, 'w').write(serializers.serialize('json', [c])); "
        f"from django.core.management import call_command; call_command('loaddata', {str(tmp_path / 'f.json')!r})"
    )
    assert "Wording from a fixture" in client.get(url).content.decode()


def test_the_shared_cache_is_redis_when_cache_url_is_set(settings):
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("CACHE_URL"):
        assert backend == "summitcms.shared_cache.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db(transaction=True)
def test_one_transaction_of_many_writes_bumps_the_version_once_on_postgresql(require_postgres):
    # Updating the one row again and again in one transaction would be quadratic there.
    from django.db import transaction

    start = ContentVersion.objects.current()[0]
    with transaction.atomic():
        for number in range(5):
            verified_claim(f"Claim {number} of one import")
        Claim.objects.update(statement="Rewritten in bulk")
    assert ContentVersion.objects.current()[0] == start + 1
    verified_claim("Later saves, each in a transaction of its own")
    assert ContentVersion.objects.current()[0] > start + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_bumps_nothing_and_does_not_stop_the_next_bump():
    from django.db import transaction

    start = ContentVersion.objects.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        verified_claim("Undone")
        raise RuntimeError("roll back the transaction")
    assert ContentVersion.objects.current() == start
    with transaction.atomic():
        try:
            with transaction.atomic():
                verified_claim("Undone too")
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
        verified_claim("Kept")
    number = ContentVersion.objects.current()[0]
    assert number > start[0]
    if connection.vendor == "postgresql":  # once per transaction: the savepoint's bump went with it
        assert number == start[0] + 1
    assert list(Claim.objects.values_list("statement", flat=True)) == ["Kept"]


@pytest.mark.django_db
def test_a_page_read_between_two_writes_of_one_transaction_sees_the_second(client):
    # Tests run in one transaction: reading the version there makes the next write bump again.
    claim = verified_claim("First version")
    url = claim.get_absolute_url()
    assert "First version" in client.get(url).content.decode()
    claim.statement = "Second version"
    claim.save()
    assert "Second version" in client.get(url).content.decode()
    claim.statement = "Third version"
    claim.save()
    assert "Third version" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_cached_feed_is_sent_in_one_piece(client):
    # The feed generator writes each element separately; sent as they are, a cached
    # feed costs the server over a thousand writes per request.
    for n in range(20):
        verified_claim(f"Claim number {n} on trade.")
    first = client.get("/feeds/verified/")
    cached = client.get("/feeds/verified/")
    assert cached.status_code == 200 and cached.content == first.content
    assert len(list(cached)) == 1


@pytest.mark.django_db
def test_clients_that_accept_gzip_get_the_page_compressed_once_and_cached(client):
    claim = verified_claim()
    url = claim.get_absolute_url()
    plain = client.get(url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    zipped, count = queries_for(client, url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert count == 1  # the content version: served from the cache
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == gzip.decompress(first.content) == plain.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    # Each representation has its own validator, and each revalidates to a 304.
    assert zipped["ETag"] != plain["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 200


@pytest.mark.django_db
def test_a_compressed_page_is_never_stale_either(client):
    claim = verified_claim("Before the edit")
    url = claim.get_absolute_url()
    assert b"Before the edit" in gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
    claim.statement = "After the edit"
    claim.save()
    assert b"After the edit" in gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
    claim.status = "retracted"
    claim.save()
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == 410  # Gone


# Two names of one site, over HTTP and over HTTPS (behind the TLS proxy's header).
ORIGINS = {
    "http://localhost": {"HTTP_HOST": "localhost"},
    "http://127.0.0.1": {"HTTP_HOST": "127.0.0.1"},
    "https://localhost": {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_PROTO": "https"},
    "https://127.0.0.1": {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["feed", "claim"])
def test_a_cached_page_only_answers_the_host_and_scheme_it_was_built_for(client, settings, page):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    claim = verified_claim()
    # The feed's ids and links, the claim's ClaimReview JSON-LD: absolute addresses.
    url = "/feeds/verified/" if page == "feed" else claim.get_absolute_url()
    etags = {}
    for served_from_cache in (False, True):
        for origin, headers in ORIGINS.items():
            response, queries = queries_for(client, url, **headers)
            body = response.content.decode()
            assert response.status_code == 200 and f"{origin}/" in body, origin
            assert [other for other in ORIGINS if other != origin and f"{other}/" in body] == [], origin
            assert (queries == 1) == served_from_cache, origin
            etags.setdefault(origin, response["ETag"])
            assert response["ETag"] == etags[origin]
    assert len(set(etags.values())) == len(ORIGINS)
    # One origin's validator does not make another's page a 304.
    assert (
        client.get(url, HTTP_IF_NONE_MATCH=etags["http://localhost"], **ORIGINS["http://127.0.0.1"]).status_code == 200
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=etags["http://localhost"], HTTP_HOST="localhost").status_code == 304


@pytest.mark.django_db
def test_a_cached_page_is_not_served_to_a_host_that_is_not_allowed(client):
    url = verified_claim().get_absolute_url()
    assert client.get(url, HTTP_HOST="localhost").status_code == 200
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/corrections/", "/feeds/corrections/", "/api/", "/api/claims/", "/api/claims/{slug}/", "/api/schema/"]
)
def test_the_corrections_log_its_feed_and_the_api_are_cached_and_fresh_after_a_write(client, url):
    from apps.editorial import workflow
    from tests.builders import make_editor

    claim = verified_claim("To be retracted")
    url = url.format(slug=claim.slug)
    first, _ = queries_for(client, url)
    again, count = queries_for(client, url)
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert count == 1  # the content version: served from the cache
    workflow.apply(claim, "retract", make_editor(), note="It was wrong.")
    after, count = queries_for(client, url)
    assert after.status_code == 410 or after["ETag"] != first["ETag"]  # cached under the new content version
    if url.startswith(("/corrections/", "/feeds/corrections/")):
        assert "To be retracted" in after.content.decode() and "To be retracted" not in first.content.decode()
    elif url == "/api/claims/":
        assert "To be retracted" in first.content.decode() and "To be retracted" not in after.content.decode()
    elif url.startswith("/api/claims/"):
        assert after.status_code == 410
