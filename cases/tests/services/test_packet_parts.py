"""A packet is split into parts that workers render in any order; the files come out the same."""

from __future__ import annotations

import pytest
from django.conf import settings

from cases.choices import PacketKind, PacketStatus
from cases.models import Packet, PacketPart
from cases.services import packet_building
from cases.services.packet_building import packet_assemble, packet_build, packet_part_render, packet_plan
from cases.services.packets import packet_request
from cases.tests.conftest import approve_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(sample_run, attorney, office):  # type: ignore[no-untyped-def]
    approve_everything(sample_run, attorney)
    return sample_run


def _files(packet: Packet) -> dict[str, list[bytes]]:
    return {
        pc.court_name: [(settings.PACKET_ROOT / p).read_bytes() for p in (pc.pdf_path, pc.zip_path, pc.csv_path) if p]
        for pc in packet.courts.all()
    }


@pytest.mark.parametrize("kind", [PacketKind.BULK, PacketKind.PER_CASE])
def test_parts_rendered_in_reverse_order_give_the_same_files_as_in_order(decided, clerk, monkeypatch, kind):
    monkeypatch.setattr(packet_building, "PER_CASE_BATCH", 2)  # several per-case parts from the small sample
    packet = packet_request(upload=decided.upload, user=clerk, kind=kind)
    in_order = _files(packet_build(packet_id=packet.pk))

    part_ids = packet_plan(packet_id=packet.pk)
    assert len(part_ids) > 1
    for part_id in sorted(part_ids, reverse=True):
        packet_part_render(part_id=part_id)
    packet = packet_assemble(packet_id=packet.pk)

    assert packet.status == PacketStatus.READY
    assert _files(packet) == in_order
    assert not (settings.PACKET_ROOT / str(packet.pk) / "parts").exists()  # the parts are cleaned up


def test_the_packet_is_assembled_only_once_every_part_is_done(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    first, *rest = packet_plan(packet_id=packet.pk)
    assert rest, "the sample's packet has several parts"

    assert packet_part_render(part_id=first) == (packet.pk, False)
    assert packet_assemble(packet_id=packet.pk).status == PacketStatus.BUILDING
    assert not any(pc.pdf_path or pc.zip_path for pc in packet.courts.all())

    for part_id in rest:
        done_now = packet_part_render(part_id=part_id)
    assert done_now == (packet.pk, True)
    packet.refresh_from_db()
    assert (packet.parts_done, packet.parts_total, packet.percent_done) == (len(rest) + 1, len(rest) + 1, 99)
    assert packet_assemble(packet_id=packet.pk).status == PacketStatus.READY


def test_a_part_rendered_twice_counts_once(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    first, *_rest = packet_plan(packet_id=packet.pk)
    packet_part_render(part_id=first)
    packet_part_render(part_id=first)  # a redelivered message
    packet.refresh_from_db()
    assert packet.parts_done == 1
    assert PacketPart.objects.filter(packet=packet, done=True).count() == 1


def test_a_part_of_an_earlier_plan_does_nothing(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    old = packet_plan(packet_id=packet.pk)
    new = packet_plan(packet_id=packet.pk)  # the build task ran again
    assert not set(old) & set(new)
    assert packet_part_render(part_id=old[0]) == (None, False)
    packet.refresh_from_db()
    assert packet.parts_done == 0 and packet.parts_total == len(new)


def test_a_failed_packet_is_not_assembled_when_its_other_parts_finish(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    part_ids = packet_plan(packet_id=packet.pk)
    packet_building.packet_mark_failed(packet_id=packet.pk, failure="RuntimeError: one part could not be rendered")
    for part_id in part_ids:
        assert packet_part_render(part_id=part_id) == (packet.pk, False)  # not rendered for nothing
    packet = packet_assemble(packet_id=packet.pk)
    assert packet.status == PacketStatus.FAILED and packet.parts_done == 0
    assert packet.failure.startswith("RuntimeError")


def test_a_part_task_overtaken_by_a_new_plan_stops_quietly(decided, clerk, monkeypatch):
    packet = packet_request(upload=decided.upload, user=clerk)
    old = packet_plan(packet_id=packet.pk)[0]
    real = packet_building._work_path

    def planned_again_first(part: PacketPart):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(packet_building, "_work_path", real)
        packet_plan(packet_id=packet.pk)  # the build task ran again as this part task started
        return real(part)

    monkeypatch.setattr(packet_building, "_work_path", planned_again_first)
    assert packet_part_render(part_id=old) == (None, False)
    packet.refresh_from_db()
    assert packet.status == PacketStatus.BUILDING and packet.parts_done == 0 and not packet.failure


def test_while_the_parts_are_being_planned_nothing_can_be_assembled(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    Packet.objects.filter(pk=packet.pk).update(status=PacketStatus.QUEUED)  # a plan under way
    assert packet_assemble(packet_id=packet.pk).status == PacketStatus.QUEUED
    assert not packet.courts.exists()


def test_the_heaviest_parts_go_to_the_workers_first(decided, clerk):
    packet = packet_request(upload=decided.upload, user=clerk)
    part_ids = packet_plan(packet_id=packet.pk)
    weights = [PacketPart.objects.get(pk=part_id).weight for part_id in part_ids]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > weights[-1] > 0
