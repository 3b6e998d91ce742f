"""Caching public pages without ever serving a stale one.

Pages are cached under the content version (``ContentVersion``), which a trigger in the
database bumps in the same transaction as every write to a table a reader can see, by
whatever path it comes (the ORM, ``QuerySet.update()``, ``loaddata``, raw SQL, another
program). Each request reads the version (one indexed single-row query) before looking
in the cache, so a cached page is used only while nothing has changed since it was
rendered, whichever process made the change and whichever worker serves the request.
The version also makes the ``ETag``, so browsers and proxies revalidate with a cheap 304.

With read replicas, the version is read from the database the page is then built from
(the router sends both to the replica this request reads: ``summitcms.replicas``), so a
page is cached under the version of the data it shows, and is never staler than that
replica. Redis that does not answer is a miss (``summitcms.shared_cache``): the page is
built uncached.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_string

from apps.editorial import registry
from apps.site.models import ContentVersion
from summitcms.lib.public import is_public_read


def watch_public_tables(sender, using="default", **kwargs):
    """After every ``migrate`` (and flush): the triggers that bump the content version on
    any write to what a reader can see (``ContentVersionQuerySet.watch``): every table of
    a registered record, kind of entry, citation and part, and their many-to-many tables."""
    ContentVersion.objects.using(using).watch(registry.public_models())


class PublicPageCacheMiddleware:
    """Serve public pages from the cache while the content version is unchanged.

    Each page is cached twice, as it is and compressed with gzip for the clients that
    accept it (every browser): compressed once when rendered, not on every request. A
    public page holds no secret (no session, no CSRF token), so compression reveals none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_read(request):
            return self.get_response(request)
        # From the database this request reads (a replica for readers): the page below is
        # built from it too.
        number, changed_at = ContentVersion.objects.current()
        # The time of the last change makes the version unique even if the counter starts
        # again (a restored or re-created database beside a long-lived shared cache).
        version = f"{number}.{changed_at.timestamp() if changed_at else 0}"
        # Views may key their own cached pieces by it (the filter choices of public lists).
        request.content_version = version
        # A page holds absolute links (the feed's ids, JSON-LD, the sitemap), so it only
        # ever answers the scheme and host it was built for. get_host() also refuses a
        # host that is not allowed, as the view would.
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        page = hashlib.sha256(f"{version}:{address}".encode()).hexdigest()
        encoding = "gzip" if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")) else "identity"
        etags = {"identity": f'"{page[:32]}"', "gzip": f'"{page[:32]}-gzip"'}
        last_modified = changed_at.timestamp() if changed_at else None
        not_modified = get_conditional_response(request, etag=etags[encoding], last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        cache = caches[settings.PUBLIC_PAGE_CACHE]
        key = f"page:{page}:{request.method}:"
        response = cache.get(key + encoding)
        if response is None:
            response = self.get_response(request)
            if response.status_code != 200 or response.has_header("Set-Cookie") or response.streaming:
                return response
            if last_modified:
                response["Last-Modified"] = http_date(last_modified)
            # Clients revalidate every time: the content version decides.
            patch_cache_control(response, no_cache=True, public=True)
            patch_vary_headers(response, ("Accept-Encoding",))
            if hasattr(response, "render") and callable(response.render):
                response.render()
            # One piece: the feed writes its XML in over a thousand small ones, and the
            # server would send each in a system call of its own, on every hit.
            response.content = response.content
            response["ETag"] = etags["identity"]
            variants = {"identity": response, "gzip": compressed(response, etag=etags["gzip"])}
            cache.set_many({key + name: r for name, r in variants.items()}, settings.PUBLIC_PAGE_CACHE_SECONDS)
            response = variants[encoding]
        return response


def compressed(response, etag):
    """A copy of the response with this ETag, compressed with gzip when that makes it smaller."""
    body = original = response.content
    if not response.has_header("Content-Encoding") and len(body) >= 200:
        body = min(body, compress_string(body), key=len)
    copy = HttpResponse(body, status=response.status_code)
    for header, value in response.items():
        copy[header] = value
    if body is not original:
        copy["Content-Encoding"] = "gzip"
        copy["Content-Length"] = str(len(body))
    copy["ETag"] = etag
    return copy
