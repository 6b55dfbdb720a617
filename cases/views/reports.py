"""Leadership screens: the dashboard, exports, the summary report, policy comparison, quality sampling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.choices import AuditEvent, Outcome, ReviewStatus
from cases.models import Determination, Policy, PolicyComparison, SecondReview, Upload
from cases.permissions import can_administer, can_decide, can_view_records
from cases.reports import charts
from cases.reports.dashboard import Dashboard, dashboard_for, decisions_per_day, relief_total
from cases.reports.exports import csv_lines, figures_lines, xlsx_file
from cases.reports.summary import summary_pdf
from cases.review_queue import QueueFilterError, QueueFilters, current_run_ids, queue_rows_for_action
from cases.selectors import upload_get_for_user, uploads_for_user
from cases.services.audit import audit_record
from cases.services.comparison import comparison_start
from cases.services.quality import (
    OUTCOME_CHOICES,
    SampleInvalid,
    agreement_by_week,
    sample_draw,
    second_review_record,
)
from cases.views.common import client_ip, no_role

OUTCOMES = dict(Outcome.choices)
STATUSES = dict(ReviewStatus.choices)


def _scope(request: HttpRequest) -> Upload | None:
    raw = request.GET.get("upload", "")
    return upload_get_for_user(user=request.user, pk=int(raw)) if raw.isdigit() else None


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _audit_export(request: HttpRequest, what: str, detail: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record(event=AuditEvent.EXPORT, user=request.user, ip=client_ip(request), detail={"what": what, **detail})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can_view_records(request.user):
        return no_role(request)
    upload = _scope(request)
    board = dashboard_for(upload=upload)
    charts_found = _charts(board)
    context = {
        "board": board,
        "upload": upload,
        "uploads": uploads_for_user(user=request.user).select_related(None).only("id", "original_name", "county")[:50],
        "charts": charts_found,
        "breakdown_charts": [charts_found[b.title] for b in board.breakdowns],
        "tiles": [
            ("convictions recommended for relief", relief_total(board.outcomes)),
            ("people with relief", board.people_with_relief),
            *[(f"people who will have {label[0].lower()}{label[1:]}", n) for label, n, _all in board.impact],
        ],
        "outcome_labels": OUTCOMES,
        "status_rows": [(STATUSES[k], n) for k, n in board.review.items()],
        "per_day": decisions_per_day(run_ids=[r.pk for r in board.runs]),
        "agreement": agreement_by_week(),
        "comparisons": PolicyComparison.objects.filter(upload=upload).select_related("policy_a", "policy_b")[:5]
        if upload
        else [],
        "policies": Policy.objects.order_by("slug", "-version"),
        "today": timezone.localdate(),
        "can_export_records": can_decide(request.user),
        "can_administer": can_administer(request.user),
        "query": f"upload={upload.pk}" if upload else "",
    }
    return render(request, "cases/dashboard.html", context)


def _charts(board: Dashboard) -> dict[str, Any]:
    order = [o.value for o in Outcome]
    found: dict[str, Any] = {
        "outcomes": charts.bar_chart(
            "Recommendations", [(OUTCOMES[o], float(board.outcomes[o])) for o in order], unit="convictions"
        ),
        "review": charts.bar_chart(
            "Review progress", [(STATUSES[s], float(n)) for s, n in board.review.items() if n], unit="convictions"
        ),
    }
    for breakdown in board.breakdowns:
        rows = breakdown.rows if "year" in breakdown.title else breakdown.rows[:15]
        found[breakdown.title] = charts.stacked_bar_chart(
            breakdown.title,
            [(label, [(o, float(counts[o])) for o in order]) for label, counts in rows],
            series_order=order,
            colors=charts.OUTCOME_COLORS,
        )
    found["equity"] = {
        title: charts.rate_chart(f"Relief rate by {title.lower()}", [(g.group, g.rate) for g in groups])
        for title, groups in board.equity.items()
    }
    return found


@login_required
@require_GET
def figures_csv(request: HttpRequest) -> HttpResponseBase:
    if not can_view_records(request.user):
        return no_role(request)
    upload = _scope(request)
    board = dashboard_for(upload=upload)
    _audit_export(request, "figures_csv", {"upload": upload.pk if upload else None})
    response = StreamingHttpResponse(figures_lines(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clearance-figures-{_stamp()}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def summary_report(request: HttpRequest) -> HttpResponse:
    if not can_view_records(request.user):
        return no_role(request)
    upload = _scope(request)
    board = dashboard_for(upload=upload)
    if not board.runs:
        raise Http404("Nothing has been classified yet")
    _audit_export(request, "summary_pdf", {"upload": upload.pk if upload else None})
    pdf = summary_pdf(board, as_of=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="clearance-summary-{_stamp()}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _exported_rows(request: HttpRequest, what: str) -> QuerySet[Determination]:
    """The review queue's current filter, in queue order, with the export audited first."""
    if not can_decide(request.user):
        raise PermissionDenied("Only attorneys and administrators export records.")
    try:
        filters = QueueFilters.from_params(request.GET)
    except QueueFilterError as exc:
        raise PermissionDenied(str(exc)) from exc
    rows = queue_rows_for_action(user=request.user, filters=filters).order_by("run_id", "line")
    _audit_export(request, what, {"filters": filters.as_params(), "rows": rows.count()})
    return rows


