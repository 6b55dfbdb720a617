"""The dashboard, exports and summary report: figures agree with the rows they summarise,
exports are audited and suppressed, and roles are respected."""

from __future__ import annotations

import csv
import io
import subprocess
from collections import Counter

import pytest
from openpyxl import load_workbook

from cases.choices import AuditEvent, Outcome
from cases.models import AuditEntry, Determination, PolicyComparison
from cases.reports.dashboard import dashboard_for
from cases.reports.suppression import SUPPRESS_BELOW
from cases.review_queue import QueueFilters
from cases.services.comparison import comparison_run
from cases.services.policies import policy_get_current
from cases.services.review import bulk_approval_count, bulk_approval_start
from cases.tests.conftest import approve_everything

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_dashboards_tables_agree_with_the_determinations(sample_run):
    board = dashboard_for(upload=sample_run.upload)
    rows = list(Determination.objects.filter(run=sample_run))
    assert board.candidates == len(rows)
    assert board.outcomes == {o.value: sum(d.outcome == o for d in rows) for o in Outcome}
    by_court = {title: dict(b.rows) for title, b in ((b.title, b) for b in board.breakdowns)}["By court"]
    expected = Counter((d.court or "unknown", d.outcome) for d in rows)
    assert {(court, o): n for court, counts in by_court.items() for o, n in counts.items() if n} == dict(expected)
    years = {title: dict(b.rows) for title, b in ((b.title, b) for b in board.breakdowns)}["By year of conviction"]
    assert sum(sum(c.values()) for c in years.values()) == len(rows)
    assert sum(board.review.values()) == len(rows)
    race = board.equity["Race or ethnicity"]
    assert sum(g.candidates for g in race) == len(rows)
    relieved = sum(d.outcome in ("dismiss_and_seal", "reduce_to_misdemeanor", "reduce_to_infraction") for d in rows)
    assert sum(g.relief for g in race) == relieved
    assert round(sum(g.share for g in race)) == (100 if relieved else 0)


def test_attorney_figures_count_decisions_and_overrides(sample_run, attorney):
    filters = QueueFilters(upload=sample_run.upload_id)
    count = bulk_approval_count(user=attorney, filters=filters)
    bulk_approval_start(user=attorney, filters=filters, expected=count)
    (row,) = dashboard_for(upload=sample_run.upload).attorneys
    assert row["username"] == "attorney" and row["decisions"] == count and row["override_rate"] == 0.0
    assert row["per_day"] == count  # all on one day


@pytest.mark.parametrize("role", ["attorney", "clerk", "administrator"])
def test_staff_see_the_dashboard_with_charts_and_tables(request, role, sample_run, client_for):
    page = client_for(request.getfixturevalue(role)).get(f"/reports/?upload={sample_run.upload_id}")
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") >= 5 and "Figures as a table" in html
    assert "<script" not in html.split("<main", 1)[1]  # the page works without JavaScript


def test_an_outsider_sees_no_figures_and_exports_nothing(sample_run, outsider, client_for):
    client = client_for(outsider)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/?upload={sample_run.upload_id}").status_code == 403
    assert client.get("/reports/figures.csv").status_code == 403
    assert client.get("/reports/summary.pdf").status_code == 403
    assert client.get("/exports/determinations.csv").status_code == 403
    assert not AuditEntry.objects.filter(event=AuditEvent.EXPORT).exists()


def test_a_clerk_cannot_export_records_but_can_export_figures(sample_run, clerk, client_for):
    client = client_for(clerk)
    assert client.get(f"/exports/determinations.csv?upload={sample_run.upload_id}").status_code == 403
    assert client.get(f"/exports/determinations.xlsx?upload={sample_run.upload_id}").status_code == 403
    assert client.get(f"/reports/figures.csv?upload={sample_run.upload_id}").status_code == 200


def test_the_determinations_csv_follows_the_queue_filter_and_is_audited(sample_run, attorney, client_for):
    response = client_for(attorney).get(
        f"/exports/determinations.csv?upload={sample_run.upload_id}&outcome=not_eligible"
    )
    lines = list(csv.reader(io.StringIO(_body(response).decode())))
    expected = Determination.objects.filter(run=sample_run, outcome="not_eligible")
    assert len(lines) - 1 == expected.count()
    assert {line[2] for line in lines[1:]} == {str(d.line) for d in expected}
    assert all(line[12] == "Not eligible" for line in lines[1:])
    entry = AuditEntry.objects.get(event=AuditEvent.EXPORT)
    assert entry.detail["what"] == "determinations_csv" and entry.detail["rows"] == expected.count()


