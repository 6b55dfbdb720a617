"""The leadership dashboard's figures, for one upload or the whole office.

Per-conviction tables are indexed aggregates over the current classification of each upload;
per-person figures (impact, equity) were counted when the classification ran and are read from
``ClassificationRun.figures``. Counts are exact here: suppression belongs to exports and the
published summary (see ``cases.reports.suppression``), never to the signed-in staff dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear

from cases.choices import DecisionAction, Outcome, ReviewStatus
from cases.models import ClassificationRun, Decision, Determination, Upload
from cases.review_queue import current_run_ids
from cases.services.figures import RELIEF, UNKNOWN, merge_figures

OUTCOME_LABELS = dict(Outcome.choices)
STATUS_LABELS = dict(ReviewStatus.choices)
EQUITY_DIMENSIONS = (("race", "Race or ethnicity"), ("gender", "Gender"), ("age_band", "Age today"))
IMPACT_LABELS = (
    ("no_felony", "No felony any more"),
    ("no_conviction", "No conviction at all"),
    ("no_conviction_last_7_years", "No conviction in the last 7 years"),
)


@dataclass
class Breakdown:
    """Convictions by one dimension, with the outcome counts of each value."""

    title: str
    rows: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    def totals(self) -> list[tuple[str, int]]:
        return [(label, sum(counts.values())) for label, counts in self.rows]


@dataclass
class EquityRow:
    group: str
    candidates: int
    relief: int
    #: relief / candidates, in percent
    rate: float
    #: this group's share of all relieved convictions, in percent
    share: float


@dataclass
class Dashboard:
    upload: Upload | None
    runs: list[ClassificationRun]
    candidates: int
    outcomes: dict[str, int]
    breakdowns: list[Breakdown]
    review: dict[str, int]
    impact: list[tuple[str, int, int]]
    people_with_relief: int
    equity: dict[str, list[EquityRow]]
    attorneys: list[dict[str, Any]]


def dashboard_for(*, upload: Upload | None) -> Dashboard:
    run_ids = current_run_ids(upload=upload.pk if upload else None)
    runs = list(ClassificationRun.objects.filter(pk__in=run_ids).select_related("policy", "upload"))
    rows = Determination.objects.filter(run_id__in=run_ids)
    outcomes = {o.value: 0 for o in Outcome}
    for outcome, n in rows.values_list("outcome").annotate(n=Count("id")).order_by():
        outcomes[outcome] = n
    review = {s.value: 0 for s in ReviewStatus}
    for status, n in rows.values_list("review_status").annotate(n=Count("id")).order_by():
        review[status] = n
    people: dict[str, Any] = {}
    for run in runs:
        people = merge_figures(people, {k: run.figures.get(k, {}) for k in ("impact", "equity")})
        people = merge_figures(people, {"people_with_relief": run.figures.get("people_with_relief", 0)})
    impact = people.get("impact", {})
    return Dashboard(
        upload=upload,
        runs=runs,
        candidates=sum(outcomes.values()),
        outcomes=outcomes,
        breakdowns=_breakdowns(run_ids),
        review=review,
        impact=[
            (label, impact.get("policy", {}).get(key, 0), impact.get("dismiss_all", {}).get(key, 0))
            for key, label in IMPACT_LABELS
        ],
        people_with_relief=int(people.get("people_with_relief", 0)),
        equity=equity_rows(people.get("equity", {})),
        attorneys=attorney_figures(run_ids=run_ids),
    )


def _breakdowns(run_ids: list[int]) -> list[Breakdown]:
    rows = Determination.objects.filter(run_id__in=run_ids)
    found = []
    dimensions: list[tuple[str, Any]] = [
        ("By section", "section_number"),
        ("By severity", "severity"),
        ("By court", "court"),
        ("By year of conviction", ExtractYear("conviction_date")),
    ]
    for title, key in dimensions:
        grouped: dict[str, dict[str, int]] = defaultdict(lambda: {o.value: 0 for o in Outcome})
        query = rows.annotate(key=key) if not isinstance(key, str) else rows.annotate(key=_field(key))
        for value, outcome, n in query.values_list("key", "outcome").annotate(n=Count("id")).order_by():
            grouped[_label(title, value)][outcome] += n
        ordered = sorted(grouped.items(), key=lambda item: item[0] if "year" in title else -sum(item[1].values()))
        found.append(Breakdown(title=title, rows=ordered))
    found.append(_by_reason(run_ids))
    return found


def _field(name: str) -> Any:
    from django.db.models import F

    return F(name)


def _label(title: str, value: Any) -> str:
    if value in (None, ""):
        return "unknown"
    if title == "By section":
        return f"HS {value}"
    if title == "By severity":
        return str(value).capitalize()
    return str(value)


def _by_reason(run_ids: list[int]) -> Breakdown:
    """The deciding reason is the first code (DOMAIN.md section 5: the deciding reason leads)."""
    sql = """
        SELECT reason_codes[1], outcome, count(*) FROM cases_determination
        WHERE run_id = ANY(%s) GROUP BY 1, 2
    """
    grouped: dict[str, dict[str, int]] = defaultdict(lambda: {o.value: 0 for o in Outcome})
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_ids])
        for code, outcome, n in cursor.fetchall():
            grouped[code or "unknown"][outcome] += n
    return Breakdown(title="By deciding reason", rows=sorted(grouped.items(), key=lambda item: -sum(item[1].values())))


def equity_rows(equity: dict[str, dict[str, dict[str, int]]]) -> dict[str, list[EquityRow]]:
    """Candidates, relief and relief rate per group, and each group's share of all relief."""
    found: dict[str, list[EquityRow]] = {}
    for dimension, title in EQUITY_DIMENSIONS:
        cells = equity.get(dimension, {})
        all_relief = sum(c.get("relief", 0) for c in cells.values())
        found[title] = sorted(
            (
                EquityRow(
                    group=_group_label(group),
                    candidates=c["candidates"],
                    relief=c["relief"],
                    rate=round(100 * c["relief"] / c["candidates"], 1) if c["candidates"] else 0.0,
                    share=round(100 * c["relief"] / all_relief, 1) if all_relief else 0.0,
                )
                for group, c in cells.items()
                if c.get("candidates")
            ),
            key=lambda row: (-row.candidates, row.group),
        )
    return found


