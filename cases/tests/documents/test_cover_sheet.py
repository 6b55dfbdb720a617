from __future__ import annotations

import re

from cases.documents import DocumentKind, cover_sheet
from cases.tests.documents import pdf, samples


def test_it_gives_the_clerk_counts_by_relief_and_total(rendered):
    text = pdf.text(rendered(DocumentKind.COVER_SHEET))

    assert re.search(r"Dismiss and seal\s+3\s+2", text)
    assert re.search(r"Redesignate as misdemeanor\s+2\s+1", text)
    assert re.search(r"Redesignate as infraction\s+1\s+1", text)
    assert re.search(r"Total\s+6\s+4", text)


def test_it_names_the_court_date_documents_and_contact(rendered):
    text = pdf.flat(rendered(DocumentKind.COVER_SHEET))

    assert "Superior Court of California, County of San Francisco" in text
    assert "Filing date March 4, 2025" in text
    assert "Documents filed with this cover sheet (4)" in text
    assert "Exhibit A: counts to be dismissed and sealed (filed under seal)" in text
    assert "Alex Q. Rivera, Deputy District Attorney (State Bar No. 123456)" in text
    assert "(415) 555-0100" in text
    assert "PKT-2025-0042" in text


def test_it_names_no_one_and_no_case(rendered):
    text = pdf.text(rendered(DocumentKind.COVER_SHEET))

    for name in samples.SEALED_NAMES + samples.PUBLIC_NAMES:
        assert name not in text
    assert not re.search(r"\b(F9|F10|F11|M200)\b", text)


def test_it_fits_on_one_page(rendered):
    assert len(pdf.pages(rendered(DocumentKind.COVER_SHEET))) == 1


def test_it_lists_the_documents_it_is_given():
    text = pdf.flat(cover_sheet(samples.INFO, samples.mixed_rows(), documents=["Motion and order, case F10"] * 2))

    assert "Documents filed with this cover sheet (2)" in text
