import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from apps.editorial.public import web_url
from apps.search.query import START, STOP, fallback_terms

register = template.Library()
# {% with href=source.url|web_url %}: the address if a link may point to it, else "".
register.filter("web_url", web_url)

# As Django's json_script: <, > and & inside the data cannot end the script element.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """``<script type="application/ld+json">`` with ``data``, safe whatever text it holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.inclusion_tag("includes/corroboration.html")
def corroboration_badge(entry):
    """The badge: "1 source", "2 independent sources" or "disputed". Reads the entry's
    prefetched citations (``with_evidence()``)."""
    return {"corroboration": entry.corroboration()}


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
def kind_label(entry):
    """ "Claim", "Quote", "Agreement": what kind of entry this is."""
    return entry._meta.verbose_name.capitalize()


# The text a search result's headline is cut from, per model.
HEADLINE_FIELDS = {"claims.claim": "statement", "quotes.quote": "text", "agreements.agreement": "title"}


@register.filter
def search_headline(result, text):
    """The matched words of a search result in context: PostgreSQL's headline, or (on
    SQLite) the field with the words marked, cut around the first match for a source."""
    if getattr(result, "headline", None) is not None:
        return headline(result.headline)
    field = HEADLINE_FIELDS.get(result._meta.label_lower)
    if field:
        return highlight(getattr(result, field), text)
    return highlight(snippet(result.body, text), text)


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
