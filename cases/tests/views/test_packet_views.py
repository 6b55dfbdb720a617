"""Packet screens: who may build, download, file and record orders; every download audited."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import AuditEvent, Outcome, PacketStatus, ReviewStatus
from cases.models import AuditEntry, Court, Determination, Packet, PacketCount
from cases.services.packet_building import packet_build
from cases.tests.conftest import approve_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(sample_run, attorney, office):  # type: ignore[no-untyped-def]
    approve_everything(sample_run, attorney)
    return sample_run


def _built(run, client) -> Packet:  # type: ignore[no-untyped-def]
    """Ask for a packet through the page, then build it as the worker would."""
    response = client.post(f"/uploads/{run.upload_id}/packets/", {"kind": "bulk", "filing_date": "2026-11-02"})
    assert response.status_code == 302
    packet = Packet.objects.get()
    return packet_build(packet_id=packet.pk)


@pytest.mark.parametrize("role", ["attorney", "clerk", "administrator"])
def test_staff_build_and_download_a_packet_and_each_download_is_audited(request, role, approved, client_for):
    client = client_for(request.getfixturevalue(role))
    packet = _built(approved, client)
    assert packet.status == PacketStatus.READY
    page = client.get(f"/uploads/{approved.upload_id}/packets/").content.decode()
    pc = packet.courts.exclude(pdf_path="").first()
    assert pc.court_name in page and "Ready" in page
    for fmt, kind in (("pdf", "application/pdf"), ("zip", "application/zip"), ("csv", "text/csv")):
        response = client.get(f"/packets/{packet.pk}/download/", {"court": pc.court_name, "format": fmt})
        assert response.status_code == 200 and response["Content-Type"] == kind
        body = b"".join(response.streaming_content)
        assert body[:4] in (b"%PDF", b"PK\x03\x04", b"cii,")
    assert AuditEntry.objects.filter(event=AuditEvent.PACKET_DOWNLOADED, object_id=str(packet.pk)).count() == 3


def test_nothing_of_a_packet_still_building_can_be_downloaded_and_the_page_shows_its_parts(approved, clerk, client_for):
    from cases.services.packet_building import packet_part_render, packet_plan

    client = client_for(clerk)
    client.post(f"/uploads/{approved.upload_id}/packets/", {"kind": "bulk", "filing_date": "2026-11-02"})
    packet = Packet.objects.get()
    first, *rest = packet_plan(packet_id=packet.pk)  # the court CSV is written when the build is planned
    packet_part_render(part_id=first)
    for fmt in ("pdf", "zip", "csv"):
        response = client.get(f"/packets/{packet.pk}/download/", {"format": fmt})
        assert response.status_code == 404
    progress = client.get(f"/packets/{packet.pk}/progress/").content.decode()
    assert f"1 of {len(rest) + 1} parts rendered" in progress
    assert not AuditEntry.objects.filter(event=AuditEvent.PACKET_DOWNLOADED).exists()


def test_an_outsider_can_neither_see_build_nor_download(approved, attorney, outsider, client_for):
    packet = _built(approved, client_for(attorney))
    client = client_for(outsider)
    assert client.get(f"/uploads/{approved.upload_id}/packets/").status_code == 404
    assert client.post(f"/uploads/{approved.upload_id}/packets/", {"kind": "bulk"}).status_code == 404
    assert client.get(f"/packets/{packet.pk}/download/", {"format": "pdf"}).status_code == 404
    assert client.get(f"/packets/{packet.pk}/courts/{packet.courts.first().pk}/").status_code == 404
    assert client.get("/packets/").status_code == 403
    assert Packet.objects.count() == 1
    assert not AuditEntry.objects.filter(event=AuditEvent.PACKET_DOWNLOADED).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(approved, client):
    assert client.get(f"/uploads/{approved.upload_id}/packets/")["Location"].startswith("/login/")
    assert client.get("/packets/1/download/")["Location"].startswith("/login/")


def test_a_packet_file_has_no_public_url(approved, attorney, client_for):
    packet = _built(approved, client_for(attorney))
    pc = packet.courts.first()
    for prefix in ("/static/", "/media/", "/"):
        assert client_for(attorney).get(prefix + pc.csv_path).status_code == 404


def test_a_clerk_marks_a_court_filed_then_records_an_order(approved, clerk, client_for):
    client = client_for(clerk)
    packet = _built(approved, client)
    pc = packet.courts.filter(rows__relief=Outcome.REDUCE_TO_MISDEMEANOR).first()
    url = f"/packets/{packet.pk}/courts/{pc.pk}/"
    assert "Mark filed" in client.get(url).content.decode()
    client.post(url, {"action": "file", "filed_on": "2026-11-02"})
    pc.refresh_from_db()
    assert pc.filed_on == dt.date(2026, 11, 2) and pc.filed_by == clerk
    row = pc.rows.filter(relief=Outcome.REDUCE_TO_MISDEMEANOR).first()
    client.post(url, {"action": "order", "row": row.pk, "result": "granted", "result_on": "2026-12-01"})
    row.refresh_from_db()
    assert row.result == "granted"
    assert Determination.objects.get(pk=row.determination_id).review_status == ReviewStatus.GRANTED
    # The case page shows where the conviction stands.
    case = client.get(f"/review/{row.determination_id}/").content.decode()
    assert "Granted" in case


def test_a_bad_court_response_file_records_nothing_and_names_the_line(approved, clerk, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    packet = _built(approved, client)
    pc = packet.courts.filter(rows__relief=Outcome.REDUCE_TO_MISDEMEANOR).first()
    url = f"/packets/{packet.pk}/courts/{pc.pk}/"
    client.post(url, {"action": "file", "filed_on": "2026-11-02"})
    body = b"court_case_number,count,result\nNOPE,001,granted\n"
    response = client.post(
        url, {"action": "import", "response": SimpleUploadedFile("order.csv", body, "text/csv")}, follow=True
    )
    assert "order.csv, line 2" in response.content.decode()
    assert not PacketCount.objects.exclude(result="").exists()


def test_packets_say_what_the_office_settings_lack(sample_run, clerk, client_for):
    page = client_for(clerk).get(f"/uploads/{sample_run.upload_id}/packets/").content.decode()
    assert "office settings include signing attorney" in page


def test_only_administrators_edit_the_office_and_courts(approved, administrator, attorney, clerk, outsider, client_for):
    assert client_for(attorney).get("/office/").status_code == 403
    assert client_for(clerk).get("/office/").status_code == 403
    assert client_for(outsider).get("/office/").status_code == 403
    admin = client_for(administrator)
    page = admin.get("/office/").content.decode()
    court = Court.objects.first()
    assert court is not None and court.name in page
    bad = admin.post("/office/", {"name": "DA", "bar_number": "12-34"})
    assert bad.status_code == 400 and "digits only" in bad.content.decode()
    admin.post(f"/office/courts/{court.pk}/", {"display_name": "Superior Court, Sacramento", "per_case": "on"})
    court.refresh_from_db()
    assert court.display_name == "Superior Court, Sacramento" and court.per_case
    assert client_for(attorney).post(f"/office/courts/{court.pk}/", {"display_name": "x"}).status_code == 403
    assert AuditEntry.objects.filter(event=AuditEvent.COURT_SAVED).count() == 1
