"""The client's address: what login throttling counts and what the logs show.

Served directly, it is ``REMOTE_ADDR``. Behind the TLS proxy (``DJANGO_BEHIND_TLS_PROXY``),
``REMOTE_ADDR`` is the proxy's own address, the same for everyone, and each proxy appends
the address it received the request from to ``X-Forwarded-For``. The client may send
that header too, with anything in it, and what it sends comes first: only the last
``TRUSTED_PROXY_COUNT`` values were written by our proxies, and the client is the first
of those (the right-most value behind one proxy). django-ipware is not used for this: it
takes the left-most value, the client's choice, by default, and gives no address at all
for a chain shorter than it expects.

``ClientAddressMiddleware`` puts that address in ``REMOTE_ADDR`` as each request
arrives, so that everything after it sees one address: django-axes, and gunicorn's
access log, which reads the same WSGI environ once the response is sent.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address as a string; never None (None would be one address for all)."""
    address = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        chain = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        # A shorter chain came through fewer proxies than configured (a health check on
        # the inner one): its first value is still one a proxy wrote.
        forwarded = chain[max(len(chain) - hops, 0)].strip()
        try:
            address = str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # no header, or not an address: the peer's address is all we know
    return address


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Again on this address gives the same answer: X-Forwarded-For decides behind the proxy.
        request.META["REMOTE_ADDR"] = client_address(request)
        return self.get_response(request)
