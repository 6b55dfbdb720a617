from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from cases.choices import AuditEvent, Severity, UploadStatus
from cases.models import AuditEntry, Case, Event, IngestError, Person, Upload
from cases.services.ingest import MAX_JOBS, PARALLEL_MIN_BYTES, ingest_jobs, side_connection, upload_ingest
from cases.services.ingest_tallies import CASES_OF_PEOPLE_SQL, SPLIT_CONVICTIONS_SQL
from cases.services.uploads import upload_receive, upload_receive_path
from cases.tests.conftest import sample, values_the_planner_knows
from clearance.doj import normalize
from clearance.doj.layout import COL
from clearance.doj.reader import parse_date
from clearance.doj.synthetic import generate


def _ingest(path):
    upload, _ = upload_receive_path(path=path, user=None, queue=False)
    return upload_ingest(upload_id=upload.pk)


def _csv_rows(path):
    with path.open(newline="", encoding="latin-1") as handle:
        rows = [row for row in csv.reader(handle) if row]
    return [r for r in rows if r[0].strip() != "RECORD_ID"]


@pytest.mark.django_db
def test_an_ingested_uploads_people_are_in_the_planner_statistics_of_their_events():
    # Unsampled, the planner scanned every event of the table for each chunk of people that
    # classification reads: five times the server's time on a million rows (docs/PERFORMANCE.md).
    upload = _ingest(sample("gogen_configurable_flow_input.csv"))
    people = set(Person.objects.filter(upload=upload).values_list("id", flat=True))
    known = values_the_planner_knows("cases_event", "person_id")
    assert people
    assert known and min(known) <= min(people) and max(people) <= max(known)


@pytest.mark.django_db
def test_an_upload_is_ingested_even_while_autovacuum_holds_its_events_table():
    with side_connection() as other, other.transaction():
        # What a running autovacuum of the table holds: ANALYZE has to wait for it.
        other.execute("LOCK TABLE cases_event IN SHARE UPDATE EXCLUSIVE MODE")
        upload = _ingest(sample("gogen_configurable_flow_input.csv"))
    assert upload.status == UploadStatus.INGESTED
    assert Event.objects.filter(upload=upload).count() == upload.row_count > 0


@pytest.mark.django_db
def test_every_row_is_loaded_with_its_line_and_verbatim_text():
    path = sample("gogen_configurable_flow_input.csv")
    upload = _ingest(path)
    rows = _csv_rows(path)
    physical = path.read_text(encoding="latin-1").splitlines()
    assert upload.status == UploadStatus.INGESTED
    assert upload.row_count == len(rows) == Event.objects.filter(upload=upload).count()
    assert upload.subject_count == len({r[COL["SUBJECT_ID"]].strip() for r in rows})
    for event in Event.objects.filter(upload=upload):
        assert event.raw == physical[event.line - 1]
    expected_convictions = {
        (r[COL["SUBJECT_ID"]], r[COL["CNT_ORDER"]])
        for r in rows
        if r[COL["DISP_DESCR"]].strip().startswith("CONVICTED")
    }
    assert upload.conviction_count == len(expected_convictions)


@pytest.mark.django_db
def test_people_and_cases_come_from_the_rows():
    path = sample("gogen_no_headers.csv")
    upload = _ingest(path)
    rows = _csv_rows(path)
    first = rows[0]
    person = Person.objects.get(upload=upload, subject_id=first[COL["SUBJECT_ID"]].strip())
    assert person.name == first[COL["PRI_NAME"]].strip()
    assert person.cii == first[COL["CII_NUMBER"]].strip()
    assert person.dob == parse_date(first[COL["PRI_DOB"]])
    assert person.first_line == 1
    keys = {
        (r[COL["SUBJECT_ID"]].strip(), r[COL["CNT_ORDER"]].strip()[:6]) for r in rows if r[COL["CNT_ORDER"]].strip()
    }
    assert Case.objects.filter(person__upload=upload).count() == len(keys)
    court_rows = [r for r in rows if r[COL["STP_TYPE_DESCR"]].strip() == "COURT ACTION" and r[COL["OFN"]].strip()]
    if court_rows:
        row = court_rows[0]
        case = Case.objects.get(
            person__subject_id=row[COL["SUBJECT_ID"]].strip(), key=row[COL["CNT_ORDER"]].strip()[:6]
        )
        assert row[COL["OFN"]].strip() in case.case_numbers


@pytest.mark.django_db
def test_parsed_columns_follow_the_domain_rules():
    upload = _ingest(sample("bear_with_header.dat"))
    events = Event.objects.filter(upload=upload)
    assert events.filter(is_conviction=True).exists()
    for event in events:
        assert event.is_conviction == event.disposition.upper().startswith("CONVICTED")
        assert event.county == event.county.upper().strip()
        assert event.severity in Severity.values
        assert event.case_key == event.cnt_order[:6]
        assert event.ofn not in ("NULL", "x", "#")


