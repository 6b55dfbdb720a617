"""Loading a received DOJ file into PostgreSQL: streaming, with COPY, in one transaction.

Why this shape:
- One transaction per attempt: a killed worker or a lost connection rolls everything back,
  so no half-loaded upload is ever visible, and a retry starts from nothing and yields the
  same rows.
- One long COPY of events while Python parses the next lines: PostgreSQL and the parser run
  on separate cores at once. Person ids come from the sequence over a second connection so
  the COPY never has to stop (foreign keys are checked at commit: Django creates them
  DEFERRABLE INITIALLY DEFERRED).
- Memory stays flat: a record is parsed, written to the COPY stream and forgotten; only one
  small entry per person and the quarantined lines are kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from cases.choices import AuditEvent, UploadStatus
from cases.models import Upload
from cases.services.audit import audit_record
from clearance.doj.layout import COL
from clearance.doj.normalize import Subject, event_of, subject_of
from clearance.doj.reader import BadLine, Reader

log = logging.getLogger(__name__)

_SUBJECT_ID = COL["SUBJECT_ID"]
PROGRESS_SECONDS = 0.5
GROUPING_WORK_MEM = "256MB"
PERSON_ID_BATCH = 2_000
COPY_FLUSH_CHARS = 1 << 20

EVENT_COLUMNS = (
    "upload_id", "person_id", "line", "cnt_order", "case_key", "step_type", "court", "county",
    "offense_date", "step_date", "disposition_date", "ofn", "court_case_number", "offense_text",
    "code_section", "offense_toc", "severity", "disposition", "is_conviction", "sentence_location",
    "sentence_length", "sentence_unit", "sentence_end", "dob", "comment", "raw",
)  # fmt: skip
PERSON_COLUMNS = ("id", "upload_id", "subject_id", "cii", "name", "dob", "gender", "race", "incomplete", "first_line")
ERROR_COLUMNS = ("upload_id", "line", "reason", "raw")

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = ("\\", "\t", "\n", "\r")


def _text(value: object) -> str:
    """One value in PostgreSQL's COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def copy_line(values: Iterable[object]) -> str:
    return "\t".join(map(_text, values)) + "\n"


class _IsoDates(dict[dt.date, str]):
    """date → 'YYYY-MM-DD', computed once per distinct date (files repeat dates a lot)."""

    def __missing__(self, key: dt.date) -> str:
        value = self[key] = key.isoformat()
        return value


_ISO = _IsoDates()
_DATE = dt.date
_BOOL = {True: "t", False: "f"}


def _fast_copy_line(values: tuple[object, ...]) -> str:
    """copy_line for values known to hold no backslash, tab or line break (the usual case).

    Escaping every cell of every row would cost more than parsing it; the caller checks the
    raw line once, since every text value is a substring of it.
    """
    out = []
    for value in values:
        kind = value.__class__
        if kind is str:
            out.append(value)
        elif value is None:
            out.append("\\N")
        elif kind is _DATE:
            out.append(_ISO[value])  # type: ignore[index]
        elif kind is bool:
            out.append(_BOOL[value])  # type: ignore[index]
        else:
            out.append(str(value))
    return "\t".join(out) + "\n"  # type: ignore[arg-type]


@dataclass
class _PersonEntry:
    id: int
    subject: Subject
    first_line: int
    dob: dt.date | None


class _IdPool:
    """Hands out ids from a table's sequence, fetched in batches over a side connection."""

    def __init__(self, side: psycopg.Connection[Any], table: str) -> None:
        self._side = side
        self._table = table
        self._ids: list[int] = []

    def take(self) -> int:
        if not self._ids:
            rows = self._side.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (self._table, PERSON_ID_BATCH),
            ).fetchall()
            self._ids = [row[0] for row in reversed(rows)]
        return self._ids.pop()


@dataclass
class LoadResult:
    rows: int
    subjects: int
    errors: list[BadLine]


