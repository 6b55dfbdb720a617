"""Ingest DOJ bulk files in-process, printing one JSON line per file.

Exit status: 0 when every line of every file was read, 3 when some lines were quarantined,
2 when a file was refused (the worst case wins).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services.ingest import upload_ingest
from cases.services.uploads import UploadRefused, upload_receive_path

EXIT_OK = 0
EXIT_REFUSED = 2
EXIT_QUARANTINED = 3
MAX_ERRORS_PRINTED = 1000


class Command(BaseCommand):
    help = "Ingest one or more DOJ bulk files (header optional) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--county", default="", help="The office's county (default: the file's main county)")

    def handle(self, *args: Any, **options: Any) -> None:
        worst = EXIT_OK
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                upload, _ = upload_receive_path(path=path, user=None, county=options["county"])
            except UploadRefused as exc:
                self.stdout.write(
                    json.dumps({"file": str(path), "upload_id": None, "status": "refused", "reason": str(exc)})
                )
                worst = EXIT_REFUSED
                continue
            upload = upload_ingest(upload_id=upload.pk)
            errors = list(upload.errors.order_by("line").values("line", "reason")[:MAX_ERRORS_PRINTED])
            self.stdout.write(
                json.dumps(
                    {
                        "file": str(path),
                        "upload_id": upload.pk,
                        "status": upload.status,
                        "rows": upload.row_count,
                        "subjects": upload.subject_count,
                        "convictions": upload.conviction_count,
                        "errors": errors,
                    }
                )
            )
            if upload.error_count and worst == EXIT_OK:
                worst = EXIT_QUARANTINED
        if worst != EXIT_OK:
            raise SystemExit(worst)
