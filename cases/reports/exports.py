"""Exports of determinations with their decisions (CSV, XLSX) and of the figures (CSV).

Record-level rows carry no counts, so nothing in them is suppressed; every table of counts that
leaves the application (the XLSX summary sheet, the figures CSV, the summary report) goes
through ``cases.reports.suppression``: cells of 1 to 10 are shown as "<11", totals stay exact.
Rows stream from a server-side cursor, so an export of a million-row upload stays in bounded
memory; the XLSX is written by openpyxl's write-only mode to a temporary file.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import OuterRef, QuerySet, Subquery

from cases.choices import Flag, Outcome, ReviewStatus
from cases.models import Decision, Determination
from cases.reports.dashboard import Dashboard, EquityRow
from cases.reports.suppression import FOOTNOTE, suppress_group_figures, suppress_table
from cases.spreadsheet import CsvLine, safe_cell

CHUNK_ROWS = 2000
COLUMNS = (
    "upload",
    "county",
    "line",
    "subject_id",
    "name",
    "dob",
    "cii",
    "court",
    "case_number",
    "section",
    "severity",
    "conviction_date",
    "recommendation",
    "suggested",
    "reasons",
    "flags",
    "review_status",
    "decision",
    "decided_outcome",
    "decided_by",
    "decided_at",
    "decision_reason",
    "assigned_to",
    "policy",
    "as_of",
)
OUTCOMES = dict(Outcome.choices)
STATUSES = dict(ReviewStatus.choices)
FLAGS = dict(Flag.choices)


def export_rows(rows: QuerySet[Determination]) -> Iterator[list[str]]:
    """One list of cells per determination, with its current decision, in queue order."""
    newest = Decision.objects.filter(determination=OuterRef("pk")).order_by("-decided_at", "-id")
    annotated = rows.select_related("person", "upload", "assigned_to", "run__policy").annotate(
        decision_action=Subquery(newest.values("action")[:1]),
        decision_outcome=Subquery(newest.values("outcome")[:1]),
        decision_by=Subquery(newest.values("decided_by__username")[:1]),
        decision_at=Subquery(newest.values("decided_at")[:1]),
        decision_reason=Subquery(newest.values("reason")[:1]),
    )
    for d in annotated.iterator(chunk_size=CHUNK_ROWS):
        person = d.person
        cells: list[Any] = [
            d.upload_id,
            d.upload.county,
            d.line,
            person.subject_id,
            person.name,
            person.dob.isoformat() if person.dob else "",
            person.cii,
            d.court,
            d.case_number,
            d.section,
            d.severity or "unknown",
            d.conviction_date.isoformat() if d.conviction_date else "",
            OUTCOMES.get(d.outcome, d.outcome),
            OUTCOMES.get(d.suggested_outcome, ""),
            " ".join(d.reason_codes),
            "; ".join(FLAGS.get(f, f) for f in d.flags),
            STATUSES.get(d.review_status, d.review_status),
            d.decision_action or "",  # type: ignore[attr-defined]
            OUTCOMES.get(d.decision_outcome or "", ""),  # type: ignore[attr-defined]
            d.decision_by or "",  # type: ignore[attr-defined]
            d.decision_at.isoformat() if d.decision_at else "",  # type: ignore[attr-defined]
            d.decision_reason or "",  # type: ignore[attr-defined]
            d.assigned_to.get_username() if d.assigned_to else "",
            f"{d.run.policy.name} v{d.run.policy.version}",
            d.run.as_of.isoformat(),
        ]
        yield [safe_cell(str(cell)) for cell in cells]


def csv_lines(rows: QuerySet[Determination]) -> Iterator[str]:
    writer = csv.writer(CsvLine())
    yield writer.writerow(COLUMNS)
    for cells in export_rows(rows):
        yield writer.writerow(cells)


def summary_table(rows: QuerySet[Determination]) -> list[list[str]]:
    """Recommendation by review status for the exported rows, suppressed, with exact totals."""
    from django.db.models import Count

    statuses = [s.value for s in ReviewStatus]
    counts: dict[str, dict[str, int]] = {o.value: dict.fromkeys(statuses, 0) for o in Outcome}
    for outcome, status, n in rows.values_list("outcome", "review_status").annotate(n=Count("id")).order_by():
        counts[outcome][status] = n
    table: list[list[Any]] = []
    for outcome in counts:
        values = [counts[outcome][s] for s in statuses]
        table.append([OUTCOMES[outcome], *values, sum(values)])
    column_totals = [sum(counts[o][s] for o in counts) for s in statuses]
    table.append(["Total", *column_totals, sum(column_totals)])
    header = ["Recommendation", *[STATUSES[s] for s in statuses], "Total"]
    numeric = list(range(1, len(statuses) + 2))
    shown = suppress_table(table, numeric_columns=numeric, total_row=True, total_column=len(statuses) + 1)
    return [header, *shown]


def xlsx_file(rows: QuerySet[Determination]) -> IO[bytes]:
    """A workbook of the rows and a suppressed summary, written to a temporary file (rewound)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Determinations")
    sheet.append(list(COLUMNS))
    for cells in export_rows(rows):
        sheet.append(cells)
    summary = book.create_sheet("Summary")
    for line in summary_table(rows):
        summary.append(line)
    summary.append([])
    summary.append([FOOTNOTE])
    handle = tempfile.TemporaryFile()  # noqa: SIM115  # returned open: the response streams and closes it
    book.save(handle)
    handle.seek(0)
    return handle


