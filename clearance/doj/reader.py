"""Streaming reader for the DOJ bulk criminal-history file (DOMAIN.md sections 3 and 10).

The reader never holds more than one record in memory. It yields every record with its
physical line number (the line on which it starts; a header is line 1) and the verbatim
text DOJ sent, so an attorney can always see exactly what the state said.

Malformed records are yielded as ``BadLine`` (quarantined by the loader); a file that is not
the DOJ layout at all raises ``NotDojFile`` from ``sniff`` before anything is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO, NamedTuple

from clearance.doj.layout import COLUMNS, FIELD_COUNT, PLACEHOLDERS

#: How much of the start of a file ``sniff`` looks at.
SNIFF_BYTES = 256 * 1024
#: How many records at the start must include at least one well-formed DOJ line.
SNIFF_RECORDS = 200
HEADER_FIRST_CELL = COLUMNS[0]


class NotDojFile(ValueError):
    """The file is not in the DOJ bulk layout; the message says why, naming the file."""


_new_tuple = tuple.__new__  # a NamedTuple built from a tuple of its fields, in order


class Record(NamedTuple):
    """A well-formed record. A NamedTuple, not a frozen dataclass: a file has millions, and a
    frozen dataclass costs a guarded attribute assignment per field to build."""

    line: int
    fields: list[str]
    raw: str


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    reason: str
    raw: str
    #: SUBJECT_IDs the line may belong to, so those persons can be marked incomplete.
    subject_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    has_header: bool
    encoding: str


def decode_line(data: bytes) -> str:
    """DOJ files are ASCII in practice; UTF-8 and Latin-1 both occur in the wild.

    UTF-8 is tried first because Latin-1 accepts every byte string and would silently turn
    UTF-8 names into mojibake.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(cell: str) -> str:
    """Trim padding; placeholder cells (``x``, ``#``, ``NULL``) mean no value."""
    value = cell.strip()
    return "" if value in PLACEHOLDERS else value


_date_cache: dict[str, dt.date | None] = {}
_DATE_CACHE_LIMIT = 200_000


def parse_date(cell: str) -> dt.date | None:
    """A full, real ``YYYYMMDD`` date, or None: blank, ``YYYY0000`` and garbage are unknown."""
    try:
        return _date_cache[cell]  # cells are cached as they come, padded or not: no strip
    except KeyError:
        pass
    value = cell.strip()
    parsed: dt.date | None = None
    # isascii(): str.isdigit() also accepts Arabic-Indic and full-width digits, which int() reads.
    if len(value) == 8 and value.isascii() and value.isdigit():
        try:
            parsed = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            parsed = None
    if len(_date_cache) < _DATE_CACHE_LIMIT:
        _date_cache[cell] = parsed
    return parsed


def is_header(fields: list[str]) -> bool:
    return bool(fields) and fields[0].strip().lstrip("\ufeff") == HEADER_FIRST_CELL


def _header_ok(fields: list[str]) -> bool:
    # A header may carry a trailing comma (96 fields, the last empty).
    return len(fields) == FIELD_COUNT or (len(fields) == FIELD_COUNT + 1 and not fields[-1].strip())


def sniff(head: bytes, *, name: str) -> Layout:
    """Decide from the first bytes whether this is a DOJ bulk file; raise NotDojFile if not."""
    if not head.strip():
        raise NotDojFile(f"{name}: the file is empty")
    if b"\x00" in head:
        raise NotDojFile(f"{name}: the file is binary (it contains NUL bytes), not DOJ text")
    try:
        head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample.
        encoding = "utf-8" if exc.start >= len(head) - 3 else "latin-1"
    lines = head.split(b"\n")
    if len(head) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    has_header = False
    first_counts: list[tuple[int, int]] = []
    good = 0
    for number, row in enumerate(csv.reader(decode_line(line).rstrip("\r") for line in lines), 1):
        if not row:
            continue
        if number == 1 and is_header(row):
            if not _header_ok(row):
                raise NotDojFile(f"{name}: line 1 is a header with {len(row)} fields; the DOJ layout has {FIELD_COUNT}")
            has_header = True
            continue
        if len(row) == FIELD_COUNT:
            good += 1
        elif len(first_counts) < 3:
            first_counts.append((number, len(row)))
        if number >= SNIFF_RECORDS:
            break
    if good == 0:
        detail = ", ".join(f"line {n} has {c} fields" for n, c in first_counts) or "no data lines"
        raise NotDojFile(
            f"{name}: not a DOJ bulk file: no line among the first has the {FIELD_COUNT} fields "
            f"of the DOJ layout ({detail})"
        )
    return Layout(has_header=has_header, encoding=encoding)


