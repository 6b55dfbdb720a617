"""End to end with a real Celery worker process: upload through the API, the worker ingests."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import UploadStatus
from cases.models import Event, Upload
from cases.tests.conftest import sample, wait_for

pytestmark = pytest.mark.worker


def test_an_upload_sent_to_the_api_is_ingested_by_a_worker(celery_worker_process, attorney):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=attorney).key}")
    with sample("bear_bad_field_count.dat").open("rb") as handle:
        created = client.post("/api/uploads/", {"file": handle, "county": "Sacramento"}, format="multipart")
    assert created.status_code == 202
    upload_id = created.json()["id"]

    def finished() -> bool:
        return Upload.objects.get(pk=upload_id).status in (UploadStatus.INGESTED, UploadStatus.FAILED)

    wait_for(finished, what="the worker to ingest the upload")
    body = client.get(f"/api/uploads/{upload_id}/").json()
    assert body["status"] == UploadStatus.INGESTED, body
    assert body["row_count"] == Event.objects.filter(upload_id=upload_id).count() == 35
    assert body["error_count"] == 1 and body["errors"][0]["line"] == 2
    assert body["county"] == "SACRAMENTO"

    # The worker goes on to classify the upload; the API then serves determinations and figures.
    from cases.choices import RunStatus
    from cases.models import ClassificationRun, Determination

    wait_for(
        lambda: ClassificationRun.objects.filter(upload_id=upload_id, status=RunStatus.DONE).exists(),
        what="the worker to classify the upload",
    )
    listed = client.get("/api/determinations/", {"upload": upload_id, "page_size": 500}).json()
    assert listed["count"] == Determination.objects.filter(upload_id=upload_id).count() > 0
    summary = client.get(f"/api/uploads/{upload_id}/summary/").json()
    assert summary["candidates"] == listed["count"]
    assert summary["policy"] == "statutory"
    assert sum(summary["outcomes"].values()) == listed["count"]


def test_a_killed_worker_leaves_nothing_half_loaded_and_the_task_runs_again(transactional_db, settings, attorney):
    import signal

    from cases.services.uploads import upload_receive_path
    from cases.tests.conftest import start_worker, stop_worker
    from clearance.celery import app
    from clearance.doj.synthetic import generate

    app.control.purge()
    path = settings.UPLOAD_ROOT.parent / "big.dat"
    with path.open("wb") as out:
        generate(out, rows=120_000, seed=11, county="SAN FRANCISCO")
    first = start_worker(settings, "first")
    try:
        upload, _ = upload_receive_path(path=path, user=attorney, queue=True)
        wait_for(lambda: Upload.objects.get(pk=upload.pk).bytes_read > 0, what="the first worker to start reading")
        stop_worker(first, signal.SIGKILL)
    finally:
        stop_worker(first)
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.INGESTING
    assert Event.objects.filter(upload_id=upload.pk).count() == 0  # the attempt rolled back whole

    second = start_worker(settings, "second")
    try:
        wait_for(
            lambda: Upload.objects.get(pk=upload.pk).status == UploadStatus.INGESTED,
            seconds=120,
            what="the task to be redelivered and finish",
        )
    finally:
        stop_worker(second)
    upload.refresh_from_db()
    assert upload.row_count == 120_000 == Event.objects.filter(upload_id=upload.pk).count()
    assert upload.attempts == 2


def test_a_prefork_worker_parses_a_large_file_in_two_processes(transactional_db, settings, attorney):
    """A prefork task runs in a daemonic process, which the standard library forbids to start
    processes; the loader's parsers start anyway (billiard) and load every row."""
    from cases.services.ingest import PARALLEL_MIN_BYTES
    from cases.services.uploads import upload_receive_path
    from cases.tests.conftest import start_worker, stop_worker
    from clearance.celery import app
    from clearance.doj.synthetic import generate

    app.control.purge()
    path = settings.UPLOAD_ROOT.parent / "large.dat"
    with path.open("wb") as out:
        generate(out, rows=90_000, seed=13, county="SAN FRANCISCO")
    assert path.stat().st_size >= PARALLEL_MIN_BYTES
    worker = start_worker(settings, "prefork", pool="prefork")
    try:
        upload, _ = upload_receive_path(path=path, user=attorney, queue=True)
        wait_for(
            lambda: Upload.objects.get(pk=upload.pk).status in (UploadStatus.INGESTED, UploadStatus.FAILED),
            seconds=120,
            what="the prefork worker to ingest the upload",
        )
    finally:
        stop_worker(worker)
        app.control.purge()  # the classification it queued is not this test's
    upload.refresh_from_db()
    assert upload.status == UploadStatus.INGESTED, upload.failure
    assert upload.row_count == 90_000 == Event.objects.filter(upload_id=upload.pk).count()
    log = (settings.UPLOAD_ROOT.parent / "prefork.log").read_text()
    assert f"upload {upload.pk} ingested: 90000 rows" in log
    assert "2 processes parsing" in log
