from __future__ import annotations

import pytest

from cases.documents import DocumentKind, per_case_motion_and_order
from cases.tests.documents import pdf, samples


def test_it_is_captioned_for_one_defendant_and_case(rendered):
    text = pdf.flat(rendered(DocumentKind.PER_CASE_MOTION_AND_ORDER, "case_f9"))

    assert "SEALEDPERSON,ALMA (also known as SEALEDALIAS,AL)," in text
    assert "Defendant." in text
    assert "Case No.: F9" in text
    assert "MOTION AND [PROPOSED] ORDER TO DISMISS AND SEAL CANNABIS CONVICTIONS" in text
    assert "born Jan 15, 1970" in text


def test_it_lists_each_count_of_the_case_and_grants_relief_in_its_order(rendered):
    text = pdf.text(rendered(DocumentKind.PER_CASE_MOTION_AND_ORDER, "case_f9"))

    assert text.index("001001001") < text.index("001001002")
    assert "[PROPOSED] ORDER" in text
    assert "Judge of the Superior Court" in text
    assert "State Bar No. 123456" in text


def test_a_case_to_be_sealed_is_marked_confidential_on_every_page(rendered):
    pages = pdf.pages(rendered(DocumentKind.PER_CASE_MOTION_AND_ORDER, "case_f9"))

    assert all("CONFIDENTIAL — TO BE SEALED" in page for page in pages)
    assert all(f"Page {number} of {len(pages)}" in page for number, page in enumerate(pages, start=1))


def test_a_redesignation_takes_one_row_and_is_not_marked_confidential():
    row = next(row for row in samples.mixed_rows() if row.court_case_number == "F11")

    text = pdf.flat(per_case_motion_and_order(samples.INFO, row))

    assert "MOTION AND [PROPOSED] ORDER TO REDESIGNATE CANNABIS CONVICTION" in text
    assert "Redesignate as infraction" in text
    assert "CONFIDENTIAL" not in text


def test_each_count_prints_its_statutory_basis_whole_on_the_counts_own_line(rendered):
    lines = pdf.text(rendered(DocumentKind.PER_CASE_MOTION_AND_ORDER, "case_f9")).splitlines()

    for count in ("001001001", "001001002"):
        (line,) = [line for line in lines if count in line]
        assert line.rstrip().endswith("HS 11361.8(e), (f)")


def test_it_refuses_counts_of_two_cases():
    with pytest.raises(ValueError, match="one case number"):
        per_case_motion_and_order(samples.INFO, samples.mixed_rows())
