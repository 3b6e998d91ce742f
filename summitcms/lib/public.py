from django.conf import settings


def is_public_read(request):
    """Whether ``request`` is a reader's: it reads a public page (GET or HEAD, outside the
    admin) and carries no session. Such a request may be served from the page cache and
    built from a read replica; a signed-in person's may show the admin's messages or
    links, and must see what they have just saved."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )
