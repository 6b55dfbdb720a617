"""Reading a DOJ file in parts (clearance.doj.parts), as the loader's parsing processes do.

The serial reader (`Reader`, tested in test_reader.py) and `normalize.event_of` are the
reference: read part by part, a file must give exactly the rows, the quarantined lines and the
people they give, whatever the size of the parts. No database, no Django.
"""

from __future__ import annotations

import io
from itertools import groupby
from unittest import mock

import pytest

from cases.tests.doj.test_reader import HEADER, plain_line, row, subject_line
from clearance.doj import parts, reader
from clearance.doj.copytext import copy_line, pg_array
from clearance.doj.layout import COL
from clearance.doj.normalize import event_of, subject_of
from clearance.doj.parts import CaseSeen, ParsedPart, SubjectRun, case_rows, cut_parts, parse_file, parse_part
from clearance.doj.reader import BadLine, Reader, Record, clean, parse_date


def _file(encoding: str) -> bytes:
    """People over several lines each, one person's rows split by another's, quoted cells over
    two lines, blank lines, a stray quote, short lines and an open quote at the very end."""
    lines = [HEADER + "\r\n"]
    for n in range(30):
        subject = f"{1000 + n // 3}"  # three rows a person, so people run across parts
        cells = {
            "PRI_DOB": "" if n % 3 == 0 else f"1970010{1 + n % 9}",
            "CNT_ORDER": f"00100{n % 2}00{n % 3}",
            "STP_TYPE_DESCR": "COURT ACTION" if n % 2 else "ARREST",
            "OFN": f"SC-{n % 4}",
            "FE_NUM_CRT_CASE": f'CR"{n % 5}' if n % 5 == 1 else "",
            "DISP_DESCR": "CONVICTED" if n % 3 else "DISMISSED",
            "STP_ORI_CNTY_NAME": "SAN FRANCISCO" if n % 4 else "ALAMEDA",
            "COMMENT_TEXT": f'LINE ONE\nLINE TWO {n}, "Q"' if n % 7 == 0 else "x",
        }
        lines.append(subject_line(subject, f"MUÑOZ,JOSÉ {n // 3}", **cells))
        if n % 8 == 0:
            lines.append("\n")
        if n % 11 == 5:
            lines.append(",".join(["9"] * 94) + "\n")
        if n == 17:
            lines.append(plain_line(row(SUBJECT_ID="1000", OFFENSE_DESCR='12" PIPE')))  # back to the first person
    lines.append(subject_line("2000", COMMENT_TEXT="x")[:-1] + ',"OPEN\n')
    return "".join(lines).encode(encoding)


def _serial(data: bytes) -> list[Record | BadLine]:
    with mock.patch.object(reader, "BLOCK_BYTES", 1 << 20):
        return list(Reader(io.BytesIO(data)))


def _in_parts(data: bytes, block: int) -> list[ParsedPart]:
    with mock.patch.object(parts, "BLOCK_BYTES", block):
        return list(parse_file(io.BytesIO(data)))


def run_rows(run: SubjectRun) -> list[str]:
    """A run's records as COPY text, one string each (with its line break)."""
    return [row + "\n" for row in run.text.split("\n")[:-1]]


def _joined_runs(parsed: list[ParsedPart]) -> list[list[SubjectRun]]:
    """Runs of consecutive rows of one subject, however many parts they were cut into."""
    runs = [run for part in parsed for run in part.runs]
    return [list(group) for _key, group in groupby(runs, key=lambda run: run.key)]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
@pytest.mark.parametrize("block", [1, 13, 200, 1000, 5000, 1 << 20])
def test_a_file_read_in_parts_gives_the_rows_and_bad_lines_the_serial_reader_gives(encoding, block):
    data = _file(encoding)
    expected = _serial(data)
    parsed = _in_parts(data, block)
    assert len(parsed) > (1 if block < len(data) else 0)
    records = [item for item in expected if isinstance(item, Record)]
    assert [row for part in parsed for run in part.runs for row in run_rows(run)] == [
        copy_line((record.line, *event_of(record.fields), record.raw)) for record in records
    ]
    assert [bad for part in parsed for bad in part.errors] == [item for item in expected if isinstance(item, BadLine)]
    assert sum(part.consumed for part in parsed) == len(data)
    assert parsed[-1].leftover == b""


