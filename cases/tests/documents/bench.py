"""Time the court paperwork against the floor WeasyPrint sets on this machine (not a test).

    DJANGO_DEBUG=1 DATABASE_URL=... REDIS_URL=... .venv/bin/python -m cases.tests.documents.bench
        [--cases 400] [--exhibit-rows 5000] [--packet-counts 66000] [--workers 2] [--stages ...]

Prints, each stage in a fresh process so that its peak memory is its own:

- floor: seconds per one-page `<p>Hello</p>` PDF in the bundled serif (`one_page_floor`);
- per-case: per-case motions per second, laid out in batches (`per_case_documents`), and with
  `--workers` processes sharing the cases;
- exhibit: seconds per 1,000 exhibit rows (parts rendered one after the other and merged) and
  the process's peak RSS;
- packet: a whole bulk packet (`bulk_packet(rows_per_part=...)`) of `--packet-counts` counts,
  its specs rendered by `--workers` processes and merged in order, with each process's peak RSS.

The data are `samples.many_rows` (made up): two counts per case, a third of them sealed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import groupby
from multiprocessing import get_context
from typing import Any

STAGES = ("floor", "per-case", "exhibit", "packet")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--floor-renders", type=int, default=50)
    parser.add_argument("--cases", type=int, default=400, help="per-case motions to render")
    parser.add_argument("--batch", type=int, default=0, help="cases laid out together (0: PER_CASE_BATCH)")
    parser.add_argument("--exhibit-rows", type=int, default=5000)
    parser.add_argument("--packet-counts", type=int, default=66000)
    parser.add_argument("--rows-per-part", type=int, default=0, help="0: the module's ROWS_PER_PART")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # run one stage here
    args = parser.parse_args(argv)

    if args.stage:
        _setup()
        print(json.dumps(RUNNERS[args.stage](args)))
        return 0
    for stage in args.stages:
        command = [sys.executable, "-m", "cases.tests.documents.bench", "--stage", stage, *_passed(args)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            sys.stderr.write(result.stderr)
            return result.returncode
        print(REPORTS[stage](json.loads(result.stdout.splitlines()[-1])))
    return 0


def _passed(args: argparse.Namespace) -> list[str]:
    return [
        f"--floor-renders={args.floor_renders}",
        f"--cases={args.cases}",
        f"--batch={args.batch}",
        f"--exhibit-rows={args.exhibit_rows}",
        f"--packet-counts={args.packet_counts}",
        f"--rows-per-part={args.rows_per_part}",
        f"--workers={args.workers}",
    ]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearance.settings")
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pool(workers: int) -> ProcessPoolExecutor:
    # Fresh interpreters (spawn): WeasyPrint's Pango state is not shared across a fork.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_setup)


# ---------------------------------------------------------------- stages


def floor(args: argparse.Namespace) -> dict[str, Any]:
    from cases.documents.render import font_subsetter, one_page_floor

    return {"seconds": one_page_floor(args.floor_renders), "renders": args.floor_renders, "subsetter": font_subsetter()}


def _case_groups(cases: int) -> list[list[Any]]:
    from cases.documents.paperwork import conviction_sort_key
    from cases.tests.documents import samples

    rows = sorted(samples.many_rows(2 * cases), key=conviction_sort_key)
    return [list(group) for _, group in groupby(rows, key=lambda row: (row.court_case_number, row.cii, row.name))][
        :cases
    ]


def _render_cases(groups: Sequence[Sequence[Any]], batch: int) -> tuple[int, int, float]:
    from cases.documents import per_case_documents
    from cases.documents.paperwork import PER_CASE_BATCH
    from cases.tests.documents import samples

    sizes = sum(len(pdf) for _, pdf in per_case_documents(samples.INFO, groups, batch=batch or PER_CASE_BATCH))
    return len(groups), sizes, _peak_rss_mb()


def per_case(args: argparse.Namespace) -> dict[str, Any]:
    groups = _case_groups(args.cases)
    started = time.perf_counter()
    _, size, rss = _render_cases(groups, args.batch)
    one = time.perf_counter() - started
    from cases.documents.paperwork import PER_CASE_BATCH

    batch = args.batch or PER_CASE_BATCH
    result: dict[str, Any] = {"cases": len(groups), "seconds": one, "bytes": size, "rss": rss, "batch": batch}
    if args.workers > 1:
        shares = [groups[n :: args.workers] for n in range(args.workers)]
        with _pool(args.workers) as pool:
            pool.submit(_warm).result()
            started = time.perf_counter()
            done = list(pool.map(_render_cases, shares, [args.batch] * args.workers))
        result["parallel_seconds"] = time.perf_counter() - started
        result["worker_rss"] = [rss for _, _, rss in done]
    return result


def _warm() -> None:
    from cases.documents import one_page_floor

    one_page_floor(1)


def exhibit(args: argparse.Namespace) -> dict[str, Any]:
    from cases.documents import exhibit_part_specs, merge_pdfs, render_pdf
    from cases.documents.paperwork import ROWS_PER_PART
    from cases.tests.documents import samples

    rows = [row for row in samples.many_rows(args.exhibit_rows * 3 // 2 + 3) if not row.sealed][: args.exhibit_rows]
    rows_per_part = args.rows_per_part or ROWS_PER_PART
    started = time.perf_counter()
    specs = exhibit_part_specs(samples.INFO, rows, sealed=False, rows_per_part=rows_per_part)
    specified = time.perf_counter()
    parts = [render_pdf(*spec) for spec in specs]
    rendered = time.perf_counter()
    merged = merge_pdfs(parts) if len(parts) > 1 else parts[0]
    merged_at = time.perf_counter()
    return {
        "rows": len(rows),
        "parts": len(specs),
        "rows_per_part": rows_per_part,
        "seconds": merged_at - started,
        "spec_seconds": specified - started,
        "render_seconds": rendered - specified,
        "merge_seconds": merged_at - rendered,
        "bytes": len(merged),
        "rss": _peak_rss_mb(),
    }


def _weight(spec: Any) -> int:
    """Rows a spec lists: what its rendering time grows with."""
    table = spec.context.get("table")
    listings = ("sealed_listing", "misdemeanor_listing", "infraction_listing")
    return len(table) if table else sum(spec.context[key].counts for key in listings if key in spec.context)


def _render_spec(spec: Any) -> tuple[bytes, float, float]:
    from cases.documents import render_pdf

    started = time.perf_counter()
    pdf = render_pdf(*spec)
    return pdf, time.perf_counter() - started, _peak_rss_mb()


def packet(args: argparse.Namespace) -> dict[str, Any]:
    from cases.documents import bulk_packet, merge_pdfs
    from cases.documents.paperwork import ROWS_PER_PART
    from cases.tests.documents import samples

    rows = samples.many_rows(args.packet_counts)
    rows_per_part = args.rows_per_part or ROWS_PER_PART
    with _pool(args.workers) as pool:
        pool.submit(_warm).result()
        started = time.perf_counter()
        specs = bulk_packet(samples.INFO, rows, rows_per_part=rows_per_part)
        specified = time.perf_counter()
        every = [*specs.public, *specs.sealed]
        # Biggest first (the order lists every redesignated count), so that no worker is left
        # with a long document at the end.
        order = sorted(range(len(every)), key=lambda n: -_weight(every[n]))
        futures = {n: pool.submit(_render_spec, every[n]) for n in order}
        done = {n: future.result() for n, future in futures.items()}
        rendered = time.perf_counter()
        public = merge_pdfs([done[n][0] for n in range(len(specs.public))], title="Public packet")
        sealed = merge_pdfs([done[n][0] for n in range(len(specs.public), len(every))], title="Sealed exhibit")
        merged = time.perf_counter()
        worker_rss = [pool.submit(_peak_rss_mb).result() for _ in range(args.workers * 4)]
    return {
        "counts": len(rows),
        "documents": len(every),
        "rows_per_part": rows_per_part,
        "workers": args.workers,
        "seconds": merged - started,
        "spec_seconds": specified - started,
        "render_seconds": rendered - specified,
        "merge_seconds": merged - rendered,
        "cpu_seconds": sum(seconds for _, seconds, _ in done.values()),
        "bytes": [len(public), len(sealed)],
        "rss": _peak_rss_mb(),
        "worker_rss": max(worker_rss),
    }


RUNNERS = {"floor": floor, "per-case": per_case, "exhibit": exhibit, "packet": packet}


# ---------------------------------------------------------------- reports


def _floor_report(result: dict[str, Any]) -> str:
    seconds = result["seconds"]
    report = f"one-page floor: {seconds * 1000:.1f} ms per document ({1 / seconds:.0f}/s, {result['renders']} renders)"
    report += f", fonts subset by {result['subsetter']}"
    if result["subsetter"] != "HarfBuzz":
        report += " (install libharfbuzz-subset0: without it every document takes about twice as long)"
    return report


def _per_case_report(result: dict[str, Any]) -> str:
    cases, seconds = result["cases"], result["seconds"]
    line = (
        f"per-case motions: {cases} in {seconds:.1f} s, {cases / seconds:.1f} documents/s "
        f"({seconds / cases * 1000:.1f} ms each, batches of {result['batch']}), peak RSS {result['rss']:.0f} MB"
    )
    if "parallel_seconds" in result:
        parallel = result["parallel_seconds"]
        line += (
            f"\n  with {len(result['worker_rss'])} processes: {parallel:.1f} s, {cases / parallel:.1f} documents/s; "
            f"8,132 would take {8132 * parallel / cases:.0f} s; worker peak RSS "
            + ", ".join(f"{rss:.0f} MB" for rss in result["worker_rss"])
        )
    return line


def _exhibit_report(result: dict[str, Any]) -> str:
    rows, seconds = result["rows"], result["seconds"]
    return (
        f"exhibit: {rows:,} rows in {result['parts']} part(s) of up to {result['rows_per_part']:,}: {seconds:.1f} s, "
        f"{seconds / rows * 1000:.2f} s per 1,000 rows (specs {result['spec_seconds']:.1f} s, render "
        f"{result['render_seconds']:.1f} s, merge {result['merge_seconds']:.1f} s), peak RSS {result['rss']:.0f} MB, "
        f"{result['bytes'] / 1e6:.1f} MB PDF"
    )


def _packet_report(result: dict[str, Any]) -> str:
    return (
        f"bulk packet: {result['counts']:,} counts, {result['documents']} documents (parts of up to "
        f"{result['rows_per_part']:,} rows) in {result['seconds']:.1f} s with {result['workers']} processes "
        f"(specs {result['spec_seconds']:.1f} s, render {result['render_seconds']:.1f} s = "
        f"{result['cpu_seconds']:.0f} s of work, merge {result['merge_seconds']:.1f} s); peak RSS: main "
        f"{result['rss']:.0f} MB, workers {result['worker_rss']:.0f} MB; PDFs "
        + " + ".join(f"{size / 1e6:.1f} MB" for size in result["bytes"])
    )


REPORTS = {"floor": _floor_report, "per-case": _per_case_report, "exhibit": _exhibit_report, "packet": _packet_report}


if __name__ == "__main__":
    sys.exit(main())
