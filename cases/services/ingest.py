"""Loading a received DOJ file into PostgreSQL: streaming, with COPY, in one transaction.

Why this shape:
- One transaction per attempt: a killed worker or a lost connection rolls everything back,
  so no half-loaded upload is ever visible, and a retry starts from nothing and yields the
  same rows.
- Parsing a million rows is the slow part (about 15 µs a row of Python), so a large file is
  cut into parts that processes of our own parse side by side (`clearance.doj.parts`), while
  this process puts their rows in file order into one long COPY of events and PostgreSQL
  stores them. Person ids come from the sequence over a second connection so the COPY never
  has to stop.
- Nothing reads the rows back: the parsers also tally each person's cases and convictions and
  the conviction rows per county (`ingest_tallies`), so the cases go in by COPY too.
- Memory stays flat: a part is parsed, written to the COPY stream and forgotten; only one
  small entry per person, the quarantined lines and the parts in flight are kept (a person's
  cases wait in a temporary file until the events are in).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, BinaryIO

import billiard
import psycopg
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from cases.choices import AuditEvent, UploadStatus
from cases.models import Upload
from cases.services.audit import audit_record
from cases.services.ingest_tallies import CASE_COLUMNS, SPLIT_CASES_SQL, SPLIT_CONVICTIONS_SQL, Tallies
from clearance.doj.copytext import copy_line
from clearance.doj.normalize import Event, Subject
from clearance.doj.parts import ParsedPart, Part, cut_parts, in_file_order, parse_file, parse_part_at
from clearance.doj.reader import BadLine

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5
GROUPING_WORK_MEM = "256MB"
PERSON_ID_BATCH = 2_000
#: Files smaller than this are parsed in the loading process: starting the parsers (a fresh
#: interpreter each, about 0.3 s) would cost more than they save.
PARALLEL_MIN_BYTES = 32 << 20
#: Parsing processes at most; the loading process and PostgreSQL take the rest of the machine.
MAX_JOBS = 2
#: Parts handed out ahead per parsing process (each about 1 MiB of file): enough to keep them
#: busy while this process writes, few enough to keep memory flat.
PARTS_IN_FLIGHT = 4
COPY_CHUNK_CHARS = 1 << 20

#: cases_event's columns in the order of the COPY text: `parts.parse_part` writes each row's
#: `(line, *normalize.Event, raw)`, and the loader puts the upload and the person in front.
EVENT_COLUMNS = ("upload_id", "person_id", "line", *Event._fields, "raw")
PERSON_COLUMNS = ("id", "upload_id", "subject_id", "cii", "name", "dob", "gender", "race", "incomplete", "first_line")
ERROR_COLUMNS = ("upload_id", "line", "reason", "raw")


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
    convictions: int = 0
    #: The county with the most conviction rows.
    main_county: str = ""


def side_connection() -> psycopg.Connection[Any]:
    """A second autocommit connection to the same database as Django's."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _parsed_parts(stream: BinaryIO, jobs: int) -> Iterator[ParsedPart]:
    """Every part of the file parsed, in file order, by `jobs` processes side by side."""
    if jobs < 2:
        return parse_file(stream)
    return in_file_order(_parse_in_order(stream, jobs))


def _parse_in_order(stream: BinaryIO, jobs: int) -> Iterator[tuple[Part, ParsedPart]]:
    """Each part of the file with what `jobs` processes made of it, in file order, a few parts
    ahead. Each process reads its part from the file itself: only where it starts is sent."""
    path = os.fspath(stream.name)
    offset = stream.tell()
    # billiard (Celery's fork of multiprocessing) lets a task of the prefork pool, a daemonic
    # process, start processes; the standard library's pools refuse. Fresh interpreters
    # ("spawn"): a forked child would share this process's database connections.
    pool = billiard.get_context("spawn").Pool(jobs)  # type: ignore[attr-defined]  # set up at import
    try:
        window: deque[tuple[Part, Any]] = deque()  # (part, its billiard AsyncResult)
        for part in cut_parts(stream):
            where = (path, offset, len(part.data), part.first_line, part.final)
            window.append((part, pool.apply_async(parse_part_at, where)))
            offset += len(part.data)
            if len(window) >= PARTS_IN_FLIGHT * jobs:  # memory stays bounded by the window
                done, result = window.popleft()
                yield done, result.get()
        while window:
            done, result = window.popleft()
            yield done, result.get()
        pool.close()
        pool.join()
    finally:
        pool.terminate()  # after an error, or when the caller stopped reading: stop the parsers now


def _records_to_copy(
    parsed_parts: Iterable[ParsedPart],
    upload_id: int,
    people: dict[str, _PersonEntry],
    pool: _IdPool,
    errors: list[BadLine],
    tallies: Tallies,
    progress: _Progress,
) -> Iterator[str]:
    """Yield COPY text for every good record, a part at a time; remember people and quarantined
    lines, and tally convictions and cases."""
    bytes_read = 0
    for parsed in parsed_parts:
        errors.extend(parsed.errors)
        tallies.conviction_counties.update(parsed.conviction_counties)
        out: list[str] = []
        for run in parsed.runs:
            entry = people.get(run.key)
            if entry is None:
                entry = people[run.key] = _PersonEntry(pool.take(), run.subject, run.first_line, run.dob)
            elif entry.dob is None:
                entry.dob = run.dob  # DOMAIN.md §10: the first valid DOB of the subject
            tallies.add(entry.id, run)
            # In COPY text a bare line break only ever ends a row (one inside a value is escaped).
            head = f"{upload_id}\t{entry.id}\t"
            out.append(head)
            out.append(run.text.replace("\n", "\n" + head, run.text.count("\n") - 1))
        bytes_read += parsed.consumed
        progress.maybe_report(bytes_read)
        if out:
            yield "".join(out)


