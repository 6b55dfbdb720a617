"""A DOJ file read in parts, each on its own: what the loader stores of each part.

Parsing and normalising a million rows is the slow part of loading a file (about 13 µs a row
in Python), and one part of a file does not need the others to be read: the loader
(`cases/services/ingest.py`) cuts the file where `Reader` cuts its blocks and hands the parts
to processes of its own, then stores their rows in file order. Pure (no Django), so that those
processes start in a fraction of a second.

A record may run past the end of a part (a quoted cell holding a line break): the part then
stops before it and returns its bytes as `leftover`; the loader reads them again at the start
of the next part, exactly as `Reader` carries them from one block to the next.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from clearance.doj.copytext import ISO_OR_NULL, copy_line, copy_text, pg_array
from clearance.doj.layout import COL, PLACEHOLDERS
from clearance.doj.normalize import Event, Subject, event_of, subject_of
from clearance.doj.reader import BLOCK_BYTES, BadLine, Reader

_SUBJECT_ID = COL["SUBJECT_ID"]
#: The step whose OFN is a court case number (DOMAIN.md §3).
COURT_ACTION = "COURT ACTION"


@dataclass(slots=True)
class SubjectRun:
    """Consecutive records of one subject in a part."""

    #: SUBJECT_ID as stored: trimmed, a placeholder read as "".
    key: str
    #: The subject as its first record in the run describes them.
    subject: Subject
    first_line: int
    #: The first valid DOB among the run's records (DOMAIN.md §10: a subject's first valid DOB).
    dob: dt.date | None
    #: The records as COPY text of `(line, *normalize.Event, raw)`, one line each: the loader puts
    #: the upload's and the person's ids in front of every line. One string, not one a record:
    #: sending a million small strings between processes cost more than the text itself.
    text: str
    #: The run's cases by key (DOMAIN.md §3, see `CaseSeen`), kept only for the first and the last
    #: run of a part: a person's rows may go on from one part into the next.
    cases: dict[str, CaseSeen] | None
    #: The run's cases as COPY text of `(key, court, county, numbers, first_line)`.
    case_rows: list[str]
    #: CNT_ORDERs of the run's conviction rows (a count convicted on several rows is one
    #: conviction), and how many conviction rows have none (each is one).
    convicted_counts: set[str]
    unnumbered_convictions: int


@dataclass(slots=True)
class CaseSeen:
    """A case as far as one run shows it: its first row's line, court and county, and its numbers
    (the OFNs of its COURT ACTION rows and any FE_NUM_CRT_CASE)."""

    first_line: int
    court: str
    county: str
    numbers: set[str]


@dataclass(frozen=True, slots=True)
class ParsedPart:
    runs: list[SubjectRun]
    errors: list[BadLine]
    #: Bytes of the part read into records or quarantined lines (all of it, less `leftover`).
    consumed: int
    #: Not final: the bytes of a record still open at the end, for the next part to start with.
    leftover: bytes
    #: Conviction rows per county (the upload's main county is the most frequent).
    conviction_counties: Counter[str]


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of the file: whole lines unless `final`, numbered from `first_line`."""

    data: bytes
    first_line: int
    final: bool


def cut_parts(stream: BinaryIO) -> Iterator[Part]:
    """The file as parts cut where `Reader` cuts its blocks: `BLOCK_BYTES` read at a time, each
    part ending at the last line break read so far (the rest starts the next part).

    Cutting at the same places makes each part decode as the same block of the serial reader
    would (a block that is not valid UTF-8 is read as Latin-1), so both read the same text.
    The last part, possibly empty, is `final`.
    """
    carry = b""
    first_line = 1
    while data := stream.read(BLOCK_BYTES):
        data = carry + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            carry = data
            continue
        carry = data[cut:]
        yield Part(data[:cut], first_line, final=False)
        first_line += data.count(b"\n", 0, cut)
    yield Part(carry, first_line, final=True)