def figures_lines(board: Dashboard) -> Iterator[str]:
    """The dashboard's figures as one CSV of labelled tables, every count table suppressed."""
    writer = csv.writer(CsvLine())
    scope = board.upload.original_name if board.upload else "every upload"
    yield writer.writerow(["Clearance figures", scope])
    yield writer.writerow([FOOTNOTE])
    yield writer.writerow([])
    outcome_rows = [[OUTCOMES[o], n] for o, n in board.outcomes.items()]
    outcome_rows.append(["Total", board.candidates])
    yield from _table(writer, "Recommendations", ["Recommendation", "Convictions"], outcome_rows, total_row=True)
    for breakdown in board.breakdowns:
        order = [o.value for o in Outcome]
        numbers = [[counts[o] for o in order] + [sum(counts.values())] for _label, counts in breakdown.rows]
        totals = [sum(column) for column in zip(*numbers, strict=True)] if numbers else [0] * (len(order) + 1)
        body: list[list[Any]] = [[label, *n] for (label, _c), n in zip(breakdown.rows, numbers, strict=True)]
        body.append(["Total", *totals])
        header = ["", *[OUTCOMES[o] for o in order], "Total"]
        yield from _table(writer, breakdown.title, header, body, total_row=True, total_column=len(order) + 1)
    impact = [[label, policy, everything] for label, policy, everything in board.impact]
    yield from _table(writer, "People who will have", ["", "Under this policy", "Under dismiss all"], impact)
    for title, groups in board.equity.items():
        yield writer.writerow([f"Equity: {title}"])
        yield writer.writerow([title, "Convictions", "Relieved", "Relief rate", "Share of all relief"])
        for group, cells in equity_display(groups).items():
            shown = [cells["candidates"], cells["relief"], cells["rate"], cells["share"]]
            yield writer.writerow([safe_cell(group), *shown])
        yield writer.writerow([])


def equity_display(groups: list[EquityRow]) -> dict[str, dict[str, str]]:
    """One equity table, suppressed, its total last: rates and shares only from exact counts."""
    return suppress_group_figures({g.group: {"candidates": g.candidates, "relief": g.relief} for g in groups})


def _table(
    writer: Any,
    title: str,
    header: list[str],
    body: list[list[Any]],
    *,
    total_row: bool = False,
    total_column: int | None = None,
) -> Iterator[str]:
    yield writer.writerow([title])
    yield writer.writerow(header)
    numeric = list(range(1, len(header)))
    for line in suppress_table(body, numeric_columns=numeric, total_row=total_row, total_column=total_column):
        yield writer.writerow([safe_cell(str(line[0])), *line[1:]])
    yield writer.writerow([])
