"""The attorney's review screens: the queue, the case page, decisions, notes, bulk approval, assignment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.case_selectors import (
    akas_of,
    case_audit,
    earlier_decisions,
    person_candidates,
    person_events,
    person_notes,
    timeline,
)
from cases.choices import AuditEvent, DecisionAction, Flag, Outcome, ReviewStatus, Severity
from cases.models import BulkAction, Determination
from cases.permissions import can_administer, can_decide, can_view_records
from cases.review_queue import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    SORTS,
    QueueFilterError,
    QueueFilters,
    assignable_attorneys,
    current_run_ids,
    queue_count,
    queue_facets,
    queue_neighbours,
    review_queue,
)
from cases.selectors import determination_get_for_user, uploads_for_user
from cases.services.audit import audit_record
from cases.services.decisions import (
    FINAL_OUTCOMES,
    DecisionConflict,
    DecisionInvalid,
    current_run_id,
    decision_record,
)
from cases.services.review import (
    ReviewInvalid,
    assignment_set,
    bulk_approval_count,
    bulk_approval_start,
    note_add,
)
from cases.views.common import client_ip, no_role

QUEUE_PAGE_SIZE = 50


class _QueuePaginator(Paginator):  # type: ignore[type-arg]  # rows of any model
    """Pages of the queue, cheap at any depth.

    The count comes from the facet counts (no second COUNT(*)); a page first reads the ids of
    its rows from the index alone, then fetches those 50 rows with their person, so a deep
    OFFSET walks an index rather than joining every row it skips.
    """

    def __init__(self, rows: QuerySet[Determination], per_page: int, count: int) -> None:
        super().__init__(rows, per_page)
        self._rows = rows
        self._known = count

    @property
    def count(self) -> int:
        return self._known

    def page(self, number: Any) -> Page[Determination]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self._rows.values_list("id", flat=True)[bottom : bottom + self.per_page])
        found = {d.pk: d for d in self._rows.filter(id__in=ids)}
        return Page([found[i] for i in ids if i in found], number, self)


def _filters_or_error(params: QueryDict) -> tuple[QueueFilters, str]:
    try:
        return QueueFilters.from_params(params), ""
    except QueueFilterError as exc:
        return QueueFilters(), f"The filter in this address was ignored: {exc}."


def _queue_url(filters: QueueFilters, **changes: Any) -> str:
    query = filters.query_string(**changes)
    return reverse("review_queue") + (f"?{query}" if query else "")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not can_view_records(request.user):
        return no_role(request)
    filters, problem = _filters_or_error(request.GET)
    if problem:
        messages.warning(request, problem)
    runs = current_run_ids(upload=filters.upload)
    facets = queue_facets(user=request.user, filters=filters, runs=runs)
    total = queue_count(facets=facets, filters=filters)
    rows = review_queue(user=request.user, filters=filters, runs=runs)
    page: Page[Determination] = _QueuePaginator(rows, QUEUE_PAGE_SIZE, total).get_page(request.GET.get("page"))
    approvable = (
        bulk_approval_count(user=request.user, filters=filters, runs=runs)  # type: ignore[arg-type]  # signed in
        if can_decide(request.user) and filters.is_filtered
        else 0
    )
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        ip=client_ip(request),
        detail={"page": "queue", "filters": filters.as_params(), "page_number": page.number, "total": total},
    )
    uploads = list(uploads_for_user(user=request.user).select_related(None).only("id", "original_name", "county")[:50])
    context = {
        "filters": filters,
        "page": page,
        "total": total,
        "facets": facets,
        "facet_links": _facet_links(filters, facets),
        "flags": [(f.value, f.label, _queue_url(filters, flag=f.value, page="")) for f in Flag],
        "severities": [(s.value or "unknown", s.label) for s in Severity],
        "sorts": [(key, label) for key, (label, _cols) in SORTS.items()],
        "uploads": uploads,
        "current_upload": next((u for u in uploads if u.pk == filters.upload), None),
        "query": filters.query_string(),
        "can_decide": can_decide(request.user),
        "can_assign": can_administer(request.user),
        "attorneys": assignable_attorneys() if can_administer(request.user) else [],
        "approvable": approvable,
        "clear_url": reverse("review_queue"),
        "review_base": reverse("review_queue"),
        "assignee_me": ASSIGNEE_ME,
        "assignee_none": ASSIGNEE_NONE,
    }
    return render(request, "cases/review_queue.html", context)


def _facet_links(filters: QueueFilters, facets: dict[str, list[tuple[str, str, int]]]) -> dict[str, list[Any]]:
    """Each facet choice as (label, count, url, chosen): choosing it again clears it."""
    links: dict[str, list[Any]] = {}
    for name, counts in facets.items():
        chosen = getattr(filters, name)
        links[name] = [
            (label, count, _queue_url(filters, **{name: "" if value == chosen else value}), value == chosen)
            for value, label, count in counts
        ]
    return links


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One conviction in the context of the person's whole record; decisions happen here."""
    determination = determination_get_for_user(user=request.user, pk=pk)
    filters, _problem = _filters_or_error(request.GET)
    person = determination.person
    events = list(person_events(person=person))
    candidates = person_candidates(determination=determination)
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        obj=determination,
        ip=client_ip(request),
        detail={"page": "case", "person": person.pk},
    )
    before, after = queue_neighbours(user=request.user, filters=filters, determination=determination)
    query = filters.query_string()
    flags = {flag for d in candidates for flag in d.flags}
    labels = dict(Flag.choices)
    for candidate in candidates:
        candidate.flag_labels = [labels.get(f, f) for f in candidate.flags]  # type: ignore[attr-defined]
    context = {
        "determination": determination,
        "person": person,
        "akas": akas_of(person=person, events=events),
        "cycles": timeline(person=person, events=events, candidates=candidates, focus=determination),
        "candidates": candidates,
        "earlier": earlier_decisions(determination=determination),
        "notes": person_notes(person=person),
        "history": case_audit(person=person, candidates=candidates),
        "run": determination.run,
        "query": query,
        "queue_url": _queue_url(filters),
        "previous_url": _case_url(before, query),
        "next_url": _case_url(after, query),
        "can_decide": can_decide(request.user),
        "override_outcomes": [(o.value, o.label) for o in Outcome if o.value in FINAL_OUTCOMES],
        "currently_serving": Flag.CURRENTLY_SERVING in flags,
        "deceased": Flag.DECEASED in flags,
        "is_current": current_run_id(determination.upload_id) == determination.run_id,
        "age": _age(person.dob),
        "pending": ReviewStatus.PENDING,
        "stale": ReviewStatus.STALE,
        "needs_review": Outcome.NEEDS_REVIEW,
    }
    return render(request, "cases/case.html", context)


