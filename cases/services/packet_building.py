"""Building a packet, split so that every worker can render a share of it.

A build has three steps, each safe to run again:

1. `packet_plan` reads the decisions once, records per court what is filed (PacketCourt,
   PacketCount, the court CSV) and splits the documents into parts (`PacketPart`): a bulk
   motion, an exhibit part of ROWS_PER_PART rows, a batch of per-case motions... What a part
   renders is pickled into the packet's private folder, so that the Celery message carries
   only the part's id.
2. `packet_part_render` renders one part into a ZIP of its own beside it. The workers take
   parts side by side, the heaviest first.
3. `packet_assemble`, once every part is done, joins each court's parts in order: the merged
   filing PDF (public documents only), the ZIP of every document, then marks the packet ready.

`packet_build` runs the three in one process (tests, a single worker). Both routes give the
same bytes: parts are rendered deterministically and joined in plan order, whatever order
they finished in.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import AuditEvent, Flag, Outcome, PacketKind, PacketStatus, ReviewStatus, Severity
from cases.documents import data as docs
from cases.documents.paperwork import (
    PER_CASE_BATCH,
    ROWS_PER_PART,
    DocumentKind,
    ExhibitTable,
    OrderListing,
    bulk_packet,
    cover_sheet_spec,
    document_spec,
    per_case_batches,
)
from cases.documents.render import DocumentSpec, render_pdf, write_merged_pdfs
from cases.models import (
    Court,
    Determination,
    Event,
    OfficeSettings,
    Packet,
    PacketCount,
    PacketCourt,
    PacketPart,
)
from cases.packet_selectors import (
    BASIS,
    BASIS_SERVING,
    RELIEF,
    DecidedRow,
    court_names_of,
    decided_rows,
    decisions_fingerprint,
    office_settings,
    relief_counts,
)
from cases.review_queue import current_run_ids
from cases.services.audit import audit_record
from cases.services.office import courts_sync
from cases.services.packet_files import FILING, PUBLIC, SEALED, SERVICE, court_csv, slug, write_zip

# ------------------------------------------------------------------------------ parts


@dataclass(frozen=True)
class PartWork:
    """What one part renders: whole documents, and/or per-case motions laid out together.

    `render` gives (ZIP member name, PDF) pairs; the member name's folder says who gets the
    document (PUBLIC, SEALED, SERVICE).
    """

    documents: tuple[tuple[str, DocumentSpec], ...] = ()
    info: docs.PacketInfo | None = None
    #: (index of the case in the court, its rows), for per-case motions.
    cases: tuple[tuple[int, tuple[docs.CountRow, ...]], ...] = ()

    @property
    def weight(self) -> int:
        """Roughly what rendering costs, in exhibit rows (about 4 ms each on this project's
        machine): an order's listed count costs a fifth of one, a per-case motion twenty."""
        cost = 20 * len(self.cases)
        for _name, spec in self.documents:
            table = spec.context.get("table")
            listings = [spec.context[key] for key in _LISTINGS if key in spec.context]
            cost += 1 + (len(table) if isinstance(table, ExhibitTable) else 0)
            cost += sum(listing.counts for listing in listings if isinstance(listing, OrderListing)) // 5
        return cost

    def render(self) -> list[tuple[str, bytes]]:
        members = [(name, render_pdf(*spec)) for name, spec in self.documents]
        if self.cases:
            assert self.info is not None
            groups = [rows for _index, rows in self.cases]
            for batch in per_case_batches(self.info, groups):
                for position, pdf in batch.documents:
                    index, rows = self.cases[position]
                    where = SEALED if any(r.sealed for r in rows) else PUBLIC
                    members.append((f"{where}{index + 1:04d}-case-{slug(rows[0].court_case_number)}.pdf", pdf))
                if batch.public is not None:
                    first, _rows = self.cases[batch.documents[0][0]]
                    members.append((f"{FILING}{first + 1:04d}-cases.pdf", batch.public))
        return members


#: The count listings of a proposed order (schedules of counts by relief).
_LISTINGS = ("sealed_listing", "misdemeanor_listing", "infraction_listing")


