"""Exports of records: counted and audited in one transaction before any byte leaves."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from cases.audit_log import AuditFilters, audit_entries
from cases.choices import AuditEvent
from cases.models import AuditEntry
from cases.services.audit import audit_record


def audit_export_record(
    *, filters: AuditFilters, user: User | AnonymousUser, ip: str | None
) -> tuple[QuerySet[AuditEntry], int]:
    """Record an export of the audit log and return what to stream and how many rows.

    The count and the EXPORT row commit together, before any byte is sent: an export that
    fails half way is still on record. The entries returned stop at the newest one counted, so
    the file holds what was counted and never its own EXPORT row or later activity.
    """
    with transaction.atomic():
        totals = audit_entries(filters=filters).aggregate(rows=Count("id"), last=Max("id"))
        rows: int = totals["rows"]
        audit_record(
            event=AuditEvent.EXPORT,
            user=user,
            ip=ip,
            detail={"what": "audit_log", "filters": filters.as_query(), "rows": rows},
        )
    entries = audit_entries(filters=filters).filter(id__lte=totals["last"] or 0)
    return entries, rows
