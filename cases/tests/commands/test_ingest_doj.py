from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from cases.models import Upload
from cases.tests.conftest import sample

pytestmark = pytest.mark.django_db


def _run(capsys, *files):
    code = 0
    try:
        call_command("ingest_doj", *[str(f) for f in files])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return code, lines


def test_a_clean_file_exits_0_with_its_counts(capsys):
    code, lines = _run(capsys, sample("gogen_no_headers.csv"))
    upload = Upload.objects.get()
    assert code == 0
    assert lines == [
        {
            "file": str(sample("gogen_no_headers.csv")),
            "upload_id": upload.pk,
            "status": "ingested",
            "rows": upload.row_count,
            "subjects": upload.subject_count,
            "convictions": upload.conviction_count,
            "errors": [],
        }
    ]
    assert upload.row_count == 38


def test_quarantined_lines_exit_3_and_are_listed(capsys):
    code, lines = _run(capsys, sample("bear_bad_field_count.dat"))
    assert code == 3
    assert lines[0]["errors"] == [{"line": 2, "reason": "line has 94 fields; the DOJ layout has 95"}]


def test_a_refused_file_exits_2_and_the_others_still_load(capsys):
    code, lines = _run(capsys, sample("gogen_bad_field_count.csv"), sample("bear_bad_field_count.dat"))
    assert code == 2
    assert lines[0]["status"] == "refused" and "94 fields" in lines[0]["reason"]
    assert lines[1]["status"] == "ingested"
    assert Upload.objects.count() == 1


def test_the_same_file_twice_is_one_upload(capsys):
    _, first = _run(capsys, sample("gogen_no_headers.csv"))
    _, again = _run(capsys, sample("gogen_no_headers.csv"))
    assert first[0]["upload_id"] == again[0]["upload_id"]
    assert Upload.objects.count() == 1


def test_generate_doj_writes_the_same_bytes_for_the_same_seed(tmp_path):
    one, two = tmp_path / "one.dat", tmp_path / "two.dat"
    call_command("generate_doj", "--rows", "500", "--seed", "3", "--county", "YOLO", "--out", str(one))
    call_command("generate_doj", "--rows", "500", "--seed", "3", "--county", "YOLO", "--out", str(two))
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_bytes().splitlines()) == 501
