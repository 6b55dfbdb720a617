"""The streaming DOJ reader (clearance.doj.reader): DOMAIN.md sections 3 and 10.

Every expectation is computed from the bytes the test writes (with Python's ``csv`` module
and plain string arithmetic), never from the reader itself. No database, no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.doj import reader
from clearance.doj.layout import COL, COLUMNS, FIELD_COUNT
from clearance.doj.reader import (
    BadLine,
    Layout,
    NotDojFile,
    Reader,
    Record,
    clean,
    decode_line,
    parse_date,
    sniff,
)

HEADER = ",".join(COLUMNS)


# --- helpers -------------------------------------------------------------------------------


def row(**cells: str) -> list[str]:
    """A 95-cell row, blank except for the named columns."""
    fields = [""] * FIELD_COUNT
    for name, value in cells.items():
        fields[COL[name]] = value
    return fields


def line_of(fields: list[str], *, terminator: str = "\n") -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=terminator).writerow(fields)
    return buf.getvalue()


def subject_line(subject_id: str, name: str = "DOE,JANE", **cells: str) -> str:
    return line_of(row(SUBJECT_ID=subject_id, PRI_NAME=name, **cells))


def read_all(data: bytes) -> list[Record | BadLine]:
    return list(Reader(io.BytesIO(data)))


def read_with_block(data: bytes, block: int) -> tuple[list[Record | BadLine], int]:
    with mock.patch.object(reader, "BLOCK_BYTES", block):
        rdr = Reader(io.BytesIO(data))
        items = list(rdr)
    return items, rdr.bytes_read


def records(items: list[Record | BadLine]) -> list[Record]:
    return [item for item in items if isinstance(item, Record)]


def bad_lines(items: list[Record | BadLine]) -> list[BadLine]:
    return [item for item in items if isinstance(item, BadLine)]


# --- sniff ---------------------------------------------------------------------------------


def test_an_empty_file_is_refused_naming_the_file():
    with pytest.raises(NotDojFile, match=r"^upload\.dat: .*empty"):
        sniff(b"", name="upload.dat")


def test_a_file_of_only_whitespace_is_refused_as_empty():
    with pytest.raises(NotDojFile, match=r"upload\.dat: .*empty"):
        sniff(b"  \r\n\n\t \n", name="upload.dat")


def test_a_binary_file_with_nul_bytes_is_refused():
    data = (HEADER + "\n").encode() + b"\x00\x01\x02PK\x03\x04" * 10
    with pytest.raises(NotDojFile, match=r"upload\.dat: .*binary"):
        sniff(data, name="upload.dat")


def test_a_three_column_csv_is_refused_saying_how_many_fields_it_has():
    data = b"name,dob,county\nDOE,19800101,SACRAMENTO\nROE,19810202,YOLO\n"
    with pytest.raises(NotDojFile) as caught:
        sniff(data, name="people.csv")
    message = str(caught.value)
    assert message.startswith("people.csv: ")
    assert "line 1 has 3 fields" in message
    assert str(FIELD_COUNT) in message


def test_a_header_with_94_fields_is_refused_naming_line_1_and_both_counts():
    data = (",".join(COLUMNS[:94]) + "\n").encode() + subject_line("1").encode()
    with pytest.raises(NotDojFile) as caught:
        sniff(data, name="short.csv")
    message = str(caught.value)
    assert message.startswith("short.csv: ")
    assert "line 1" in message
    assert "94 fields" in message
    assert "95" in message


def test_a_header_with_a_trailing_comma_is_accepted():
    data = (HEADER + ",\r\n").encode() + subject_line("1").encode()
    assert sniff(data, name="extra.csv") == Layout(has_header=True, encoding="utf-8")


def test_a_header_with_a_96th_field_that_is_not_empty_is_refused():
    data = (HEADER + ",EXTRA\n").encode() + subject_line("1").encode()
    with pytest.raises(NotDojFile, match="96 fields"):
        sniff(data, name="extra.csv")


def test_a_file_without_a_header_is_recognised_from_its_data_lines():
    data = (subject_line("1") + subject_line("2")).encode()
    assert sniff(data, name="plain.dat") == Layout(has_header=False, encoding="utf-8")


def test_a_header_with_a_byte_order_mark_is_still_a_header():
    data = ("\ufeff" + HEADER + "\n" + subject_line("1")).encode("utf-8")
    assert sniff(data, name="bom.csv").has_header


def test_a_latin_1_file_is_sniffed_as_latin_1():
    data = (HEADER + "\n" + subject_line("1", "MUÑOZ,JOSÉ")).encode("latin-1")
    assert sniff(data, name="latin.dat") == Layout(has_header=True, encoding="latin-1")


def test_a_utf_8_file_is_sniffed_as_utf_8():
    data = (HEADER + "\n" + subject_line("1", "MUÑOZ,JOSÉ")).encode("utf-8")
    assert sniff(data, name="utf8.dat") == Layout(has_header=True, encoding="utf-8")


def test_a_sample_cut_inside_a_utf_8_character_is_still_utf_8():
    text = HEADER + "\n" + subject_line("1") + "Ñ" * 10
    data = text.encode("utf-8")[:-1]  # the last Ñ is cut in half
    assert sniff(data, name="cut.dat").encoding == "utf-8"


def test_a_sample_cut_in_the_middle_of_its_last_line_is_judged_by_its_whole_lines():
    body = subject_line("1") * (reader.SNIFF_BYTES // len(subject_line("1")) + 2)
    head = body.encode()[: reader.SNIFF_BYTES]
    assert not head.endswith(b"\n")  # the last line of the sample is cut short
    assert sniff(head, name="big.dat") == Layout(has_header=False, encoding="utf-8")


def test_a_file_whose_first_200_lines_are_all_malformed_is_refused():
    short = ",".join(["1"] * 94) + "\n"
    data = (short * 200 + subject_line("1")).encode()
    with pytest.raises(NotDojFile) as caught:
        sniff(data, name="broken.dat")
    message = str(caught.value)
    assert "line 1 has 94 fields" in message
    assert "line 2 has 94 fields" in message


def test_one_good_line_among_the_first_200_is_enough_to_accept_the_file():
    short = ",".join(["1"] * 94) + "\n"
    for good_at in (1, 150, 200):
        lines = [short] * 200
        lines[good_at - 1] = subject_line("1")
        assert sniff("".join(lines).encode(), name="mostly-broken.dat").has_header is False


def test_a_header_alone_with_no_data_lines_is_refused():
    with pytest.raises(NotDojFile, match="no data lines"):
        sniff((HEADER + "\n").encode(), name="header-only.csv")


# --- Reader: line numbers, raw text, bytes ---------------------------------------------------


def test_a_header_is_line_1_and_is_not_a_record():
    data = (HEADER + "\n" + subject_line("11") + subject_line("22")).encode()
    items = read_all(data)
    assert [(r.line, r.fields[COL["SUBJECT_ID"]]) for r in records(items)] == [(2, "11"), (3, "22")]
    assert bad_lines(items) == []


def test_without_a_header_the_first_record_is_line_1():
    items = read_all((subject_line("11") + subject_line("22")).encode())
    assert [r.line for r in records(items)] == [1, 2]


def test_a_blank_line_is_skipped_but_counted():
    data = HEADER + "\n" + "\n" + subject_line("11") + "\n" + "\r\n" + subject_line("22")
    items = read_all(data.encode())
    assert [(r.line, r.fields[COL["SUBJECT_ID"]]) for r in items] == [(3, "11"), (6, "22")]


def test_a_quoted_cell_with_a_newline_makes_one_record_that_starts_on_its_first_line():
    first = subject_line("11", COMMENT_TEXT="SEE CASE\nFILE 2")
    assert first.count("\n") == 2
    data = HEADER + "\n" + first + subject_line("22")
    items = read_all(data.encode())
    assert all(isinstance(item, Record) for item in items)
    spanning, after = items
    assert spanning.line == 2
    assert spanning.fields[COL["COMMENT_TEXT"]] == "SEE CASE\nFILE 2"
    assert spanning.raw == first.rstrip("\n")
    assert "\n" in spanning.raw
    assert after.line == 4
    assert after.fields[COL["SUBJECT_ID"]] == "22"


def test_crlf_line_ends_leave_no_carriage_return_in_fields_or_raw_text():
    lines = [HEADER, line_of(row(SUBJECT_ID="11"), terminator=""), line_of(row(SUBJECT_ID="22"), terminator="")]
    data = "\r\n".join(lines) + "\r\n"
    items = read_all(data.encode())
    assert [(r.line, r.raw) for r in items] == [(2, lines[1]), (3, lines[2])]
    for item in items:
        assert isinstance(item, Record)
        assert not any("\r" in cell for cell in item.fields)
        assert "\r" not in item.raw


def test_a_crlf_inside_a_quoted_cell_is_kept_in_the_cell_and_the_raw_text():
    spanning = line_of(row(SUBJECT_ID="11", COMMENT_TEXT="A\r\nB"), terminator="\r\n")
    data = spanning + line_of(row(SUBJECT_ID="22"), terminator="\r\n")
    first, second = read_all(data.encode())
    assert first.fields[COL["COMMENT_TEXT"]] == "A\r\nB"
    assert first.raw == spanning[: -len("\r\n")]
    assert second.line == 3


def test_a_malformed_line_in_the_middle_is_a_bad_line_and_reading_continues():
    short = row(SUBJECT_ID="18675309")[:94]
    data = HEADER + "\n" + subject_line("11") + line_of(short) + subject_line("22")
    items = read_all(data.encode())
    assert [type(item) for item in items] == [Record, BadLine, Record]
    bad = items[1]
    assert isinstance(bad, BadLine)
    assert bad.line == 3
    assert "94 fields" in bad.reason
    assert bad.raw == line_of(short).rstrip("\n")
    assert "18675309" in bad.subject_ids
    assert items[2].line == 4


def test_a_data_line_with_96_fields_is_a_bad_line_even_when_the_last_is_empty():
    data = HEADER + "\n" + line_of([*row(SUBJECT_ID="11"), ""]) + subject_line("22")
    items = read_all(data.encode())
    assert [type(item) for item in items] == [BadLine, Record]
    assert items[0].line == 2
    assert "96 fields" in items[0].reason
    assert items[0].subject_ids == ("11",)


def test_a_header_with_a_trailing_comma_is_skipped_not_quarantined():
    data = HEADER + ",\r\n" + line_of(row(SUBJECT_ID="11"), terminator="\r\n")
    assert [(type(item), item.line) for item in read_all(data.encode())] == [(Record, 2)]


def test_a_header_with_94_fields_is_a_bad_line_on_line_1():
    data = ",".join(COLUMNS[:94]) + "\n" + subject_line("11")
    items = read_all(data.encode())
    assert [(type(item), item.line) for item in items] == [(BadLine, 1), (Record, 2)]


def test_a_line_that_breaks_csv_quoting_is_a_bad_line_and_reading_continues():
    broken = subject_line("33").replace(",33,", ',"33"x,', 1)
    data = subject_line("11") + broken + "\n" + subject_line("22")
    items = read_all(data.encode())
    assert [type(item) for item in items] == [Record, BadLine, Record]
    assert items[1].line == 2
    assert items[1].reason.startswith("unreadable CSV")
    assert items[1].raw == broken.rstrip("\n")
    assert (items[2].line, items[2].fields[COL["SUBJECT_ID"]]) == (4, "22")


def test_a_quote_left_open_at_the_end_of_the_file_is_a_bad_line_not_an_error():
    data = subject_line("11") + subject_line("22").replace("DOE,JANE", 'DOE,"JANE', 1)
    items = read_all(data.encode())
    assert [type(item) for item in items] == [Record, BadLine]
    assert items[1].line == 2


def test_a_last_line_without_a_line_end_is_read():
    data = subject_line("11") + subject_line("22").rstrip("\n")
    rdr = Reader(io.BytesIO(data.encode()))
    assert [(r.line, r.fields[COL["SUBJECT_ID"]]) for r in rdr] == [(1, "11"), (2, "22")]
    assert rdr.bytes_read == len(data.encode())


def test_latin_1_bytes_decode_to_the_letters_they_stand_for():
    data = b"x,x,1," + b",".join([b"MU\xd1OZ,JOS\xc9"] + [b""] * 90) + b"\n"
    (item,) = read_all(data)
    assert isinstance(item, Record)
    assert item.fields[3:5] == ["MUÑOZ", "JOSÉ"]


def test_utf_8_bytes_decode_to_the_letters_they_stand_for():
    data = subject_line("1", "MUÑOZ,JOSÉ").encode("utf-8")
    (item,) = read_all(data)
    assert item.fields[COL["PRI_NAME"]] == "MUÑOZ,JOSÉ"


def test_bytes_read_ends_equal_to_the_file_size():
    text = HEADER + "\r\n\r\n" + subject_line("11", COMMENT_TEXT="A\nB") + subject_line("22")
    for encoding in ("utf-8", "latin-1"):
        data = (text + subject_line("33", "MUÑOZ,ANA")).encode(encoding)
        for block in (reader.BLOCK_BYTES, 1, 7, 64, 200):
            _, bytes_read = read_with_block(data, block)
            assert bytes_read == len(data), (encoding, block)


def test_the_module_level_read_yields_what_the_reader_yields():
    data = (HEADER + "\n" + subject_line("11") + "1,2,3\n").encode()
    assert list(reader.read(io.BytesIO(data))) == read_all(data)


def _mixed_file(encoding: str) -> bytes:
    parts = [HEADER + "\r\n"]
    for n in range(40):
        comment = f'LINE ONE\nLINE TWO {n}, "QUOTED"' if n % 3 == 0 else "x"
        parts.append(subject_line(f"{1000 + n}", f"MUÑOZ,JOSÉ {n}", COMMENT_TEXT=comment))
        if n % 7 == 0:
            parts.append("\n")
        if n % 11 == 5:
            parts.append(",".join(["9"] * 94) + "\n")
    return "".join(parts).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
@pytest.mark.parametrize("block", [1, 13, 64, 200, 1000])
def test_records_spanning_the_block_boundary_are_read_as_with_one_big_block(encoding, block):
    data = _mixed_file(encoding)
    expected, expected_bytes = read_with_block(data, reader.BLOCK_BYTES)
    assert len(data) < reader.BLOCK_BYTES  # the default reads the file in one block
    assert len(records(expected)) == 40
    assert len(bad_lines(expected)) == 4
    assert {r.fields[COL["PRI_NAME"]] for r in records(expected)} == {f"MUÑOZ,JOSÉ {n}" for n in range(40)}
    got, got_bytes = read_with_block(data, block)
    assert got == expected
    assert got_bytes == expected_bytes == len(data)


# --- Reader: lines of spaces, stray and unclosed quotes ---------------------------------------


def plain_line(fields: list[str]) -> str:
    """The cells joined as they are, unquoted: how a stray quote reaches the file.

    A quote inside a cell is a literal character; one that starts a cell opens a quoted cell.
    """
    assert not any("," in cell or "\n" in cell for cell in fields)
    return ",".join(fields) + "\n"


@pytest.mark.parametrize("spaces", [" ", "   ", "\t", " \t \t "])
@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_a_line_of_only_spaces_is_skipped_like_a_blank_line(spaces, terminator):
    data = HEADER + "\n" + spaces + terminator + subject_line("11") + spaces + terminator + subject_line("22") + spaces
    items = read_all(data.encode())
    assert bad_lines(items) == []
    assert [(r.line, r.fields[COL["SUBJECT_ID"]]) for r in records(items)] == [(3, "11"), (5, "22")]


def test_a_quote_inside_an_unquoted_cell_is_part_of_the_cell():
    data = plain_line(row(SUBJECT_ID="11", OFFENSE_DESCR='12" PIPE')) + subject_line("22")
    first, second = read_all(data.encode())
    assert isinstance(first, Record)
    assert first.fields[COL["OFFENSE_DESCR"]] == '12" PIPE'
    assert (second.line, second.fields[COL["SUBJECT_ID"]]) == (2, "22")


def test_a_stray_quote_in_an_unquoted_cell_does_not_break_a_later_quoted_cell_over_two_lines():
    data = (
        subject_line("11")
        + plain_line(row(SUBJECT_ID="22", OFFENSE_DESCR='12" PIPE'))
        + subject_line("33", COMMENT_TEXT="SEE CASE\nFILE 2")
        + subject_line("44")
    )
    items = read_all(data.encode())
    assert [(type(i), i.line, i.fields[COL["SUBJECT_ID"]]) for i in items] == [
        (Record, 1, "11"),
        (Record, 2, "22"),
        (Record, 3, "33"),
        (Record, 5, "44"),
    ]
    assert items[2].fields[COL["COMMENT_TEXT"]] == "SEE CASE\nFILE 2"


def _stray_quote_file() -> tuple[bytes, list[tuple[int, list[str]]]]:
    """Stray quotes (one or two a line) among quoted cells over two lines, and what was written."""
    parts: list[str] = []
    expected: list[tuple[int, list[str]]] = []
    line = 1
    for n in range(30):
        if n % 4 == 1:
            fields = row(SUBJECT_ID=f"{n}", PRI_NAME=f"DOE {n}", COMMENT_TEXT=f'SEE "CASE"\nFILE {n}')
            written = line_of(fields)
        elif n % 4 == 3:
            fields = row(SUBJECT_ID=f"{n}", OFFENSE_DESCR='12" PIPE', DISP_OFFENSE_DESCR='3/4" VALVE')
            written = plain_line(fields)
        else:
            fields = row(SUBJECT_ID=f"{n}", OFFENSE_DESCR=f'{n}" PIPE')
            written = plain_line(fields)
        parts.append(written)
        expected.append((line, fields))
        line += written.count("\n")
    return "".join(parts).encode(), expected


def test_stray_quotes_in_unquoted_cells_are_read_as_written():
    data, expected = _stray_quote_file()
    items, bytes_read = read_with_block(data, reader.BLOCK_BYTES)
    assert [(item.line, item.fields) for item in items] == expected
    assert all(isinstance(item, Record) for item in items)
    assert bytes_read == len(data)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 13, 64, 100, 199, 200, 201, 377, 1000, 4096])
def test_a_stray_quote_at_the_block_boundary_reads_as_with_one_big_block(block):
    data, _ = _stray_quote_file()
    assert read_with_block(data, block) == read_with_block(data, reader.BLOCK_BYTES)


def test_10000_lines_after_a_stray_quote_are_read_in_well_under_a_second():
    # One line with an odd number of stray quotes, then 10,000 with an even number: any
    # quote-counting guess at where a block's last record ends stays wrong to the end of the
    # file, and re-reading all that at every block is quadratic.
    data = plain_line(row(SUBJECT_ID="1", OFFENSE_DESCR='12" PIPE')) + "".join(
        plain_line(row(SUBJECT_ID=f"{n}", OFFENSE_DESCR='12" PIPE', DISP_OFFENSE_DESCR='12" PIPE'))
        for n in range(2, 10_002)
    )
    started = time.perf_counter()
    items, bytes_read = read_with_block(data.encode(), 512)
    elapsed = time.perf_counter() - started
    assert len(records(items)) == 10_001
    assert bytes_read == len(data)
    assert elapsed < 2.0


def _unclosed_quote_file(name: str) -> tuple[bytes, str]:
    """Header, 5 good lines, an unclosed quote on line 7, then 50 good lines."""
    unclosed = plain_line(row(SUBJECT_ID="18675309", PRI_NAME="ROE JOHN", OFFENSE_DESCR='"12 PIPE'))
    before = "".join(subject_line(f"{100 + n}", name) for n in range(5))
    after = "".join(subject_line(f"{200 + n}", name) for n in range(50))
    return (HEADER + "\n" + before + unclosed + after).encode(), unclosed


# "DOE,JANE" is written quoted, and its quote ends the stray one as unreadable on the next
# line; "DOE JANE" leaves no quote to end it before the end of the file.
@pytest.mark.parametrize("name", ["DOE,JANE", "DOE JANE"])
@pytest.mark.parametrize("block", [reader.BLOCK_BYTES, 1, 97, 1000, 4096])
def test_an_unclosed_quote_quarantines_only_its_own_line_and_the_50_lines_after_it_are_read(name, block):
    data, unclosed = _unclosed_quote_file(name)
    items, bytes_read = read_with_block(data, block)
    (bad,) = bad_lines(items)
    assert bad.line == 7
    assert bad.reason == "unclosed quote opened on line 7"
    assert bad.raw == unclosed.rstrip("\n")
    assert "18675309" in bad.subject_ids
    good = [(r.line, r.fields[COL["SUBJECT_ID"]], r.fields[COL["PRI_NAME"]]) for r in records(items)]
    assert good == [(2 + n, f"{100 + n}", name) for n in range(5)] + [(8 + n, f"{200 + n}", name) for n in range(50)]
    assert bytes_read == len(data)


def test_a_stray_quote_closed_by_another_a_few_lines_later_quarantines_only_the_line_it_opened_on():
    opened = plain_line(row(SUBJECT_ID="11", OFFENSE_DESCR='"12 PIPE'))
    closes = plain_line(row(SUBJECT_ID="33", OFFENSE_DESCR='3/4" VALVE'))
    data = opened + plain_line(row(SUBJECT_ID="22")) + closes + subject_line("44")
    items = read_all(data.encode())
    assert [(type(i), i.line) for i in items] == [(BadLine, 1), (Record, 2), (Record, 3), (Record, 4)]
    assert items[0].reason == "unclosed quote opened on line 1"
    assert items[0].raw == opened.rstrip("\n")
    assert items[2].fields[COL["OFFENSE_DESCR"]] == '3/4" VALVE'


def test_a_quoted_cell_over_max_record_lines_lines_is_one_record():
    comment = "\n".join(f"LINE {n}" for n in range(reader.MAX_RECORD_LINES))
    spanning = subject_line("11", COMMENT_TEXT=comment)
    assert spanning.count("\n") == reader.MAX_RECORD_LINES
    for block in (reader.BLOCK_BYTES, 50):
        items, _ = read_with_block((spanning + subject_line("22")).encode(), block)
        assert [(type(i), i.line) for i in items] == [(Record, 1), (Record, reader.MAX_RECORD_LINES + 1)]
        assert items[0].fields[COL["COMMENT_TEXT"]] == comment


def test_a_quoted_cell_over_more_than_max_record_lines_lines_is_taken_for_an_unclosed_quote():
    comment = "\n".join(f"LINE {n}" for n in range(reader.MAX_RECORD_LINES + 1))
    spanning = subject_line("11", COMMENT_TEXT=comment)
    data = subject_line("1") + spanning + subject_line("22")
    for block in (reader.BLOCK_BYTES, 50):
        items, _ = read_with_block(data.encode(), block)
        first, bad = items[:2]
        assert (type(first), first.line) == (Record, 1)
        assert isinstance(bad, BadLine)
        assert (bad.line, bad.reason, bad.subject_ids) == (2, "unclosed quote opened on line 2", ("11",))
        assert bad.raw == spanning.split("\n")[0]
        last = items[-1]
        assert (type(last), last.line) == (Record, reader.MAX_RECORD_LINES + 3)
        assert last.fields[COL["SUBJECT_ID"]] == "22"


def test_a_file_of_unclosed_quotes_is_read_in_well_under_a_second():
    # Every line opens a quote the next line's quote makes unreadable: each is quarantined
    # and read again, which must not copy the rest of the block each time.
    data = plain_line(row(SUBJECT_ID="1", OFFENSE_DESCR='"12 PIPE')) * 20_000
    started = time.perf_counter()
    items = read_all(data.encode())
    elapsed = time.perf_counter() - started
    assert [i.line for i in bad_lines(items)] == list(range(1, 20_001))
    assert records(items) == []
    assert elapsed < 2.0


# --- clean, parse_date, decode_line ----------------------------------------------------------


@pytest.mark.parametrize("cell", ["x", "X", "#", "NULL", "  x", "x       ", "   #  ", "NULL  ", "", "   "])
def test_a_placeholder_or_blank_cell_cleans_to_blank(cell):
    assert clean(cell) == ""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("  SACRAMENTO ", "SACRAMENTO"), ("xx", "xx"), ("null", "null"), ("x y", "x y"), ("##", "##"), ("0", "0")],
)
def test_a_real_value_is_only_trimmed(cell, expected):
    assert clean(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("20190525", dt.date(2019, 5, 25)),
        (" 19600314  ", dt.date(1960, 3, 14)),
        ("20000229", dt.date(2000, 2, 29)),
        ("19000229", None),
        ("20190000", None),
        ("20191300", None),
        ("20190132", None),
        ("00000101", None),
        ("2019052", None),
        ("201905251", None),
        ("2019-05-25", None),
        ("x", None),
        ("", None),
        ("abcdefgh", None),
        ("+2019052", None),
        ("\u0662\u0660\u0662\u0660\u0660\u0661\u0660\u0661", None),  # Arabic-Indic digits
        ("\uff12\uff10\uff12\uff10\uff10\uff11\uff10\uff11", None),  # full-width digits
        ("2020010\u00b2", None),  # a superscript two
    ],
)
def test_parse_date_reads_only_full_real_yyyymmdd_dates(cell, expected):
    assert parse_date(cell) == expected


def test_decode_line_prefers_utf_8_and_falls_back_to_latin_1():
    assert decode_line("MUÑOZ".encode()) == "MUÑOZ"
    assert decode_line(b"MU\xd1OZ") == "MUÑOZ"
    assert decode_line(b"PLAIN") == "PLAIN"


# --- properties ------------------------------------------------------------------------------

CELL_CHARS = 'ab ,"x#019Ñ'
PLACEHOLDER_CELLS = st.sampled_from(["x", "X", "#", "NULL", "", " x ", "#   "])


def cells(newlines: bool) -> st.SearchStrategy[str]:
    alphabet = CELL_CHARS + ("\n" if newlines else "")
    return st.one_of(PLACEHOLDER_CELLS, st.text(alphabet=alphabet, max_size=6))


@st.composite
def table_rows(draw: st.DrawFn, newlines: bool) -> list[str]:
    """A 95-cell row: one background cell repeated, with up to a dozen cells drawn freely.

    Drawing all 95 cells independently makes examples slow to generate and to shrink; a
    sparse row reaches the same cases (commas, quotes, newlines, placeholders anywhere).
    """
    background = draw(cells(newlines))
    fields = [background] * FIELD_COUNT
    overrides = draw(st.dictionaries(st.integers(0, FIELD_COUNT - 1), cells(newlines), max_size=12))
    for position, value in overrides.items():
        fields[position] = value
    return fields


def spans_at_most_max_record_lines(fields: list[str]) -> bool:
    """A longer record is taken for a stray quote (see the tests of MAX_RECORD_LINES)."""
    return sum(cell.count("\n") for cell in fields) < reader.MAX_RECORD_LINES


@st.composite
def tables(draw: st.DrawFn) -> dict:
    newlines = draw(st.booleans())
    rows = draw(st.lists(table_rows(newlines).filter(spans_at_most_max_record_lines), max_size=6))
    return {
        "rows": rows,
        "header": draw(st.booleans()),
        "terminator": draw(st.sampled_from(["\n", "\r\n"])),
        # Blank lines before any row (the header stays on line 1) and at the end.
        "blanks": draw(
            st.lists(st.sampled_from(["", "", "\n", "\r\n", "\n\n"]), min_size=len(rows) + 1, max_size=len(rows) + 1)
        ),
        "encoding": draw(st.sampled_from(["utf-8", "latin-1"])),
    }


def write_table(table: dict) -> tuple[bytes, list[tuple[int, list[str], str]]]:
    """The file's bytes and, for each row, (physical line, fields, raw text) as written."""
    text: list[str] = []
    line = 1
    if table["header"]:
        text.append(HEADER + table["terminator"])
        line += 1
    expected = []
    for index, fields in enumerate(table["rows"]):
        blank = table["blanks"][index]
        text.append(blank)
        line += blank.count("\n")
        written = line_of(fields, terminator=table["terminator"])
        text.append(written)
        expected.append((line, fields, written[: -len(table["terminator"])]))
        line += written.count("\n")
    text.append(table["blanks"][-1])
    return "".join(text).encode(table["encoding"]), expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_the_reader_returns_exactly_the_written_rows_with_their_lines_and_raw_text(table):
    data, expected = write_table(table)
    rdr = Reader(io.BytesIO(data))
    items = list(rdr)
    assert all(isinstance(item, Record) for item in items)
    assert [(item.line, item.fields, item.raw) for item in items] == expected
    assert rdr.bytes_read == len(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), block=st.integers(min_value=1, max_value=400))
