"""Finding an excerpt in a source's body the way a reader would.

Analysts copy passages from web pages and PDFs, so the same words arrive with other
whitespace, curly or straight quotes, and hyphens for dashes. We compare folded text and
map the match back to offsets in the original body, so the highlighted passage on the
public site is exactly the characters of the source.
"""

import bisect
import difflib
import hashlib
import re
from collections.abc import Sequence

# Each of these reads as the character it maps to; a verbatim excerpt may use either.
FOLDED_CHARACTERS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent used as an apostrophe
        "`": "'",
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u2033": '"',  # double prime
        "\u00ab": '"',  # guillemets
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
    }
)
# Runs that fold into fewer characters: only these move the positions.
LONG_WHITESPACE = re.compile(r"\s{2,}")
# The same, as pairs for str.replace.
FOLDED_PAIRS = [(chr(code), folded) for code, folded in FOLDED_CHARACTERS.items()]


def fold_characters(string):
    """``string.translate(FOLDED_CHARACTERS)``, without a dictionary look-up per character:
    a search per pair and a replace for the few present run at C speed."""
    for character, folded in FOLDED_PAIRS:
        if character in string:
            string = string.replace(character, folded)
    return string


class Positions(Sequence):
    """Where each character of a folded text comes from: ``positions[i]`` is the index in
    the original text of folded character ``i``.

    Only runs of two or more whitespace characters move positions, so it keeps where each
    stretch between them begins and how far it is shifted (a few numbers per paragraph),
    not a number per character: an import checks millions of citations, and building a
    list of every character's position was most of the time it spent on a source.
    """

    __slots__ = ("starts", "shifts", "length")
    __hash__ = None

    def __init__(self, starts, shifts, length):
        self.starts = starts  # the folded index where each stretch begins, ascending
        self.shifts = shifts  # original index minus folded index, in that stretch
        self.length = length

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError("folded position out of range")
        return index + self.shifts[bisect.bisect_right(self.starts, index) - 1]

    def __eq__(self, other):
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self):
        return f"Positions({list(self)!r})"


def fold(text):
    """Return ``(folded, positions)``: ``folded[i]`` comes from ``text[positions[i]]``.

    Runs of whitespace (spaces, tabs, newlines, no-break spaces) become one space;
    typographic quotes and dashes become their ASCII forms. Every other character folds
    into one character, so only runs of two or more whitespace characters move the
    positions (``Positions``): the text is folded at C speed and the positions are one
    shift per such run.
    """
    starts, shifts = [0], [0]
    folded_index = end = 0
    for run in LONG_WHITESPACE.finditer(text):
        folded_index += run.start() + 1 - end  # the characters before it, and its first
        end = run.end()
        starts.append(folded_index)
        shifts.append(end - folded_index)
    length = folded_index + len(text) - end
    return fold_characters(collapse_whitespace(text)), Positions(starts, shifts, length)


def collapse_whitespace(text):
    """Each run of whitespace in ``text`` as one space, at the speed of ``str.split`` (a
    regular expression's ``sub`` took a few times longer)."""
    words = text.split()
    if not words:
        return " " if text else ""
    collapsed = " ".join(words)
    if text[0].isspace():
        collapsed = " " + collapsed
    if text[-1].isspace():
        collapsed += " "
    return collapsed


def folded(text):
    """The folded form of ``text``, without its leading and trailing whitespace.

    ``fold(text.strip())[0]`` without the positions, a hundred times faster: ``\\s`` and
    ``str.isspace`` agree, and no character folds into or out of whitespace.
    """
    return fold_characters(" ".join(text.split()))


def locate(excerpt, body):
    """Return ``(start, end)`` of ``excerpt`` in ``body``, or None when it is not there.

    Offsets index the original body: ``body[start:end]`` is the passage as the source
    prints it. The first occurrence wins.
    """
    return locate_folded(excerpt, fold(body))


def locate_folded(excerpt, folded_body):
    """``locate`` in a body already folded by ``fold``: fold a source cited many times once."""
    needle = folded(excerpt)
    haystack, positions = folded_body
    index = haystack.find(needle) if needle else -1
    if index < 0:
        return None
    return positions[index], positions[index + len(needle) - 1] + 1


def contains(passage, text):
    """Whether ``text`` occurs in ``passage``, compared folded."""
    needle = folded(text)
    return bool(needle) and needle in folded(passage)


def content_hash(body):
    """SHA-256 of the folded body: the same text re-pasted with other spacing is a duplicate."""
    return hashlib.sha256(folded(body).encode("utf-8")).hexdigest()


WORD = re.compile(r"\w+")


def nearest(excerpt, body, cutoff=0.6):
    """``(start, end)`` of the passage of ``body`` closest to ``excerpt``, or None when
    none is close enough: what an analyst meant to cite when a word was mistyped or
    changed.

    Cheap for a long body: the words of both are compared (``difflib`` on word lists,
    linear in the body), each run of words they share proposes the passages of about the
    excerpt's length aligned on it, and the best of those few candidates, compared by
    characters, wins.
    """
    wanted = [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(excerpt)]
    words = [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(body)]
    if not wanted or not words:
        return None
    matcher = difflib.SequenceMatcher(None, [w for w, *_ in wanted], [w for w, *_ in words], autojunk=False)
    needle = folded(excerpt).lower()
    best, best_ratio = None, cutoff
    starts = {block.b - block.a for block in matcher.get_matching_blocks() if block.size}
    for first in sorted(starts):
        first = max(first, 0)
        # A word or two may have been added or left out.
        for length in range(max(len(wanted) - 2, 1), len(wanted) + 3):
            last = min(first + length, len(words)) - 1
            if last < first:
                continue
            span = widen(body, words[first][1], words[last][2], excerpt, wanted)
            ratio = difflib.SequenceMatcher(None, needle, folded(body[span[0] : span[1]]).lower()).ratio()
            if ratio > best_ratio:
                best, best_ratio = span, ratio
    return best


def widen(body, start, end, excerpt, wanted):
    """``(start, end)`` widened over the punctuation the excerpt has before its first word
    and after its last ("30%", "“Quote”"), where the body has it too."""
    lead = sum(1 for character in excerpt[: wanted[0][1]] if not character.isspace())
    trail = sum(1 for character in excerpt[wanted[-1][2] :] if not character.isspace())
    while lead > 0 and start > 0 and not body[start - 1].isspace() and not WORD.match(body[start - 1]):
        start, lead = start - 1, lead - 1
    while trail > 0 and end < len(body) and not body[end].isspace() and not WORD.match(body[end]):
        end, trail = end + 1, trail - 1
    return start, end
