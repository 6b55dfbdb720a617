"""Reading the audit trail: filters from a URL, the filtered entries, and a streaming CSV.

The trail itself is written by ``cases.services.audit.audit_record`` and is append-only in the
database (migration 0002). Only ``audit_export_record`` here writes, and only its own audit row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cases.choices import AuditEvent
from cases.models import AuditEntry
from cases.spreadsheet import CsvLine, safe_cell

#: Rows fetched per round trip while streaming a CSV: memory stays flat however long the log.
CSV_CHUNK_ROWS = 2000

#: The longest value each text filter accepts (the model's column widths; 200 for free text).
FILTER_MAX_LENGTHS = {"user": 150, "object_type": 40, "object_id": 40, "text": 200}

#: How each filter is named on the page, so an error names the field the user sees.
FILTER_LABELS = {
    "event": "Event",
    "user": "User",
    "object_type": "Object type",
    "object_id": "Object id",
    "date_from": "From date",
    "date_to": "To date",
    "text": "Detail contains",
}

#: Event code → label, looked up once: get_event_display() rescans the choices on every row.
EVENT_LABELS: dict[str, str] = dict(AuditEvent.choices)

CSV_HEADER = (
    "time_utc",
    "user",
    "event",
    "event_label",
    "object_type",
    "object_id",
    "ip",
    "detail",
)


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log page and its CSV are narrowed to; empty means "any"."""

    event: AuditEvent | None = None
    #: Part of the username, as recorded at the time (so failed sign-ins match what was typed).
    user: str = ""
    object_type: str = ""
    object_id: str = ""
    #: Inclusive days in the office's time zone.
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: Part of the detail's JSON text, case-insensitive.
    text: str = ""

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (only those set), e.g. for page and download links."""
        values = {
            "event": self.event.value if self.event is not None else "",
            "user": self.user,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "text": self.text,
        }
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class ParsedFilters:
    filters: AuditFilters
    #: Field name → a sentence naming the field and saying what to type instead.
    errors: dict[str, str] = field(default_factory=dict)
    #: What was typed, stripped, to put back in the form.
    values: dict[str, str] = field(default_factory=dict)


def _parse_date(name: str, raw: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{FILTER_LABELS[name]}: “{raw}” is not a date. Use the form YYYY-MM-DD, e.g. 2024-01-31."
        return None


def audit_filters_from_query(query: Mapping[str, str]) -> ParsedFilters:
    """Read the filters from a request's GET parameters. Bad values are reported, never raised."""
    values = {name: str(query.get(name, "")).strip() for name in FILTER_LABELS}
    errors: dict[str, str] = {}

    event: AuditEvent | None = None
    if values["event"]:
        try:
            event = AuditEvent(values["event"])
        except ValueError:
            errors["event"] = (
                f"{FILTER_LABELS['event']}: “{values['event']}” is not an event. Choose one from the list."
            )

    for name, limit in FILTER_MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors[name] = f"{FILTER_LABELS[name]}: at most {limit} characters, please."

    date_from = _parse_date("date_from", values["date_from"], errors)
    date_to = _parse_date("date_to", values["date_to"], errors)
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = f"{FILTER_LABELS['date_to']} is before {FILTER_LABELS['date_from']}. Swap them."

    filters = AuditFilters(
        event=event,
        user=values["user"],
        object_type=values["object_type"],
        object_id=values["object_id"],
        date_from=date_from,
        date_to=date_to,
        text=values["text"],
    )
    return ParsedFilters(filters=filters, errors=errors, values=values)


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of a day in the office's time zone: "Jan 5" means Jan 5 where the office is."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Audit entries matching the filters, newest first. Callers check ``can_administer``."""
    entries = AuditEntry.objects.select_related("user")
    if filters.event is not None:
        entries = entries.filter(event=filters.event)
    if filters.user:
        entries = entries.filter(Q(username__icontains=filters.user) | Q(user__username__icontains=filters.user))
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    # Bounds on the indexed column itself (not `at__date`), so the index on `at` is used.
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    if filters.text:
        entries = entries.annotate(detail_text=Cast("detail", output_field=TextField())).filter(
            detail_text__icontains=filters.text
        )
    return entries.order_by("-at", "-id")


def audit_entries_for_objects(*, objects: Iterable[tuple[str, str]]) -> QuerySet[AuditEntry]:
    """Entries about any of the given (object_type, object_id) pairs, newest first: an object's history."""
    about = Q()
    for object_type, object_id in objects:
        about |= Q(object_type=object_type, object_id=str(object_id))
    if not about:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("user").filter(about).order_by("-at", "-id")


def detail_pairs(detail: Any) -> list[tuple[str, str]]:
    """An entry's detail as short "key: value" pairs for a page; nested values as compact JSON."""
    if not isinstance(detail, dict):
        return [("detail", _compact_json(detail))] if detail not in (None, "", [], {}) else []
    return [(str(key), value if isinstance(value, str) else _compact_json(value)) for key, value in detail.items()]


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True, default=str)


def audit_csv_rows(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The entries as CSV lines, the header first. Reads in chunks through a server-side cursor,
    so a log of hundreds of thousands of rows streams without being held in memory."""
    writer = csv.writer(CsvLine())
    yield writer.writerow(CSV_HEADER)
    for entry in entries.select_related("user").iterator(chunk_size=CSV_CHUNK_ROWS):
        username = entry.username or (entry.user.get_username() if entry.user is not None else "")
        row = (
            entry.at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            username,
            entry.event,
            EVENT_LABELS.get(entry.event, entry.event),
            entry.object_type,
            entry.object_id,
            entry.ip or "",
            _compact_json(entry.detail),
        )
        yield writer.writerow([safe_cell(str(value)) for value in row])
