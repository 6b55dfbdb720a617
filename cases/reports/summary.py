"""The summary report: a printable PDF of the figures, like BEAR's summary, for publication.

Every count table is suppressed (cells of 1 to 10 shown as "<11", totals exact) because the
report leaves the office; charts show only what the tables show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.choices import Outcome, ReviewStatus
from cases.documents.render import render_pdf
from cases.reports import charts
from cases.reports.dashboard import Dashboard
from cases.reports.exports import equity_display
from cases.reports.suppression import FOOTNOTE, SUPPRESS_BELOW, exact_value, suppress_table

OUTCOMES = dict(Outcome.choices)
STATUSES = dict(ReviewStatus.choices)


def summary_context(board: Dashboard, *, as_of: dt.date) -> dict[str, Any]:
    outcome_rows: list[list[int | str]] = [[OUTCOMES[o], n] for o, n in board.outcomes.items()]
    outcomes = suppress_table([*outcome_rows, ["Total", board.candidates]], numeric_columns=[1], total_row=True)
    impact = suppress_table([[label, a, b] for label, a, b in board.impact], numeric_columns=[1, 2])
    review_rows: list[list[int | str]] = [[STATUSES[s], n] for s, n in board.review.items() if n]
    review = suppress_table([*review_rows, ["Total", sum(board.review.values())]], numeric_columns=[1], total_row=True)
    equity = {title: equity_display(groups) for title, groups in board.equity.items()}
    policies = sorted({f"{r.policy.name} (version {r.policy.version})" for r in board.runs})
    counties = sorted({r.upload.county for r in board.runs if r.upload.county})
    as_ofs = sorted({r.as_of for r in board.runs})
    # A bar would give a suppressed or withheld count away: only counts the table shows are drawn.
    shown_outcomes = [(str(line[0]), float(n)) for line in outcomes[:-1] if (n := exact_value(line[1])) is not None]
    return {
        "doc": {"title": "Prop 64 record clearance: summary", "created": as_of.isoformat()},
        "county": ", ".join(counties) or "—",
        "policies": policies,
        "as_of": as_ofs,
        "generated": as_of,
        # The headline repeats the table's total as the table shows it (suppressed if it is).
        "candidates": outcomes[-1][1],
        "outcomes": outcomes,
        "impact": impact,
        "review": review,
        "equity": equity,
        "people_with_relief": board.people_with_relief,
        "threshold": SUPPRESS_BELOW,
        "footnote": FOOTNOTE,
        "chart": charts.bar_chart("Recommendations", shown_outcomes, unit="convictions"),
        "scope": board.upload.original_name if board.upload else "every upload",
    }


def summary_pdf(board: Dashboard, *, as_of: dt.date) -> bytes:
    return render_pdf("reports/summary.html", summary_context(board, as_of=as_of))