def _court_parts(packet: Packet, info: docs.PacketInfo, rows: list[DecidedRow]) -> list[PartWork]:
    """A court's documents, split into parts, in filing order."""
    relief_rows = [r for r in rows if r.outcome in RELIEF]
    challenged = [r for r in rows if r.outcome == Outcome.NOT_ELIGIBLE]
    count_rows = [_count_row(r) for r in relief_rows]
    parts: list[PartWork] = []
    if count_rows and packet.kind == PacketKind.BULK:
        # Exhibits come in parts of ROWS_PER_PART rows: memory stays bounded on the largest batches.
        bundle = bulk_packet(info, count_rows, rows_per_part=ROWS_PER_PART)
        for folder, specs in ((PUBLIC, bundle.public), (SEALED, bundle.sealed)):
            for i, spec in enumerate(specs):
                parts.append(PartWork(documents=((f"{folder}{i + 1:02d}-{slug(spec.title)}.pdf", spec),)))
    elif count_rows:
        parts.append(PartWork(documents=((f"{PUBLIC}0000-cover-sheet.pdf", cover_sheet_spec(info, count_rows)),)))
        cases = list(enumerate(_by_case(count_rows)))
        for start in range(0, len(cases), PER_CASE_BATCH):
            batch = cases[start : start + PER_CASE_BATCH]
            parts.append(PartWork(info=info, cases=tuple((index, tuple(group)) for index, group in batch)))
    if challenged:
        evidence_ids = {i for r in challenged for reason in r.reasons for i in reason.get("evidence", [])}
        events = Event.objects.in_bulk(list(evidence_ids))
        challenges = [_challenge(r, events) for r in challenged]
        notice = document_spec(DocumentKind.NOTICE_OF_CHALLENGE, info, challenges)
        proof = document_spec(DocumentKind.PROOF_OF_SERVICE, info, challenges)
        parts.append(
            PartWork(
                documents=(
                    (f"{SERVICE}notice-of-challenge.pdf", notice),
                    (f"{SERVICE}proof-of-service.pdf", proof),
                )
            )
        )
    return parts


def _folder(packet_id: int) -> Path:
    return Path(settings.PACKET_ROOT) / str(packet_id)


def _work_path(part: PacketPart) -> Path:
    return _folder(part.packet_id) / "parts" / f"{part.pk}.work"


def _output_path(part: PacketPart) -> Path:
    return _folder(part.packet_id) / "parts" / f"{part.pk}.zip"


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Write beside, then rename: a reader never sees half a file, a rerun just replaces it."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    with partial.open("wb") as out:
        yield out
    partial.replace(path)


def _write_atomically(path: Path, content: bytes) -> None:
    with _atomic_file(path) as out:
        out.write(content)


# ------------------------------------------------------------------------------ the three steps


def packet_plan(*, packet_id: int) -> list[int]:
    """Record what each court files and split its documents into parts.

    Returns the parts' ids, heaviest first (the order to hand them to workers). Running it
    again starts the build over: the previous plan's parts, rows and files are replaced, and a
    part task still running for the old plan finds its part gone and stops.
    """
    packet = Packet.objects.select_related("upload", "created_by").get(pk=packet_id)
    upload = packet.upload
    names = [packet.court_name] if packet.court_name else court_names_of(upload=upload)
    # Fingerprint first: if a decision changes while we build, the packet reads as outdated
    # (safe) rather than as current with an old decision in it.
    fingerprint = decisions_fingerprint(upload=upload, court_name=packet.court_name)
    office = office_settings()
    courts = {c.name: c for c in courts_sync(names=names)}
    policy = upload.runs.filter(pk__in=current_run_ids(upload=upload.pk)).select_related("policy").first()
    with transaction.atomic():
        # Queued (not building) until the parts exist: an earlier plan's last part may ask for
        # the packet to be assembled meanwhile, and must find nothing to assemble.
        Packet.objects.select_for_update().filter(pk=packet.pk).update(
            status=PacketStatus.QUEUED,
            courts_total=len(names),
            courts_done=0,
            parts_total=0,
            parts_done=0,
            fingerprint=fingerprint,
            failure="",
        )
        PacketPart.objects.filter(packet=packet).delete()
        PacketCourt.objects.filter(packet=packet).delete()
    folder = _folder(packet.pk)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "parts").mkdir(parents=True)

    planned: list[tuple[PacketPart, PartWork]] = []
    for name in names:
        rows = decided_rows(upload=upload, court_name=name)
        if not rows:  # a court with nothing decided gets no paperwork
            continue
        info = _packet_info(packet, office, courts[name], policy)
        works = _court_parts(packet, info, rows)
        with transaction.atomic():
            _record_court(packet, name, rows)
            for position, work in enumerate(works):
                part = PacketPart.objects.create(packet=packet, court_name=name, position=position, weight=work.weight)
                planned.append((part, work))
    for part, work in planned:
        # Our own objects, written and read by our own workers in private storage; never
        # anything a user sent.
        _write_atomically(_work_path(part), pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL))
    Packet.objects.filter(pk=packet.pk).update(status=PacketStatus.BUILDING, parts_total=len(planned))
    return [part.pk for part, _work in sorted(planned, key=lambda pair: -pair[0].weight)]


