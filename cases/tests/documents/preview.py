"""Render the sample packet to PDFs and PNG pages for a look by eye, and time a big exhibit.

    DJANGO_DEBUG=1 DATABASE_URL=... REDIS_URL=... .venv/bin/python -m cases.tests.documents.preview [--bench]

Writes to /tmp/doc-previews (never into the repository): one PDF per document, the merged
public packet, and `pdftoppm -png -r 60` pages of each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path("/tmp/doc-previews")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="store_true", help="also time a 1,000-row exhibit")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearance.settings")
    import django

    django.setup()
    from cases.documents import DocumentKind, bulk_packet, render_document, render_documents, write_merged
    from cases.tests.documents import samples

    args.out.mkdir(parents=True, exist_ok=True)
    rows = samples.mixed_rows()
    challenges = samples.challenges()
    one_case = [row for row in rows if row.court_case_number == "F9"]
    documents = {
        "bulk_motion": (DocumentKind.BULK_MOTION, rows),
        "sealed_exhibit": (DocumentKind.SEALED_EXHIBIT, rows),
        "public_exhibit": (DocumentKind.PUBLIC_EXHIBIT, rows),
        "proposed_order": (DocumentKind.PROPOSED_ORDER, rows),
        "per_case_motion_and_order": (DocumentKind.PER_CASE_MOTION_AND_ORDER, one_case),
        "cover_sheet": (DocumentKind.COVER_SHEET, rows),
        "notice_of_challenge": (DocumentKind.NOTICE_OF_CHALLENGE, challenges),
        "proof_of_service": (DocumentKind.PROOF_OF_SERVICE, challenges),
    }
    for name, (kind, items) in documents.items():
        started = time.perf_counter()
        pdf = render_document(kind, samples.INFO, items)
        _write(args.out, name, pdf)
        print(f"{name}: {len(pdf):,} bytes in {time.perf_counter() - started:.2f}s")
    packet = bulk_packet(samples.INFO, rows)
    _write(args.out, "public_packet", write_merged(render_documents(packet.public), title="Sample public packet"))

    if args.bench:
        for number in (100, 1000):
            many = [row for row in samples.many_rows(number * 3) if not row.sealed][:number]
            started = time.perf_counter()
            pdf = render_document(DocumentKind.PUBLIC_EXHIBIT, samples.INFO, many)
            print(f"{number}-row public exhibit: {time.perf_counter() - started:.2f}s, {len(pdf):,} bytes")
    print(f"previews in {args.out}")
    return 0


def _write(folder: Path, name: str, pdf: bytes) -> None:
    (folder / f"{name}.pdf").write_bytes(pdf)
    for old in folder.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(folder / f"{name}.pdf"), str(folder / name)], check=True)


if __name__ == "__main__":
    sys.exit(main())
