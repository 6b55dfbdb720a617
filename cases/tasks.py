"""Thin Celery tasks: they take ids, call one service, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases.services.ingest import upload_ingest, upload_mark_failed

INGEST_RETRIES = 2


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=INGEST_RETRIES)
def ingest_upload(self, upload_id: int) -> int:  # type: ignore[no-untyped-def]
    try:
        upload_ingest(upload_id=upload_id)
    except (OperationalError, InterfaceError) as exc:
        # A lost database connection: the attempt rolled back whole, so simply try again.
        if self.request.retries < INGEST_RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        upload_mark_failed(upload_id=upload_id, failure=f"database unavailable: {exc}")
    except Exception as exc:
        upload_mark_failed(upload_id=upload_id, failure=f"{type(exc).__name__}: {exc}")
        raise
    return upload_id
