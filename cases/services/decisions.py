"""An attorney's decision on a determination: append-only, versioned, audited in one transaction."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from cases.choices import AuditEvent, DecisionAction, Outcome, ReviewStatus
from cases.models import Decision, Determination
from cases.services.audit import audit_record

FINAL_OUTCOMES = frozenset(Outcome.values) - {Outcome.NEEDS_REVIEW}


class DecisionInvalid(ValueError):
    """The decision is not acceptable as asked; the message says what to change."""


class DecisionConflict(Exception):
    """Someone decided on this determination after the version the attorney saw."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"this determination changed since you opened it (now version {current_version}); "
            "reload it and decide again"
        )
        self.current_version = current_version


def decision_record(
    *,
    determination_id: int,
    attorney: User,
    action: str,
    expected_version: int,
    outcome: str | None = None,
    reason: str = "",
) -> Decision:
    """Approve the recommendation or override it with an outcome and a written reason.

    Raises DecisionInvalid (nothing stored) or DecisionConflict when ``expected_version`` is stale:
    two attorneys acting at once never overwrite each other silently.
    """
    reason = reason.strip()
    if action not in DecisionAction.values:
        raise DecisionInvalid(f"action must be one of {', '.join(DecisionAction.values)}, got {action!r}")
    with transaction.atomic():
        determination = Determination.objects.select_for_update().get(pk=determination_id)
        if determination.version != expected_version:
            raise DecisionConflict(determination.version)
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
            },
        )
    return decision