@login_required
@require_GET
def determinations_csv(request: HttpRequest) -> HttpResponseBase:
    """The review queue's current filter, every row, with its current decision."""
    if not can_view_records(request.user):
        return no_role(request)
    rows = _exported_rows(request, "determinations_csv")
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clearance-determinations-{_stamp()}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def determinations_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not can_view_records(request.user):
        return no_role(request)
    rows = _exported_rows(request, "determinations_xlsx")
    response = FileResponse(
        xlsx_file(rows),
        as_attachment=True,
        filename=f"clearance-determinations-{_stamp()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a comparison of two policies for an upload (POST), or show one (GET ?id=)."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        if not can_decide(request.user):
            raise PermissionDenied("Only attorneys and administrators compare policies.")
        try:
            a = Policy.objects.get(pk=int(request.POST.get("policy_a", "0")))
            b = Policy.objects.get(pk=int(request.POST.get("policy_b", "0")))
            as_of = dt.date.fromisoformat(request.POST.get("as_of") or timezone.localdate().isoformat())
            started = comparison_start(upload=upload, policy_a=a, policy_b=b, as_of=as_of, user=request.user)  # type: ignore[arg-type]
        except (Policy.DoesNotExist, ValueError) as exc:
            messages.error(request, f"Not started: {exc or 'choose two policies'}.")
            return redirect(f"/reports/?upload={upload.pk}")
        return redirect(f"/reports/uploads/{upload.pk}/comparison/?id={started.pk}")
    found = PolicyComparison.objects.filter(upload=upload, pk=request.GET.get("id") or 0).select_related(
        "policy_a", "policy_b"
    )
    item = found.first()
    if item is None:
        raise Http404("No such comparison")
    context = {"upload": upload, "comparison": item, "sides": _sides(item) if item.status == "done" else None}
    if request.headers.get("HX-Request"):
        response = render(request, "cases/partials/_comparison_progress.html", context)
        if not item.is_working:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "cases/comparison.html", context)


