"""The office's letterhead and its courts: what every document prints. Administrators edit them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from cases.choices import AuditEvent
from cases.models import Court, OfficeSettings
from cases.packet_selectors import court_display_name
from cases.services.audit import audit_record

OFFICE_FIELDS = (
    "name",
    "address",
    "phone",
    "email",
    "signing_attorney",
    "bar_number",
    "county",
    "public_defender_name",
    "public_defender_address",
)
COURT_FIELDS = ("display_name", "courthouse", "address", "per_case")


def office_settings_save(*, values: dict[str, Any], user: User) -> OfficeSettings:
    with transaction.atomic():
        office, _ = OfficeSettings.objects.select_for_update().get_or_create(pk=1)
        changed = {}
        for name in OFFICE_FIELDS:
            if name in values and getattr(office, name) != values[name]:
                changed[name] = values[name]
                setattr(office, name, values[name])
        office.updated_by = user
        office.save()
        audit_record(event=AuditEvent.OFFICE_SETTINGS_SAVED, user=user, obj=office, detail={"changed": changed})
    return office


def courts_sync(*, names: list[str]) -> list[Court]:
    """Make sure every court an upload names has a row, spelled out from DOJ's abbreviation;
    administrators correct the names and addresses afterwards. Existing rows are untouched."""
    existing = set(Court.objects.filter(name__in=names).values_list("name", flat=True))
    Court.objects.bulk_create(
        [Court(name=name, display_name=court_display_name(name)) for name in names if name not in existing],
        ignore_conflicts=True,
    )
    return list(Court.objects.filter(name__in=names).order_by("name"))


def court_save(*, court: Court, values: dict[str, Any], user: User) -> Court:
    with transaction.atomic():
        changed = {}
        for name in COURT_FIELDS:
            if name in values and getattr(court, name) != values[name]:
                changed[name] = values[name]
                setattr(court, name, values[name])
        court.save()
        audit_record(event=AuditEvent.COURT_SAVED, user=user, obj=court, detail={"changed": changed})
    return court