def test_the_result_does_not_depend_on_the_block_size(table, block):
    data, _ = write_table(table)
    assert read_with_block(data, block) == read_with_block(data, reader.BLOCK_BYTES)


#: Cells holding quotes that are not at their start: csv reads those quotes as they are.
STRAY_QUOTE_CELLS = st.text(alphabet='ab x#1"', max_size=5).filter(lambda cell: not cell.startswith('"'))


@st.composite
def stray_quote_rows(draw: st.DrawFn) -> tuple[list[str], str]:
    """(fields, written line): a row written unquoted, or one written by csv over several lines."""
    if draw(st.booleans()):
        fields = row()
        overrides = draw(st.dictionaries(st.integers(0, FIELD_COUNT - 1), STRAY_QUOTE_CELLS, max_size=6))
        for position, value in overrides.items():
            fields[position] = value
        return fields, plain_line(fields)
    fields = draw(table_rows(newlines=True).filter(spans_at_most_max_record_lines))
    return fields, line_of(fields)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(stray_quote_rows(), max_size=8), block=st.integers(min_value=1, max_value=400))
def test_stray_quotes_among_quoted_cells_are_read_as_written_at_any_block_size(rows, block):
    data = "".join(written for _, written in rows).encode()
    expected = []
    line = 1
    for fields, written in rows:
        expected.append((line, fields, written.removesuffix("\n")))
        line += written.count("\n")
    items, bytes_read = read_with_block(data, block)
    assert [(item.line, item.fields, item.raw) for item in items] == expected
    assert bytes_read == len(data)


