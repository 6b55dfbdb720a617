"""Settings fail loudly on bad values: each case starts a fresh interpreter with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgresql://u@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_DEBUG": "0",
}


def _load(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    code = "import clearance.settings as s; print(s.DEBUG, s.SECRET_KEY[:4], s.ALLOWED_HOSTS)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_good_settings_load():
    result = _load(GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False xxxx []")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "must be a PostgreSQL URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must be set"),
        ({"REDIS_URL": "amqp://guest@localhost//"}, "must be a Redis URL"),
        ({"CELERY_VISIBILITY_TIMEOUT": "soon"}, "is not a whole number"),
        ({"DJANGO_SECRET_KEY_FILE": "/nonexistent/secret"}, "cannot be read"),
    ],
)
def test_bad_settings_stop_the_start_with_a_clear_message(change, message):
    result = _load({**GOOD, **change})
    assert result.returncode != 0
    assert message in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "y" * 40 + "\n")
    result = _load({**GOOD, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr
    assert "from" in result.stdout


def test_debug_may_run_without_a_secret_key():
    result = _load({**GOOD, "DJANGO_SECRET_KEY": "", "DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")