@pytest.mark.django_db
def test_a_malformed_line_is_quarantined_and_its_person_marked_incomplete():
    upload = _ingest(sample("bear_bad_field_count.dat"))
    assert upload.status == UploadStatus.INGESTED
    assert upload.error_count == 1
    error = IngestError.objects.get(upload=upload)
    assert error.line == 2
    assert "94 fields" in error.reason
    assert error.raw == sample("bear_bad_field_count.dat").read_text().splitlines()[1]
    assert upload.row_count == len(_csv_rows(sample("bear_bad_field_count.dat"))) - 1
    assert Person.objects.get(upload=upload, subject_id="18675309").incomplete
    assert AuditEntry.objects.filter(event=AuditEvent.LINES_QUARANTINED, object_id=str(upload.pk)).exists()


@pytest.mark.django_db
def test_ingesting_again_changes_nothing():
    upload = _ingest(sample("gogen_extra_comma.csv"))
    before = list(Event.objects.filter(upload=upload).values_list("id", "line", "raw"))
    again = upload_ingest(upload_id=upload.pk)
    assert again.status == UploadStatus.INGESTED
    assert list(Event.objects.filter(upload=upload).values_list("id", "line", "raw")) == before


@pytest.mark.django_db
def test_two_uploads_coexist_with_their_own_people():
    one = _ingest(sample("gogen_no_headers.csv"))
    two = _ingest(sample("gogen_extra_comma.csv"))
    assert Person.objects.filter(upload=one).count() == one.subject_count
    assert Person.objects.filter(upload=two).count() == two.subject_count
    assert Upload.objects.count() == 2


@pytest.mark.django_db
def test_a_latin1_name_is_kept():
    line = sample("gogen_no_headers.csv").read_bytes().splitlines()[0]
    latin = line.replace(b"SKYWALKER,LUKE S", b"MU\xd1OZ,ANA")
    upload, _ = upload_receive(source=io.BytesIO(latin + b"\n"), name="latin.dat", user=None, queue=False)
    upload = upload_ingest(upload_id=upload.pk)
    assert Person.objects.get(upload=upload).name == "MUÑOZ,ANA"


@pytest.mark.django_db(transaction=True)
def test_a_failure_halfway_leaves_nothing_and_a_retry_loads_the_same_rows(tmp_path, monkeypatch):
    path = tmp_path / "generated.dat"
    with path.open("wb") as out:
        generate(out, rows=3_000, seed=7, county="SAN FRANCISCO")
    upload, _ = upload_receive_path(path=path, user=None, queue=False)
    real_event_of = normalize.event_of
    seen = {"rows": 0}

    def crash_after_2000_rows(fields):
        seen["rows"] += 1
        if seen["rows"] > 2_000:
            raise ConnectionError("simulated crash in the middle of the file")
        return real_event_of(fields)

    monkeypatch.setattr("clearance.doj.parts.event_of", crash_after_2000_rows)
    with pytest.raises(ConnectionError):
        upload_ingest(upload_id=upload.pk)
    assert Event.objects.filter(upload=upload).count() == 0
    assert Person.objects.filter(upload=upload).count() == 0
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.INGESTING

    monkeypatch.setattr("clearance.doj.parts.event_of", real_event_of)
    upload = upload_ingest(upload_id=upload.pk)
    assert upload.status == UploadStatus.INGESTED
    assert upload.attempts == 2
    assert upload.row_count == 3_000 == Event.objects.filter(upload=upload).count()
    assert sorted(Event.objects.filter(upload=upload).values_list("line", flat=True)) == list(range(2, 3_002))


@pytest.mark.django_db(transaction=True)
def test_a_lost_database_connection_rolls_the_attempt_back(tmp_path, monkeypatch):
    path = tmp_path / "generated.dat"
    with path.open("wb") as out:
        generate(out, rows=2_000, seed=8, county="SAN FRANCISCO")
    upload, _ = upload_receive_path(path=path, user=None, queue=False)
    real_event_of = normalize.event_of
    state = {"rows": 0}
    backend_pid = None

    def cut_the_connection(fields):
        state["rows"] += 1
        if state["rows"] == 1_000:
            # A real cut: another session terminates our backend in the middle of the COPY.
            with side_connection() as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))
        return real_event_of(fields)

    backend_pid = _backend_pid()
    monkeypatch.setattr("clearance.doj.parts.event_of", cut_the_connection)
    with pytest.raises(Exception):  # noqa: B017 - psycopg/Django raise several kinds here
        upload_ingest(upload_id=upload.pk)
    connection.close()
    assert Event.objects.filter(upload=upload).count() == 0
    monkeypatch.setattr("clearance.doj.parts.event_of", real_event_of)
    assert upload_ingest(upload_id=upload.pk).row_count == 2_000


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# --- parsing in processes, and what is tallied while loading ---------------------------------


