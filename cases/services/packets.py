"""Court packets: documents built from attorneys' decisions, filed by clerks, ruled on by courts.

A packet is built in Celery, court by court, with progress on its row. Files live under
PACKET_ROOT (private) and leave only through the audited download view. Building the same
packet from the same data gives byte-identical files: documents are rendered deterministically
and the ZIP and CSV carry no timestamps of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import (
    AuditEvent,
    CourtResult,
    Flag,
    Outcome,
    PacketKind,
    PacketStatus,
    ReviewStatus,
    Severity,
)
from cases.documents import data as docs
from cases.documents.paperwork import (
    ROWS_PER_PART,
    DocumentKind,
    bulk_packet,
    cover_sheet_spec,
    document_spec,
    per_case_documents,
)
from cases.documents.render import DocumentSpec, merge_pdfs, render_pdf
from cases.models import Court, Determination, OfficeSettings, Packet, PacketCount, PacketCourt, Upload
from cases.packet_selectors import (
    BASIS,
    BASIS_SERVING,
    NEW_DISPOSITION,
    RELIEF,
    DecidedRow,
    court_names_of,
    decided_rows,
    decisions_fingerprint,
    office_settings,
    relief_counts,
)
from cases.permissions import can_view_records
from cases.review_queue import current_run_ids
from cases.services.audit import audit_record
from cases.services.office import courts_sync

COURT_CSV_HEADER = ("cii", "court_case_number", "count", "code_section", "new_disposition")
#: Fixed timestamp for ZIP entries: the same packet must give the same bytes (1980 is ZIP's epoch).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PacketInvalid(ValueError):
    """The packet cannot be built or filed as asked; the message says what to do."""


# ------------------------------------------------------------------------------ requesting


def packet_request(
    *, upload: Upload, user: User, kind: str = PacketKind.BULK, court_name: str = "", filing_date: dt.date | None = None
) -> Packet:
    """Record a packet request and queue its build once the request commits."""
    if not can_view_records(user):
        raise PacketInvalid("you have no role in this office")
    if kind not in PacketKind.values:
        raise PacketInvalid(f"kind must be one of {', '.join(PacketKind.values)}, got {kind!r}")
    if not current_run_ids(upload=upload.pk):
        raise PacketInvalid("this upload has not been classified yet")
    missing = office_settings().missing
    if missing:
        raise PacketInvalid(f"the office settings lack {', '.join(missing)}: an administrator must fill them in")
    names = court_names_of(upload=upload)
    if court_name and court_name not in names:
        raise PacketInvalid(f"no conviction of this upload is in {court_name!r}")
    with transaction.atomic():
        packet = Packet.objects.create(
            upload=upload,
            court_name=court_name,
            kind=kind,
            created_by=user,
            filing_date=filing_date or timezone.localdate(),
            courts_total=1 if court_name else len(names),
        )
        audit_record(
            event=AuditEvent.PACKET_REQUESTED,
            user=user,
            obj=packet,
            detail={"upload": upload.pk, "court": court_name or "every court", "kind": kind},
        )
        from cases.tasks import build_packet

        transaction.on_commit(lambda: build_packet.delay(packet.pk))
    return packet


# ------------------------------------------------------------------------------ building


def packet_build(*, packet_id: int) -> Packet:
    """Build every court's documents. Safe to run again: a court's rows and files are replaced."""
    packet = Packet.objects.select_related("upload", "created_by").get(pk=packet_id)
    upload = packet.upload
    names = [packet.court_name] if packet.court_name else court_names_of(upload=upload)
    # Fingerprint first: if a decision changes while we build, the packet reads as outdated
    # (safe) rather than as current with an old decision in it.
    fingerprint = decisions_fingerprint(upload=upload, court_name=packet.court_name)
    Packet.objects.filter(pk=packet.pk).update(
        status=PacketStatus.BUILDING, courts_total=len(names), courts_done=0, failure=""
    )
    office = office_settings()
    courts = {c.name: c for c in courts_sync(names=names)}
    folder = Path(settings.PACKET_ROOT) / str(packet.pk)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    policy = upload.runs.filter(pk__in=current_run_ids(upload=upload.pk)).select_related("policy").first()
    PacketCourt.objects.filter(packet=packet).delete()
    for name in names:
        rows = decided_rows(upload=upload, court_name=name)
        if rows:  # a court with nothing decided gets no paperwork
            info = _packet_info(packet, office, courts[name], policy)
            _build_court(packet, info, name, rows, folder)
        Packet.objects.filter(pk=packet.pk).update(courts_done=F("courts_done") + 1)
    with transaction.atomic():
        included = PacketCount.objects.filter(packet_court__packet=packet).values("determination_id")
        Determination.objects.filter(
            pk__in=included, review_status__in=(ReviewStatus.APPROVED, ReviewStatus.OVERRIDDEN)
        ).update(review_status=ReviewStatus.IN_PACKET)
        Packet.objects.filter(pk=packet.pk).update(
            status=PacketStatus.READY, fingerprint=fingerprint, built_at=timezone.now()
        )
        counts = {pc.court_name: pc.counts for pc in packet.courts.all()}
        audit_record(event=AuditEvent.PACKET_BUILT, user=packet.created_by, obj=packet, detail={"courts": counts})
    packet.refresh_from_db()
    return packet


def packet_mark_failed(*, packet_id: int, failure: str) -> None:
    Packet.objects.filter(pk=packet_id).exclude(status=PacketStatus.READY).update(
        status=PacketStatus.FAILED, failure=failure[:2000]
    )


def _packet_info(packet: Packet, office: OfficeSettings, court: Court, policy_run: Any) -> docs.PacketInfo:
    return docs.PacketInfo(
        office=docs.Office(
            name=office.name,
            address_lines=_lines(office.address),
            phone=office.phone,
            email=office.email,
            signing_attorney=office.signing_attorney,
            bar_number=office.bar_number,
            county=office.county,
            public_defender_name=office.public_defender_name,
            public_defender_address_lines=_lines(office.public_defender_address),
        ),
        court=docs.Court(
            name=court.name,
            display_name=court.display_name or court.name,
            courthouse=court.courthouse,
            address_lines=_lines(court.address),
        ),
        filing_date=packet.filing_date,
        policy_name=policy_run.policy.name if policy_run else "",
        as_of=policy_run.as_of if policy_run else packet.filing_date,
        packet_ref=f"P{packet.pk}",
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _conviction_fields(row: DecidedRow) -> dict[str, Any]:
    d, person = row.determination, row.determination.person
    return {
        "court_case_number": d.case_number or row.event.court_case_number,
        "count": row.event.cnt_order,
        "name": person.name,
        "akas": tuple(row.akas),
        "dob": person.dob,
        "cii": person.cii,
        "section": d.section,
        "severity": Severity(d.severity),
        "conviction_date": d.conviction_date,
        "decision_ref": f"D{row.decision.pk}",
        "court": d.court,
    }


def _count_row(row: DecidedRow) -> docs.CountRow:
    serving = Flag.CURRENTLY_SERVING in row.determination.flags
    basis = BASIS_SERVING if serving and row.outcome == Outcome.DISMISS_AND_SEAL else BASIS[Outcome(row.outcome)]
    return docs.CountRow(**_conviction_fields(row), relief=Outcome(row.outcome), basis=basis)


def _challenge(row: DecidedRow, events: dict[int, Any]) -> docs.Challenge:
    reasons = tuple(docs.Reason(r["text"], r["cites"]) for r in row.determination.reasons)
    evidence = []
    for reason in row.determination.reasons:
        for event_id in reason.get("evidence", []):
            event = events.get(event_id)
            if event is not None and event_id != row.determination.event_id:
                evidence.append(
                    " · ".join(
                        part
                        for part in (
                            event.conviction_date.strftime("%b %-d, %Y") if event.conviction_date else "date unknown",
                            event.code_section or event.offense_text,
                            event.disposition,
                            event.court,
                        )
                        if part
                    )
                )
    return docs.Challenge(
        **_conviction_fields(row),
        reasons=reasons,
        evidence=tuple(dict.fromkeys(evidence)),
        attorney_note=row.decision.reason,
    )


#: Folders of a court's ZIP: what is filed publicly, under seal, and served on the public defender.
PUBLIC = "file-with-court/"
SEALED = "file-under-seal/"
SERVICE = "serve-on-public-defender/"


def _build_court(packet: Packet, info: docs.PacketInfo, court_name: str, rows: list[DecidedRow], folder: Path) -> None:
    relief_rows = [r for r in rows if r.outcome in RELIEF]
    challenged = [r for r in rows if r.outcome == Outcome.NOT_ELIGIBLE]
    count_rows = [_count_row(r) for r in relief_rows]
    evidence_ids = {i for r in challenged for reason in r.determination.reasons for i in reason.get("evidence", [])}
    from cases.models import Event

    events = Event.objects.in_bulk(list(evidence_ids))
    challenges = [_challenge(r, events) for r in challenged]

    # (zip folder, file name, PDF) per document; the public ones are also merged for filing.
    files: list[tuple[str, str, bytes]] = []
    if count_rows:
        if packet.kind == PacketKind.BULK:
            # Exhibits in parts of ROWS_PER_PART rows: memory stays bounded on the largest batches.
            bundle = bulk_packet(info, count_rows, rows_per_part=ROWS_PER_PART)
            for i, spec in enumerate(bundle.public):
                files.append((PUBLIC, f"{i + 1:02d}-{_slug(_title(spec))}.pdf", render_pdf(*spec)))
            for i, spec in enumerate(bundle.sealed):
                files.append((SEALED, f"{i + 1:02d}-{_slug(_title(spec))}.pdf", render_pdf(*spec)))
        else:
            files.append((PUBLIC, "0000-cover-sheet.pdf", render_pdf(*cover_sheet_spec(info, count_rows))))
            groups = _by_case(count_rows)
            # Laid out in batches: one layout pass for many cases, each still its own PDF.
            for index, pdf in per_case_documents(info, groups):
                group = groups[index]
                where = SEALED if any(r.relief == Outcome.DISMISS_AND_SEAL for r in group) else PUBLIC
                files.append((where, f"{index + 1:04d}-case-{_slug(group[0].court_case_number)}.pdf", pdf))
    if challenges:
        notice = document_spec(DocumentKind.NOTICE_OF_CHALLENGE, info, challenges)
        proof = document_spec(DocumentKind.PROOF_OF_SERVICE, info, challenges)
        files.append((SERVICE, "notice-of-challenge.pdf", render_pdf(*notice)))
        files.append((SERVICE, "proof-of-service.pdf", render_pdf(*proof)))
    slug = _slug(court_name)
    pdf_path = zip_path = ""
    public = [pdf for where, _name, pdf in files if where == PUBLIC]
    if public:
        merged = merge_pdfs(public, title=f"{info.court.display_name}: filing {info.packet_ref}")
        pdf_path = f"{packet.pk}/{slug}.pdf"
        (folder / f"{slug}.pdf").write_bytes(merged)
    if files:
        zip_path = f"{packet.pk}/{slug}.zip"
        _write_zip(folder / f"{slug}.zip", [(where + name, pdf) for where, name, pdf in files])
    csv_path = f"{packet.pk}/{slug}.csv"
    (folder / f"{slug}.csv").write_text(court_csv(relief_rows), encoding="utf-8")
    counts = {**relief_counts(rows), "total": len(relief_rows), "challenged": len(challenged)}
    with transaction.atomic():
        PacketCourt.objects.filter(packet=packet, court_name=court_name).delete()
        pc = PacketCourt.objects.create(
            packet=packet, court_name=court_name, counts=counts, pdf_path=pdf_path, zip_path=zip_path, csv_path=csv_path
        )
        PacketCount.objects.bulk_create(
            PacketCount(
                packet_court=pc,
                determination=r.determination,
                decision=r.decision,
                relief=r.outcome,
                court_case_number=r.determination.case_number or r.event.court_case_number,
                count=r.event.cnt_order,
            )
            for r in rows
        )


def _title(spec: DocumentSpec) -> str:
    doc: Any = spec.context["doc"]
    return str(doc["bookmark"])


def _by_case(rows: list[docs.CountRow]) -> list[list[docs.CountRow]]:
    """One group per case and defendant: co-defendants share a case number but not a motion."""
    cases: dict[tuple[str, str, str], list[docs.CountRow]] = {}
    for row in sorted(rows, key=lambda r: (r.court_case_number, r.cii, r.name, r.count)):
        cases.setdefault((row.court_case_number, row.cii, row.name), []).append(row)
    return list(cases.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "court"


def _write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)


def court_csv(rows: list[DecidedRow]) -> str:
    """(CII, court case number, count, code section, new disposition) for the court's system
    and the DOJ update (DOMAIN.md section 9), sorted by case number and count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COURT_CSV_HEADER)
    ordered = sorted(rows, key=lambda r: (r.determination.case_number or r.event.court_case_number, r.event.cnt_order))
    for r in ordered:
        writer.writerow(
            (
                r.determination.person.cii,
                r.determination.case_number or r.event.court_case_number,
                r.event.cnt_order,
                r.determination.section,
                NEW_DISPOSITION[Outcome(r.outcome)],
            )
        )
    return out.getvalue()