#: The reader decodes and parses the file a block at a time: csv.reader over a list of lines
#: runs in C, which is what keeps a million-row file within seconds.
BLOCK_BYTES = 1 << 20

#: The most physical lines one record may span. DOJ writes every record on one line (so do
#: all the published samples); a cell holding a line break is rare and short. A quote still
#: open after this many lines is a stray one (a typo, a quote opening a cell), not a
#: multi-line cell: unbounded, it would carry the rest of the file, in memory and from block
#: to block, into one bad record. A record open at the end of a block is held back for the
#: next block only while it spans at most this many lines.
MAX_RECORD_LINES = 10

#: What csv.reader (strict) says when its input ends inside a quoted cell.
_OPEN_AT_END = "unexpected end of data"


def _subject_guesses(fields: list[str]) -> tuple[str, ...]:
    """SUBJECT_ID as far as a malformed line lets us read it.

    A missing or extra field shifts the columns, so every numeric cell near the start is a
    candidate; the loader marks any person whose SUBJECT_ID is among them.
    """
    return tuple(dict.fromkeys(c for c in (clean(f) for f in fields[:5]) if c.isdigit()))


def _cells_of_line(text: str) -> list[str]:
    """The cells of one physical line as far as they can be read (an open quote runs to its end)."""
    try:
        return next(csv.reader([text]), [])
    except csv.Error:  # a bare carriage return inside the line
        return text.split(",")


def _unclosed_quote(line: int, text: str) -> BadLine:
    return BadLine(
        line, f"unclosed quote opened on line {line}", _strip_eol(text), _subject_guesses(_cells_of_line(text))
    )


class _Blocks:
    """The file as lists of whole lines, a block at a time.

    Where a record continues past the end of a block is for csv.reader to say, not for this
    class: a quote inside an unquoted cell (``12" PIPE``) is a literal character to csv but
    looks like an open quote to any quote count. The reader hands such a record's lines back
    (``give_back``) and they start the next block.
    """

    def __init__(self, stream: BinaryIO, *, block_bytes: int | None = None, final: bool = True) -> None:
        self._stream = stream
        self._block_bytes = block_bytes
        self._final = final
        self._carry = b""
        self._held = 0  # bytes at the start of _carry that were given back
        self._block = b""
        #: Bytes of the file in the lines yielded so far, less those given back.
        self.consumed = 0
        #: Set before the final block: no more lines will come.
        self.last = False
        #: Not final: the bytes at the end that a record still open there left unread.
        self.leftover = b""

    def __iter__(self) -> Iterator[list[str]]:
        while True:
            data = self._stream.read(self._block_bytes or BLOCK_BYTES)
            if not data:
                break
            data = self._carry + data
            # Lines given back come again only with a new whole line after them: with small
            # reads, an open record would otherwise be parsed again after every read.
            cut = data.rfind(b"\n", self._held) + 1
            if cut == 0:
                self._carry = data
                continue
            self._carry = data[cut:]
            self._held = 0
            self._block = data[:cut]
            self.consumed += cut
            lines = decode_line(self._block).split("\n")
            lines.pop()  # the empty string after the final newline
            yield lines
        if not self._final:
            self.leftover = self._carry  # the next part of the file starts with it
            return
        self.last = True
        if self._carry:
            self.consumed += len(self._carry)
            yield decode_line(self._carry).split("\n")

    def give_back(self, count: int) -> None:
        """The last ``count`` lines of the block just yielded are to start the next one."""
        # Carry the original bytes of those lines (one b"\n" per line), not a UTF-8
        # re-encoding of their text: re-encoding turned Latin-1 bytes into UTF-8, which the
        # next (Latin-1) block then decoded as mojibake (MUÑOZ -> MUÃ\x91OZ).
        block = self._block
        start = len(block)
        for _ in range(count):
            start = block.rfind(b"\n", 0, start - 1) + 1
        self._held = len(block) - start
        self._carry = block[start:] + self._carry
        self.consumed -= self._held


