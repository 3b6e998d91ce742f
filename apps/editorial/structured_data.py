"""What the Schema.org JSON-LD of every kind of entry shares: the publisher, dates, and
the sources an entry appeared in as ``CreativeWork``. Each entry app builds its own
document from these.
"""

from .public import web_url

PUBLISHER = "SummitCMS"


def publisher(request):
    return {"@type": "Organization", "name": PUBLISHER, "url": request.build_absolute_uri("/")}


def date(value):
    return value.date().isoformat() if hasattr(value, "date") else value.isoformat()


def creative_work(source):
    """A source as the article it is. Reads ``source.outlet``: select it."""
    work = {"@type": "CreativeWork", "headline": source.title}
    if web_url(source.url):
        work["url"] = source.url
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet_id:
        work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    if source.authors:
        work["author"] = {"@type": "Person", "name": source.authors}
    return work


def appearances(entry):
    """Each source once, in the order of the entry's (prefetched) citations."""
    sources = {}
    for citation in entry.citations.all():
        if citation.stance != "contradicts":
            sources.setdefault(citation.source.pk, citation.source)
    return [creative_work(source) for source in sources.values()]
