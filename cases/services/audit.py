"""The audit trail: every service that changes state or reveals records calls this in its
own transaction, so an action and its audit row commit or fail together."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from cases.choices import AuditEvent
from cases.models import AuditEntry


def audit_record(
    *,
    event: AuditEvent,
    user: User | AnonymousUser | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    username: str = "",
) -> AuditEntry:
    real_user = user if user is not None and user.is_authenticated else None
    return AuditEntry.objects.create(
        event=event,
        user=real_user,
        username=username or (real_user.get_username() if real_user is not None else ""),
        object_type=obj._meta.model_name or "" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
        ip=ip,
    )