# ------------------------------------------------------------------------------ state


def packet_is_outdated(packet: Packet) -> bool:
    """A decision changed since the packet was built (or a new one was made)."""
    if packet.status != PacketStatus.READY:
        return False
    return decisions_fingerprint(upload=packet.upload, court_name=packet.court_name) != packet.fingerprint


def packet_file_path(packet_court: PacketCourt, fmt: str) -> Path | None:
    relative = {"pdf": packet_court.pdf_path, "zip": packet_court.zip_path, "csv": packet_court.csv_path}.get(fmt, "")
    return Path(settings.PACKET_ROOT) / relative if relative else None


# ------------------------------------------------------------------------------ filing


def packet_court_file(*, packet_court: PacketCourt, filed_on: dt.date, user: User) -> PacketCourt:
    """A clerk records that a court's packet was filed; its convictions move to filed."""
    with transaction.atomic():
        pc = PacketCourt.objects.select_for_update().select_related("packet__upload").get(pk=packet_court.pk)
        if pc.packet.status != PacketStatus.READY:
            raise PacketInvalid("this packet is not built yet")
        if packet_is_outdated(pc.packet):
            raise PacketInvalid("a decision changed since this packet was built: rebuild it before filing")
        if pc.filed_on is not None:
            raise PacketInvalid(f"this packet was already marked filed on {pc.filed_on:%b %-d, %Y}")
        if filed_on > timezone.localdate():
            raise PacketInvalid("the filing date cannot be in the future")
        pc.filed_on, pc.filed_by = filed_on, user
        pc.save(update_fields=["filed_on", "filed_by"])
        filed = Determination.objects.filter(
            pk__in=pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE).values("determination_id")
        ).update(review_status=ReviewStatus.FILED)
        audit_record(
            event=AuditEvent.PACKET_FILED,
            user=user,
            obj=pc.packet,
            detail={"court": pc.court_name, "filed_on": filed_on.isoformat(), "convictions": filed},
        )
    return pc


