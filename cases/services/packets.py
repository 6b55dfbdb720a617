"""Court packets: documents built from attorneys' decisions, filed by clerks, ruled on by courts.

A packet is built in Celery, split into parts that every worker renders side by side
(cases/services/packet_building.py), with progress on its row. Files live under PACKET_ROOT
(private) and leave only through the audited download view. Building the same packet from the
same data gives byte-identical files: documents are rendered deterministically and the ZIP and
CSV carry no timestamps of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.choices import (
    AuditEvent,
    CourtResult,
    Outcome,
    PacketKind,
    PacketStatus,
    ReviewStatus,
)
from cases.models import Determination, Packet, PacketCount, PacketCourt, Upload
from cases.packet_selectors import (
    court_names_of,
    decided_counts_by_court,
    decisions_fingerprint,
    office_settings,
)
from cases.permissions import can_view_records
from cases.review_queue import current_run_ids
from cases.services.audit import audit_record


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
    decided = decided_counts_by_court(upload=upload)
    if not any(decided.get(name) for name in ([court_name] if court_name else names)):
        where = f"in {court_name!r}" if court_name else "of this upload"
        raise PacketInvalid(f"no conviction {where} has an attorney's decision to file yet")
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
