"""A packet requested through the API is rendered by two real Celery workers side by side."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from cases.choices import PacketStatus, ReviewStatus
from cases.models import Determination, Packet
from cases.tests.conftest import approve_everything, start_worker, stop_worker, wait_for

pytestmark = pytest.mark.worker


def test_two_workers_share_a_packets_parts_and_the_last_one_assembles_it(
    transactional_db, settings, sample_run, attorney, clerk, office
):
    from clearance.celery import app

    approve_everything(sample_run, attorney)
    app.control.purge()
    workers = [start_worker(settings, name) for name in ("first", "second")]
    try:
        client = APIClient()
        client.force_authenticate(clerk)
        created = client.post("/api/packets/", {"upload": sample_run.upload_id, "kind": "per_case"}, format="json")
        assert created.status_code == 202, created.content
        packet_id = created.json()["id"]
        wait_for(
            lambda: Packet.objects.get(pk=packet_id).status in (PacketStatus.READY, PacketStatus.FAILED),
            seconds=120,
            what="the workers to build the packet",
        )
    finally:
        for worker in workers:
            stop_worker(worker)

    body = client.get(f"/api/packets/{packet_id}/").json()
    assert body["status"] == PacketStatus.READY, body["failure"]
    assert body["parts_done"] == body["parts_total"] > 1
    assert body["percent_done"] == 100
    for court in body["courts"]:
        download = client.get(f"/api/packets/{packet_id}/download/", {"format": "zip", "court": court["court_name"]})
        assert download.status_code == 200
    assert not Determination.objects.filter(run=sample_run, review_status=ReviewStatus.APPROVED).exists()

    # Every part was rendered once, and by both workers between them.
    logs = {name: (settings.UPLOAD_ROOT.parent / f"{name}.log").read_text() for name in ("first", "second")}
    rendered = {name: re.findall(r"render_packet_part\[[^\]]+\] succeeded", log) for name, log in logs.items()}
    assert sum(len(found) for found in rendered.values()) == body["parts_total"]
    assert all(rendered.values()), {name: len(found) for name, found in rendered.items()}
    assert any(re.search(r"assemble_packet\[[^\]]+\] succeeded", log) for log in logs.values())
