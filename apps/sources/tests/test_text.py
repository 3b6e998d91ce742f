from hypothesis import given
from hypothesis import strategies as st

from apps.sources import text


def test_it_finds_an_excerpt_with_straight_quotes_in_a_body_with_curly_ones():
    body = "Intro.\n“We’re always for peace,” said Xi."
    start, end = text.locate('"We\'re always for peace," said Xi.', body)
    assert body[start:end] == "“We’re always for peace,” said Xi."


def test_it_folds_runs_of_whitespace_and_line_breaks():
    body = "first line\n\n   second\tline"
    start, end = text.locate("line second line", body)
    assert body[start:end] == "line\n\n   second\tline"


def test_it_folds_dashes():
    body = "Cooperation — in energy – and trade"
    start, end = text.locate("Cooperation - in energy - and trade", body)
    assert (start, end) == (0, len(body))


def test_it_returns_none_for_text_that_is_not_there():
    assert text.locate("never said", "Something else entirely") is None


def test_an_empty_excerpt_is_never_found():
    assert text.locate("   ", "anything") is None


def test_comparison_keeps_case_and_letters():
    assert text.locate("IT and AI", "rivals in IT and Al.") is None
    assert text.locate("IT and Al", "rivals in IT and Al.") is not None


def test_the_content_hash_ignores_spacing_and_quote_styles():
    assert text.content_hash("A  “b”\n") == text.content_hash('A "b"')
    assert text.content_hash("A b") != text.content_hash("A c")


# Whitespace of every kind, the characters that fold, and ordinary ones.
FOLDABLE = st.text(
    st.sampled_from([" ", "\t", "\n", "\xa0", "\u2003", "\x1c", "a", "-", *map(chr, text.FOLDED_CHARACTERS)])
)


@given(FOLDABLE)
def test_folded_is_the_text_of_fold_without_the_surrounding_whitespace(value):
    assert text.folded(value) == text.fold(value.strip())[0]


def fold_character_by_character(value):
    """``fold`` as first written: the reference its faster form must agree with."""
    folded, positions, previous_was_space = [], [], False
    for index, character in enumerate(value):
        if character.isspace():
            if previous_was_space:
                continue
            previous_was_space = True
            folded.append(" ")
        else:
            previous_was_space = False
            folded.append(character.translate(text.FOLDED_CHARACTERS))
        positions.append(index)
    return "".join(folded), positions


@given(FOLDABLE)
def test_fold_maps_each_folded_character_to_where_it_comes_from(value):
    assert text.fold(value) == fold_character_by_character(value)
