from __future__ import annotations

import re

from cases.documents import DocumentKind, proposed_order
from cases.tests.documents import pdf, samples


def test_it_orders_relief_by_exhibit_with_the_totals(rendered):
    text = pdf.flat(rendered(DocumentKind.PROPOSED_ORDER))

    assert "[PROPOSED] ORDER GRANTING MOTION TO DISMISS AND SEAL, AND TO REDESIGNATE" in text
    assert "IT IS ORDERED:" in text
    assert (
        "Each of the 3 counts in 2 cases listed in Exhibit A to the motion, filed under seal and incorporated "
        "in this order by reference, is dismissed and sealed" in text
    )
    exhibit_b = "listed in Exhibit B to the motion, is redesignated as"
    assert f"Each of the following 2 counts in 1 case, {exhibit_b} a misdemeanor" in text
    assert f"Each of the following 1 count in 1 case, {exhibit_b} an infraction" in text
    assert "Exhibit A shall remain under seal." in text


def test_it_lists_redesignated_counts_by_case_number_without_names(rendered):
    text = pdf.text(rendered(DocumentKind.PROPOSED_ORDER))

    assert re.search(r"F10\s+001001001\s+HS 11360\(a\)\s+Redesignate as misdemeanor", text)
    assert re.search(r"F11\s+001001001\s+HS 11357\(a\)\s+Redesignate as infraction", text)
    for name in samples.SEALED_NAMES + samples.PUBLIC_NAMES:
        assert name not in text


def test_it_keeps_sealed_case_numbers_off_its_face_by_default(rendered):
    text = pdf.text(rendered(DocumentKind.PROPOSED_ORDER))

    assert not re.search(r"\b(F9|M200)\b", text)


def test_a_court_that_wants_them_gets_sealed_case_numbers_and_counts_but_no_names():
    text = pdf.text(proposed_order(samples.INFO, samples.mixed_rows(), list_sealed_cases=True))

    assert re.search(r"F9\s+001001001\s+HS 11357\(b\)\s+Dismiss and seal", text)
    assert re.search(r"M200\s+002001001", text)
    for name in samples.SEALED_NAMES:
        assert name not in text


def test_it_leaves_date_and_signature_to_the_judge(rendered):
    text = pdf.flat(rendered(DocumentKind.PROPOSED_ORDER))

    assert "Dated: ____" in text
    assert "Judge of the Superior Court" in text
    assert "Dated: March 4, 2025" not in text
