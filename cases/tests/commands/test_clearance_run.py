from __future__ import annotations

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import ClassificationRun, Determination, Upload
from cases.tests.conftest import sample

pytestmark = pytest.mark.django_db


def _run(tmp_path, *extra, policy="bear", options=True):
    args = [
        str(sample("gogen_configurable_flow_input.csv")),
        "--county",
        "SACRAMENTO",
        "--policy",
        policy,
        "--as-of",
        "2019-11-11",
        "--out",
        str(tmp_path),
        *extra,
    ]
    if options:
        args += ["--options", str(sample("gogen_configurable_flow_options.json"))]
    call_command("clearance_run", *args)
    with (tmp_path / "results.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return rows, json.loads((tmp_path / "summary.json").read_text())


def test_it_writes_one_result_row_per_candidate_and_the_summary(tmp_path):
    rows, summary = _run(tmp_path)
    run = ClassificationRun.objects.get()
    assert len(rows) == Determination.objects.filter(run=run).count() == summary["candidates"] == 18
    for column in (
        "file",
        "line",
        "subject_id",
        "cii",
        "name",
        "case_number",
        "court",
        "code_section",
        "severity",
        "conviction_date",
        "outcome",
        "reasons",
        "flags",
    ):
        assert column in rows[0]
    physical = sample("gogen_configurable_flow_input.csv").read_text().splitlines()
    for row in rows:
        assert row["subject_id"] in physical[int(row["line"]) - 1]
        assert row["file"] == "gogen_configurable_flow_input.csv"
    assert summary["policy"] == "bear" and summary["county"] == "SACRAMENTO" and summary["as_of"] == "2019-11-11"
    assert set(summary["outcomes"]) == {
        "dismiss_and_seal",
        "reduce_to_misdemeanor",
        "reduce_to_infraction",
        "not_eligible",
        "needs_review",
    }
    for key in (
        "upload_id",
        "policy_version",
        "rows_read",
        "seconds",
        "by_section",
        "by_reason",
        "people_with_relief",
        "impact",
        "equity",
    ):
        assert key in summary
    assert set(summary["impact"]) == {"policy", "dismiss_all"}
    assert set(summary["equity"]) == {"race", "gender", "age_band"}


def test_running_again_reuses_the_upload_and_the_policy_version(tmp_path):
    _run(tmp_path / "one")
    _run(tmp_path / "two")
    assert Upload.objects.count() == 1
    runs = ClassificationRun.objects.all()
    assert runs.count() == 2 and len({r.policy_id for r in runs}) == 1


def test_annotated_output_appends_results_to_every_input_row(tmp_path):
    rows, _ = _run(tmp_path, "--annotated")
    with (tmp_path / "annotated_gogen_configurable_flow_input.csv").open() as handle:
        annotated = list(csv.reader(handle))
    assert len(annotated[0]) == 95 + 4
    assert len(annotated) - 1 == 38
    assert sum(1 for line in annotated[1:] if line[95]) == len(rows)


def test_bad_options_stop_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"additionalRelief": {"subjectAgeThreshold": 70}}))
    with pytest.raises(CommandError, match="subjectAgeThreshold"):
        call_command(
            "clearance_run",
            str(sample("gogen_no_headers.csv")),
            "--county",
            "SAN JOAQUIN",
            "--policy",
            "bear",
            "--options",
            str(bad),
            "--as-of",
            "2019-11-11",
            "--out",
            str(tmp_path),
        )


@pytest.mark.django_db(transaction=True)
def test_two_processes_classify_the_chunks_to_the_same_results_as_one(tmp_path, monkeypatch):
    from cases.choices import RunStatus
    from cases.services import classify

    monkeypatch.setattr(classify, "CHUNK_PEOPLE", 2)  # several chunks from the small sample
    one, one_summary = _run(tmp_path / "one", "--jobs", "1")
    two, two_summary = _run(tmp_path / "two", "--jobs", "2")

    runs = list(ClassificationRun.objects.order_by("id"))
    assert len(runs) == 2 and runs[1].chunks_total > 2
    assert all(run.status == RunStatus.DONE and run.people_done == run.people_total for run in runs)
    assert two == one
    differs = {"seconds", "run_id"}
    assert {k: v for k, v in two_summary.items() if k not in differs} == {
        k: v for k, v in one_summary.items() if k not in differs
    }
