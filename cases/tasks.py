"""Thin Celery tasks: they take ids, call a service, and are safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from cases.services.classify import classification_mark_failed, classification_run_chunk, classification_start
from cases.services.ingest import upload_ingest, upload_mark_failed
from cases.services.policies import policy_get_current

RETRIES = 2
T = TypeVar("T")


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def ingest_upload(self, upload_id: int) -> int:  # type: ignore[no-untyped-def]
    try:
        upload = upload_ingest(upload_id=upload_id)
    except (OperationalError, InterfaceError) as exc:
        # A lost database connection: the attempt rolled back whole, so simply try again.
        if self.request.retries < RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        upload_mark_failed(upload_id=upload_id, failure=f"database unavailable: {exc}")
        return upload_id
    except Exception as exc:
        upload_mark_failed(upload_id=upload_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    if not upload.runs.exists():
        classification_start(
            upload=upload,
            policy=policy_get_current(slug=upload.policy_slug),
            as_of=timezone.localdate(),
            user=upload.uploaded_by,
        )
    return upload_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def classify_chunk(self, chunk_id: int) -> int:  # type: ignore[no-untyped-def]
    try:
        classification_run_chunk(chunk_id=chunk_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
    except Exception as exc:
        from cases.models import ClassificationChunk

        run_id = ClassificationChunk.objects.filter(pk=chunk_id).values_list("run_id", flat=True).first()
        if run_id is not None:
            classification_mark_failed(run_id=run_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    return chunk_id


def _attempt(task: Task[Any, Any], work: Callable[[], T], fail: Callable[[str], None]) -> T:
    """Run a service call; retry it when the database went away (the attempt rolled back
    whole), record the failure on the object when it cannot succeed."""
    try:
        return work()
    except (OperationalError, InterfaceError) as exc:
        if task.request.retries < RETRIES:
            raise task.retry(exc=exc, countdown=2**task.request.retries) from exc
        fail(f"database unavailable: {exc}")
        raise
    except Exception as exc:
        fail(f"{type(exc).__name__}: {exc}")
        raise


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def bulk_approve(self, bulk_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.review import bulk_approval_mark_failed, bulk_approval_run

    _attempt(
        self,
        lambda: bulk_approval_run(bulk_id=bulk_id),
        lambda why: bulk_approval_mark_failed(bulk_id=bulk_id, failure=why),
    )
    return bulk_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def build_packet(self, packet_id: int) -> int:  # type: ignore[no-untyped-def]
    """Plan the packet and hand its parts to the workers, heaviest first."""
    from cases.services.packet_building import packet_mark_failed, packet_plan

    def fail(why: str) -> None:
        packet_mark_failed(packet_id=packet_id, failure=why)

    part_ids = _attempt(self, lambda: packet_plan(packet_id=packet_id), fail)
    for part_id in part_ids:
        render_packet_part.delay(part_id)
    if not part_ids:  # nothing to render: nothing decided in any court
        assemble_packet.delay(packet_id)
    return packet_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def render_packet_part(self, part_id: int) -> int:  # type: ignore[no-untyped-def]
    """Render one part; whoever renders the last part has the packet assembled."""
    from cases.services.packet_building import packet_mark_failed, packet_of_part, packet_part_render

    def fail(why: str) -> None:
        packet_id = packet_of_part(part_id=part_id)
        if packet_id is not None:
            packet_mark_failed(packet_id=packet_id, failure=why)

    packet_id, complete = _attempt(self, lambda: packet_part_render(part_id=part_id), fail)
    if complete and packet_id is not None:
        assemble_packet.delay(packet_id)
    return part_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def assemble_packet(self, packet_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.packet_building import packet_assemble, packet_mark_failed

    _attempt(
        self,
        lambda: packet_assemble(packet_id=packet_id),
        lambda why: packet_mark_failed(packet_id=packet_id, failure=why),
    )
    return packet_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def compare_policies(self, comparison_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.comparison import comparison_mark_failed, comparison_run

    _attempt(
        self,
        lambda: comparison_run(comparison_id=comparison_id),
        lambda why: comparison_mark_failed(comparison_id=comparison_id, failure=why),
    )
    return comparison_id
