"""Marking cited passages in a source's text."""

import re
from html.parser import HTMLParser

from apps.sources.passages import mark_passages


class Nesting(HTMLParser):
    """Checks that marks nest properly; collects the text and the passage ids."""

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.ids = [], [], []

    def handle_starttag(self, tag, attrs):
        assert tag == "mark", tag
        self.stack.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = Nesting()
    parser.convert_charrefs = True
    parser.feed(str(html))
    parser.close()
    assert parser.stack == []
    return "".join(parser.text), parser.ids


def test_each_passage_gets_its_id_and_the_text_is_unchanged():
    body = "One two three four five six."
    html = mark_passages(body, [(4, 13), (19, 23)])
    expected = (
        'One <mark class="passage" id="passage-4-13">two three</mark> four '
        '<mark class="passage" id="passage-19-23">five</mark> six.'
    )
    assert html == expected
    assert parse(html) == (body, ["passage-4-13", "passage-19-23"])


def test_the_text_is_escaped_piece_by_piece():
    body = 'He wrote <script>alert("x")</script> & left.'
    html = mark_passages(body, [(9, 17)])
    assert "<script>" not in html
    assert (
        '<mark class="passage" id="passage-9-17">&lt;script&gt;</mark>alert(&quot;x&quot;)&lt;/script&gt; &amp; left.'
        in html
    )
    assert parse(html)[0] == body


def test_nested_crossing_and_repeated_passages_nest_properly():
    body = "abcdefghijklmnopqrstuvwxyz"
    spans = [(0, 10), (2, 5), (2, 5), (8, 15), (8, 12), (20, 26), (24, 26), (12, 22)]
    text, ids = parse(mark_passages(body, spans))
    assert text == body
    assert sorted(ids) == sorted({f"passage-{s}-{e}" for s, e in spans})  # each once, however often cited
    html = str(mark_passages(body, spans))
    # A passage that crosses another starts with its id and goes on in a continued mark.
    assert '<mark class="passage" id="passage-8-15">' in html
    assert 'class="passage passage-continued"' in html


def test_passages_outside_the_text_or_empty_are_ignored():
    body = "short"
    assert mark_passages(body, [(3, 3), (4, 99), (-1, 2)]) == "short"


def test_a_whole_text_and_touching_passages():
    body = "alpha beta"
    html = mark_passages(body, [(0, 5), (5, 10), (0, 10)])
    assert parse(html) == (body, ["passage-0-10", "passage-0-5", "passage-5-10"])
    assert re.match(r'^<mark class="passage" id="passage-0-10"><mark class="passage" id="passage-0-5">alpha', str(html))