def ingest_jobs(size_bytes: int) -> int:
    """How many processes parse a file of this size: one per core (at most MAX_JOBS) for a large
    file, this process alone for a small one."""
    if size_bytes < PARALLEL_MIN_BYTES:
        return 1
    return min(MAX_JOBS, os.cpu_count() or 1)


def _parsers(jobs: int) -> str:
    return f"{jobs} processes" if jobs > 1 else "this process"


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


def _load(upload: Upload, side: psycopg.Connection[Any], jobs: int) -> LoadResult:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as cases_out:
        tallies = Tallies(cases_out)
        result = _load_rows(upload, side, jobs, tallies)
        tallies.close()
        convictions = _load_cases(upload, cases_out, tallies)
    return replace(result, convictions=convictions, main_county=tallies.main_county())


def _load_cases(upload: Upload, cases_out: IO[str], tallies: Tallies) -> int:
    """Store the cases tallied while loading; return the upload's convictions."""
    raw_cursor = connection.cursor().cursor
    cases_out.seek(0)
    with raw_cursor.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
        while chunk := cases_out.read(COPY_CHUNK_CHARS):
            copy.write(chunk)
    if not tallies.split:
        return tallies.convictions
    # People whose rows are not all together in the file: their cases and convictions come from
    # the stored rows instead (sorting and grouping in memory rather than spilling to disk).
    params: dict[str, int | list[int]] = {"upload": upload.pk, "people": sorted(tallies.split)}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE person_id = ANY(%(people)s)", params)
        cursor.execute(f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'")
        cursor.execute(SPLIT_CASES_SQL, params)
        cursor.execute(SPLIT_CONVICTIONS_SQL, params)
        return int(tallies.convictions + cursor.fetchone()[0])


def _load_rows(upload: Upload, side: psycopg.Connection[Any], jobs: int, tallies: Tallies) -> LoadResult:
    people: dict[str, _PersonEntry] = {}
    errors: list[BadLine] = []
    pool = _IdPool(side, "cases_person")
    progress = _Progress(side, upload.pk)
    raw_cursor = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    path = upload_file_path(upload)
    with path.open("rb") as stream:
        parsed = _parsed_parts(stream, jobs)
        # QueuedLibpqWriter sends in a background thread (socket I/O releases the GIL), so Python
        # parses the next block while PostgreSQL stores the last one instead of taking turns.
        copy_events = f"COPY cases_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        with raw_cursor.copy(copy_events, writer=QueuedLibpqWriter(raw_cursor)) as copy:
            for chunk in _records_to_copy(parsed, upload.pk, people, pool, errors, tallies, progress):
                copy.write(chunk)
        rows = raw_cursor.rowcount  # psycopg reports how many rows the COPY stored
        progress.maybe_report(upload.size_bytes, force=True)
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


def upload_ingest(*, upload_id: int, jobs: int | None = None) -> Upload:
    """Load an upload's file; safe to run again (a finished upload is returned unchanged).

    `jobs` processes parse the file side by side (None: as `ingest_jobs` decides for its size).
    """
    upload = _start(upload_id)
    if upload is None:
        return Upload.objects.get(pk=upload_id)
    started = time.monotonic()
    jobs = ingest_jobs(upload.size_bytes) if jobs is None else jobs
    with side_connection() as side, transaction.atomic():
        # A previous attempt's rows cannot exist (it rolled back), but be certain.
        with connection.cursor() as cursor:
            for table in ("cases_ingesterror", "cases_event", "cases_person"):
                cursor.execute(f"DELETE FROM {table} WHERE upload_id = %s", [upload.pk])
        result = _load(upload, side, jobs)
        convictions = result.convictions
        upload.county = upload.county or result.main_county
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
    log.info("upload %s ingested: %s rows in %.1fs, %s parsing", upload.pk, result.rows, seconds, _parsers(jobs))
    _sample_for_the_planner()
    return upload


def _sample_for_the_planner() -> None:
    """Refresh the statistics a person's events are found by, now that the upload's are in.

    Classification reads 500 people's events at a time by `person_id`. On a table PostgreSQL has
    not sampled yet (a new office's first upload), the planner expected a quarter of all events
    to match and scanned the whole table for every chunk: 250 ms of the server's time a chunk on
    a million rows, against 48 ms through the (person, count) index. Autovacuum samples the table
    only a minute or so later, after classification has begun. Sampling the one column costs
    about 0.6-0.9 s a million rows.

    The upload is committed by now: if autovacuum holds the table (it is sampling or vacuuming
    it already), this gives up after a moment rather than hold the upload back.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("ANALYZE cases_event (person_id)")
    except OperationalError as exc:
        log.info("events not sampled after the upload (%s); autovacuum will", exc)


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