def _age(dob: dt.date | None) -> int | None:
    if dob is None:
        return None
    today = timezone.localdate()
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _case_url(pk: int | None, query: str) -> str | None:
    if pk is None:
        return None
    return reverse("review_case", args=[pk]) + (f"?{query}" if query else "")


def _back_to_case(request: HttpRequest, determination: Determination) -> HttpResponse:
    """Back to the page the form was on (its queue context travels in the hidden `query`)."""
    query = request.POST.get("query", "")
    focus = request.POST.get("focus") or determination.pk
    return redirect(reverse("review_case", args=[focus]) + (f"?{query}" if query else "") + f"#d{determination.pk}")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    determination = determination_get_for_user(user=request.user, pk=pk)
    if not can_decide(request.user):
        raise PermissionDenied("Clerks read decisions; only attorneys and administrators decide.")
    action = request.POST.get("action", "")
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, "The form was missing the version you saw; reload the page and decide again.")
        return _back_to_case(request, determination)
    try:
        decision = decision_record(
            determination_id=determination.pk,
            attorney=request.user,  # type: ignore[arg-type]  # can_decide: signed in
            action=action,
            expected_version=int(version),
            outcome=request.POST.get("outcome") or None,
            reason=request.POST.get("reason", ""),
        )
    except DecisionConflict as exc:
        messages.error(request, f"Not saved: {exc}.")
    except DecisionInvalid as exc:
        messages.error(request, f"Not saved: {exc}.")
    else:
        label = dict(Outcome.choices)[decision.outcome]
        verb = "Approved" if action == DecisionAction.APPROVE else "Overridden to"
        messages.success(request, f"{verb} {label} for {determination.section}, line {determination.line}.")
    return _back_to_case(request, determination)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    determination = determination_get_for_user(user=request.user, pk=pk)
    if not can_decide(request.user):
        raise PermissionDenied("Only attorneys and administrators write notes.")
    try:
        note_add(
            person=determination.person,
            determination=determination,
            author=request.user,  # type: ignore[arg-type]  # can_decide: signed in
            text=request.POST.get("text", ""),
        )
    except ReviewInvalid as exc:
        messages.error(request, f"Not saved: {exc}.")
    else:
        messages.success(request, "Note saved.")
    return _back_to_case(request, determination)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Confirm with the count, then approve everything approvable in the filter."""
    if not can_view_records(request.user):
        return no_role(request)
    if not can_decide(request.user):
        raise PermissionDenied("Only attorneys and administrators approve.")
    user: User = request.user  # type: ignore[assignment]  # can_decide: signed in
    params = request.POST if request.method == "POST" else request.GET
    filters, problem = _filters_or_error(params)
    if problem or not filters.is_filtered:
        messages.error(request, problem or "Choose a filter first: bulk approval acts on a filtered queue only.")
        return redirect(_queue_url(filters))
    count = bulk_approval_count(user=user, filters=filters)
    if request.method == "POST":
        expected = request.POST.get("expected", "")
        try:
            bulk = bulk_approval_start(user=user, filters=filters, expected=int(expected) if expected.isdigit() else -1)
        except ReviewInvalid as exc:
            messages.error(request, f"Nothing approved: {exc}.")
        else:
            return redirect("review_bulk", pk=bulk.pk)
    context = {"filters": filters, "count": count, "queue_url": _queue_url(filters), "query": filters.query_string()}
    return render(request, "cases/bulk_confirm.html", context)


def _bulk_for_user(request: HttpRequest, pk: int) -> BulkAction:
    from django.http import Http404

    bulk = BulkAction.objects.select_related("requested_by").filter(pk=pk).first()
    if bulk is None or not can_view_records(request.user):
        raise Http404("No such bulk approval")
    return bulk


@login_required
@require_GET
def bulk_progress(request: HttpRequest, pk: int) -> HttpResponse:
    bulk = _bulk_for_user(request, pk)
    filters = QueueFilters.from_params(bulk.filters)
    context = {"bulk": bulk, "queue_url": _queue_url(filters)}
    if request.headers.get("HX-Request"):
        response = render(request, "cases/partials/_bulk_progress.html", context)
        if not bulk.is_working:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "cases/bulk_progress.html", context)


@login_required
@require_POST
def assign(request: HttpRequest) -> HttpResponse:
    """Administrators give every conviction in a filter to an attorney, or take it back."""
    if not can_view_records(request.user):
        return no_role(request)
    if not can_administer(request.user):
        raise PermissionDenied("Only administrators assign cases.")
    filters, problem = _filters_or_error(request.POST)
    if problem:
        messages.error(request, problem)
        return redirect(_queue_url(QueueFilters()))
    chosen = request.POST.get("assign_to", "")
    assignee = None
    if chosen != ASSIGNEE_NONE:
        assignee = assignable_attorneys().filter(pk=int(chosen) if chosen.isdigit() else 0).first()
        if assignee is None:
            messages.error(request, "Choose an attorney to assign these convictions to.")
            return redirect(_queue_url(filters))
    try:
        count = assignment_set(filters=filters, assignee=assignee, by=request.user)  # type: ignore[arg-type]
    except ReviewInvalid as exc:
        messages.error(request, f"Not assigned: {exc}.")
    else:
        who = assignee.get_full_name() or assignee.get_username() if assignee else "nobody"
        messages.success(request, f"Assigned {count} conviction{'s' if count != 1 else ''} to {who}.")
    return redirect(_queue_url(filters))
