"""Review actions besides single decisions: notes, assignment of batches, bulk approval.

Each writes its audit rows in its own transaction. Bulk approval records one Decision and one
audit row per determination, like a single approval, but in batches of set-based statements:
a million single-row round trips would take minutes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import AuditEvent, DecisionAction, Outcome, ReviewStatus, RunStatus
from cases.models import AuditEntry, BulkAction, Decision, Determination, Note, Person
from cases.permissions import can_decide
from cases.review_queue import QueueFilters, current_run_ids, queue_rows_for_action
from cases.services.audit import audit_record
from cases.services.decisions import lock_upload_for_decisions

#: How many determinations one bulk-approval transaction decides.
BULK_BATCH = 500
NOTE_MAX_CHARS = 5000


class ReviewInvalid(ValueError):
    """The request cannot be carried out as asked; the message says what to change."""


def note_add(*, person: Person, author: User, text: str, determination: Determination | None = None) -> Note:
    text = text.strip()
    if not text:
        raise ReviewInvalid("a note needs some text")
    if len(text) > NOTE_MAX_CHARS:
        raise ReviewInvalid(f"a note is at most {NOTE_MAX_CHARS} characters; this one has {len(text)}")
    if determination is not None and determination.person_id != person.pk:
        raise ReviewInvalid("the determination is not one of this person's")
    with transaction.atomic():
        note = Note.objects.create(person=person, determination=determination, author=author, text=text)
        audit_record(
            event=AuditEvent.NOTE_ADDED,
            user=author,
            obj=determination if determination is not None else person,
            detail={"note": note.pk, "person": person.pk, "text": text},
        )
    return note


def assignment_set(*, filters: QueueFilters, assignee: User | None, by: User) -> int:
    """Give every determination in a queue filter to an attorney (or to nobody). Returns how many."""
    if assignee is not None and not can_decide(assignee):
        raise ReviewInvalid(f"{assignee.get_username()} is not an attorney or administrator")
    with transaction.atomic():
        rows = queue_rows_for_action(user=by, filters=filters)
        count = Determination.objects.filter(pk__in=rows.values("pk")).update(assigned_to=assignee)
        audit_record(
            event=AuditEvent.ASSIGNED,
            user=by,
            detail={
                "filters": filters.as_params(),
                "count": count,
                "assignee": assignee.get_username() if assignee is not None else None,
            },
        )
    return count


def _approvable(user: User, filters: QueueFilters, runs: list[int] | None = None) -> Any:
    """What a bulk approval may decide: pending, and not a needs-review recommendation."""
    return (
        queue_rows_for_action(user=user, filters=filters, runs=runs)
        .filter(review_status=ReviewStatus.PENDING)
        .exclude(outcome=Outcome.NEEDS_REVIEW)
    )


def bulk_approval_count(*, user: User, filters: QueueFilters, runs: list[int] | None = None) -> int:
    return int(_approvable(user, filters, runs).count())


def bulk_approval_start(*, user: User, filters: QueueFilters, expected: int) -> BulkAction:
    """Record the request; small batches run at once, large ones in a Celery task.

    ``expected`` is the count the attorney confirmed; if the filter now holds a different
    number, nothing happens and they are asked to confirm again.
    """
    if not can_decide(user):
        raise ReviewInvalid("only attorneys and administrators approve")
    total = bulk_approval_count(user=user, filters=filters)
    if total != expected:
        raise ReviewInvalid(
            f"the filter now holds {total} approvable convictions, not the {expected} you confirmed; "
            "review the count and confirm again"
        )
    if total == 0:
        raise ReviewInvalid("nothing in this filter can be approved in bulk")
    with transaction.atomic():
        bulk = BulkAction.objects.create(requested_by=user, filters=filters.as_params(), total=total)
        audit_record(
            event=AuditEvent.BULK_APPROVAL_STARTED,
            user=user,
            obj=bulk,
            detail={"filters": filters.as_params(), "count": total},
        )
        if total > settings.CLEARANCE_BULK_INLINE_LIMIT:
            from cases.tasks import bulk_approve

            transaction.on_commit(lambda: bulk_approve.delay(bulk.pk))
    if total <= settings.CLEARANCE_BULK_INLINE_LIMIT:
        bulk_approval_run(bulk_id=bulk.pk)
        bulk.refresh_from_db()
    return bulk


def bulk_approval_run(*, bulk_id: int) -> None:
    """Approve the filter batch by batch. Safe to run again: decided rows are no longer pending."""
    bulk = BulkAction.objects.select_related("requested_by").get(pk=bulk_id)
    if bulk.status == RunStatus.DONE:
        return
    BulkAction.objects.filter(pk=bulk.pk).update(status=RunStatus.CLASSIFYING)
    filters = QueueFilters.from_params(bulk.filters)
    user = bulk.requested_by
    last_id = 0  # keyset: a row skipped in one batch is never looked at again
    while True:
        with transaction.atomic():
            batch = _approvable(user, filters).filter(id__gt=last_id).order_by("id")
            ids = list(batch.values_list("id", flat=True)[:BULK_BATCH])
            if not ids:
                break
            last_id = ids[-1]
            approved = _approve_batch(bulk, user, ids)
            BulkAction.objects.filter(pk=bulk.pk).update(
                done=F("done") + len(ids), approved=F("approved") + approved, skipped=F("skipped") + len(ids) - approved
            )
    with transaction.atomic():
        bulk = BulkAction.objects.select_for_update().get(pk=bulk.pk)
        bulk.status = RunStatus.DONE
        bulk.finished_at = timezone.now()
        bulk.done = max(bulk.done, bulk.total)
        bulk.save(update_fields=["status", "finished_at", "done"])
        audit_record(
            event=AuditEvent.BULK_APPROVAL_FINISHED,
            user=user,
            obj=bulk,
            detail={"approved": bulk.approved, "skipped": bulk.skipped},
        )


def _approve_batch(bulk: BulkAction, user: User, ids: list[int]) -> int:
    """One transaction: lock, re-check, decide each row, audit each row. Returns how many."""
    for upload_id in Determination.objects.filter(pk__in=ids).values_list("upload_id", flat=True).distinct():
        lock_upload_for_decisions(upload_id)
    current = set(current_run_ids())
    rows = list(
        Determination.objects.select_for_update()
        .filter(pk__in=ids, review_status=ReviewStatus.PENDING, run_id__in=current)
        .exclude(outcome=Outcome.NEEDS_REVIEW)
        .only("id", "outcome", "version")
    )
    now = timezone.now()
    Decision.objects.bulk_create(
        Decision(
            determination_id=d.pk,
            action=DecisionAction.APPROVE,
            outcome=d.outcome,
            decided_by=user,
            determination_version=d.version,
            bulk=bulk,
        )
        for d in rows
    )
    Determination.objects.filter(pk__in=[d.pk for d in rows]).update(
        review_status=ReviewStatus.APPROVED, version=F("version") + 1
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now,
            event=AuditEvent.DECISION_RECORDED,
            user=user,
            username=user.get_username(),
            object_type="determination",
            object_id=str(d.pk),
            detail={
                "action": DecisionAction.APPROVE.value,
                "outcome": d.outcome,
                "reason": "",
                "recommended": d.outcome,
                "version": d.version + 1,
                "bulk": bulk.pk,
            },
        )
        for d in rows
    )
    return len(rows)


def bulk_approval_mark_failed(*, bulk_id: int, failure: str) -> None:
    BulkAction.objects.filter(pk=bulk_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, failure=failure[:2000]
    )
