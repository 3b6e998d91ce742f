"""Reading from replicas, and answering when a database does not.

With ``DATABASE_REPLICA_URLS`` set (docs/deploy.md), a reader's request (a public page,
no session: ``is_public_read``) reads from a replica, and everything else from the
primary: the admin, signed-in people, every write, and the writer's next pages for
``READ_YOUR_WRITES_SECONDS`` after a POST (a cookie says so: the writer may be on
another app server next time, and a replica may not have replayed the write yet).
Commands and the shell, outside any request, use the primary.

The choice is made once per request, here, and the router reads it: Django's router sees
a model, not a request. The page cache's content version is read through the router
too, so a page built from a replica is cached under that replica's version, and a
retraction reaches readers as soon as their replica has replayed it.

A replica that does not answer: checked before the request's first query (Django's
health check of a persistent connection, which runs once per request anyway, moved to
the start), and remembered for ``OUTAGE_RETRY_SECONDS`` so that the requests after it do
not try it again; meanwhile the primary answers. A replica that fails in the middle of
a request (stopped, or a query cancelled by replay) has the whole request read again
from the primary: the router cannot catch an error, and a public read writes nothing,
so running it again is safe.

The primary that does not answer is an outage, not a bug: ``server_error`` answers
503 with a page saying the site is read-only for now, wherever the error came from
(saving, signing in, loading the session of a signed-in person); readers go on reading
from the replicas. Nothing is remembered about the primary: each request tries it, so
the admin is back on the first request after it returns.
"""

import contextvars
import logging
import random
import sys
import time

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

from summitcms.lib.public import is_public_read

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
# Set on the answer to a write; while it lasts, the writer reads from the primary. It
# holds nothing: a client that sends it only loses the replica.
RECENT_WRITE_COOKIE = "recent_write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# The database this request reads from. Outside a request, the primary.
reading_from = contextvars.ContextVar("reading_from", default=PRIMARY)


def back_to_the_primary(**kwargs):
    # When the response is closed (after a streamed one's last row), not when the
    # middleware returns: a CSV download reads while it is sent.
    reading_from.set(PRIMARY)


request_finished.connect(back_to_the_primary, dispatch_uid="summitcms-replicas-back-to-the-primary")


class PrimaryReplicaRouter:
    """Reads from the database ``ReplicaMiddleware`` chose for the request; writes, and
    migrations, to the primary (the replicas replay them)."""

    def db_for_read(self, model, **hints):
        return reading_from.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one set of data, whichever copy it was read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class Outages:
    """Replicas this worker found not answering, each left alone until a time; logged
    once when it goes, once when it is back (not a traceback per request)."""

    def __init__(self, clock=time.monotonic):
        self.until = {}
        self.clock = clock

    def known(self, alias):
        return self.clock() < self.until.get(alias, 0)

    def begin(self, alias, error):
        if alias not in self.until:
            logger.warning(
                "Replica %s does not answer (%s): reading from the primary, trying it again every %s s.",
                alias,
                " ".join(str(error).split()),
                settings.OUTAGE_RETRY_SECONDS,
            )
        self.until[alias] = self.clock() + settings.OUTAGE_RETRY_SECONDS

    def end(self, alias):
        if self.until.pop(alias, None) is not None:
            logger.warning("Replica %s answers again: reading from it.", alias)


outages = Outages()


def answers(alias):
    """Whether the database ``alias`` accepts a connection now: a connection of its own,
    since the request's may be broken or in the middle of a transaction."""
    connection = connections.create_connection(alias)
    try:
        connection.ensure_connection()
    except DatabaseError:
        return False
    finally:
        connection.close()
    return True


def ready(alias):
    """Whether this request can read from the replica ``alias``."""
    if outages.known(alias):
        return False
    connection = connections[alias]
    try:
        # A persistent connection to a replica that went away is closed here, and a new
        # one tried, rather than failing at the request's first query.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        outages.begin(alias, error)
        return False
    outages.end(alias)
    return True


class ReplicaMiddleware:
    """Chooses the database each request reads from (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        reading_from.set(self.choose(request))
        response = self.get_response(request)
        if getattr(request, "replica_failed", False):
            reading_from.set(PRIMARY)
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def choose(self, request):
        if not is_public_read(request) or RECENT_WRITE_COOKIE in request.COOKIES:
            return PRIMARY
        replicas = settings.DATABASE_REPLICAS
        return next((alias for alias in random.sample(replicas, len(replicas)) if ready(alias)), PRIMARY)


def server_error(request):
    """``handler500``: a database that does not answer is an outage (503), not a bug.

    Django calls it while it handles the exception, which ``sys.exc_info()`` still holds,
    whichever layer raised it: the view, or a middleware (the session of a signed-in
    person is loaded from the primary before any view runs).
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        alias = reading_from.get()
        if alias != PRIMARY:
            # A replica failed under this request: ReplicaMiddleware reads it again from
            # the primary, and the reader never sees this answer.
            if not answers(alias):
                outages.begin(alias, error)
            request.replica_failed = True
            response = HttpResponse(status=503)
            response._has_been_logged = True  # Django's own flag: not an answer to log
            return response
        if not answers(PRIMARY):
            return read_only()
    return defaults.server_error(request)


def read_only():
    """The 503 page while the primary does not answer."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
