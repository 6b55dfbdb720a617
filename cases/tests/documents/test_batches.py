"""Many documents cheaply: per-case motions laid out in batches, exhibits in parts, PDFs merged."""

from __future__ import annotations

import dataclasses
import re
import zlib

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
    per_case_batches,
    per_case_documents,
    render_documents,
    render_pdf,
    write_merged,
    write_single,
)
from cases.documents.paperwork import PER_CASE_PUBLIC_TITLE, ExhibitTable, conviction_sort_key
from cases.documents.render import PdfPages, font_subsetter
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


def test_a_batched_motion_reads_exactly_as_the_one_rendered_alone(batched):
    # The words, their places on each page, the bookmark and the metadata are the same; only the
    # embedded font subsets differ (a batch's hold the glyphs of all its cases).
    for (_, document), group in zip(batched, _groups(), strict=True):
        (alone,) = render_documents([document_spec(DocumentKind.PER_CASE_MOTION_AND_ORDER, samples.INFO, group)])
        single = write_single(alone)
        assert pdf.pages(document) == pdf.pages(single)
        assert pdf.outline(document) == pdf.outline(single)
        assert pdf.info(document) | {"File size": ""} == pdf.info(single) | {"File size": ""}


def test_the_same_batches_give_the_same_bytes(batched):
    assert list(per_case_documents(samples.INFO, _groups(), batch=3)) == batched


def test_the_batch_size_does_not_change_what_a_motion_says(batched):
    for size in (1, 50):
        again = list(per_case_documents(samples.INFO, _groups(), batch=size))
        assert [index for index, _ in again] == [index for index, _ in batched]
        assert [pdf.pages(document) for _, document in again] == [pdf.pages(document) for _, document in batched]


def test_a_batched_motion_holds_nothing_drawn_for_another_case(batched):
    # Cut out of a file that drew several cases: each file keeps one content stream per page of
    # its own and the same shared streams (fonts, object and cross-reference streams), so a
    # neighbour's page cannot have come along.
    shared = set()
    for _, document in batched:
        pages = _decoded(document).count("/Type /Page/")
        assert pages == len(pdf.pages(document))
        shared.add(document.count(b"endstream") - pages)
    assert len(shared) == 1


def _decoded(document: bytes) -> str:
    """The file's bytes with each Flate stream inflated (object streams included), as Latin-1."""
    chunks = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", document, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(chunks).decode("latin-1")


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


def test_a_batchs_public_file_is_its_public_motions_in_order_and_no_sealed_one(batched):
    batches = list(per_case_batches(samples.INFO, _groups(), batch=3))
    assert [document for b in batches for document in b.documents] == batched

    for b in batches:
        groups = [_groups()[index] for index, _ in b.documents]
        public = [document for (_, document), group in zip(b.documents, groups, strict=True) if not group[0].sealed]
        assert b.public is not None
        assert pdf.pages(b.public) == [page for document in public for page in pdf.pages(document)]
        assert [t for _, t in pdf.outline(b.public)] == [t for document in public for _, t in pdf.outline(document)]
        assert not any(name in pdf.text(b.public) for name in samples.SEALED_NAMES)
        info = pdf.info(b.public)
        assert info["Title"] == PER_CASE_PUBLIC_TITLE
        assert "Seal" not in info["Subject"] and not any(g[0].court_case_number in info["Subject"] for g in groups)


def test_a_batch_of_sealed_cases_only_has_no_public_file():
    sealed = [group for group in _groups() if group[0].sealed]

    (only,) = per_case_batches(samples.INFO, sealed)

    assert only.public is None
    assert len(only.documents) == len(sealed)


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


def test_a_merged_file_splits_back_into_its_documents(packet_documents):
    files = [write_single(document) for document in packet_documents]
    merged = PdfPages(merge_pdfs(files))
    ranges, start = [], 0
    for document in packet_documents:
        ranges.append(range(start, start + len(document.pages)))
        start += len(document.pages)

    pieces = [merged.extract(pages, title=f"Part {n}", description=f"Piece {n}") for n, pages in enumerate(ranges)]

    assert len(merged) == start
    assert [pdf.pages(piece) for piece in pieces] == [pdf.pages(file) for file in files]
    assert [[title for _, title in pdf.outline(piece)] for piece in pieces] == [
        [title for _, title in pdf.outline(file)] for file in files
    ]
    assert [(pdf.info(piece)["Title"], pdf.info(piece)["Subject"]) for piece in pieces] == [
        (f"Part {n}", f"Piece {n}") for n in range(len(ranges))
    ]
    assert merged.extract(ranges[0], title="Part 0", description="Piece 0") == pieces[0]


def test_pages_extracted_out_of_order_keep_their_bookmarks_in_the_new_order(packet_documents):
    files = [write_single(document) for document in packet_documents[:2]]
    merged = PdfPages(merge_pdfs(files))
    first = len(packet_documents[0].pages)

    swapped = merged.extract([*range(first, len(merged)), *range(first)], title="Swapped")

    assert pdf.pages(swapped) == pdf.pages(files[1]) + pdf.pages(files[0])
    assert [title for _, title in pdf.outline(swapped)] == [
        title for file in (files[1], files[0]) for _, title in pdf.outline(file)
    ]


def test_pages_are_only_extracted_from_what_this_module_wrote():
    with pytest.raises(UnsupportedPdfError):
        PdfPages(b"not a pdf")


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


def test_fonts_are_subset_by_harfbuzz_here_as_in_the_deployed_image():
    # .ci/run and the Dockerfile install libharfbuzz-subset0; without it WeasyPrint falls back to
    # fontTools and every document, and every figure in docs/PERFORMANCE.md, takes about twice as long.
    assert font_subsetter() == "HarfBuzz"
