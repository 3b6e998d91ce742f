"""Text as people write it: lists ("Xi Jinping and Vladimir Putin", "claims, quotes and
agreements") and text cut short ("Both sides agreed to…")."""

import unicodedata


def and_list(items):
    """``items`` (strings) joined as a sentence would: "A", "A and B", "A, B and C"."""
    items = list(items)
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def shorten(text, limit):
    """``text`` cut to ``limit`` characters at most, "…" marking the cut. Django's
    ``Truncator(text).chars(limit)`` for text in composed form (NFC), without its loop over
    each character and its translation lookups: an entry's name is shortened once per row
    of a list (its ``__str__``), 500 times on a page of the admin."""
    text = str(text)
    if len(text) <= limit:
        return text
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
