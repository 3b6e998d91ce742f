"""The objects of a JSON list read one at a time, from a file read in pieces.

``json.loads`` of a whole fixture holds the file's text and every parsed object at once
(about five times the file's size: 2.1 GB for the 456 MB export of 100 000 claims); read
this way, the import holds one piece of the text (``PIECE`` characters) and the object
being parsed. Each object is parsed by the standard library's own decoder
(``JSONDecoder.raw_decode``), so what is valid JSON, and what each value becomes, is
exactly what ``json.loads`` says; only the list around the objects is read here.
"""

import codecs
import io
import json

PIECE = 1 << 20  # characters read at a time; an object longer than this is read in several
WHITESPACE = " \t\n\r"


class NotJSON(Exception):
    """The text is not a JSON list of objects; ``message`` says why, as ``json`` would."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotUTF8(Exception):
    def __init__(self, position):
        super().__init__(position)
        self.position = position


class ListReader:
    """``first()`` says what the text in ``stream`` (bytes, or a binary file) starts with;
    when it is a list, iterating gives ``(element, whether its text holds a \\u0000)``
    for each element. Raises ``NotJSON`` (its message names the line and column, as
    ``json.loads`` does) and ``NotUTF8``."""

    def __init__(self, stream):
        self.stream = io.BytesIO(stream) if isinstance(stream, bytes | bytearray) else stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.decode = json.JSONDecoder().raw_decode
        self.buffer, self.pos, self.eof = "", 0, False
        self.bytes_read = 0
        self.lines_before = 0  # newlines in the text already dropped from the buffer
        self.column_before = 0  # characters after the last of them

    # -- the text, a piece at a time --------------------------------------------------

    def more(self):
        """Add the next piece of text to the buffer; False at the end of the file."""
        if self.eof:
            return False
        piece = self.stream.read(PIECE)
        pending = len(self.decoder.getstate()[0])  # the bytes of a character cut by the last piece
        try:
            text = self.decoder.decode(piece, final=not piece)
        except UnicodeDecodeError as error:
            raise NotUTF8(self.bytes_read - pending + error.start) from None
        self.bytes_read += len(piece)
        if not piece:
            self.eof = True
        self.drop_read()
        self.buffer += text
        return bool(text) or not self.eof

    def drop_read(self):
        """Forget the text before ``pos``, remembering its lines for error messages."""
        if self.pos < PIECE:
            return
        newlines = self.buffer.count("\n", 0, self.pos)
        if newlines:
            self.lines_before += newlines
            self.column_before = self.pos - self.buffer.rfind("\n", 0, self.pos) - 1
        else:
            self.column_before += self.pos
        self.buffer, self.pos = self.buffer[self.pos :], 0

    def skip_whitespace(self):
        """Move past whitespace; return the next character, or "" at the end of the file."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def error(self, message, pos):
        last = self.buffer.rfind("\n", 0, pos)
        line = self.lines_before + self.buffer.count("\n", 0, pos) + 1
        column = (self.column_before + pos + 1) if last < 0 else pos - last
        return NotJSON(f"{message} at line {line}, column {column}")

    # -- the list ---------------------------------------------------------------------

    def first(self):
        """What the file starts with: "[" for a list, "" when it is empty or blank."""
        return self.skip_whitespace()

    def whole_value(self):
        """The rest of the file, parsed as one JSON value (a file that is not a list)."""
        while self.more():
            pass
        try:
            return json.loads(self.buffer[self.pos :])
        except json.JSONDecodeError as error:
            raise self.error(error.msg, self.pos + error.pos) from None

    def __iter__(self):
        self.pos += 1  # the "["
        if self.skip_whitespace() == "]":
            self.pos += 1
        else:
            while True:
                yield self.element()
                after = self.skip_whitespace()
                if after == "]":
                    self.pos += 1
                    break
                if after != ",":
                    raise self.error("Expecting ',' delimiter", self.pos)
                self.pos += 1
                self.skip_whitespace()
        if self.skip_whitespace():
            raise self.error("Extra data", self.pos)

    def element(self):
        while True:
            try:
                value, end = self.decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if not self.eof:  # the element may go on in the next piece
                    self.more()
                    continue
                raise self.error(error.msg, error.pos) from None
            # A value that ends with the buffer (a number) may go on in the next piece.
            if end == len(self.buffer) and not self.eof:
                self.more()
                continue
            has_nul = self.buffer.find("\\u0000", self.pos, end) >= 0
            self.pos = end
            return value, has_nul