def packet_part_render(*, part_id: int) -> tuple[int | None, bool]:
    """Render one part. Returns (its packet's id, whether every part of the packet is now done);
    (None, False) when the part no longer exists (the packet was planned again)."""
    part = PacketPart.objects.filter(pk=part_id).first()
    if part is None:
        return None, False
    if Packet.objects.filter(pk=part.packet_id, status=PacketStatus.FAILED).exists():
        return part.packet_id, False  # another part failed: the packet must be built again anyway
    if not part.done:
        try:
            work: PartWork = pickle.loads(_work_path(part).read_bytes())
            members = work.render()
            _write_atomically(_output_path(part), _zip_bytes(members))
        except FileNotFoundError:
            # The packet was planned again meanwhile: its folder was cleared with this part.
            if not PacketPart.objects.filter(pk=part_id).exists():
                return None, False
            raise
        with transaction.atomic():
            if PacketPart.objects.filter(pk=part.pk, done=False).update(done=True):
                Packet.objects.filter(pk=part.packet_id).update(parts_done=F("parts_done") + 1)
    complete = not PacketPart.objects.filter(packet_id=part.packet_id, done=False).exists()
    return part.packet_id, complete


def packet_assemble(*, packet_id: int) -> Packet:
    """Join the parts into each court's files and mark the packet ready.

    Does nothing unless the packet is building and every part is done, so the two workers that
    finish the last two parts may both ask for it.
    """
    with transaction.atomic():
        packet = Packet.objects.select_for_update().select_related("created_by").get(pk=packet_id)
        parts = list(PacketPart.objects.filter(packet=packet))
        if packet.status != PacketStatus.BUILDING or any(not part.done for part in parts):
            return packet
        folder = _folder(packet.pk)
        for pc in packet.courts.all():
            mine = [_output_path(part) for part in parts if part.court_name == pc.court_name]  # in plan order
            _assemble_court(packet, pc, mine, folder)
        included = PacketCount.objects.filter(packet_court__packet=packet).values("determination_id")
        Determination.objects.filter(
            pk__in=included, review_status__in=(ReviewStatus.APPROVED, ReviewStatus.OVERRIDDEN)
        ).update(review_status=ReviewStatus.IN_PACKET)
        Packet.objects.filter(pk=packet.pk).update(
            status=PacketStatus.READY, courts_done=F("courts_total"), built_at=timezone.now()
        )
        counts = {pc.court_name: pc.counts for pc in packet.courts.all()}
        audit_record(event=AuditEvent.PACKET_BUILT, user=packet.created_by, obj=packet, detail={"courts": counts})
    shutil.rmtree(folder / "parts", ignore_errors=True)
    packet.refresh_from_db()
    return packet


def packet_build(*, packet_id: int) -> Packet:
    """Plan, render every part and assemble, in this process. Safe to run again."""
    for part_id in packet_plan(packet_id=packet_id):
        packet_part_render(part_id=part_id)
    return packet_assemble(packet_id=packet_id)


def packet_mark_failed(*, packet_id: int, failure: str) -> None:
    Packet.objects.filter(pk=packet_id).exclude(status=PacketStatus.READY).update(
        status=PacketStatus.FAILED, failure=failure[:2000]
    )


def packet_of_part(*, part_id: int) -> int | None:
    return PacketPart.objects.filter(pk=part_id).values_list("packet_id", flat=True).first()


# ------------------------------------------------------------------------------ courts


