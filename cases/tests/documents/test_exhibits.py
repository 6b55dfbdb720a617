from __future__ import annotations

import dataclasses
import re

import pytest

from cases.choices import Outcome
from cases.documents import DocumentKind, SealedRowLeakError, paperwork, public_exhibit, sealed_exhibit
from cases.documents.paperwork import exhibit_part_count, exhibit_parts
from cases.tests.documents import pdf, samples


def _case_counts(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*([A-Z]+\d+)\s+(\d{9})\b", text, re.M)


def test_the_sealed_exhibit_lists_only_sealed_counts_by_case_number_then_count(rendered):
    text = pdf.text(rendered(DocumentKind.SEALED_EXHIBIT))

    assert _case_counts(text) == [("F9", "001001001"), ("F9", "001001002"), ("M200", "002001001")]


def test_the_sealed_exhibit_names_the_people_and_their_akas(rendered):
    text = pdf.text(rendered(DocumentKind.SEALED_EXHIBIT))

    for name in samples.SEALED_NAMES:
        assert name in text
    assert "AKA SEALEDALIAS,AL" in text
    for name in samples.PUBLIC_NAMES:
        assert name not in text


def test_the_sealed_exhibit_shows_every_column(rendered):
    text = pdf.flat(rendered(DocumentKind.SEALED_EXHIBIT))
    for heading in ("Case number", "Count", "Name and AKAs", "DOB", "CII", "Section as", "Severity"):
        assert heading in text
    for heading in ("Convicted", "Relief", "Statutory basis", "Ref"):
        assert heading in text
    line = next(line for line in pdf.text(rendered(DocumentKind.SEALED_EXHIBIT)).splitlines() if "M200" in line)

    assert line.split() == [
        "M200",
        "002001001",
        "HIDDENNAME,BORIS",
        "Q",
        "Jan",
        "15,",
        "1970",
        samples.mixed_rows()[3].cii,
        "HS",
        "11360(b)",
        "Misdemeanor",
        "Jun",
        "30,",
        "1999",
        "Dismiss",
        "and",
        "seal",
        "HS",
        "11361.8(e),",
        "(f)",
        samples.mixed_rows()[3].decision_ref,
    ]
    assert "Court of every count: CASC SAN FRANCISCO" in text


def test_the_sealed_exhibit_says_so_on_every_page():
    rows = [row for row in samples.many_rows(180) if row.sealed]

    pages = pdf.pages(sealed_exhibit(samples.INFO, rows))

    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "CONFIDENTIAL — FILED UNDER SEAL" in page
        assert f"Page {number} of {len(pages)}" in page


def test_long_exhibits_repeat_the_table_header_on_every_page():
    rows = [row for row in samples.many_rows(180) if not row.sealed]

    pages = pdf.pages(public_exhibit(samples.INFO, rows))

    assert len(pages) > 1
    assert all("Case number" in page and "Name and AKAs" in page for page in pages)
    listed = [case for page in pages for case, _ in _case_counts(page)]
    assert len(listed) == len(rows)


def test_the_public_exhibit_lists_the_redesignations_in_order(rendered):
    text = pdf.text(rendered(DocumentKind.PUBLIC_EXHIBIT))

    assert _case_counts(text) == [("F10", "001001001"), ("F10", "001002001"), ("F11", "001001001")]
    assert "Redesignate as" in text
    assert "Misdemeanor" in text and "Infraction" in text
    for name in samples.PUBLIC_NAMES:
        assert name in text


def test_the_public_exhibit_never_names_a_sealed_person_or_case(rendered):
    text = pdf.text(rendered(DocumentKind.PUBLIC_EXHIBIT))

    for name in samples.SEALED_NAMES:
        assert name not in text
    assert "SEALEDALIAS" not in text
    assert not re.search(r"\b(F9|M200)\b", text)
    assert "Dismiss and seal" not in text
    assert "CONFIDENTIAL" not in text


def test_a_sealed_row_that_slips_past_the_filter_stops_the_public_exhibit(monkeypatch):
    monkeypatch.setattr(paperwork, "PUBLIC_RELIEFS", tuple(paperwork.RELIEF_ORDER))

    with pytest.raises(SealedRowLeakError):
        public_exhibit(samples.INFO, samples.mixed_rows())


def test_an_exhibit_with_nothing_to_list_is_refused():
    public_only = [row for row in samples.mixed_rows() if not row.sealed]

    with pytest.raises(ValueError, match="dismiss-and-seal"):
        sealed_exhibit(samples.INFO, public_only)


def test_a_court_column_appears_when_a_count_comes_from_another_court():
    rows = [row for row in samples.mixed_rows() if row.sealed]
    rows[0] = dataclasses.replace(rows[0], court="CASC SF HALL OF JUSTICE")

    text = pdf.flat(sealed_exhibit(samples.INFO, rows))

    assert "Court Case number" in text
    assert "CASC SF HALL OF JUSTICE" in text
    assert "Court of every count" not in text


def test_a_big_exhibit_splits_into_parts_at_case_boundaries():
    rows = [dataclasses.replace(row, relief=Outcome.REDUCE_TO_MISDEMEANOR) for row in samples.many_rows(9)]

    parts = exhibit_parts(rows, rows_per_part=3)

    # Two counts per case: a third would split a case, so parts hold 2, except the last
    # (a case of 2 and a case of 1).
    assert [len(part) for part in parts] == [2, 2, 2, 3]
    cases = [{row.court_case_number for row in part} for part in parts]
    assert all(not (a & b) for index, a in enumerate(cases) for b in cases[index + 1 :])
    assert exhibit_part_count(rows, sealed=False, rows_per_part=3) == 4


def test_an_exhibit_part_is_its_own_document():
    rows = [dataclasses.replace(row, relief=Outcome.REDUCE_TO_MISDEMEANOR) for row in samples.many_rows(6)]

    spec = paperwork.public_exhibit_spec(samples.INFO, rows, part=2, rows_per_part=2)

    doc = spec.context["doc"]
    assert isinstance(doc, dict)
    assert doc["title"] == "Exhibit A, part 2 of 3"
    assert spec.context["summary"] == "2 counts in 1 case of 6 counts in 3 cases"
    with pytest.raises(ValueError, match="3 parts, not 4"):
        paperwork.public_exhibit_spec(samples.INFO, rows, part=4, rows_per_part=2)