@settings(max_examples=60, deadline=None)
@given(table=tables())
def test_sniff_accepts_any_written_table_with_at_least_one_row(table):
    data, expected = write_table(table)
    if not expected:
        with pytest.raises(NotDojFile):
            sniff(data, name="t.csv")
        return
    layout = sniff(data, name="t.csv")
    assert layout.has_header == table["header"]


@settings(max_examples=200, deadline=None)
@given(cell=st.text(max_size=12))
def test_clean_is_idempotent_and_only_trims_or_blanks(cell):
    once = clean(cell)
    assert clean(once) == once
    assert once in ("", cell.strip())


@settings(max_examples=100, deadline=None)
@given(
    placeholder=st.sampled_from(["x", "X", "#", "NULL"]),
    left=st.text(alphabet=" \t", max_size=8),
    right=st.text(alphabet=" \t", max_size=8),
)
def test_a_padded_placeholder_always_cleans_to_blank(placeholder, left, right):
    assert clean(left + placeholder + right) == ""


def expected_date(cell: str) -> dt.date | None:
    value = cell.strip()
    if not re.fullmatch(r"[0-9]{8}", value):
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(
    cell=st.one_of(
        st.text(alphabet="0123456789", min_size=8, max_size=8),
        st.text(alphabet="0123456789", max_size=10),
        st.text(alphabet="0123456789\u0660\u0661\u0662\uff13\u00b2", min_size=8, max_size=8),
        st.text(max_size=10),
        st.builds(
            lambda a, b: f"{a}{b}",
            st.sampled_from(["1999", "2000", "2020", "2100"]),
            st.text("0123", min_size=4, max_size=4),
        ),
    )
)
def test_parse_date_accepts_exactly_the_valid_yyyymmdd_dates(cell):
    assert parse_date(cell) == expected_date(cell)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(1, 1, 1)), pad=st.sampled_from(["", " ", "  "]))
def test_every_real_date_written_as_yyyymmdd_is_read_back(day, pad):
    cell = f"{pad}{day.year:04d}{day.month:02d}{day.day:02d}{pad}"
    assert parse_date(cell) == day
