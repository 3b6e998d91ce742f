"""Text as people write it (``summitcms.lib.words``)."""

import unicodedata

import pytest
from django.utils.text import Truncator

from summitcms.lib.words import and_list, shorten

TEXTS = [
    "",
    "Peace",
    "x" * 70,
    "x" * 71,
    "Xi Jinping and Vladimir Putin signed a joint statement on deepening the comprehensive partnership",
    "Président Macron s’est rendu à Pékin",
    unicodedata.normalize("NFD", "Président Macron s’est rendu à Pékin et à Moscou, où l’accueil était chaleureux"),
    "  spaces   kept\tas written, with a line\nbreak in it and more words after that point  ",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("limit", [1, 10, 35, 70])
def test_shorten_cuts_as_djangos_truncator_does(text, limit):
    assert shorten(text, limit) == Truncator(text).chars(limit)
    assert len(shorten(text, limit)) <= max(limit, len(unicodedata.normalize("NFC", text)))


def test_shorten_marks_the_cut_and_leaves_short_text_alone():
    assert shorten("Both sides agreed to expand trade", 20) == "Both sides agreed t…"
    assert shorten("Both sides agreed", 20) == "Both sides agreed"
    assert shorten(12345678, 5) == "1234…"


def test_and_list_joins_as_a_sentence_would():
    assert and_list([]) == ""
    assert and_list(["Xi Jinping"]) == "Xi Jinping"
    assert and_list(["Xi Jinping", "Vladimir Putin"]) == "Xi Jinping and Vladimir Putin"
    assert and_list(["claims", "quotes", "agreements"]) == "claims, quotes and agreements"