def _tricky_file(path, *, rows: int = 3_000, seed: int = 11):
    """A generated file, then a person whose rows came earlier, a quoted cell over two lines and a
    case number holding a quote and a backslash."""
    with path.open("wb") as out:
        generate(out, rows=rows, seed=seed, county="SAN FRANCISCO")
    first = _csv_rows(path)[0]
    again = list(first)
    again[COL["CNT_ORDER"]] = "099001001"
    again[COL["FE_NUM_CRT_CASE"]] = 'CR"7\\B'
    again[COL["DISP_DESCR"]] = "CONVICTED"
    again[COL["COMMENT_TEXT"]] = "SEE FILE\nPAGE 2"
    with path.open("a", encoding="latin-1", newline="") as out:
        csv.writer(out, lineterminator="\n").writerow(again)
    return first[COL["SUBJECT_ID"]].strip()


def _loaded(upload):
    """What an upload's rows say, without database ids."""
    subject = dict(Person.objects.filter(upload=upload).values_list("pk", "subject_id"))
    events = [
        {**values, "person_id": subject[values["person_id"]]}
        for values in Event.objects.filter(upload=upload).order_by("line").values()
    ]
    for values in events:
        del values["id"], values["upload_id"]
    people = sorted(
        Person.objects.filter(upload=upload).values_list(
            "subject_id", "cii", "name", "dob", "gender", "race", "incomplete", "first_line"
        )
    )
    cases = sorted(
        (subject[c.person_id], c.key, c.court, c.county, tuple(c.case_numbers), c.first_line)
        for c in Case.objects.filter(person__upload=upload)
    )
    errors = list(IngestError.objects.filter(upload=upload).order_by("line").values_list("line", "reason", "raw"))
    upload.refresh_from_db()
    counts = (upload.row_count, upload.subject_count, upload.conviction_count, upload.error_count, upload.county)
    return {"events": events, "people": people, "cases": cases, "errors": errors, "counts": counts}


@pytest.mark.django_db
def test_a_file_parsed_by_two_processes_loads_exactly_what_one_process_loads(tmp_path, monkeypatch):
    # Parts of 4 KiB: people and the quoted cell over two lines run from one part into the next.
    monkeypatch.setattr("clearance.doj.parts.BLOCK_BYTES", 4096)
    here = tmp_path / "here.dat"
    split_subject = _tricky_file(here)
    there = tmp_path / "there.dat"
    there.write_bytes(here.read_bytes() + b"\n")  # the same rows in another file
    one = _loaded(_ingest_with(here, jobs=1))
    two = _loaded(_ingest_with(there, jobs=2))
    assert one == two
    assert len(one["events"]) == 3_001
    assert [e["line"] for e in one["events"]][-1] == 3_002  # the header is line 1
    assert any(case[0] == split_subject and case[4] == ('CR"7\\B',) for case in one["cases"])


@pytest.mark.django_db
def test_cases_and_convictions_tallied_while_loading_are_what_the_stored_rows_say(tmp_path, monkeypatch):
    monkeypatch.setattr("clearance.doj.parts.BLOCK_BYTES", 4096)
    path = tmp_path / "tricky.dat"
    _tricky_file(path, rows=4_000, seed=12)
    upload = _ingest_with(path, jobs=1)
    people = list(Person.objects.filter(upload=upload).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(CASES_OF_PEOPLE_SQL, {"upload": upload.pk, "people": people})
        from_rows = sorted((p, key, court, county, tuple(nums), line) for p, key, court, county, nums, line in cursor)
        cursor.execute(SPLIT_CONVICTIONS_SQL, {"upload": upload.pk, "people": people})
        convictions = cursor.fetchone()[0]
        cursor.execute(
            "SELECT county FROM cases_event WHERE upload_id = %s AND is_conviction AND county <> ''"
            " GROUP BY county ORDER BY count(*) DESC, county LIMIT 1",
            [upload.pk],
        )
        county = cursor.fetchone()[0]
    stored = sorted(
        (c.person_id, c.key, c.court, c.county, tuple(c.case_numbers), c.first_line)
        for c in Case.objects.filter(person__upload=upload)
    )
    assert len(stored) > 1_000
    assert stored == from_rows
    assert upload.conviction_count == convictions > 0
    assert upload.county == county == "SAN FRANCISCO"


def test_a_small_file_is_parsed_in_this_process_and_a_large_one_by_a_process_a_core(monkeypatch):
    assert ingest_jobs(PARALLEL_MIN_BYTES - 1) == 1
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert ingest_jobs(PARALLEL_MIN_BYTES) == MAX_JOBS == 2
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert ingest_jobs(PARALLEL_MIN_BYTES) == 1


def _ingest_with(path, *, jobs):
    upload, _ = upload_receive_path(path=path, user=None, queue=False)
    return upload_ingest(upload_id=upload.pk, jobs=jobs)