_WITH_NEWLINE = "{}\n".format


class Reader:
    """Iterator over the records of a DOJ file that also reports how many bytes it consumed.

    A line of only spaces or tabs is skipped like a blank line. A quote that carries a record
    past its first line but does not make a good record of it (the record is unreadable, has
    the wrong number of fields, spans more than ``MAX_RECORD_LINES`` lines or runs to the end
    of the file) is taken for a stray one: only the line it opened on is quarantined, and
    reading resumes on the next line.

    A part of a file can be read on its own (`clearance.doj.parts` reads parts side by side):
    `first_line` is the physical line number of its first line, and a part that is not
    `final` stops before a record still open at its end, leaving its bytes in `leftover`
    for the part that follows. `block_bytes` is how much is decoded and parsed at a time.
    """

    def __init__(
        self, stream: BinaryIO, *, first_line: int = 1, final: bool = True, block_bytes: int | None = None
    ) -> None:
        self._stream = stream
        self._first_line = first_line
        self._final = final
        self._block_bytes = block_bytes
        self.bytes_read = 0
        self.leftover = b""

    def __iter__(self) -> Iterator[Record | BadLine]:
        blocks = _Blocks(self._stream, block_bytes=self._block_bytes, final=self._final)
        first_line = self._first_line  # the physical line number of lines[0]
        for lines in blocks:
            # csv.reader must see each line's own newline: inside a quoted cell it is part of
            # the value (without it a cell "A\nB" came back as "AB"). map() keeps this in C.
            source = map(_WITH_NEWLINE, lines)
            reader = csv.reader(source, strict=True)
            base = 0  # index in lines of the first line this reader was given
            pulled = 0  # lines taken from source, by this reader or an earlier one
            done = 0  # lines of this block already turned into records
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    used = base + reader.line_num
                    if str(exc) != _OPEN_AT_END:
                        if used == done + 1:
                            # csv.reader goes on with the next line, where the next record starts.
                            yield BadLine(first_line + done, f"unreadable CSV: {exc}", _strip_eol(lines[done]), ())
                            done = used
                            continue
                    elif not blocks.last and used - done <= MAX_RECORD_LINES:
                        # The quoted cell may close in the next block.
                        blocks.give_back(len(lines) - done)
                        del lines[done:]
                        break
                else:
                    used = base + reader.line_num
                    single = used == done + 1
                    if single or (len(fields) == FIELD_COUNT and used - done <= MAX_RECORD_LINES):
                        line = first_line + done
                        raw = lines[done] if single else "\n".join(lines[done:used])
                        done = used
                        if not fields:
                            continue  # a blank line
                        if len(fields) == FIELD_COUNT:
                            if line == 1 and is_header(fields):
                                continue
                            # _strip_eol, inline, and no NamedTuple __new__ call: the hot path.
                            yield _new_tuple(Record, (line, fields, raw.rstrip("\r\n")))
                        elif line == 1 and is_header(fields) and _header_ok(fields):
                            continue
                        elif len(fields) == 1 and not raw.strip(" \t\r"):
                            continue  # spaces or tabs only: as blank as an empty line
                        else:
                            yield BadLine(
                                line,
                                f"line has {len(fields)} fields; the DOJ layout has {FIELD_COUNT}",
                                _strip_eol(raw),
                                _subject_guesses(fields),
                            )
                        continue
                # A quote carried the record past its first line without making a good record
                # of it. Quarantining every line it took would also quarantine the good lines a
                # stray quote swallowed (the next quoted cell usually ends it as unreadable).
                yield _unclosed_quote(first_line + done, lines[done])
                # Read again from the next line. Only the lines already taken from source are
                # copied, so a run of broken lines costs what reading them cost, not a copy of
                # the rest of the block each.
                pulled = max(pulled, used)
                base = done = done + 1
                reader = csv.reader(chain(map(_WITH_NEWLINE, lines[done:pulled]), source), strict=True)
            first_line += len(lines)
            self.bytes_read = blocks.consumed
        self.leftover = blocks.leftover


def read(stream: BinaryIO) -> Iterator[Record | BadLine]:
    """Yield every record of the file in order; blank lines and a header are skipped."""
    yield from Reader(stream)


def _strip_eol(raw: str) -> str:
    return raw.rstrip("\r\n")