def parse_part(part: Part) -> ParsedPart:
    """Read one part: its records grouped in runs of one subject, and its quarantined lines."""
    reader = Reader(
        io.BytesIO(part.data), first_line=part.first_line, final=part.final, block_bytes=max(len(part.data), 1)
    )
    runs: list[SubjectRun] = []
    errors: list[BadLine] = []
    counties: Counter[str] = Counter()
    run: SubjectRun | None = None
    # The hot loop of loading a file (a million turns): locals, and the Event's fields by
    # position (see normalize.Event) rather than by name.
    key = None
    cases: dict[str, CaseSeen] = {}
    rows: list[str] = []
    plain = True  # no row of the run needs escaping
    for item in reader:
        if item.__class__ is BadLine:
            errors.append(cast(BadLine, item))
            continue
        fields = item.fields  # type: ignore[union-attr]
        line = item.line
        raw = item.raw
        event = event_of(fields)
        subject = fields[_SUBJECT_ID].strip()
        if subject in PLACEHOLDERS:
            subject = ""
        if subject != key:
            if run is not None:
                _close(run, rows, cases, plain)
            key = subject
            cases = {}
            rows = []
            plain = True
            run = SubjectRun(key, subject_of(fields), line, event[20], "", cases, [], set(), 0)
            runs.append(run)
        elif run.dob is None:  # type: ignore[union-attr]
            run.dob = event[20]  # type: ignore[union-attr]
        case_key = event[1]
        if case_key:
            case = cases.get(case_key)
            if case is None:
                case = cases[case_key] = CaseSeen(line, event[3], event[4], set())
            if event[8] and event[2] == COURT_ACTION:
                case.numbers.add(event[8])
            if event[9]:
                case.numbers.add(event[9])
        if event[15]:  # a conviction
            if event[0]:
                run.convicted_counts.add(event[0])  # type: ignore[union-attr]
            else:
                run.unnumbered_convictions += 1  # type: ignore[union-attr]
            if event[4]:
                counties[event[4]] += 1
        # Every text value is a piece of the raw line: if it needs no escaping, nothing does.
        if "\\" in raw or "\t" in raw or "\r" in raw or "\n" in raw:
            rows.append(copy_line((line, *event, raw)))
            plain = False
        else:
            rows.append(_plain_event_line(line, event, raw))
    if run is not None:
        _close(run, rows, cases, plain)
    for run in runs[1:-1]:
        run.cases = None  # complete: sending it back would cost more than parsing it
    return ParsedPart(runs, errors, reader.bytes_read, reader.leftover, counties)


def _plain_event_line(line: int, e: Event, raw: str) -> str:
    """`copy_line((line, *e, raw))` for values that need no escaping, field by field: one
    f-string instead of a loop over 24 values halves the cost of the hottest line of loading."""
    iso = ISO_OR_NULL
    length = "\\N" if e[17] is None else e[17]
    return (
        f"{line}\t{e[0]}\t{e[1]}\t{e[2]}\t{e[3]}\t{e[4]}\t{iso[e[5]]}\t{iso[e[6]]}\t{iso[e[7]]}\t{e[8]}\t"
        f"{e[9]}\t{e[10]}\t{e[11]}\t{e[12]}\t{e[13]}\t{e[14]}\t{'t' if e[15] else 'f'}\t{e[16]}\t{length}\t"
        f"{e[18]}\t{iso[e[19]]}\t{iso[e[20]]}\t{e[21]}\t{raw}\n"
    )


def _close(run: SubjectRun, rows: list[str], cases: dict[str, CaseSeen], plain: bool) -> None:
    run.text = "".join(rows)
    run.case_rows = case_rows(cases, plain=plain)


def case_rows(cases: dict[str, CaseSeen], *, plain: bool = False) -> list[str]:
    """Cases as COPY text of `(key, court, county, numbers, first_line)`, numbers in code-point
    order. `plain`: no value holds a backslash, tab or line break (they come from rows that did not)."""
    if not plain:
        return [
            copy_line((key, case.court, case.county, pg_array(sorted(case.numbers)), case.first_line))
            for key, case in cases.items()
        ]
    return [
        f"{key}\t{case.court}\t{case.county}\t{_plain_array(case.numbers)}\t{case.first_line}\n"
        for key, case in cases.items()
    ]


def _plain_array(numbers: set[str]) -> str:
    if not numbers:
        return "{}"
    items = sorted(numbers)
    if any('"' in item for item in items):
        return copy_text(pg_array(items))  # pg_array escapes the quote with a backslash
    return '{"' + '","'.join(items) + '"}'


def parse_part_at(path: str, offset: int, length: int, first_line: int, final: bool) -> ParsedPart:
    """`parse_part` of the part of the file at `path` that `cut_parts` cut at `offset`, `length`
    bytes long, read here: a process of the loader reads its part itself rather than receiving
    it, which spares the loading process pickling and piping the whole file to the parsers."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        return parse_part(Part(stream.read(length), first_line, final))


def in_file_order(parsed: Iterable[tuple[Part, ParsedPart]]) -> Iterator[ParsedPart]:
    """Parts parsed on their own, in file order, made into what the serial reader reads.

    A part does not know whether the previous part ended inside a record; when it did (rare: a
    quoted cell holding a line break), the part is read again here with that record in front.
    """
    leftover = b""
    for part, result in parsed:
        if leftover:
            first_line = part.first_line - leftover.count(b"\n")
            result = parse_part(Part(leftover + part.data, first_line, part.final))
        leftover = result.leftover
        yield result


def parse_file(stream: BinaryIO) -> Iterator[ParsedPart]:
    """The whole file, a part at a time, in this process."""
    return in_file_order((part, parse_part(part)) for part in cut_parts(stream))