def test_the_xlsx_holds_every_row_and_a_suppressed_summary_with_exact_totals(sample_run, attorney, client_for):
    response = client_for(attorney).get(f"/exports/determinations.xlsx?upload={sample_run.upload_id}")
    book = load_workbook(io.BytesIO(_body(response)), read_only=True)
    rows = list(book["Determinations"].iter_rows(values_only=True))
    assert len(rows) - 1 == Determination.objects.filter(run=sample_run).count()
    summary = list(book["Summary"].iter_rows(values_only=True))
    total_line = next(line for line in summary if line and line[0] == "Total")
    assert total_line[-1] == str(len(rows) - 1)  # the grand total is exact
    cells = [c for line in summary[1:] if line and line[0] not in ("Total", None) for c in line[1:] if c]
    for cell in cells:
        assert cell in ("<11", "*", "0") or int(cell) >= SUPPRESS_BELOW


def test_the_figures_csv_never_shows_a_small_count(sample_run, attorney, client_for):
    text = _body(client_for(attorney).get(f"/reports/figures.csv?upload={sample_run.upload_id}")).decode()
    for line in csv.reader(io.StringIO(text)):
        for cell in line[1:]:
            if cell.isdigit():
                assert int(cell) == 0 or int(cell) >= SUPPRESS_BELOW, line
    assert "<11" in text  # the sample is small: something had to be suppressed
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORT, detail__what="figures_csv").exists()


def test_the_summary_report_is_a_pdf_with_the_policy_and_suppressed_counts(sample_run, attorney, client_for):
    response = client_for(attorney).get(f"/reports/summary.pdf?upload={sample_run.upload_id}")
    pdf = _body(response)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert sample_run.policy.name in text and "SACRAMENTO" in text and "What happens next" in text
    assert "<11" in text
    assert str(Determination.objects.filter(run=sample_run).count()) in text
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORT, detail__what="summary_pdf").exists()


def test_a_comparison_is_started_from_the_dashboard_and_shown_when_done(sample_run, attorney, client_for):
    client = client_for(attorney)
    a, b = policy_get_current(slug="statutory"), policy_get_current(slug="dismiss_all")
    response = client.post(
        f"/reports/uploads/{sample_run.upload_id}/comparison/",
        {"policy_a": a.pk, "policy_b": b.pk, "as_of": "2019-11-11"},
    )
    comparison = PolicyComparison.objects.get()
    assert response.status_code == 302 and f"id={comparison.pk}" in response["Location"]
    waiting = client.get(response["Location"]).content.decode()
    assert "Comparing: 0 of" in waiting
    comparison_run(comparison_id=comparison.pk)  # what the worker does
    page = client.get(response["Location"]).content.decode()
    assert "Convictions whose recommendation changes from A to B" in page and "<svg" in page


def test_the_dashboard_makes_the_same_number_of_queries_with_more_decisions(sample_run, attorney, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(attorney)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/reports/?upload={sample_run.upload_id}")
    approve_everything(sample_run, attorney)
    with CaptureQueriesContext(connection) as after:
        client.get(f"/reports/?upload={sample_run.upload_id}")
    assert len(before) == len(after) <= 25


def test_quality_sampling_roles(sample_run, attorney, clerk, administrator, outsider, client_for, make_user):
    from cases.choices import Role
    from cases.models import QualitySample, SecondReview

    approve_everything(sample_run, attorney)
    assert client_for(outsider).get("/reports/quality/").status_code == 403
    assert client_for(clerk).get("/reports/quality/").status_code == 200
    assert client_for(clerk).post("/reports/quality/", {"percentage": "50"}).status_code == 403
    assert client_for(attorney).post("/reports/quality/", {"percentage": "50"}).status_code == 403
    assert not QualitySample.objects.exists()
    client_for(administrator).post("/reports/quality/", {"percentage": "50"})
    review = SecondReview.objects.order_by("id").first()
    assert review is not None
    # The first reviewer does not see their own decisions to review again; another attorney does.
    assert f"/reports/quality/{review.pk}/" not in client_for(attorney).get("/reports/quality/").content.decode()
    second = make_user("second", Role.ATTORNEY)
    assert f"/reports/quality/{review.pk}/" in client_for(second).get("/reports/quality/").content.decode()
    assert (
        client_for(clerk).post(f"/reports/quality/{review.pk}/", {"outcome": review.first_outcome}).status_code == 403
    )
    assert (
        client_for(outsider).post(f"/reports/quality/{review.pk}/", {"outcome": review.first_outcome}).status_code
        == 404
    )
    client_for(second).post(f"/reports/quality/{review.pk}/", {"outcome": review.first_outcome})
    review.refresh_from_db()
    assert review.second_outcome == review.first_outcome and review.reviewer == second
