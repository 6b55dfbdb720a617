"""An attorney's decision on a determination: append-only, versioned, audited in one transaction."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection, transaction

from cases.choices import AuditEvent, DecisionAction, Outcome, ReviewStatus, RunStatus
from cases.models import BulkAction, ClassificationRun, Decision, Determination
from cases.services.audit import audit_record

FINAL_OUTCOMES = frozenset(Outcome.values) - {Outcome.NEEDS_REVIEW}
#: Once filed, the court decides; the office's record of its decision stays as filed.
AT_COURT = frozenset({ReviewStatus.FILED, ReviewStatus.GRANTED, ReviewStatus.DENIED})


class DecisionInvalid(ValueError):
    """The decision is not acceptable as asked; the message says what to change."""


class DecisionConflict(Exception):
    """Someone decided on this determination after the version the attorney saw, or the upload
    was classified again and this determination is no longer the current one."""

    def __init__(self, current_version: int, message: str = "") -> None:
        super().__init__(
            message
            or f"someone else decided on this conviction since you opened it (now version {current_version}); "
            "reload it to see their decision, then decide again"
        )
        self.current_version = current_version


def lock_upload_for_decisions(upload_id: int) -> None:
    """Decisions take a shared lock on their upload; finishing a classification takes an
    exclusive one. So a decision commits either before the new run carries decisions forward
    (and is carried) or after it (and sees that its determination was replaced), never between."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM cases_upload WHERE id = %s FOR SHARE", [upload_id])


def current_run_id(upload_id: int) -> int | None:
    return (
        ClassificationRun.objects.filter(upload_id=upload_id, status=RunStatus.DONE)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )


def _check_current(determination: Determination) -> None:
    if current_run_id(determination.upload_id) != determination.run_id:
        raise DecisionConflict(
            determination.version,
            "this upload was classified again since you opened this page; "
            "open the conviction again to see the new recommendation",
        )


def decision_record(
    *,
    determination_id: int,
    attorney: User,
    action: str,
    expected_version: int,
    outcome: str | None = None,
    reason: str = "",
    bulk: BulkAction | None = None,
) -> Decision:
    """Approve the recommendation or override it with an outcome and a written reason.

    Raises DecisionInvalid (nothing stored) or DecisionConflict when ``expected_version`` is stale:
    two attorneys acting at once never overwrite each other silently.
    """
    reason = reason.strip()
    if action not in DecisionAction.values:
        raise DecisionInvalid(f"action must be one of {', '.join(DecisionAction.values)}, got {action!r}")
    with transaction.atomic():
        upload_id = Determination.objects.filter(pk=determination_id).values_list("upload_id", flat=True).get()
        lock_upload_for_decisions(upload_id)
        determination = Determination.objects.select_for_update().get(pk=determination_id)
        if determination.version != expected_version:
            raise DecisionConflict(determination.version)
        _check_current(determination)
        if determination.review_status in AT_COURT:
            raise DecisionInvalid(
                f"this conviction is {determination.get_review_status_display().lower()} with the court; "
                "a change now goes through the court, not a new decision"
            )
        if action == DecisionAction.APPROVE:
            if determination.outcome == Outcome.NEEDS_REVIEW:
                raise DecisionInvalid(
                    "a recommendation of needs review cannot be approved: override it with an outcome"
                )
            decided, status = determination.outcome, ReviewStatus.APPROVED
        else:
            if outcome not in FINAL_OUTCOMES:
                raise DecisionInvalid(f"outcome must be one of {', '.join(sorted(FINAL_OUTCOMES))}, got {outcome!r}")
            if not reason:
                raise DecisionInvalid("an override needs a written reason")
            decided, status = outcome, ReviewStatus.OVERRIDDEN
        decision = Decision.objects.create(
            determination=determination,
            action=action,
            outcome=decided,
            reason=reason,
            decided_by=attorney,
            determination_version=expected_version,
            bulk=bulk,
        )
        determination.review_status = status
        determination.version += 1
        determination.save(update_fields=["review_status", "version"])
        audit_record(
            event=AuditEvent.DECISION_RECORDED,
            user=attorney,
            obj=determination,
            detail={
                "action": action,
                "outcome": decided,
                "reason": reason,
                "recommended": determination.outcome,
                "version": determination.version,
                **({"bulk": bulk.pk} if bulk is not None else {}),
            },
        )
    return decision
