"""Many documents cheaply: per-case motions laid out in batches, exhibits in parts, PDFs merged."""

from __future__ import annotations

import dataclasses
import re

import pytest

from cases.choices import Outcome
from cases.documents import (
    DocumentKind,
    UnsupportedPdfError,
    bulk_packet,
    document_spec,
    exhibit_part_specs,
    merge_pdfs,
    one_page_floor,
    per_case_documents,
    per_case_motion_and_order,
    render_documents,
    render_pdf,
    write_merged,
    write_single,
)
from cases.documents.paperwork import ExhibitTable, conviction_sort_key
from cases.tests.documents import pdf, samples


def _groups() -> list[list]:
    """Sealed and public cases in turn, one of them long enough for a third page."""
    rows = samples.mixed_rows()
    by_case: dict[str, list] = {}
    for row in rows:
        by_case.setdefault(row.court_case_number, []).append(row)
    long_case = [
        samples.row("F77", f"00100{n}001", samples.PUBLIC_NAMES[1], Outcome.REDUCE_TO_MISDEMEANOR, ref=f"D-77{n}")
        for n in range(1, 10)
    ]
    return [by_case["F9"], by_case["F10"], by_case["M200"], long_case, by_case["F11"]]


@pytest.fixture(scope="module")
def batched():
    return list(per_case_documents(samples.INFO, _groups(), batch=3))


def test_per_case_documents_yield_each_group_in_order(batched):
    assert [index for index, _ in batched] == [0, 1, 2, 3, 4]
    assert all(document.startswith(b"%PDF") for _, document in batched)


def test_a_batched_motion_is_byte_for_byte_the_one_rendered_alone(batched):
    for (_, document), group in zip(batched, _groups(), strict=True):
        assert document == per_case_motion_and_order(samples.INFO, group)
        (alone,) = render_documents([document_spec(DocumentKind.PER_CASE_MOTION_AND_ORDER, samples.INFO, group)])
        assert document == write_single(alone)


def test_the_batch_size_does_not_change_the_bytes(batched):
    assert list(per_case_documents(samples.INFO, _groups(), batch=1)) == batched
    assert list(per_case_documents(samples.INFO, _groups(), batch=50)) == batched


def test_each_batched_motion_numbers_its_own_pages(batched):
    page_counts = []
    for _, document in batched:
        pages = pdf.pages(document)
        page_counts.append(len(pages))
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page
    # The long case took a page more than the guess: it was laid out again with its own count.
    assert page_counts[3] > page_counts[0]


def test_each_batched_motion_carries_only_its_own_case(batched):
    for (_, document), group in zip(batched, _groups(), strict=True):
        text = pdf.text(document)
        case = group[0].court_case_number
        pages = pdf.pages(document)
        assert f"Case No.: {case}" in pdf.flat(document)
        assert all(f"PKT-2025-0042 · {case}" in page for page in pages)
        others = {g[0].court_case_number for g in _groups()} - {case}
        assert not any(re.search(rf"\b{other}\b", text) for other in others)
        assert pdf.outline(document) == [(1, pdf.info(document)["Title"])]


def test_a_public_motion_batched_after_a_sealed_one_names_no_sealed_person(batched):
    for (_, document), group in zip(batched, _groups(), strict=True):
        text = pdf.text(document)
        if any(row.sealed for row in group):
            assert all("CONFIDENTIAL — TO BE SEALED" in page for page in pdf.pages(document))
        else:
            assert "CONFIDENTIAL" not in text
            assert not any(name in text for name in samples.SEALED_NAMES)
            assert "SEALEDALIAS" not in text


def test_per_case_documents_refuse_a_group_of_two_cases():
    with pytest.raises(ValueError, match="one case number"):
        list(per_case_documents(samples.INFO, [samples.mixed_rows()]))


# ---- merging PDF files


@pytest.fixture(scope="module")
def packet_documents():
    return render_documents(bulk_packet(samples.INFO, samples.mixed_rows()).public)


def test_merged_files_read_like_merged_documents(packet_documents):
    merged = merge_pdfs([write_single(document) for document in packet_documents], title="Public packet")
    reference = write_merged(packet_documents, title="Public packet")

    assert pdf.text(merged) == pdf.text(reference)
    assert pdf.outline(merged) == pdf.outline(reference)
    info = pdf.info(merged)
    assert info["Title"] == "Public packet"
    assert info["Pages"] == pdf.info(reference)["Pages"]
    assert info["CreationDate"] == "2025-03-04T00:00:00Z"


def test_merging_is_reproducible_and_merged_files_merge_again(packet_documents):
    files = [write_single(document) for document in packet_documents]

    merged = merge_pdfs(files)

    assert merged == merge_pdfs(files)
    again = merge_pdfs([merged, files[0]])
    assert [title for _, title in pdf.outline(again)] == [title for _, title in pdf.outline(merged)] + ["Cover sheet"]
    assert pdf.info(again)["Pages"] == str(int(pdf.info(merged)["Pages"]) + 1)


def test_merge_refuses_what_it_did_not_write():
    with pytest.raises(UnsupportedPdfError):
        merge_pdfs([b"not a pdf"])
    with pytest.raises(ValueError, match="nothing to merge"):
        merge_pdfs([])


# ---- exhibits in parts


def test_exhibit_parts_render_separately_and_merge_into_every_row_in_order():
    rows = [dataclasses.replace(row, relief=Outcome.REDUCE_TO_MISDEMEANOR) for row in samples.many_rows(40)]

    specs = exhibit_part_specs(samples.INFO, rows, sealed=False, rows_per_part=15)
    merged = merge_pdfs([render_pdf(*spec) for spec in specs])

    assert [spec.title for spec in specs] == [
        f"Exhibit A, part {n} of 3: Counts to be redesignated as misdemeanors or infractions" for n in (1, 2, 3)
    ]
    listed = re.findall(r"^\s*(SCN\d+)\s+(\d{9})\b", pdf.text(merged), re.M)
    assert listed == [(row.court_case_number, row.count) for row in sorted(rows, key=conviction_sort_key)]
    assert [title for _, title in pdf.outline(merged)] == [spec.title for spec in specs]


def test_an_exhibit_that_fits_in_one_part_is_the_whole_exhibit():
    rows = samples.mixed_rows()

    (spec,) = exhibit_part_specs(samples.INFO, rows, sealed=True)

    assert spec == document_spec(DocumentKind.SEALED_EXHIBIT, samples.INFO, rows)


def test_a_packet_in_parts_keeps_sealed_parts_out_of_the_public_documents():
    rows = samples.many_rows(60)

    packet = bulk_packet(samples.INFO, rows, rows_per_part=8)

    public_titles = [spec.title for spec in packet.public]
    assert public_titles[:2] == ["Cover sheet", "Motion to Dismiss and Seal, and to Redesignate, Cannabis Convictions"]
    assert public_titles[-1] == "[Proposed] order"
    assert all(title.startswith("Exhibit B, part ") for title in public_titles[2:-1])
    assert all(spec.title.startswith("Exhibit A, part ") and "(under seal)" in spec.title for spec in packet.sealed)

    def lines(specs):
        tables = [spec.context["table"] for spec in specs]
        assert all(isinstance(table, ExhibitTable) for table in tables)
        return "\n".join(row for table in tables for row in table.rows)

    public_lines = lines(packet.public[2:-1])
    sealed_lines = lines(packet.sealed)
    for row in rows:
        assert (row.name in public_lines) != row.sealed
        assert (row.name in sealed_lines) == row.sealed


def test_the_one_page_floor_is_a_few_milliseconds():
    assert 0 < one_page_floor(renders=2) < 1
