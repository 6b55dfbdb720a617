"""The cast every view test shares: an attorney, a clerk, an administrator, an outsider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from cases.choices import Role

SAMPLES = Path(__file__).parent / "data" / "doj-samples"


@pytest.fixture(autouse=True)
def _private_upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    settings.PACKET_ROOT = tmp_path / "packets"
    # Password hashing is slow on purpose; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str, role: Role | None) -> User:
        user = User.objects.create_user(username=username, password="a-long-test-password")
        if role is not None:
            # get_or_create: a transactional test flushes the groups the migration made.
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def attorney(make_user) -> User:
    return make_user("attorney", Role.ATTORNEY)


@pytest.fixture
def clerk(make_user) -> User:
    return make_user("clerk", Role.CLERK)


@pytest.fixture
def administrator(make_user) -> User:
    return make_user("administrator", Role.ADMINISTRATOR)


@pytest.fixture
def outsider(make_user) -> User:
    return make_user("outsider", None)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def sample(name: str) -> Path:
    return SAMPLES / name


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


#: A killed worker's unacknowledged task returns to the queue after this many seconds.
TEST_VISIBILITY_TIMEOUT = 5


def start_worker(settings, name: str = "worker", pool: str = "solo"):  # type: ignore[no-untyped-def]
    """Start a real Celery worker process on the test database and the real Redis.

    `pool`: "solo" runs tasks in the worker's own process; "prefork" (one child) as
    `make run` and the compose file do, in a daemonic child process.
    """
    import os
    import subprocess
    import sys
    import time

    settings.UPLOAD_ROOT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CLEARANCE_UPLOAD_ROOT": str(settings.UPLOAD_ROOT),
        "CLEARANCE_PACKET_ROOT": str(settings.PACKET_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": str(TEST_VISIBILITY_TIMEOUT),
    }
    log = settings.UPLOAD_ROOT.parent / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clearance",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while b"ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def stop_worker(process, sig: int | None = None) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess

    if process.poll() is not None:
        return
    os.killpg(process.pid, sig or signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real Celery worker in its own process, stopped after the test."""
    from clearance.celery import app

    app.control.purge()  # nothing left over from another test may reach this worker
    process = start_worker(settings)
    yield process
    stop_worker(process)


def wait_for(predicate: Callable[[], bool], *, seconds: float = 60, what: str = "condition") -> None:
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """Worker processes and live-server threads may leave a connection behind; end them so
    the test database can be dropped at the end of the run."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def classify_in_process(upload, slug: str = "statutory", as_of=None):  # type: ignore[no-untyped-def]
    """Classify an ingested upload without a worker: the same services the tasks call."""
    import datetime as dt

    from cases.models import ClassificationChunk
    from cases.services.classify import classification_run_chunk, classification_start
    from cases.services.policies import policy_get_current

    run = classification_start(
        upload=upload, policy=policy_get_current(slug=slug), as_of=as_of or dt.date(2019, 11, 11), queue=False
    )
    for chunk_id in ClassificationChunk.objects.filter(run=run).order_by("index").values_list("id", flat=True):
        classification_run_chunk(chunk_id=chunk_id)
    run.refresh_from_db()
    return run


@pytest.fixture
def sample_run(db):  # type: ignore[no-untyped-def]
    """gogen's configurable-flow sample, ingested for SACRAMENTO and classified under the statute."""
    from cases.services.ingest import upload_ingest
    from cases.services.uploads import upload_receive_path

    upload, _ = upload_receive_path(
        path=sample("gogen_configurable_flow_input.csv"), user=None, county="SACRAMENTO", queue=False
    )
    return classify_in_process(upload_ingest(upload_id=upload.pk))


def approve_everything(run, attorney):  # type: ignore[no-untyped-def]
    """Bulk-approve every approvable recommendation of a run, as an attorney would."""
    from cases.review_queue import QueueFilters
    from cases.services.review import bulk_approval_count, bulk_approval_start

    filters = QueueFilters(upload=run.upload_id)
    return bulk_approval_start(
        user=attorney, filters=filters, expected=bulk_approval_count(user=attorney, filters=filters)
    )


OFFICE_LETTERHEAD = {
    "name": "Office of the District Attorney, County of Sacramento",
    "address": "901 G Street\nSacramento, CA 95814",
    "phone": "(916) 874-6218",
    "signing_attorney": "Ada Lovelace",
    "bar_number": "123456",
    "county": "Sacramento",
    "public_defender_name": "Sacramento County Public Defender",
    "public_defender_address": "700 H Street\nSacramento, CA 95814",
}


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    """The office's letterhead, complete enough to sign a motion."""
    from cases.models import OfficeSettings

    return OfficeSettings.objects.create(pk=1, **OFFICE_LETTERHEAD)


def values_the_planner_knows(table: str, column: str) -> set[int]:
    """The integer values of `table.column` in PostgreSQL's statistics (its most common values
    and histogram bounds): what the planner has sampled of that column."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(most_common_vals::text, '{}'), coalesce(histogram_bounds::text, '{}') FROM pg_stats"
            " WHERE tablename = %s AND attname = %s",
            [table, column],
        )
        found = cursor.fetchone()
    if found is None:
        return set()
    return {int(value) for array in found for value in array.strip("{}").split(",") if value}