def side_connection() -> psycopg.Connection[Any]:
    """A second autocommit connection to the same database as Django's."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _records_to_copy(
    reader: Reader,
    upload_id: int,
    people: dict[str, _PersonEntry],
    pool: _IdPool,
    errors: list[BadLine],
    progress: _Progress,
) -> Iterator[str]:
    """Yield COPY text for every good record; remember people and quarantined lines."""
    buffer: list[str] = []
    size = 0
    prefix = f"{upload_id}\t"
    for item in reader:
        if isinstance(item, BadLine):
            errors.append(item)
            continue
        fields = item.fields
        subject_id = fields[_SUBJECT_ID].strip()
        entry = people.get(subject_id)
        if entry is None:
            subject = subject_of(fields)
            subject_id = subject.subject_id
            entry = people.get(subject_id)
            if entry is None:
                entry = _PersonEntry(pool.take(), subject, item.line, subject.dob)
                people[subject_id] = entry
        event = event_of(fields)
        if entry.dob is None and event.dob is not None:
            entry.dob = event.dob  # DOMAIN.md §10: the first valid DOB of the subject
        raw = item.raw
        values = (entry.id, item.line, *event, raw)
        if any(char in raw for char in _NEEDS_ESCAPE):
            text = prefix + copy_line(values)
        else:
            text = prefix + _fast_copy_line(values)
        buffer.append(text)
        size += len(text)
        if size >= COPY_FLUSH_CHARS:
            yield "".join(buffer)
            buffer.clear()
            size = 0
            progress.maybe_report(reader.bytes_read)
    if buffer:
        yield "".join(buffer)


class _Progress:
    """Writes bytes read to the upload row over the side connection, at most twice a second."""

    def __init__(self, side: psycopg.Connection[Any], upload_id: int) -> None:
        self._side = side
        self._upload_id = upload_id
        self._last = 0.0

    def maybe_report(self, bytes_read: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._side.execute("UPDATE cases_upload SET bytes_read = %s WHERE id = %s", (bytes_read, self._upload_id))


def upload_file_path(upload: Upload) -> Path:
    return Path(settings.UPLOAD_ROOT) / upload.stored_path


def _load(upload: Upload, side: psycopg.Connection[Any]) -> LoadResult:
    people: dict[str, _PersonEntry] = {}
    errors: list[BadLine] = []
    pool = _IdPool(side, "cases_person")
    progress = _Progress(side, upload.pk)
    raw_cursor = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    with upload_file_path(upload).open("rb") as stream:
        reader = Reader(stream)
        # QueuedLibpqWriter sends in a background thread (socket I/O releases the GIL), so Python
        # parses the next block while PostgreSQL stores the last one instead of taking turns.
        copy_events = f"COPY cases_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        with raw_cursor.copy(copy_events, writer=QueuedLibpqWriter(raw_cursor)) as copy:
            for chunk in _records_to_copy(reader, upload.pk, people, pool, errors, progress):
                copy.write(chunk)
        rows = raw_cursor.rowcount  # psycopg reports how many rows the COPY stored
        progress.maybe_report(reader.bytes_read, force=True)
    incomplete = {subject for bad in errors for subject in bad.subject_ids}
    with raw_cursor.copy(f"COPY cases_person ({', '.join(PERSON_COLUMNS)}) FROM STDIN") as copy:
        for subject_id, entry in people.items():
            s = entry.subject
            copy.write(
                copy_line(
                    (
                        entry.id,
                        upload.pk,
                        subject_id,
                        s.cii,
                        s.name,
                        entry.dob,
                        s.gender,
                        s.race,
                        subject_id in incomplete,
                        entry.first_line,
                    )
                )
            )
    if errors:
        with raw_cursor.copy(f"COPY cases_ingesterror ({', '.join(ERROR_COLUMNS)}) FROM STDIN") as copy:
            for bad in errors:
                copy.write(copy_line((upload.pk, bad.line, bad.reason, bad.raw)))
    return LoadResult(rows=rows, subjects=len(people), errors=errors)


# A case's court and county come from its first line; its numbers are the OFNs of its COURT
# ACTION rows and any FE_NUM_CRT_CASE (DOMAIN.md §3). DISTINCT ON plus one grouped join is
# several times faster than ordered array_agg per group on a million rows.
_CASES_SQL = """
INSERT INTO cases_case (person_id, key, court, county, case_numbers, first_line)
SELECT f.person_id, f.case_key, f.court, f.county, COALESCE(n.numbers, '{}'), f.line
FROM (SELECT DISTINCT ON (person_id, case_key) person_id, case_key, court, county, line
      FROM cases_event WHERE upload_id = %(upload)s AND case_key <> ''
      ORDER BY person_id, case_key, line) AS f
