"""Ingest DOJ files and classify them in-process: gogen's job, explained and auditable.

Writes DIR/results.csv (one row per candidate), DIR/summary.json (the figures; a list when
several files are given) and, with --annotated, DIR/annotated_<file>.csv: the input with the
result columns appended. The uploads are then visible in the browser like any other.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.choices import UploadStatus
from cases.chunk_processes import run_chunks
from cases.models import ClassificationChunk, Determination, Upload
from cases.models import Policy as PolicyRecord
from cases.selectors import summary_of
from cases.services.classify import classification_start
from cases.services.ingest import upload_ingest
from cases.services.policies import policy_get_current, policy_save
from cases.services.uploads import UploadRefused, upload_receive_path
from clearance.doj.layout import COLUMNS
from clearance.eligibility.policies import PolicyError

RESULT_COLUMNS = [
    "file", "line", "subject_id", "cii", "name", "case_number", "court", "code_section", "severity",
    "conviction_date", "outcome", "suggested_outcome", "reasons", "flags",
]  # fmt: skip
ANNOTATION_COLUMNS = ["Outcome", "Suggested Outcome", "Reasons", "Flags"]


class Command(BaseCommand):
    help = "Ingest and classify DOJ bulk files; write results.csv and summary.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--county", required=True)
        parser.add_argument("--policy", default="statutory", help="A policy slug, e.g. statutory, dismiss_all, bear")
        parser.add_argument("--options", type=Path, help="BEAR options JSON (with --policy bear or a new slug)")
        parser.add_argument("--as-of", dest="as_of", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--annotated", action="store_true", help="Also write each input with results appended")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that classify chunks of people side by side (default: one per core)",
        )

    def _policy(self, slug: str, options_path: Path | None) -> PolicyRecord:
        try:
            if options_path is None:
                return policy_get_current(slug=slug)
            options = json.loads(options_path.read_text())
            current = PolicyRecord.objects.filter(slug=slug).order_by("-version").first()
            if current is not None and current.kind == "bear" and current.options == _validated(options, slug):
                return current
            return policy_save(
                slug=slug, kind="bear", name=f"BEAR options from {options_path.name}", options=options, user=None
            )
        except (PolicyError, json.JSONDecodeError, OSError) as exc:
            raise CommandError(f"policy {slug}: {exc}") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        policy = self._policy(options["policy"], options["options"])
        summaries = []
        with (out / "results.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RESULT_COLUMNS)
            for path in options["files"]:
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                try:
                    upload, _ = upload_receive_path(path=path, user=None, county=options["county"])
                except UploadRefused as exc:
                    raise CommandError(str(exc)) from exc
                if upload.county != " ".join(options["county"].upper().split()):
                    Upload.objects.filter(pk=upload.pk).update(county=" ".join(options["county"].upper().split()))
                upload = upload_ingest(upload_id=upload.pk)
                if upload.status != UploadStatus.INGESTED:
                    raise CommandError(f"{path}: ingestion failed: {upload.failure}")
                run = classification_start(upload=upload, policy=policy, as_of=options["as_of"], queue=False)
                chunk_ids = ClassificationChunk.objects.filter(run=run).order_by("index").values_list("id", flat=True)
                run_chunks(list(chunk_ids), jobs=options["jobs"])
                run.refresh_from_db()
                # Values, not model instances: building 37,000 of them took longer than writing the file.
                rows = Determination.objects.filter(run=run).order_by("line").values_list(
                    "line", "person__subject_id", "person__cii", "person__name", "case_number", "court", "section",
                    "severity", "conviction_date", "outcome", "suggested_outcome", "reason_codes", "flags",
                )  # fmt: skip
                results = {}
                for line, *person_and_case, convicted, outcome, suggested, reason_codes, flags in rows.iterator(
                    chunk_size=2000
                ):
                    values = [outcome, suggested, ";".join(reason_codes), ";".join(flags)]
                    results[line] = values
                    date = convicted.isoformat() if convicted else ""
                    writer.writerow([path.name, line, *person_and_case, date, *values])
                summaries.append(summary_of(run))
                if options["annotated"]:
                    _annotate(path, out / f"annotated_{path.stem}.csv", results)
                self.stderr.write(
                    f"{path.name}: {run.figures.get('candidates', 0)} candidates, "
                    f"outcomes {run.figures.get('outcomes', {})}"
                )
        summary: Any = summaries[0] if len(summaries) == 1 else summaries
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))


def _validated(options: dict[str, Any], slug: str) -> dict[str, Any]:
    from clearance.eligibility.policies import bear_policy

    return dict(bear_policy(options, slug=slug).options)


def _annotate(source: Path, target: Path, results: dict[int, list[str]]) -> None:
    """The input, line by line, with result columns appended (like gogen's All_Results file)."""
    from clearance.doj.reader import BadLine, Reader

    with source.open("rb") as stream, target.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, *ANNOTATION_COLUMNS])
        for item in Reader(stream):
            if isinstance(item, BadLine):
                continue
            writer.writerow([*item.fields, *results.get(item.line, ["", "", "", ""])])
