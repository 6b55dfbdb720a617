from __future__ import annotations

import dataclasses

from cases.choices import Outcome
from cases.documents import DocumentKind, bulk_motion
from cases.tests.documents import pdf, samples


def test_it_is_captioned_for_the_court_and_the_people(rendered):
    text = pdf.flat(rendered(DocumentKind.BULK_MOTION))

    assert "SUPERIOR COURT OF CALIFORNIA, COUNTY OF SAN FRANCISCO" in text
    assert "THE PEOPLE OF THE STATE OF CALIFORNIA, Plaintiff" in text
    assert "THE PERSONS LISTED IN EXHIBITS A AND B" in text
    assert "NOTICE OF MOTION AND MOTION TO DISMISS AND SEAL, AND TO REDESIGNATE, CANNABIS CONVICTIONS" in text
    assert "Health and Safety Code sections 11361.8 and 11361.9" in text


def test_it_asks_for_each_relief_with_its_counts_and_exhibit(rendered):
    text = pdf.flat(rendered(DocumentKind.BULK_MOTION))

    assert "on the 6 counts in 4 cases listed in Exhibit A (filed under seal) and Exhibit B" in text
    assert "to dismiss and seal the 3 counts in 2 cases listed in Exhibit A, which is filed under seal;" in text
    assert "to redesignate as misdemeanors the 2 counts in 1 case so marked in Exhibit B;" in text
    assert "to redesignate as infractions the 1 count in 1 case so marked in Exhibit B." in text


def test_it_is_signed_by_the_attorney_with_bar_number_and_address(rendered):
    text = pdf.flat(rendered(DocumentKind.BULK_MOTION))

    assert "Alex Q. Rivera (State Bar No. 123456)" in text
    assert "350 Rhode Island Street, North Building, Suite 400N" in text
    assert "Dated: March 4, 2025" in text
    assert "By: Alex Q. Rivera Deputy District Attorney State Bar No. 123456" in " ".join(text.split("_"))


def test_it_names_no_one(rendered):
    text = pdf.text(rendered(DocumentKind.BULK_MOTION))

    for name in samples.SEALED_NAMES + samples.PUBLIC_NAMES:
        assert name not in text


def test_its_pages_are_numbered_page_x_of_y(rendered):
    pages = pdf.pages(rendered(DocumentKind.BULK_MOTION))

    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_later_pages_repeat_the_caption_in_the_header(rendered):
    pages = pdf.pages(rendered(DocumentKind.BULK_MOTION))

    assert "People of the State of California v. Persons listed in Exhibits A and B" in pages[1]


def test_without_sealed_rows_the_redesignations_are_exhibit_a_and_nothing_is_sealed():
    public_only = [row for row in samples.mixed_rows() if not row.sealed]

    text = pdf.flat(bulk_motion(samples.INFO, public_only))

    assert "MOTION TO REDESIGNATE CANNABIS CONVICTIONS" in text
    assert "so marked in Exhibit A" in text
    assert "under seal" not in text
    assert "Exhibit B" not in text


def test_without_redesignations_it_only_dismisses_and_seals():
    sealed_only = [dataclasses.replace(row, relief=Outcome.DISMISS_AND_SEAL) for row in samples.mixed_rows()]

    text = pdf.flat(bulk_motion(samples.INFO, sealed_only))

    assert "MOTION TO DISMISS AND SEAL CANNABIS CONVICTIONS" in text
    assert "redesignate as" not in text
