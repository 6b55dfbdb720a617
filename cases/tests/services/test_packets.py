"""Packets: built from decisions only, per court, deterministic, outdated when a decision changes,
filed by clerks and ruled on per count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.conf import settings

from cases.choices import AuditEvent, DecisionAction, Outcome, PacketStatus, ReviewStatus
from cases.documents.paperwork import PUBLIC_RELIEFS
from cases.models import AuditEntry, Determination, Packet, PacketCount, PacketCourt
from cases.services.decisions import decision_record
from cases.services.packet_building import packet_build
from cases.services.packet_files import COURT_CSV_HEADER, PUBLIC, SEALED, SERVICE
from cases.services.packets import (
    CourtResponseInvalid,
    PacketInvalid,
    court_order_record,
    court_orders_import,
    packet_court_file,
    packet_is_outdated,
    packet_request,
)
from cases.tests.conftest import approve_everything
from cases.tests.documents import pdf

pytestmark = pytest.mark.django_db

FILED = dt.date(2026, 11, 2)


@pytest.fixture
def decided(sample_run, attorney, office):  # type: ignore[no-untyped-def]
    """The sample with every recommendation approved and one needs-review overridden to not eligible."""
    approve_everything(sample_run, attorney)
    challenged = Determination.objects.filter(run=sample_run, outcome=Outcome.NEEDS_REVIEW).first()
    decision_record(
        determination_id=challenged.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.NOT_ELIGIBLE,
        reason="Prior super strike confirmed from the court file",
        expected_version=challenged.version,
    )
    return sample_run


def _build(upload, user, **kw) -> Packet:  # type: ignore[no-untyped-def]
    packet = packet_request(upload=upload, user=user, filing_date=FILED, **kw)
    return packet_build(packet_id=packet.pk)


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_a_packet_holds_every_decided_conviction_once_under_its_court(decided, clerk):
    packet = _build(decided.upload, clerk)
    assert packet.status == PacketStatus.READY
    decided_ids = set(
        Determination.objects.filter(run=decided)
        .exclude(review_status=ReviewStatus.PENDING)
        .values_list("id", flat=True)
    )
    rows = PacketCount.objects.filter(packet_court__packet=packet)
    assert set(rows.values_list("determination_id", flat=True)) == decided_ids
    for row in rows.select_related("determination", "packet_court"):
        assert row.packet_court.court_name == row.determination.court
        assert row.relief == row.determination.decisions.first().outcome
    assert AuditEntry.objects.filter(event=AuditEvent.PACKET_BUILT, object_id=str(packet.pk)).exists()
    # Convictions in the packet move on; the undecided ones stay pending.
    assert (
        not Determination.objects.filter(pk__in=decided_ids)
        .exclude(review_status__in=(ReviewStatus.IN_PACKET,))
        .exists()
    )


def test_the_printed_outcome_is_the_attorneys_override_not_the_recommendation(decided, attorney, clerk):
    target = Determination.objects.filter(run=decided, outcome=Outcome.REDUCE_TO_MISDEMEANOR).first()
    decision_record(
        determination_id=target.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.DISMISS_AND_SEAL,
        reason="Office policy: dismiss",
        expected_version=Determination.objects.get(pk=target.pk).version,
    )
    packet = _build(decided.upload, clerk)
    row = PacketCount.objects.get(packet_court__packet=packet, determination=target)
    assert row.relief == Outcome.DISMISS_AND_SEAL


def test_the_court_csv_lists_relief_rows_sorted_with_their_new_disposition(decided, clerk):
    packet = _build(decided.upload, clerk)
    for pc in packet.courts.all():
        lines = list(csv.reader(io.StringIO((settings.PACKET_ROOT / pc.csv_path).read_text())))
        assert tuple(lines[0]) == COURT_CSV_HEADER
        expected = pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE)
        assert len(lines) - 1 == expected.count()
        assert [(line[1], line[2]) for line in lines[1:]] == sorted((line[1], line[2]) for line in lines[1:])
        assert all("PER HS 11361.8" in line[4] for line in lines[1:])


def test_sealed_names_never_reach_the_merged_public_filing(decided, clerk):
    packet = _build(decided.upload, clerk)
    for pc in packet.courts.exclude(pdf_path=""):
        public = _text((settings.PACKET_ROOT / pc.pdf_path).read_bytes())
        sealed = pc.rows.filter(relief=Outcome.DISMISS_AND_SEAL).select_related("determination__person")
        for row in sealed:
            assert row.determination.person.name not in public
        with zipfile.ZipFile(settings.PACKET_ROOT / pc.zip_path) as archive:
            names = archive.namelist()
        assert any(n.startswith("file-with-court/") for n in names)
        if sealed:
            assert any(n.startswith("file-under-seal/") for n in names)


def test_a_challenge_gets_a_notice_and_proof_of_service_for_the_public_defender(decided, clerk):
    packet = _build(decided.upload, clerk)
    challenged = PacketCount.objects.get(
        packet_court__packet=packet, relief=Outcome.NOT_ELIGIBLE, decision__action=DecisionAction.OVERRIDE
    )
    with zipfile.ZipFile(settings.PACKET_ROOT / challenged.packet_court.zip_path) as archive:
        notice = archive.read("serve-on-public-defender/notice-of-challenge.pdf")
        assert "serve-on-public-defender/proof-of-service.pdf" in archive.namelist()
    text = _text(notice)
    assert challenged.determination.person.name in text
    assert "Prior super strike confirmed from the court file" in text


def test_the_same_data_builds_byte_identical_files(decided, clerk):
    first = _build(decided.upload, clerk)
    files = {
        pc.court_name: [(settings.PACKET_ROOT / p).read_bytes() for p in (pc.pdf_path, pc.zip_path, pc.csv_path) if p]
        for pc in first.courts.all()
    }
    again = packet_build(packet_id=first.pk)  # a redelivered task rebuilds the same packet
    for pc in again.courts.all():
        rebuilt = [(settings.PACKET_ROOT / p).read_bytes() for p in (pc.pdf_path, pc.zip_path, pc.csv_path) if p]
        assert rebuilt == files[pc.court_name]
    assert PacketCourt.objects.filter(packet=first).count() == len(files)


def test_a_changed_decision_makes_the_packet_outdated(decided, attorney, clerk):
    packet = _build(decided.upload, clerk)
    assert not packet_is_outdated(packet)
    target = Determination.objects.filter(run=decided, review_status=ReviewStatus.IN_PACKET).first()
    decision_record(
        determination_id=target.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.NOT_ELIGIBLE,
        reason="Changed my mind after reading the docket",
        expected_version=target.version,
    )
    assert packet_is_outdated(packet)
    with pytest.raises(PacketInvalid, match="rebuild it"):
        packet_court_file(packet_court=packet.courts.all()[0], filed_on=FILED, user=clerk)


def test_a_packet_needs_a_decision_to_file(sample_run, clerk, office):
    with pytest.raises(PacketInvalid, match="no conviction of this upload has an attorney's decision"):
        packet_request(upload=sample_run.upload, user=clerk)
    assert not Packet.objects.exists()


def test_a_packet_needs_the_office_letterhead(sample_run, clerk):
    with pytest.raises(PacketInvalid, match="signing attorney"):
        packet_request(upload=sample_run.upload, user=clerk)
    assert not Packet.objects.exists()


def test_filing_moves_convictions_to_filed_and_court_orders_to_granted_or_denied(decided, clerk):
    packet = _build(decided.upload, clerk)
    pc = packet.courts.filter(rows__relief=Outcome.REDUCE_TO_MISDEMEANOR).distinct()[0]
    packet_court_file(packet_court=pc, filed_on=FILED, user=clerk)
    relief = pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE)
    assert set(
        Determination.objects.filter(pk__in=relief.values("determination_id")).values_list("review_status", flat=True)
    ) == {ReviewStatus.FILED}
    first = relief[0]
    court_order_record(packet_count=first, result="denied", result_on=FILED + dt.timedelta(days=30), user=clerk)
    assert Determination.objects.get(pk=first.determination_id).review_status == ReviewStatus.DENIED
    with pytest.raises(PacketInvalid, match="before the filing date"):
        court_order_record(packet_count=first, result="granted", result_on=FILED - dt.timedelta(days=1), user=clerk)
    assert AuditEntry.objects.filter(event=AuditEvent.COURT_ORDER_RECORDED).count() == 1


def test_a_decision_on_a_filed_conviction_is_refused(decided, attorney, clerk):
    packet = _build(decided.upload, clerk)
    pc = packet.courts.filter(rows__relief=Outcome.REDUCE_TO_MISDEMEANOR).distinct()[0]
    packet_court_file(packet_court=pc, filed_on=FILED, user=clerk)
    row = pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE).first()
    d = Determination.objects.get(pk=row.determination_id)
    from cases.services.decisions import DecisionInvalid

    with pytest.raises(DecisionInvalid, match="with the court"):
        decision_record(
            determination_id=d.pk, attorney=attorney, action=DecisionAction.APPROVE, expected_version=d.version
        )


def test_the_courts_csv_response_is_all_or_nothing_and_names_bad_lines(decided, clerk):
    packet = _build(decided.upload, clerk)
    pc = packet.courts.filter(rows__relief=Outcome.REDUCE_TO_MISDEMEANOR).distinct()[0]
    packet_court_file(packet_court=pc, filed_on=FILED, user=clerk)
    rows = list(pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        (r.court_case_number, r.count, "granted", "2026-12-01") for r in rows
    )
    good = out.getvalue()
    bad = good + "NOPE,001,granted,\n"
    with pytest.raises(CourtResponseInvalid) as refused:
        court_orders_import(
            packet_court=pc, text="court_case_number,count,result,date\n" + bad, user=clerk, filename="order.csv"
        )
    assert f"order.csv, line {len(rows) + 2}" in str(refused.value) and "'NOPE'" in str(refused.value)
    assert not PacketCount.objects.exclude(result="").exists()
    recorded = court_orders_import(
        packet_court=pc, text="court_case_number,count,result,date\n" + good, user=clerk, filename="order.csv"
    )
    assert recorded == len(rows)
    assert set(
        Determination.objects.filter(pk__in=[r.determination_id for r in rows]).values_list("review_status", flat=True)
    ) == {ReviewStatus.GRANTED}


def test_a_per_case_packet_has_one_motion_per_case_and_keeps_sealed_cases_out_of_the_filing(decided, clerk):
    packet = _build(decided.upload, clerk, kind="per_case")
    for pc in packet.courts.exclude(zip_path=""):
        relief = pc.rows.exclude(relief=Outcome.NOT_ELIGIBLE).select_related("determination__person")
        cases = {(r.court_case_number, r.determination.person.cii) for r in relief}
        with zipfile.ZipFile(settings.PACKET_ROOT / pc.zip_path) as archive:
            motions = [n for n in archive.namelist() if "-case-" in n]
        assert len(motions) == len(cases)
        if pc.pdf_path:
            public = _text((settings.PACKET_ROOT / pc.pdf_path).read_bytes())
            for row in relief.filter(relief=Outcome.DISMISS_AND_SEAL):
                assert row.determination.person.name not in public
            for row in relief.exclude(relief=Outcome.DISMISS_AND_SEAL):
                assert row.court_case_number.split(",")[0] in public


def test_a_per_case_filing_reads_as_the_zips_public_documents_merged_with_the_fonts_once_a_batch(decided, clerk):
    packet = _build(decided.upload, clerk, kind="per_case")
    checked = 0
    for pc in packet.courts.exclude(pdf_path=""):
        with zipfile.ZipFile(settings.PACKET_ROOT / pc.zip_path) as archive:
            names = archive.namelist()
            public = [archive.read(name) for name in names if name.startswith(PUBLIC)]
        assert all(name.startswith((PUBLIC, SEALED, SERVICE)) for name in names)  # nothing filing-only
        filing = (settings.PACKET_ROOT / pc.pdf_path).read_bytes()
        assert pdf.pages(filing) == [page for document in public for page in pdf.pages(document)]
        assert [title for _, title in pdf.outline(filing)] == [
            title for document in public for _, title in pdf.outline(document)
        ]
        motions = sum(1 for name in names if name.startswith(PUBLIC) and "-case-" in name)
        if motions > 1:
            # Embedded font programs (streams with /Length1): once a part's batch, not once a motion.
            assert filing.count(b"/Length1") < sum(document.count(b"/Length1") for document in public)
            checked += 1
    assert checked


def test_the_packets_page_counts_agree_with_the_rows_a_packet_would_print(decided, attorney):
    from cases.packet_selectors import court_names_of, decided_counts_by_court, decided_rows, relief_counts

    # One more decision on top of the current one: only the newest may count.
    target = (
        Determination.objects.filter(run=decided, review_status=ReviewStatus.APPROVED)
        .exclude(outcome=Outcome.REDUCE_TO_MISDEMEANOR)
        .first()
    )
    decision_record(
        determination_id=target.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.REDUCE_TO_MISDEMEANOR,
        reason="Office policy",
        expected_version=target.version,
    )
    counted = decided_counts_by_court(upload=decided.upload)
    for court in court_names_of(upload=decided.upload):
        rows = decided_rows(upload=decided.upload, court_name=court)
        if rows:
            assert counted[court] == relief_counts(rows)
        else:
            assert court not in counted
    assert sum(sum(by_outcome.values()) for by_outcome in counted.values()) > 0


def test_each_redesignated_count_prints_its_whole_statutory_basis_on_its_own_line_of_the_exhibit(decided, clerk):
    packet = _build(decided.upload, clerk)
    checked = 0
    for pc in packet.courts.all():
        redesignated = pc.rows.filter(relief__in=PUBLIC_RELIEFS)
        if not redesignated:
            continue
        with zipfile.ZipFile(settings.PACKET_ROOT / pc.zip_path) as archive:
            (exhibit,) = [n for n in archive.namelist() if n.startswith(PUBLIC) and "exhibit" in n]
            text = _text(archive.read(exhibit))
        # A basis cut over two lines ("HS 11361.8(e)," then "(f)") would double every row's height.
        basis_lines = [line for line in text.splitlines() if "HS 11361.8" in line]
        assert len(basis_lines) == redesignated.count()
        for row in redesignated:
            (line,) = [line for line in basis_lines if f"D{row.decision_id}" in line.split()]
            if row.court_case_number:  # the first word: a long case number wraps in its column
                assert row.court_case_number.split()[0] in line
            assert "HS 11361.8(e), (f)" in line or "HS 11361.8(a), (b)" in line
            checked += 1
    assert checked