def court_order_record(
    *, packet_count: PacketCount, result: str, result_on: dt.date, user: User, note: str = ""
) -> PacketCount:
    """What the court did with one count; the conviction moves to granted or denied."""
    if result not in CourtResult.values:
        raise PacketInvalid(f"result must be one of {', '.join(CourtResult.values)}, got {result!r}")
    with transaction.atomic():
        row = PacketCount.objects.select_for_update().select_related("packet_court").get(pk=packet_count.pk)
        _record_order(row, result, result_on, note, user)
    return row


def _record_order(row: PacketCount, result: str, result_on: dt.date, note: str, user: User) -> None:
    if row.packet_court.filed_on is None:
        raise PacketInvalid("mark the packet filed before recording the court's order")
    if row.relief == Outcome.NOT_ELIGIBLE:
        raise PacketInvalid("a challenged conviction was not part of the motion")
    if result_on < row.packet_court.filed_on:
        raise PacketInvalid("the order date is before the filing date")
    previous = row.result
    row.result, row.result_on, row.result_note = result, result_on, note.strip()
    row.save(update_fields=["result", "result_on", "result_note"])
    status = ReviewStatus.DENIED if result == CourtResult.DENIED else ReviewStatus.GRANTED
    Determination.objects.filter(pk=row.determination_id).update(review_status=status)
    audit_record(
        event=AuditEvent.COURT_ORDER_RECORDED,
        user=user,
        obj=row.determination,
        detail={
            "packet": row.packet_court.packet_id,
            "case": row.court_case_number,
            "count": row.count,
            "result": result,
            "previous": previous,
            "on": result_on.isoformat(),
            "note": row.result_note,
        },
    )