@pytest.mark.parametrize("block", [1, 200, 1000, 1 << 20])
def test_a_run_is_one_subjects_rows_with_its_first_line_and_first_valid_dob(block):
    records = [item for item in _serial(_file("utf-8")) if isinstance(item, Record)]
    expected = [list(group) for _key, group in groupby(records, key=lambda r: clean(r.fields[COL["SUBJECT_ID"]]))]
    joined = _joined_runs(_in_parts(_file("utf-8"), block))
    assert [(runs[0].key, runs[0].first_line, runs[0].subject) for runs in joined] == [
        (clean(group[0].fields[COL["SUBJECT_ID"]]), group[0].line, subject_of(group[0].fields)) for group in expected
    ]
    dobs = [next((run.dob for run in runs if run.dob), None) for runs in joined]
    assert dobs == [next((d for r in group if (d := parse_date(r.fields[COL["PRI_DOB"]]))), None) for group in expected]
    assert [runs[0].key for runs in joined].count("1000") == 2  # the first person again, after others


@pytest.mark.parametrize("block", [1, 200, 1000, 1 << 20])
def test_each_run_tallies_its_cases_convictions_and_counties(block):
    parsed = _in_parts(_file("utf-8"), block)
    records = {item.line: item for item in _serial(_file("utf-8")) if isinstance(item, Record)}
    counties: dict[str, int] = {}
    for part in parsed:
        for county, rows in part.conviction_counties.items():
            counties[county] = counties.get(county, 0) + rows
        for run in part.runs:
            lines = [int(row.split("\t", 1)[0]) for row in run_rows(run)]
            events = [(line, event_of(records[line].fields)) for line in lines]
            cases: dict[str, CaseSeen] = {}
            for line, event in events:
                if event.case_key and event.case_key not in cases:
                    cases[event.case_key] = CaseSeen(line, event.court, event.county, set())
                if event.case_key and event.step_type == "COURT ACTION" and event.ofn:
                    cases[event.case_key].numbers.add(event.ofn)
                if event.case_key and event.court_case_number:
                    cases[event.case_key].numbers.add(event.court_case_number)
            assert run.case_rows == case_rows(cases)
            convictions = [event for _line, event in events if event.is_conviction]
            assert run.convicted_counts == {e.cnt_order for e in convictions if e.cnt_order}
            assert run.unnumbered_convictions == sum(1 for e in convictions if not e.cnt_order)
    every = [event_of(r.fields) for r in records.values()]
    assert counties == {
        county: sum(1 for e in every if e.is_conviction and e.county == county)
        for county in {e.county for e in every if e.is_conviction and e.county}
    }


def test_only_the_first_and_last_run_of_a_part_keep_their_cases_by_key():
    part = _in_parts(_file("utf-8"), 1 << 20)[0]  # all but the record left open at the end
    assert len(part.runs) > 3
    assert part.runs[0].cases and part.runs[-1].cases
    assert all(run.cases is None for run in part.runs[1:-1])


def test_parts_end_at_a_line_break_and_are_numbered_by_physical_line():
    data = _file("utf-8")
    with mock.patch.object(parts, "BLOCK_BYTES", 100):
        cut = list(cut_parts(io.BytesIO(data)))
    assert b"".join(part.data for part in cut) == data
    assert all(part.data.endswith(b"\n") and not part.final for part in cut[:-1])
    assert cut[-1].final
    assert [part.first_line for part in cut] == [
        1 + data.count(b"\n", 0, sum(len(p.data) for p in cut[:i])) for i in range(len(cut))
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_part_read_from_the_file_at_its_offset_parses_as_the_part_itself(tmp_path, encoding):
    data = _file(encoding)
    path = tmp_path / "doj.dat"
    path.write_bytes(b"SKIPPED\n" + data)  # the stream need not start at the file's first byte
    with path.open("rb") as stream, mock.patch.object(parts, "BLOCK_BYTES", 300):
        stream.readline()
        offset = stream.tell()
        cut = list(cut_parts(stream))
    assert len(cut) > 3
    for part in cut:
        assert parts.parse_part_at(str(path), offset, len(part.data), part.first_line, part.final) == parse_part(part)
        offset += len(part.data)


def test_case_numbers_are_written_alike_with_or_without_escaping():
    cases = {"001001": CaseSeen(4, "CASC SAN FRANCISCO", "SAN FRANCISCO", {'CR"7', "SC-2", "SC-10"})}
    assert case_rows(cases, plain=True) == case_rows(cases, plain=False)
    assert case_rows(cases)[0].split("\t")[3] == copy_line([pg_array(['CR"7', "SC-10", "SC-2"])]).strip()
    assert case_rows({"7": CaseSeen(9, "", "", set())}, plain=True) == ["7\t\t\t{}\t9\n"]
