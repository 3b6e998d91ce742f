"""Reading a fixture an object at a time: what json.loads reads, never the whole text held."""

import io
import json

import pytest

from apps.interchange import json_stream


def elements(data, piece=None, monkeypatch=None):
    if piece:
        monkeypatch.setattr(json_stream, "PIECE", piece)
    reader = json_stream.ListReader(data)
    assert reader.first() == "["
    return list(reader)


OBJECTS = [
    {"model": "claims.claim", "fields": {"statement": "Trade “grew” – 12 %", "quantity": 1234567890123}},
    {"model": "sources.source", "fields": {"body": "é" * 50 + "\n\nnext", "n": -0.5e-3, "ok": True, "none": None}},
    [1, 2, [3, {"a": "b"}]],
    "a string",
    12345,
]


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64, None])
def test_it_reads_what_json_loads_reads_whatever_the_pieces(piece, monkeypatch):
    text = json.dumps(OBJECTS, ensure_ascii=False, indent=4).encode()
    assert [value for value, _ in elements(b"\xef\xbb\xbf" + text, piece, monkeypatch)] == OBJECTS


def test_it_holds_a_piece_of_the_text_not_the_file(monkeypatch):
    """The buffer stays within two pieces and an object, however long the file."""
    monkeypatch.setattr(json_stream, "PIECE", 1000)
    objects = [{"model": "sources.source", "fields": {"body": f"body {n} " * 20}} for n in range(2000)]
    reader = json_stream.ListReader(io.BytesIO(json.dumps(objects, indent=4).encode()))
    assert reader.first() == "["
    longest = 0
    for number, (value, _) in enumerate(reader):
        assert value == objects[number]
        longest = max(longest, len(reader.buffer))
    assert longest < 3000  # the file is over 700 000 characters


def test_it_says_which_objects_may_hold_a_nul():
    text = b'[{"a": "x\\u0000y"}, {"a": "\\\\u0000"}, {"a": "x"}]'
    reader = json_stream.ListReader(text)
    reader.first()
    assert [has_nul for _, has_nul in reader] == [True, True, False]  # a false alarm only costs a check


@pytest.mark.parametrize(
    "text",
    [
        '[\n{"model": "claims.claim",\n "fields": {"slug": "x",}}\n]',
        '[{"a": 1}\n {"b": 2}]',
        '[{"a": 1},\n]',
        '[{"a": 1}] x',
        '[{"a": 1}',
        '[\n\n   {"a": tru}]',
    ],
)
@pytest.mark.parametrize("piece", [1, 5, None])
def test_an_error_is_located_as_json_loads_locates_it(text, piece, monkeypatch):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json_stream.NotJSON) as error:
        elements(text.encode(), piece, monkeypatch)
    where = f"at line {expected.value.lineno}, column {expected.value.colno}"
    assert error.value.message.endswith(where), (error.value.message, where)


def test_a_byte_that_is_not_utf8_is_named(monkeypatch):
    monkeypatch.setattr(json_stream, "PIECE", 3)  # "é" (bytes 8 and 9) is cut between two pieces
    text = b'["ab", "\xc3\xa9", "\xff"]'
    with pytest.raises(UnicodeDecodeError) as expected:
        text.decode()
    with pytest.raises(json_stream.NotUTF8) as error:
        elements(text)
    assert error.value.position == expected.value.start == 14
