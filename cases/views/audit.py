"""The audit log: administrators read and export who did what, when."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.audit_log import (
    FILTER_LABELS,
    ParsedFilters,
    audit_csv_rows,
    audit_entries,
    audit_filters_from_query,
    detail_pairs,
)
from cases.choices import AuditEvent
from cases.permissions import can_administer, can_view_records
from cases.services.exports import audit_export_record
from cases.views.common import client_ip, no_role

ENTRIES_PER_PAGE = 50
#: CSV lines sent per chunk: one write per line would mean a system call per audit row.
CSV_LINES_PER_CHUNK = 500


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """None for an administrator; otherwise the no-role page, or 403 for other staff."""
    if can_administer(request.user):
        return None
    if not can_view_records(request.user):
        return no_role(request)
    raise PermissionDenied("Only administrators read the audit log.")


def _filters_page(request: HttpRequest, parsed: ParsedFilters) -> HttpResponse:
    """The page with the filter form only: what was typed, and what to fix."""
    context = {
        "events": AuditEvent.choices,
        "labels": FILTER_LABELS,
        "values": parsed.values,
        "errors": parsed.errors,
        "page": None,
    }
    return render(request, "cases/audit_log.html", context, status=400)


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    refused = _refusal(request)
    if refused is not None:
        return refused
    parsed = audit_filters_from_query(request.GET)
    if parsed.errors:
        return _filters_page(request, parsed)
    page = Paginator(audit_entries(filters=parsed.filters), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    filter_query = urlencode(parsed.filters.as_query())
    context = {
        "events": AuditEvent.choices,
        "labels": FILTER_LABELS,
        "values": parsed.values,
        "errors": {},
        "filtered": bool(filter_query),
        "filter_query": filter_query,
        "page": page,
        "rows": [(entry, detail_pairs(entry.detail)) for entry in page],
    }
    return render(request, "cases/audit_log.html", context)


def _in_chunks(lines: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= CSV_LINES_PER_CHUNK:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


@login_required
@require_GET
def audit_log_csv(request: HttpRequest) -> HttpResponseBase:
    """The filtered log as CSV, streamed. The export is itself recorded before the first byte."""
    refused = _refusal(request)
    if refused is not None:
        return refused
    parsed = audit_filters_from_query(request.GET)
    if parsed.errors:
        return _filters_page(request, parsed)
    entries, _rows = audit_export_record(filters=parsed.filters, user=request.user, ip=client_ip(request))
    response = StreamingHttpResponse(_in_chunks(audit_csv_rows(entries)), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    # The log names people and what was done to their records: keep it out of shared caches.
    response["Cache-Control"] = "no-store"
    return response
