"""Following the links of public pages and of the JSON API, as a reader, a search engine
or an API client would."""

import json
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

ORIGIN = "http://testserver"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def internal(href):
    """The path and query of an address on this site (absolute or not), or None."""
    url, _ = urldefrag(href.removeprefix(ORIGIN) if href.startswith(f"{ORIGIN}/") else href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/admin", "/static")):
        return None
    return url


def internal_links(html):
    parser = Links()
    parser.feed(html)
    for href in parser.links:
        if url := internal(href):
            yield url


def strings(data):
    """Every string in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def api_links(body):
    """The addresses of this site that a JSON document of the API gives (its entries, pages, next page)."""
    for value in strings(json.loads(body)):
        if value.startswith(f"{ORIGIN}/") and (url := internal(value)):
            yield url


def body_of(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def crawl(client, start, limit=600):
    """Every public address reachable from ``start``: ``{url: response}`` (a streamed
    response is read, its body kept as ``response.body``)."""
    seen, queue = {}, list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        response.body = body_of(response)
        seen[url] = response
        content_type = response.get("Content-Type", "")
        if response.status_code != 200:
            continue
        if content_type.startswith("text/html"):
            queue.extend(link for link in internal_links(response.body) if link not in seen)
        elif content_type.startswith("application/json"):
            queue.extend(link for link in api_links(response.body) if link not in seen)
    return seen
