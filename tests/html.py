"""Reading a page as its reader does: parsed, and scoped to the element that should hold
a phrase.

A phrase looked for anywhere in a page can match by accident: "1 source" and "disputed"
are options of the corroboration filter on every list, a slug is in every link to its
entry, "RT" is in any word in capitals, a person's name in the passages quoted.
"""

from bs4 import BeautifulSoup


def page(response):
    """The parsed document of a response (streamed or not)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return BeautifulSoup(content, "html.parser")


def text(element):
    """An element's text as a reader sees it: whitespace folded, tags gone."""
    return " ".join(element.get_text().split())


def texts(document, selector):
    """The text of each element the CSS ``selector`` matches, in document order."""
    return [text(element) for element in document.select(selector)]


def the_text(document, selector):
    """The text of the one element ``selector`` matches; fails when there are none or several."""
    found = document.select(selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return text(found[0])


def entries(document):
    """The entries of a list, each by its title (a quote by its text): ``{title: element}``."""
    return {the_text(item, ".entry-title, .entry-quote-text"): item for item in document.select(".entry-list .entry")}


def facts(document):
    """The facts of a detail page (``<dl class="facts">``): ``{term: its <dd> element}``."""
    return {text(fact.dt): fact.dd for fact in document.select(".facts > div")}


def hrefs(element):
    """Where the links inside ``element`` go, in order."""
    return [link["href"] for link in element.select("a[href]")]
