"""A source's fields from a saved web page or a text file, for the analyst to check.

The main text of an HTML page (without its menus, links lists, comments and footer) is
extracted by trafilatura, which also reads the title, the author and the date from the
page's metadata (``<title>``, Open Graph, ``<meta name="author">``, JSON-LD,
``<time>``…) when the page gives them. Nothing is saved here: the admin shows the fields
in the source's add form, where the analyst checks them against the page.
"""

import datetime

from django.utils.text import slugify

# A saved page larger than this is refused before it is parsed (a news page with its
# scripts and styles inlined is a few megabytes).
MAX_BYTES = 10 * 1024 * 1024


class Unreadable(ValueError):
    """The file is not a page or a text whose main text can be read."""


def decode(data):
    """Text from bytes: UTF-8 (with or without a byte-order mark), else Windows-1252,
    which maps every byte (what old pages saved by a browser use)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def looks_like_html(name, text):
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return text.lstrip()[:200].lower().startswith(("<!doctype html", "<html"))


def source_fields(name, data):
    """``{field: value}`` for a Source's add form from the file ``name`` with ``data``
    (bytes): ``body`` always; ``title``, ``slug``, ``authors``, ``published_on``, ``url``
    and ``language`` when the page says them. Raises ``Unreadable``."""
    if len(data) > MAX_BYTES:
        raise Unreadable(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    import trafilatura  # here: it and its date parsers take a while to import, and only this page needs them

    text = decode(data)
    if not looks_like_html(name, text):
        body = text.strip()
        if not body:
            raise Unreadable("The file is empty.")
        return {"body": body}
    body = trafilatura.extract(text, include_comments=False, include_tables=True, favor_precision=True)
    if not body or not body.strip():
        raise Unreadable("No main text was found in the page: paste the text instead.")
    # One paragraph a line from trafilatura; a blank line between them, as the sources have.
    fields = {"body": "\n\n".join(line.strip() for line in body.splitlines() if line.strip())}
    metadata = trafilatura.extract_metadata(text)
    if metadata is not None:
        if metadata.title:
            fields["title"] = metadata.title.strip()[:300]
            fields["slug"] = slugify(fields["title"])[:80].rstrip("-")
        if metadata.author:
            fields["authors"] = metadata.author.replace(";", ",").strip()[:300]
        if metadata.date:
            try:
                fields["published_on"] = datetime.date.fromisoformat(metadata.date[:10])
            except ValueError:
                pass
        if metadata.url and metadata.url.startswith(("http://", "https://")):
            fields["url"] = metadata.url[:500]
    language = page_language(text)
    if language:
        fields["language"] = language
    return fields


def page_language(text):
    """The page's ``<html lang>``, as an ISO 639-1 code ("en-GB" → "en"), or ""."""
    from lxml import html

    try:
        root = html.fromstring(text)
    except Exception:  # noqa: BLE001 — lxml raises several kinds on a broken page
        return ""
    lang = (root.get("lang") or "").split("-")[0].strip().lower()
    return lang if lang.isalpha() and len(lang) <= 3 else ""
