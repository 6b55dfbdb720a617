"""The published DOJ samples (cases/tests/data/doj-samples, see NOTICE.md), at the reader level.

Expected values are computed from the same bytes with Python's ``csv`` module, independently
of clearance.doj.reader. No database, no Django.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from clearance.doj import reader
from clearance.doj.layout import COL, COLUMNS, FIELD_COUNT
from clearance.doj.reader import SNIFF_BYTES, BadLine, NotDojFile, Reader, Record, clean, sniff

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "doj-samples"
PLACEHOLDERS = {"x", "X", "#", "NULL"}


def raw_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def csv_lines(name: str) -> list[tuple[int, list[str]]]:
    """(physical line, fields) of every non-blank CSV record, by Python's csv module."""
    text = raw_bytes(name).decode("utf-8")
    rdr = csv.reader(io.StringIO(text, newline=""))
    result = []
    start = 1
    for fields in rdr:
        if fields:
            result.append((start, fields))
        start = rdr.line_num + 1
    return result


def csv_records(name: str) -> list[tuple[int, list[str]]]:
    """The data lines: everything but a header on line 1."""
    return [(line, fields) for line, fields in csv_lines(name) if not (line == 1 and fields[0] == COLUMNS[0])]


def read(name: str) -> tuple[list[Record | BadLine], int]:
    rdr = Reader(io.BytesIO(raw_bytes(name)))
    items = list(rdr)
    return items, rdr.bytes_read


def counties(items: list[Record | BadLine]) -> Counter[str]:
    return Counter(clean(r.fields[COL["STP_ORI_CNTY_NAME"]]) for r in items if isinstance(r, Record))


ALL_SAMPLES = [
    "gogen_no_headers.csv",
    "gogen_extra_comma.csv",
    "gogen_bad_field_count.csv",
    "bear_with_header.dat",
    "bear_bad_field_count.dat",
    "gogen_configurable_flow_input.csv",
]
GOOD_SAMPLES = [name for name in ALL_SAMPLES if "bad_field_count" not in name]


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_is_read_to_its_last_byte_with_the_lines_and_cells_csv_sees(name):
    items, bytes_read = read(name)
    assert bytes_read == len(raw_bytes(name))
    assert [(item.line, item.fields) for item in items if isinstance(item, Record)] == [
        (line, fields) for line, fields in csv_records(name) if len(fields) == FIELD_COUNT
    ]


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_reads_the_same_with_a_tiny_block_size(name, monkeypatch):
    expected = read(name)
    monkeypatch.setattr(reader, "BLOCK_BYTES", 200)
    assert read(name) == expected


@pytest.mark.parametrize("name", GOOD_SAMPLES)
def test_every_good_sample_is_accepted_by_sniff(name):
    layout = sniff(raw_bytes(name)[:SNIFF_BYTES], name=name)
    assert layout.has_header == (csv_lines(name)[0][1][0] == COLUMNS[0])
    assert layout.encoding == "utf-8"


# --- gogen_no_headers.csv --------------------------------------------------------------------


def test_the_file_without_headers_is_sniffed_as_having_none():
    assert sniff(raw_bytes("gogen_no_headers.csv"), name="gogen_no_headers.csv").has_header is False


def test_the_file_without_headers_gives_a_record_for_every_line_starting_at_line_1():
    items, _ = read("gogen_no_headers.csv")
    expected = csv_records("gogen_no_headers.csv")
    assert len(expected) == 38  # 37 line ends, and a last line without one
    assert all(isinstance(item, Record) for item in items)
    assert [item.line for item in items] == list(range(1, 39))


def test_the_file_without_headers_is_mostly_san_joaquin():
    items, _ = read("gogen_no_headers.csv")
    found = counties(items)
    expected = Counter(fields[COL["STP_ORI_CNTY_NAME"]].strip() for _, fields in csv_records("gogen_no_headers.csv"))
    assert found == expected
    assert found.most_common(1)[0][0] == "SAN JOAQUIN"
    assert set(found) <= {"SAN JOAQUIN", "YOLO"}


# --- gogen_extra_comma.csv -------------------------------------------------------------------


def test_the_header_with_a_trailing_comma_is_accepted():
    data = raw_bytes("gogen_extra_comma.csv")
    header = next(csv.reader(io.StringIO(data.decode(), newline="")))
    assert len(header) == FIELD_COUNT + 1
    assert header[-1] == ""
    assert sniff(data, name="gogen_extra_comma.csv").has_header


def test_the_crlf_file_leaves_no_carriage_return_in_raw_text_or_cells():
    data = raw_bytes("gogen_extra_comma.csv")
    assert b"\r\n" in data
    items, _ = read("gogen_extra_comma.csv")
    assert all(isinstance(item, Record) for item in items)
    assert len(items) == len(csv_records("gogen_extra_comma.csv")) == data.count(b"\n")
    assert [item.line for item in items] == list(range(2, len(items) + 2))
    expected_raw = data.decode().split("\r\n")[1:]
    assert [item.raw for item in items] == expected_raw
    for item in items:
        assert "\r" not in item.raw
        assert not any("\r" in cell or "\n" in cell for cell in item.fields)


