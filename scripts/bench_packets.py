"""Court packets through the packet service and two Celery workers (a benchmark, not a test).

    DATABASE_URL=<a fresh, migrated database> REDIS_URL=... python scripts/bench_packets.py
        [--bulk-counts 66000] [--per-case 8132]

Seeds made-up approved convictions (`cases.tests.documents.samples.many_rows`: the three
reliefs in turn, each count its own defendant's) into one court each of two new uploads, then asks the packet
service for a bulk packet of the first and a per-case packet of the second, the way the
packets page does. Two `--pool=solo` Celery worker processes plan, render the parts side by
side and assemble them. Prints, per packet, the wall time from the request to "ready", the
parts, and each worker's peak resident memory. `make bench` runs it in a fresh database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--bulk-counts", type=int, default=66_000, help="counts in the bulk packet")
    parser.add_argument("--per-case", type=int, default=8_132, help="cases (motions) in the per-case packet")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearance.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from cases.choices import PacketKind

    user, bulk_upload = _seed("BULK", args.bulk_counts)
    # many_rows gives each count its own defendant, so N counts are N cases and N motions.
    _user, per_case_upload = _seed("PERCASE", args.per_case)
    results = {
        "bulk": _build(user, bulk_upload, PacketKind.BULK, counts=args.bulk_counts),
        "per_case": _build(user, per_case_upload, PacketKind.PER_CASE, counts=args.per_case),
    }
    print(json.dumps(results))


def _seed(tag: str, counts: int) -> tuple[Any, Any]:
    """`counts` approved convictions of one court in a new, classified upload."""
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from cases.choices import DecisionAction, ReviewStatus, RunStatus, UploadStatus
    from cases.models import ClassificationRun, Decision, Determination, Event, OfficeSettings, Person, Upload
    from cases.services.policies import policy_get_current
    from cases.tests.documents import samples

    user, created = User.objects.get_or_create(username="bench-clerk")
    if created:
        user.groups.add(Group.objects.get_or_create(name="clerk")[0])
    office = samples.OFFICE
    OfficeSettings.objects.update_or_create(
        pk=1,
        defaults={
            "name": office.name,
            "address": "\n".join(office.address_lines),
            "phone": office.phone,
            "email": office.email,
            "signing_attorney": office.signing_attorney,
            "bar_number": office.bar_number,
            "county": office.county,
            "public_defender_name": office.public_defender_name,
            "public_defender_address": "\n".join(office.public_defender_address_lines),
        },
    )
    rows = samples.many_rows(counts)
    court = f"CASC {tag}"
    with transaction.atomic():
        upload = Upload.objects.create(
            original_name=f"{tag.lower()}.dat",
            stored_path="",
            sha256=f"{tag:0<64}"[:64],
            size_bytes=0,
            status=UploadStatus.INGESTED,
            row_count=counts,
        )
        run = ClassificationRun.objects.create(
            upload=upload,
            policy=policy_get_current(slug="statutory"),
            as_of=dt.date(2026, 11, 1),
            rules_version="bench",
            status=RunStatus.DONE,
        )
        people: dict[tuple[str, str], Person] = {}
        for line, row in enumerate(rows, start=1):
            if (row.cii, row.name) not in people:
                people[(row.cii, row.name)] = Person(
                    upload=upload,
                    subject_id=f"S{len(people)}",
                    cii=row.cii,
                    name=row.name,
                    dob=row.dob,
                    first_line=line,
                )
        Person.objects.bulk_create(people.values(), batch_size=5000)
        events = [
            Event(
                upload=upload,
                person=people[(row.cii, row.name)],
                line=line,
                cnt_order=row.count,
                court=court,
                court_case_number=row.court_case_number,
                code_section=row.section,
                severity=row.severity,
                step_date=row.conviction_date,
                is_conviction=True,
                raw=f"bench line {line}",
            )
            for line, row in enumerate(rows, start=1)
        ]
        Event.objects.bulk_create(events, batch_size=5000)
        determinations = [
            Determination(
                run=run,
                upload=upload,
                person=event.person,
                event=event,
                outcome=row.relief,
                dismiss_all_outcome=row.relief,
                section=row.section,
                section_number=row.section.split()[1][:5],
                severity=row.severity,
                conviction_date=row.conviction_date,
                court=court,
                case_number=row.court_case_number,
                line=event.line,
                review_status=ReviewStatus.APPROVED,
            )
            for row, event in zip(rows, events, strict=True)
        ]
        Determination.objects.bulk_create(determinations, batch_size=5000)
        Decision.objects.bulk_create(
            (
                Decision(
                    determination=d,
                    action=DecisionAction.APPROVE,
                    outcome=d.outcome,
                    decided_by=user,
                    determination_version=1,
                )
                for d in determinations
            ),
            batch_size=5000,
        )
    return user, upload


def _build(user: Any, upload: Any, kind: str, *, counts: int) -> dict[str, Any]:
    from django.db import connection

    from cases.choices import PacketStatus
    from cases.models import Packet
    from cases.services.packets import packet_request
    from clearance.celery import app

    app.control.purge()
    workers = [_worker(f"packets{i}") for i in range(2)]
    try:
        while len(app.control.ping(timeout=0.5) or []) < len(workers):  # both ready before the clock starts
            time.sleep(0.2)
        started = time.perf_counter()
        packet = packet_request(upload=upload, user=user, kind=kind)  # queued when this commits
        while (status := Packet.objects.values_list("status", flat=True).get(pk=packet.pk)) not in (
            PacketStatus.READY,
            PacketStatus.FAILED,
        ):
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        peaks = [_peak_rss_mib(worker.pid) for worker in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        connection.close()
    packet.refresh_from_db()
    if status != PacketStatus.READY:
        raise SystemExit(f"packet {packet.pk} failed: {packet.failure}")
    return {
        "counts": counts,
        "parts": packet.parts_total,
        "seconds": round(seconds, 1),
        "worker_peak_mib": peaks,
    }


def _worker(name: str) -> subprocess.Popen[bytes]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "clearance", "worker", "--pool=solo", "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return worker


def _peak_rss_mib(pid: int) -> int:
    """The process's high-water resident memory (VmHWM), read before it is stopped."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


if __name__ == "__main__":
    main()
