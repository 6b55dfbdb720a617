"""The admin site, for administrators: users, groups and read-only views of stored data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.models import AuditEntry, IngestError, Upload


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records change only through services (which audit); the admin site only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ["id", "original_name", "county", "status", "row_count", "error_count", "created_at"]
    list_filter = ["status", "county"]


@admin.register(IngestError)
class IngestErrorAdmin(ReadOnlyAdmin):
    list_display = ["upload", "line", "reason"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "event", "username", "object_type", "object_id", "ip"]
    list_filter = ["event"]