# --- gogen_bad_field_count.csv ---------------------------------------------------------------


def test_a_file_of_94_field_lines_is_refused_naming_the_file_the_line_and_both_counts():
    name = "gogen_bad_field_count.csv"
    assert {len(fields) for _, fields in csv_lines(name)} == {94}
    with pytest.raises(NotDojFile) as caught:
        sniff(raw_bytes(name)[:SNIFF_BYTES], name=name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "line 1" in message
    assert "94 fields" in message
    assert "95" in message


def test_the_94_field_lines_without_their_header_are_refused_too():
    name = "gogen_bad_field_count.csv"
    data = raw_bytes(name)
    body = data[data.index(b"\n") + 1 :]
    with pytest.raises(NotDojFile) as caught:
        sniff(body, name=name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "line 1 has 94 fields" in message
    assert "95" in message


def test_every_94_field_line_read_anyway_is_a_bad_line_naming_its_line():
    items, _ = read("gogen_bad_field_count.csv")
    assert all(isinstance(item, BadLine) for item in items)
    assert [item.line for item in items] == [line for line, _ in csv_lines("gogen_bad_field_count.csv")]
    assert all("94 fields" in item.reason for item in items)


# --- bear_with_header.dat --------------------------------------------------------------------


def test_the_bear_file_has_a_header_and_a_record_for_every_other_line():
    name = "bear_with_header.dat"
    assert sniff(raw_bytes(name), name=name).has_header
    items, _ = read(name)
    assert all(isinstance(item, Record) for item in items)
    assert len(items) == len(csv_lines(name)) - 1
    assert items[0].line == 2


def test_placeholders_and_padded_cells_in_the_bear_file_clean_to_blank_or_trimmed():
    items, _ = read("bear_with_header.dat")
    placeholders = padded = 0
    for item in items:
        for cell in item.fields:
            value = clean(cell)
            if cell.strip() in PLACEHOLDERS:
                placeholders += 1
                assert value == ""
            else:
                assert value == cell.strip()
                padded += cell != value and value != ""
    assert placeholders > 0
    assert padded > 0
    raw_cells = [cell for _, fields in csv_records("bear_with_header.dat") for cell in fields]
    assert {cell for cell in raw_cells if cell.strip() in PLACEHOLDERS and cell != cell.strip()}  # padded "x"s exist


def test_the_bear_file_is_sacramento():
    items, _ = read("bear_with_header.dat")
    found = counties(items)
    assert found == Counter(f[COL["STP_ORI_CNTY_NAME"]].strip() for _, f in csv_records("bear_with_header.dat"))
    assert found.most_common(1)[0][0] == "SACRAMENTO"


# --- bear_bad_field_count.dat ----------------------------------------------------------------


def test_line_2_of_the_bad_bear_file_is_a_bad_line_and_every_other_line_is_a_record():
    name = "bear_bad_field_count.dat"
    items, bytes_read = read(name)
    bad = [item for item in items if isinstance(item, BadLine)]
    assert len(bad) == 1
    (line_2,) = bad
    assert line_2.line == 2
    assert "94 fields" in line_2.reason
    assert "18675309" in line_2.subject_ids
    assert line_2.raw == raw_bytes(name).decode().split("\n")[1]
    good = [item for item in items if isinstance(item, Record)]
    assert [r.line for r in good] == [line for line, fields in csv_records(name) if line != 2]
    assert len(good) == len(csv_records(name)) - 1
    assert bytes_read == len(raw_bytes(name))


def test_the_bad_bear_file_is_still_accepted_by_sniff():
    name = "bear_bad_field_count.dat"
    assert sniff(raw_bytes(name), name=name).has_header


# --- gogen_configurable_flow_input.csv -------------------------------------------------------


def test_the_configurable_flow_input_has_38_records_of_its_subjects():
    name = "gogen_configurable_flow_input.csv"
    items, _ = read(name)
    assert all(isinstance(item, Record) for item in items)
    assert len(items) == 38
    subjects = {clean(r.fields[COL["SUBJECT_ID"]]) for r in items}
    assert subjects == {fields[COL["SUBJECT_ID"]].strip() for _, fields in csv_records(name)}
    # NOTICE.md says 12 subjects; the file holds 13 distinct SUBJECT_IDs (313456, 313457 and
    # 313458 are three one-row people), and the reader must see every one of them.
    assert len(subjects) == 13


def test_the_configurable_flow_input_is_sacramento_with_some_yolo_rows():
    name = "gogen_configurable_flow_input.csv"
    items, _ = read(name)
    found = counties(items)
    assert found == Counter(f[COL["STP_ORI_CNTY_NAME"]].strip() for _, f in csv_records(name))
    assert set(found) == {"SACRAMENTO", "YOLO"}
    assert found["SACRAMENTO"] > found["YOLO"] > 0