class CourtResponseInvalid(ValueError):
    """The court's response file has problems; nothing was recorded. ``problems`` name each line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        self.problems = problems


RESPONSE_COLUMNS = ("court_case_number", "count", "result")


def court_orders_import(*, packet_court: PacketCourt, text: str, user: User, filename: str = "response.csv") -> int:
    """Record the court's response from its CSV: every line is checked first, then all are
    recorded in one transaction, so a bad line means nothing is recorded.

    Columns (a header line names them): court_case_number, count, result (granted / denied /
    modified), and optionally date (YYYY-MM-DD; the filing date otherwise) and note.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in RESPONSE_COLUMNS if c not in header]
    if missing:
        raise CourtResponseInvalid([f"{filename}, line 1: missing column(s) {', '.join(missing)}"])
    rows = {(r.court_case_number, r.count): r for r in packet_court.rows.all()}
    plan: list[tuple[PacketCount, str, dt.date, str]] = []
    problems = []
    for raw in reader:
        where = f"{filename}, line {reader.line_num}"
        if None in raw:
            problems.append(f"{where}: more fields than the header names (quote a case number that has a comma)")
            continue
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        key = (cells.get("court_case_number", ""), cells.get("count", ""))
        target = rows.get(key)
        if target is None:
            problems.append(f"{where}: case {key[0]!r} count {key[1]!r} is not in this packet")
            continue
        result = cells.get("result", "").lower()
        if result not in CourtResult.values:
            problems.append(f"{where}, field result: {result!r} is not one of {', '.join(CourtResult.values)}")
            continue
        on = packet_court.filed_on
        if cells.get("date"):
            try:
                on = dt.date.fromisoformat(cells["date"])
            except ValueError:
                problems.append(f"{where}, field date: {cells['date']!r} is not a date (YYYY-MM-DD)")
                continue
        if on is None:
            problems.append(f"{where}: the packet is not marked filed")
            continue
        plan.append((target, result, on, cells.get("note", "")))
    if problems:
        raise CourtResponseInvalid(problems)
    with transaction.atomic():
        for target, result, on, note in plan:
            locked = PacketCount.objects.select_for_update().select_related("packet_court").get(pk=target.pk)
            try:
                _record_order(locked, result, on, note, user)
            except PacketInvalid as exc:
                raise CourtResponseInvalid([f"{filename}: case {target.court_case_number}: {exc}"]) from exc
    return len(plan)
