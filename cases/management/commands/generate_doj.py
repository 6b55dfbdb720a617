"""Write a synthetic, realistic DOJ bulk file: the same bytes for the same seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clearance.doj.synthetic import generate


class Command(BaseCommand):
    help = "Generate a synthetic DOJ bulk criminal-history file (fictional people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--county", default="SAN FRANCISCO")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--no-header", action="store_true", help="Omit the header line")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as stream:
            stats = generate(
                stream,
                rows=options["rows"],
                seed=options["seed"],
                county=options["county"],
                header=not options["no_header"],
            )
        self.stdout.write(
            json.dumps(
                {
                    "file": str(out),
                    "rows": stats.rows,
                    "subjects": stats.subjects,
                    "convictions": stats.convictions,
                    "cannabis_convictions": stats.cannabis_convictions,
                }
            )
        )
