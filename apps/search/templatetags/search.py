import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from apps.editorial import registry
from apps.search.query import START, STOP, fallback_terms

register = template.Library()


@register.filter
def headline(text):
    """A PostgreSQL headline (matched words between START and STOP) as HTML with <mark>."""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


@register.filter
def highlight(text, query):
    """``text`` escaped, with the words of ``query`` in <mark> (the SQLite fallback's headline)."""
    terms = [term for negated, term in fallback_terms(query or "") if not negated]
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(str(p) for p in pieces))


@register.filter
def search_headline(result, text):
    """The matched words of a search result in context: PostgreSQL's headline, or (on
    SQLite) the field with the words marked, cut around the first match for a source."""
    if getattr(result, "headline", None) is not None:
        return headline(result.headline)
    try:
        field = registry.entry_type(result).headline_field
    except KeyError:  # a source
        return highlight(snippet(result.body, text), text)
    return highlight(getattr(result, field) if field else str(result), text)


def snippet(body, text, width=160):
    """About ``width`` characters of ``body`` around the first word of ``text`` found in it."""
    lowered = body.lower()
    found = [lowered.find(term.lower()) for _, term in fallback_terms(text)]
    found = [index for index in found if index >= 0]
    start = max(min(found, default=0) - width // 2, 0)
    end = start + width
    words = body[start:end].split()
    # Whole words only: drop a word cut at either end.
    if start > 0 and not body[start - 1].isspace() and words:
        words = words[1:]
    if end < len(body) and not body[end].isspace() and words:
        words = words[:-1]
    return ("… " if start else "") + " ".join(words) + (" …" if end < len(body) else "")