def _group_label(group: str) -> str:
    """DOJ writes race and gender in capitals ("AMERICAN INDIAN"); age bands are ours ("65 and over")."""
    if not group:
        return UNKNOWN.capitalize()
    return group.title() if group.isupper() else group[0].upper() + group[1:]


def attorney_figures(*, run_ids: list[int]) -> list[dict[str, Any]]:
    """Per attorney: decisions, decisions per active day, override rate, and the median time from
    classification to decision. Decisions carried over by a reclassification are not counted:
    nobody made them again."""
    sql = """
        SELECT u.username, coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.username),
               count(*) AS decisions,
               count(DISTINCT (d.decided_at AT TIME ZONE %s)::date) AS days,
               count(*) FILTER (WHERE d.action = %s) AS overrides,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided_at - r.finished_at))
        FROM cases_decision d
        JOIN cases_determination det ON det.id = d.determination_id
        JOIN cases_classificationrun r ON r.id = det.run_id
        JOIN auth_user u ON u.id = d.decided_by_id
        WHERE det.run_id = ANY(%s) AND d.carried_from_id IS NULL
        GROUP BY u.username, 2
        ORDER BY decisions DESC, u.username
    """
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.TIME_ZONE, DecisionAction.OVERRIDE.value, run_ids])
        rows = cursor.fetchall()
    return [
        {
            "username": username,
            "name": name,
            "decisions": decisions,
            "per_day": round(decisions / days, 1) if days else 0.0,
            "override_rate": round(100 * overrides / decisions, 1) if decisions else 0.0,
            "median_hours": round(seconds / 3600, 1) if seconds is not None else None,
        }
        for username, name, decisions, days, overrides, seconds in rows
    ]


def decisions_per_day(*, run_ids: list[int], days: int = 30) -> list[tuple[dt.date, int]]:
    """Decisions made each day over the last ``days`` days (carried decisions excluded)."""
    from django.db.models.functions import TruncDate

    since = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=days)
    counts = (
        Decision.objects.filter(determination__run_id__in=run_ids, carried_from__isnull=True, decided_at__gte=since)
        .annotate(day=TruncDate("decided_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [(day, n) for day, n in counts]


def relief_total(outcomes: dict[str, int]) -> int:
    return sum(n for outcome, n in outcomes.items() if outcome in RELIEF)