def _record_court(packet: Packet, court_name: str, rows: list[DecidedRow]) -> None:
    """What is filed in this court: its counts, one row per decided conviction, and the CSV."""
    relief_rows = [r for r in rows if r.outcome in RELIEF]
    challenged = sum(1 for r in rows if r.outcome == Outcome.NOT_ELIGIBLE)
    name = slug(court_name)
    (_folder(packet.pk) / f"{name}.csv").write_text(court_csv(relief_rows), encoding="utf-8")
    pc = PacketCourt.objects.create(
        packet=packet,
        court_name=court_name,
        counts={**relief_counts(rows), "total": len(relief_rows), "challenged": challenged},
        csv_path=f"{packet.pk}/{name}.csv",
    )
    # COPY: building one INSERT of 66,000 model instances took longer than the rest of the plan.
    cursor = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    columns = "packet_court_id, determination_id, decision_id, relief, court_case_number, count, result, result_note"
    with cursor.copy(f"COPY cases_packetcount ({columns}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((pc.pk, r.determination_id, r.decision_id, r.outcome, r.case_number, r.cnt_order, "", ""))


def _assemble_court(packet: Packet, pc: PacketCourt, outputs: Sequence[Path], folder: Path) -> None:
    """The court's filing PDF (its public documents merged) and the ZIP of all its documents,
    both read from the parts one document at a time: memory holds the merged PDF's objects, not
    every document besides."""
    name = slug(pc.court_name)
    if any(member.startswith(PUBLIC) for output in outputs for member in _names(output)):
        display = Court.objects.filter(name=pc.court_name).values_list("display_name", flat=True).first()
        public = (pdf for output in outputs for pdf in _filed_publicly(output))
        with _atomic_file(folder / f"{name}.pdf") as out:
            write_merged_pdfs(public, out, title=f"{display or pc.court_name}: filing P{packet.pk}")
        pc.pdf_path = f"{packet.pk}/{name}.pdf"
    if outputs:
        documents = (member for output in outputs for member in _members(output) if not member[0].startswith(FILING))
        write_zip(folder / f"{name}.zip", documents)
        pc.zip_path = f"{packet.pk}/{name}.zip"
    pc.save(update_fields=["pdf_path", "zip_path"])


def _zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    write_zip(out, members)
    return out.getvalue()


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _filed_publicly(path: Path) -> Iterator[bytes]:
    """A part's documents for the court's filing PDF, in order: its public per-case motions as
    the one file it wrote for the filing (fonts once), else its public documents."""
    names = _names(path)
    prefix = FILING if any(name.startswith(FILING) for name in names) else PUBLIC
    with zipfile.ZipFile(path) as archive:
        for name in names:
            if name.startswith(prefix):
                yield archive.read(name)


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    """A part's documents as (ZIP member name, PDF), read one at a time."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            yield name, archive.read(name)


# ------------------------------------------------------------------------------ rows to documents


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
    return {
        "court_case_number": row.case_number,
        "count": row.cnt_order,
        "name": row.name,
        "akas": row.akas,
        "dob": row.dob,
        "cii": row.cii,
        "section": row.section,
        "severity": Severity(row.severity),
        "conviction_date": row.conviction_date,
        "decision_ref": f"D{row.decision_id}",
        "court": row.court,
    }


def _count_row(row: DecidedRow) -> docs.CountRow:
    serving = Flag.CURRENTLY_SERVING in row.flags
    basis = BASIS_SERVING if serving and row.outcome == Outcome.DISMISS_AND_SEAL else BASIS[Outcome(row.outcome)]
    return docs.CountRow(**_conviction_fields(row), relief=Outcome(row.outcome), basis=basis)


def _challenge(row: DecidedRow, events: dict[int, Any]) -> docs.Challenge:
    reasons = tuple(docs.Reason(r["text"], r["cites"]) for r in row.reasons)
    evidence = []
    for reason in row.reasons:
        for event_id in reason.get("evidence", []):
            event = events.get(event_id)
            if event is not None and event_id != row.event_id:
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
        attorney_note=row.decision_reason,
    )


def _by_case(rows: list[docs.CountRow]) -> list[list[docs.CountRow]]:
    """One group per case and defendant: co-defendants share a case number but not a motion."""
    cases: dict[tuple[str, str, str], list[docs.CountRow]] = {}
    for row in sorted(rows, key=lambda r: (r.court_case_number, r.cii, r.name, r.count)):
        cases.setdefault((row.court_case_number, row.cii, row.name), []).append(row)
    return list(cases.values())
