"""Caching public pages without ever serving a stale one.

Pages are cached under the content version (``ContentVersion``), which every change to
a model a reader can see bumps in the same transaction. Each request reads the version
(one indexed single-row query) before looking in the cache, so a cached page is used
only while nothing has changed since it was rendered, whichever process made the change
and whichever worker serves the request. The version also makes the ``ETag``, so
browsers and proxies revalidate with a cheap 304.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .models import ContentVersion

# Everything a public page, feed, sitemap or export can show.
PUBLIC_MODELS = [
    "editorial.Topic",
    "actors.Person",
    "actors.Organization",
    "events.Event",
    "sources.Source",
    "claims.Claim",
    "claims.ClaimCitation",
    "claims.ClaimRelation",
    "quotes.Quote",
    "quotes.QuoteCitation",
    "agreements.Agreement",
    "agreements.AgreementCitation",
]


def content_changed(sender, **kwargs):
    ContentVersion.objects.bump()


def connect_signals(apps):
    """Called from EditorialConfig.ready(): bump the version on every write of a public model."""
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-version-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-version-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"content-version-m2m-{label}-{field.name}",
            )


def is_cacheable(request):
    # Signed-in people may see the admin's messages or links; readers have no session.
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PublicPageCacheMiddleware:
    """Serve public pages from the cache while the content version is unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        number, changed_at = ContentVersion.objects.current()
        # The time of the last change makes the version unique even if the counter starts
        # again (a restored or re-created database beside a long-lived shared cache).
        version = f"{number}.{changed_at.timestamp() if changed_at else 0}"
        # Views may key their own cached pieces by it (the filter choices of public lists).
        request.content_version = version
        path = request.get_full_path()
        page = hashlib.sha256(f"{version}:{path}".encode()).hexdigest()
        etag = f'"{page[:32]}"'
        last_modified = changed_at.timestamp() if changed_at else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        cache = caches[settings.PUBLIC_PAGE_CACHE]
        key = f"page:{page}:{request.method}"
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if response.status_code != 200 or response.has_header("Set-Cookie") or response.streaming:
                return response
            response["ETag"] = etag
            if last_modified:
                response["Last-Modified"] = http_date(last_modified)
            # Clients revalidate every time: the content version decides.
            patch_cache_control(response, no_cache=True, public=True)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response
