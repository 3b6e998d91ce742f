"""Following the links of public pages, as a reader (or a search engine) would."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def internal_links(html):
    parser = Links()
    parser.feed(html)
    for href in parser.links:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/admin", "/static")):
            continue
        yield url


def crawl(client, start, limit=600):
    """Every public address reachable from ``start``: ``{url: response}``."""
    seen, queue = {}, list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend(link for link in internal_links(response.content.decode()) if link not in seen)
    return seen