LEFT JOIN (SELECT person_id, case_key, array_agg(DISTINCT number ORDER BY number) AS numbers
           FROM (SELECT person_id, case_key, ofn AS number FROM cases_event
                 WHERE upload_id = %(upload)s AND case_key <> '' AND step_type = 'COURT ACTION' AND ofn <> ''
                 UNION ALL
                 SELECT person_id, case_key, court_case_number FROM cases_event
                 WHERE upload_id = %(upload)s AND case_key <> '' AND court_case_number <> '') AS x
           GROUP BY person_id, case_key) AS n USING (person_id, case_key)
"""

_CONVICTIONS_SQL = """
SELECT count(DISTINCT (person_id, cnt_order)) FILTER (WHERE cnt_order <> '')
     + count(*) FILTER (WHERE cnt_order = '')
FROM cases_event WHERE upload_id = %s AND is_conviction
"""

_MAIN_COUNTY_SQL = """
SELECT county FROM cases_event WHERE upload_id = %s AND is_conviction AND county <> ''
GROUP BY county ORDER BY count(*) DESC, county LIMIT 1
"""


def _start(upload_id: int) -> Upload | None:
    """Claim the upload for this attempt; None when it is already ingested (idempotent)."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload_id)
        if upload.status == UploadStatus.INGESTED:
            return None
        upload.status = UploadStatus.INGESTING
        upload.attempts += 1
        upload.bytes_read = 0
        upload.failure = ""
        upload.started_at = timezone.now()
        upload.save(update_fields=["status", "attempts", "bytes_read", "failure", "started_at"])
        return upload


def upload_ingest(*, upload_id: int) -> Upload:
    """Load an upload's file; safe to run again (a finished upload is returned unchanged)."""
    upload = _start(upload_id)
    if upload is None:
        return Upload.objects.get(pk=upload_id)
    started = time.monotonic()
    with side_connection() as side, transaction.atomic():
        # A previous attempt's rows cannot exist (it rolled back), but be certain.
        with connection.cursor() as cursor:
            for table in ("cases_ingesterror", "cases_event", "cases_person"):
                cursor.execute(f"DELETE FROM {table} WHERE upload_id = %s", [upload.pk])
        result = _load(upload, side)
        with connection.cursor() as cursor:
            # Sorting and grouping a million rows in memory instead of spilling to disk.
            cursor.execute(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'")
            cursor.execute(_CASES_SQL, {"upload": upload.pk})
            cursor.execute(_CONVICTIONS_SQL, [upload.pk])
            convictions = cursor.fetchone()[0]
            if not upload.county:
                cursor.execute(_MAIN_COUNTY_SQL, [upload.pk])
                found = cursor.fetchone()
                upload.county = found[0] if found else ""
        upload.status = UploadStatus.INGESTED
        upload.row_count = result.rows
        upload.subject_count = result.subjects
        upload.conviction_count = convictions
        upload.error_count = len(result.errors)
        upload.bytes_read = upload.size_bytes
        upload.finished_at = timezone.now()
        upload.save()
        seconds = round(time.monotonic() - started, 3)
        audit_record(
            event=AuditEvent.UPLOAD_INGESTED,
            obj=upload,
            detail={
                "rows": result.rows,
                "subjects": result.subjects,
                "convictions": convictions,
                "errors": len(result.errors),
                "seconds": seconds,
            },
        )
        if result.errors:
            audit_record(
                event=AuditEvent.LINES_QUARANTINED,
                obj=upload,
                detail={"count": len(result.errors), "first_lines": [b.line for b in result.errors[:20]]},
            )
    log.info("upload %s ingested: %s rows in %.1fs", upload.pk, result.rows, seconds)
    return upload


def upload_mark_failed(*, upload_id: int, failure: str) -> Upload:
    """Give up on an upload after its retries; nothing of it was loaded (see module docstring)."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload_id)
        if upload.status == UploadStatus.INGESTED:
            return upload
        upload.status = UploadStatus.FAILED
        upload.failure = failure[:2000]
        upload.finished_at = timezone.now()
        upload.save(update_fields=["status", "failure", "finished_at"])
        audit_record(event=AuditEvent.UPLOAD_FAILED, obj=upload, detail={"failure": upload.failure})
    return upload