def _sides(item: PolicyComparison) -> dict[str, Any]:
    result = item.result
    order = [o.value for o in Outcome]
    a, b = result.get("a", {}), result.get("b", {})

    def bars(side: dict[str, Any]) -> list[tuple[str, float]]:
        return [(o, float(side.get("outcomes", {}).get(o, 0))) for o in order]

    outcome_rows = []
    for o in order:
        left, right = a.get("outcomes", {}).get(o, 0), b.get("outcomes", {}).get(o, 0)
        outcome_rows.append((OUTCOMES[o], left, right, f"{right - left:+d}" if right != left else "0"))
    impact_keys = (
        ("people_with_relief", "Any relief"),
        ("no_felony", "No felony any more"),
        ("no_conviction", "No conviction at all"),
        ("no_conviction_last_7_years", "No conviction in the last 7 years"),
    )
    impact_rows = []
    for key, label in impact_keys:
        left = a.get(key, 0) if key == "people_with_relief" else a.get("impact", {}).get(key, 0)
        right = b.get(key, 0) if key == "people_with_relief" else b.get("impact", {}).get(key, 0)
        impact_rows.append((label, left, right))
    equity = {}
    for dimension, title in (("race", "Race or ethnicity"), ("gender", "Gender"), ("age_band", "Age today")):
        groups = sorted(set(a.get("equity", {}).get(dimension, {})) | set(b.get("equity", {}).get(dimension, {})))
        lines = []
        for group in groups:
            left = a.get("equity", {}).get(dimension, {}).get(group, {"candidates": 0, "relief": 0})
            right = b.get("equity", {}).get(dimension, {}).get(group, {"candidates": 0, "relief": 0})
            lines.append(
                (
                    group.title(),
                    left["candidates"],
                    _pct(left["relief"], left["candidates"]),
                    _pct(right["relief"], right["candidates"]),
                )
            )
        equity[title] = lines
    changes = [
        (OUTCOMES.get(c["from"], c["from"]), OUTCOMES.get(c["to"], c["to"]), c["count"])
        for c in result.get("changes", [])
    ]
    return {
        "outcomes": outcome_rows,
        "impact": impact_rows,
        "equity": equity,
        "changes": changes,
        "chart": charts.stacked_bar_chart(
            "Recommendations under each policy",
            [
                (
                    f"A: {item.policy_a.name} v{item.policy_a.version}",
                    [(o, float(a.get("outcomes", {}).get(o, 0))) for o in order],
                ),
                (
                    f"B: {item.policy_b.name} v{item.policy_b.version}",
                    [(o, float(b.get("outcomes", {}).get(o, 0))) for o in order],
                ),
            ],
            series_order=order,
            colors=charts.OUTCOME_COLORS,
        ),
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


@login_required
@require_http_methods(["GET", "POST"])
def quality(request: HttpRequest) -> HttpResponse:
    """Administrators draw samples; attorneys give second reviews; everyone sees agreement."""
    if not can_view_records(request.user):
        return no_role(request)
    user: User = request.user  # type: ignore[assignment]  # login_required
    if request.method == "POST":
        if not can_administer(user):
            raise PermissionDenied("Only administrators draw quality samples.")
        try:
            percentage = Decimal(request.POST.get("percentage", ""))
            upload = None
            if request.POST.get("upload", "").isdigit():
                upload = upload_get_for_user(user=user, pk=int(request.POST["upload"]))
            sample = sample_draw(user=user, percentage=percentage, upload=upload)
        except (InvalidOperation, SampleInvalid) as exc:
            messages.error(request, f"No sample drawn: {exc or 'give a percentage, e.g. 5'}.")
        else:
            messages.success(request, f"Drew {sample.reviews.count()} convictions for a second review.")
        return redirect("quality")
    pending = (
        SecondReview.objects.filter(reviewed_at=None, determination__run_id__in=current_run_ids())
        .exclude(first_decision__decided_by=user)
        .select_related("determination__person", "first_decision__decided_by")[:100]
    )
    context = {
        "pending": pending,
        "agreement": agreement_by_week(),
        "outcomes": OUTCOME_CHOICES,
        "outcome_labels": OUTCOMES,
        "can_administer": can_administer(user),
        "can_review": can_decide(user),
        "uploads": uploads_for_user(user=user).select_related(None).only("id", "original_name")[:50],
    }
    return render(request, "cases/quality.html", context)


@login_required
@require_POST
def second_review(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_records(request.user):
        raise Http404("No such review")
    if not can_decide(request.user):
        raise PermissionDenied("Only attorneys and administrators give second reviews.")
    review = SecondReview.objects.filter(pk=pk).first()
    if review is None:
        raise Http404("No such review")
    try:
        second_review_record(
            review=review,
            reviewer=request.user,  # type: ignore[arg-type]  # can_decide: signed in
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    except SampleInvalid as exc:
        messages.error(request, f"Not saved: {exc}.")
    else:
        messages.success(request, "Second review saved.")
    return redirect("quality")
