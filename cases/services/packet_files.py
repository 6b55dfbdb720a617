"""The files of a packet: ZIP folders, names, the court CSV. Same data, same bytes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from cases.choices import Outcome
from cases.packet_selectors import NEW_DISPOSITION, DecidedRow

#: Folders of a court's ZIP: what is filed publicly, under seal, and served on the public defender.
PUBLIC = "file-with-court/"
SEALED = "file-under-seal/"
SERVICE = "serve-on-public-defender/"
#: Not in the ZIP: a part's public per-case motions as one file, which the filing PDF merges
#: instead of the motions' own files (same pages, the fonts once a batch instead of once a case).
FILING = "filing-pdf-only/"

COURT_CSV_HEADER = ("cii", "court_case_number", "count", "code_section", "new_disposition")
#: Fixed timestamp for ZIP entries: the same packet must give the same bytes (1980 is ZIP's epoch).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "court"


def write_zip(target: Path | IO[bytes], members: Iterable[tuple[str, bytes]]) -> None:
    """A ZIP of (name, content) in the order given, with no timestamps of its own.

    Members are stored, not deflated: they are PDFs, whose streams are compressed already, and
    deflating them again saved 3 % of a per-case packet's ZIP for 1.5 s of the build's last step.
    """
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), content)


def court_csv(rows: list[DecidedRow]) -> str:
    """(CII, court case number, count, code section, new disposition) for the court's system
    and the DOJ update (DOMAIN.md section 9), sorted by case number and count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COURT_CSV_HEADER)
    for r in sorted(rows, key=lambda r: (r.case_number, r.cnt_order)):
        writer.writerow((r.cii, r.case_number, r.cnt_order, r.section, NEW_DISPOSITION[Outcome(r.outcome)]))
    return out.getvalue()
