"""A bulk approval too large for the request runs in a real Celery worker, with progress."""

from __future__ import annotations

import re

import pytest

from cases.choices import Outcome, ReviewStatus, RunStatus
from cases.models import BulkAction, Decision, Determination
from cases.tests.conftest import wait_for

pytestmark = pytest.mark.worker


def test_a_large_bulk_approval_is_done_by_the_worker_and_the_page_shows_progress(
    celery_worker_process, sample_run, attorney, client_for, settings
):
    settings.CLEARANCE_BULK_INLINE_LIMIT = 1
    client = client_for(attorney)
    query = f"upload={sample_run.upload_id}&status=pending"
    confirm = client.get(f"/review/bulk-approve/?{query}")
    expected = Determination.objects.filter(run=sample_run).exclude(outcome=Outcome.NEEDS_REVIEW).count()
    assert f"Approve {expected} convictions" in confirm.content.decode()

    started = client.post(
        "/review/bulk-approve/", {"upload": sample_run.upload_id, "status": "pending", "expected": expected}
    )
    assert started.status_code == 302
    bulk_id = int(re.search(r"/review/bulk/(\d+)/", started["Location"]).group(1))

    wait_for(lambda: BulkAction.objects.get(pk=bulk_id).status == RunStatus.DONE, what="the worker to approve")
    bulk = BulkAction.objects.get(pk=bulk_id)
    assert bulk.approved == expected and bulk.done == expected
    assert Decision.objects.filter(bulk=bulk).count() == expected
    assert Determination.objects.filter(run=sample_run, review_status=ReviewStatus.APPROVED).count() == expected
    page = client.get(f"/review/bulk/{bulk_id}/").content.decode()
    assert f"Approved {expected} convictions" in page
