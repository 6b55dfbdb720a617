"""Court paperwork for Prop 64 relief, rendered to PDF from plain data (no ORM, no queries).

Fill the dataclasses in `cases.documents.data` from the database, then either call one
function per document (each returns PDF bytes) or build specs and merge them:

    packet = bulk_packet(info, rows)
    public_pdf = write_merged(render_documents(packet.public), title="...")
    sealed_pdf = write_single(render_documents(packet.sealed)[0])

For big filings: `per_case_batches` lays out many per-case motions at once (written as one
file and cut apart with `PdfPages`), and
`bulk_packet(..., rows_per_part=n)` splits exhibits into parts that can be rendered in
separate processes (`render_pdf(*spec)`) and joined with `merge_pdfs`.

Rendering never touches the network or the database, and equal inputs give equal bytes.
"""

from __future__ import annotations

from cases.documents.data import (
    RELIEF_OUTCOMES,
    Challenge,
    Conviction,
    CountRow,
    Court,
    Office,
    PacketInfo,
    Reason,
    ServiceMethod,
)
from cases.documents.paperwork import (
    BulkPacket,
    DocumentKind,
    PerCaseBatch,
    SealedRowLeakError,
    bulk_motion,
    bulk_motion_spec,
    bulk_packet,
    cover_sheet,
    cover_sheet_spec,
    document_spec,
    exhibit_part_specs,
    notice_of_challenge,
    notice_of_challenge_spec,
    per_case_batches,
    per_case_documents,
    per_case_motion_and_order,
    per_case_motion_and_order_spec,
    proof_of_service,
    proof_of_service_spec,
    proposed_order,
    proposed_order_spec,
    public_exhibit,
    public_exhibit_spec,
    render_document,
    sealed_exhibit,
    sealed_exhibit_spec,
)
from cases.documents.render import (
    DocumentSpec,
    ExternalResourceError,
    PdfPages,
    UnsupportedPdfError,
    merge_pdfs,
    one_page_floor,
    render_documents,
    render_pdf,
    write_merged,
    write_single,
)

__all__ = [
    "RELIEF_OUTCOMES",
    "BulkPacket",
    "Challenge",
    "Conviction",
    "CountRow",
    "Court",
    "DocumentKind",
    "DocumentSpec",
    "ExternalResourceError",
    "Office",
    "PacketInfo",
    "PdfPages",
    "PerCaseBatch",
    "Reason",
    "SealedRowLeakError",
    "ServiceMethod",
    "UnsupportedPdfError",
    "bulk_motion",
    "bulk_motion_spec",
    "bulk_packet",
    "cover_sheet",
    "cover_sheet_spec",
    "document_spec",
    "exhibit_part_specs",
    "merge_pdfs",
    "notice_of_challenge",
    "notice_of_challenge_spec",
    "one_page_floor",
    "per_case_batches",
    "per_case_documents",
    "per_case_motion_and_order",
    "per_case_motion_and_order_spec",
    "proof_of_service",
    "proof_of_service_spec",
    "proposed_order",
    "proposed_order_spec",
    "public_exhibit",
    "public_exhibit_spec",
    "render_document",
    "render_documents",
    "render_pdf",
    "sealed_exhibit",
    "sealed_exhibit_spec",
    "write_merged",
    "write_single",
]
