"""The API describes itself: the schema builds without a warning and names every endpoint's body."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

DECISION = "/api/determinations/{id}/decision/"
PERSON = "/api/people/{id}/"


def _production_environment() -> dict[str, str]:
    """The variables a deployment sets: DJANGO_SECURE turns on HTTPS-only cookies, HSTS and the redirect."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SECRET_KEY_FILE", "DJANGO_SSL_REDIRECT", "DJANGO_DEBUG"}
    }
    env.update(
        DJANGO_SECURE="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SETTINGS_MODULE="clearance.settings",
    )
    return env


def test_the_deploy_check_is_clean_under_production_settings():
    """drf-spectacular's schema warnings are deploy checks: a warning here fails the build."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _schema(client: APIClient) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_the_schema_describes_the_decision_body_and_the_people_endpoint(attorney):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=attorney).key}")
    schema = _schema(client)

    body = schema["paths"][DECISION]["post"]["requestBody"]["content"]["application/json"]["schema"]
    decision = _component(schema, body["$ref"])
    assert {"action", "outcome", "reason", "version"} <= set(decision["properties"])
    assert {"action", "version"} <= set(decision["required"])
    assert set(schema["paths"][DECISION]["post"]["responses"]) >= {"201", "400", "403", "404", "409"}

    person = schema["paths"][PERSON]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    properties = _component(schema, person["$ref"])["properties"]
    assert {"subject_id", "cii", "name", "dob", "events", "run", "determinations"} <= set(properties)
