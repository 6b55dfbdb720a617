"""No Docker engine runs here, so the deployment files are checked by reading them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _settings_variables() -> set[str]:
    text = (ROOT / "clearance" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', text))


def _example_variables() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_compose_has_the_services_a_deployment_needs():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:16")
    assert "healthcheck" in services["db"] and "pgdata" in services["db"]["volumes"][0]
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "clearance"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_example_environment_sets_every_required_setting():
    example = _example_variables()
    required = {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG"}
    assert required <= set(example)
    assert required <= _settings_variables() | {"DJANGO_DEBUG"}
    assert example["DATABASE_URL"].startswith("postgresql://") and "@db:" in example["DATABASE_URL"]
    assert example["REDIS_URL"].startswith("redis://redis:")
    assert example["DJANGO_DEBUG"] == "0"


def test_every_variable_the_compose_file_names_is_one_the_settings_read():
    compose = _compose()
    app_env = set(compose["x-app"]["environment"])
    assert app_env <= _settings_variables()
    assert compose["x-app"]["env_file"] == ".env"


def test_web_and_workers_share_the_uploads_and_the_packets_on_volumes():
    compose = _compose()
    app = compose["x-app"]
    for setting, volume in (("CLEARANCE_UPLOAD_ROOT", "uploads"), ("CLEARANCE_PACKET_ROOT", "packets")):
        path = app["environment"][setting]
        assert f"{volume}:{path}" in app["volumes"]
        assert volume in compose["volumes"]
        assert path in (ROOT / "Dockerfile").read_text()  # created, and owned by the app's user
    for name in ("web", "worker"):
        assert compose["services"][name].get("volumes", app["volumes"]) == app["volumes"]


def test_the_image_installs_weasyprint_libraries_and_fonts():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "requirements.txt" in dockerfile and "USER clearance" in dockerfile
