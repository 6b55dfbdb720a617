from __future__ import annotations

import dataclasses
import datetime

import pytest

from cases.documents import DocumentKind, ServiceMethod, proof_of_service
from cases.tests.documents import pdf, samples


def test_the_notice_is_addressed_to_the_public_defender(rendered):
    text = pdf.flat(rendered(DocumentKind.NOTICE_OF_CHALLENGE, "challenges"))

    assert "NOTICE OF CHALLENGE TO RELIEF UNDER HEALTH AND SAFETY CODE SECTION 11361.9" in text
    assert "TO THE PUBLIC DEFENDER (Office of the Public Defender, San Francisco)" in text
    assert "on the 2 counts in 2 cases listed below" in text
    assert "clear and convincing evidence" in text


def test_the_notice_gives_each_count_its_reasons_evidence_and_note_in_case_order(rendered):
    text = pdf.flat(rendered(DocumentKind.NOTICE_OF_CHALLENGE, "challenges"))

    first = text.index("1. Case No. F120, count 001001001 — OTHERCHALLENGE,FAY")
    second = text.index("2. Case No. F300, count 003001001 — CHALLENGED,EVAN")
    assert first < second
    # The citation wraps inside its parentheses; compare without spaces.
    reason = "Prior conviction for PC 187 on May 4, 1998 (a super strike) (HS 11359(c)(1); PC 667(e)(2)(C)(iv))"
    assert "".join(reason.split()) in "".join(text.split())
    assert "May 4, 1998 · PC 187 · CONVICTED-PRISON · CASC LOS ANGELES" in text
    assert "The prior murder conviction is confirmed by the abstract of judgment." in text
    assert "Two or more prior convictions of HS 11360 (HS 11360(a)(3)(C))" in text
    assert "State Bar No. 123456" in text


def test_the_notice_is_marked_confidential_on_every_page(rendered):
    pages = pdf.pages(rendered(DocumentKind.NOTICE_OF_CHALLENGE, "challenges"))

    assert all("CONFIDENTIAL" in page for page in pages)


def test_the_proof_of_service_says_who_was_served_where_when_and_how(rendered):
    text = pdf.flat(rendered(DocumentKind.PROOF_OF_SERVICE, "challenges"))

    assert "PROOF OF SERVICE" in text
    assert "I am employed in the County of San Francisco" in text
    assert "On March 4, 2025, I served the following document" in text
    assert "Office of the Public Defender, San Francisco 555 Seventh Street San Francisco, CA 94103" in text
    assert "By mail." in text
    assert "under penalty of perjury" in text
    assert "(Type or print name of declarant)" in text


def test_the_proof_of_service_names_no_one(rendered):
    text = pdf.text(rendered(DocumentKind.PROOF_OF_SERVICE, "challenges"))

    assert "CHALLENGED,EVAN" not in text
    assert "OTHERCHALLENGE,FAY" not in text


def test_electronic_service_names_the_address_and_the_declarant():
    text = pdf.flat(
        proof_of_service(
            samples.INFO,
            samples.challenges(),
            method=ServiceMethod.ELECTRONIC,
            served_on=datetime.date(2025, 3, 5),
            declarant="Pat Lee",
        )
    )

    assert "By electronic service." in text
    assert "service@sfpd-defender.example" in text
    assert "On March 5, 2025" in text
    assert "Pat Lee" in text


def test_electronic_service_needs_an_email_address():
    office = dataclasses.replace(samples.OFFICE, public_defender_email="")
    info = dataclasses.replace(samples.INFO, office=office)

    with pytest.raises(ValueError, match="email"):
        proof_of_service(info, samples.challenges(), method=ServiceMethod.ELECTRONIC)
