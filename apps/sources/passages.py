"""A source's text with its cited passages marked, as HTML.

Every passage becomes ``<mark id="passage-START-END">`` (the offsets stored on the
citation), so a link to ``#passage-START-END`` lands on it. Passages may nest or cross:
at each boundary the marks still open are closed and reopened, so the HTML always nests
properly; a passage cut that way keeps its id on its first piece. The text between
marks is escaped piece by piece: nothing in a source can become markup.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def passage_id(start, end):
    return f"passage-{start}-{end}"


def mark_passages(body, spans):
    """``body`` as safe HTML with each ``(start, end)`` in ``spans`` marked."""
    spans = sorted({(s, e) for s, e in spans if 0 <= s < e <= len(body)}, key=lambda span: (span[0], -span[1]))
    boundaries = sorted({0, len(body), *(s for s, _ in spans), *(e for _, e in spans)})
    starting = {}
    for span in spans:
        starting.setdefault(span[0], []).append(span)  # longest first: shorter ones nest inside
    html, open_spans, opened = [], [], set()
    for position, following in zip(boundaries, boundaries[1:] + [None], strict=True):
        ending = [i for i, span in enumerate(open_spans) if span[1] == position]
        if ending:
            lowest = ending[0]
            closing = open_spans[lowest:]
            html.append("</mark>" * len(closing))
            open_spans = open_spans[:lowest]
            for span in closing:
                if span[1] != position:
                    html.append('<mark class="passage passage-continued">')
                    open_spans.append(span)
        for span in starting.get(position, []):
            html.append(f'<mark class="passage" id="{passage_id(*span)}">' if span not in opened else "")
            opened.add(span)
            open_spans.append(span)
        if following is not None:
            html.append(str(escape(body[position:following])))
    html.append("</mark>" * len(open_spans))
    return mark_safe("".join(html))
