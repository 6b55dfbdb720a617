"""The packets API: build, watch, download; outsiders get 404."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import AuditEvent, PacketStatus
from cases.models import AuditEntry, Packet
from cases.services.packet_building import packet_build
from cases.tests.conftest import approve_everything

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def approved(sample_run, attorney, office):  # type: ignore[no-untyped-def]
    approve_everything(sample_run, attorney)
    return sample_run


def test_a_clerk_builds_a_packet_for_one_court_and_downloads_each_format(approved, clerk):
    court = approved.determinations.exclude(court="").values_list("court", flat=True).first()
    created = _client(clerk).post("/api/packets/", {"upload": approved.upload_id, "court": court, "kind": "bulk"})
    assert created.status_code == 202 and created.json()["status"] == PacketStatus.QUEUED
    packet_id = created.json()["id"]
    packet_build(packet_id=packet_id)  # what the worker does
    body = _client(clerk).get(f"/api/packets/{packet_id}/").json()
    assert body["status"] == "ready" and body["percent_done"] == 100 and body["outdated"] is False
    assert [c["court_name"] for c in body["courts"]] == [court]
    for fmt, magic in (("pdf", b"%PDF"), ("zip", b"PK\x03\x04"), ("csv", b"cii,")):
        response = _client(clerk).get(f"/api/packets/{packet_id}/download/", {"format": fmt})
        assert response.status_code == 200, response.content
        assert b"".join(response.streaming_content).startswith(magic)  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(event=AuditEvent.PACKET_DOWNLOADED).count() == 3


def test_a_packet_request_the_office_cannot_sign_is_refused_with_a_reason(sample_run, attorney):
    response = _client(attorney).post("/api/packets/", {"upload": sample_run.upload_id})
    assert response.status_code == 400 and "signing attorney" in response.json()["detail"]
    assert not Packet.objects.exists()


def test_an_unknown_kind_is_a_400_naming_the_field(approved, attorney):
    response = _client(attorney).post("/api/packets/", {"upload": approved.upload_id, "kind": "weekly"})
    assert response.status_code == 400 and "kind" in response.json()


def test_an_outsider_gets_404_everywhere(approved, attorney, outsider):
    created = _client(attorney).post("/api/packets/", {"upload": approved.upload_id}).json()
    packet_build(packet_id=created["id"])
    assert _client(outsider).post("/api/packets/", {"upload": approved.upload_id}).status_code == 404
    assert _client(outsider).get(f"/api/packets/{created['id']}/").status_code == 404
    assert _client(outsider).get(f"/api/packets/{created['id']}/download/", {"format": "csv"}).status_code == 404
    assert Packet.objects.count() == 1


def test_a_packet_of_several_courts_needs_the_court_named_to_download(approved, attorney):
    created = _client(attorney).post("/api/packets/", {"upload": approved.upload_id}).json()
    packet = packet_build(packet_id=created["id"])
    if packet.courts.count() < 2:
        pytest.fail("the sample should name several courts")
    url = f"/api/packets/{packet.pk}/download/"
    assert _client(attorney).get(url, {"format": "csv"}).status_code == 404
    named = packet.courts.first().court_name
    assert _client(attorney).get(url, {"format": "csv", "court": named}).status_code == 200
