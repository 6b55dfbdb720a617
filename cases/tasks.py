"""Thin Celery tasks: they take ids, call a service, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from cases.services.classify import classification_mark_failed, classification_run_chunk, classification_start
from cases.services.ingest import upload_ingest, upload_mark_failed
from cases.services.policies import policy_get_current

RETRIES = 2


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


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def bulk_approve(self, bulk_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.review import bulk_approval_mark_failed, bulk_approval_run

    try:
        bulk_approval_run(bulk_id=bulk_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        bulk_approval_mark_failed(bulk_id=bulk_id, failure=f"database unavailable: {exc}")
        raise
    except Exception as exc:
        bulk_approval_mark_failed(bulk_id=bulk_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    return bulk_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def build_packet(self, packet_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.packets import packet_build, packet_mark_failed

    try:
        packet_build(packet_id=packet_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        packet_mark_failed(packet_id=packet_id, failure=f"database unavailable: {exc}")
        raise
    except Exception as exc:
        packet_mark_failed(packet_id=packet_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    return packet_id


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RETRIES)
def compare_policies(self, comparison_id: int) -> int:  # type: ignore[no-untyped-def]
    from cases.services.comparison import comparison_mark_failed, comparison_run

    try:
        comparison_run(comparison_id=comparison_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        comparison_mark_failed(comparison_id=comparison_id, failure=f"database unavailable: {exc}")
        raise
    except Exception as exc:
        comparison_mark_failed(comparison_id=comparison_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    return comparison_id
