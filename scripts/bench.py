"""`make bench`: ingestion of a generated DOJ file against the PostgreSQL COPY floor.

Measured in the same run, on the same database server:
- floor: PostgreSQL COPYs the file's text into an UNLOGGED table of 95 text columns;
- ingestion: `manage.py ingest_doj FILE` in a fresh process (wall time, peak memory), into a
  fresh database, so nothing is reused;
- `clearance_run`, the review screens (scripts/bench_review.py) and the upload API with two workers;
- unless --skip-documents: the court documents against WeasyPrint's one-page floor
  (cases/tests/documents/bench.py), then whole packets through the packet service and two
  Celery workers (scripts/bench_packets.py).

    python scripts/bench.py [--rows 1000000] [--seed 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DB = "clearance_bench"
FLOOR_RUNS = 3


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _generate(rows: int, seed: int) -> tuple[Path, float | None]:
    path = BENCH_DIR / f"doj_{rows}_{seed}.dat"
    if path.exists():
        return path, None
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_doj",
            "--rows",
            str(rows),
            "--seed",
            str(seed),
            "--county",
            "SAN FRANCISCO",
            "--out",
            str(path),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - started


def _fresh_database(admin_url: str) -> str:
    with psycopg.connect(_with_database(admin_url, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return _with_database(admin_url, BENCH_DB)


def _floor(url: str, path: Path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(95))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(f"CREATE UNLOGGED TABLE bench_floor ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            path.open("rb") as source,
            cur.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_floor")
    return seconds


def _child(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, its peak resident memory in MiB, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return seconds, peak, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=64)
    parser.add_argument("--skip-documents", action="store_true", help="leave out the court-paperwork stage")
    args = parser.parse_args()

    path, generated = _generate(args.rows, args.seed)
    url = _fresh_database(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": url, "CLEARANCE_UPLOAD_ROOT": str(BENCH_DIR / "uploads")}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    # The floor is short and this machine is noisy: take the median of three.
    floor = statistics.median(_floor(url, path) for _ in range(FLOOR_RUNS))
    seconds, peak, output = _child([sys.executable, "manage.py", "ingest_doj", str(path)], env)
    report = json.loads(output.splitlines()[-1])

    # End to end in-process: a fresh database again, so the file is ingested, then classified.
    url = _fresh_database(os.environ["DATABASE_URL"])
    env = {**env, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    run_seconds, run_peak, _ = _child(
        [
            sys.executable,
            "manage.py",
            "clearance_run",
            str(path),
            "--county",
            "SAN FRANCISCO",
            "--policy",
            "statutory",
            "--as-of",
            "2019-11-11",
            "--out",
            str(BENCH_DIR / "run"),
        ],
        env,
    )
    summary = json.loads((BENCH_DIR / "run" / "summary.json").read_text())
    # The review screens, on the upload clearance_run just classified. Autovacuum would have
    # visited the fresh tables by the time attorneys open the queue; do it now, explicitly, so
    # the figures do not depend on when its daemon happens to wake.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    review = json.loads(
        subprocess.run(
            [sys.executable, "scripts/bench_review.py"],
            cwd=ROOT,
            env={**env, "DJANGO_ALLOWED_HOSTS": "testserver"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )

    # Through the upload API with two Celery workers: a third fresh database.
    url = _fresh_database(os.environ["DATABASE_URL"])
    env = {**env, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    api_seconds = _through_api(path, env)
    results = {
        "rows": report["rows"],
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "generate_seconds": round(generated, 1) if generated else "cached",
        "floor_seconds": round(floor, 2),
        "ingest_seconds": round(seconds, 2),
        "ratio_to_floor": round(seconds / floor, 2),
        "rows_per_second": round(report["rows"] / seconds),
        "ingest_peak_mib": round(peak),
        "clearance_run_seconds": round(run_seconds, 2),
        "clearance_run_ratio": round(run_seconds / floor, 2),
        "clearance_run_peak_mib": round(run_peak),
        "candidates": summary["candidates"],
        "review": review,
        "api_two_workers_seconds": round(api_seconds, 2),
        "api_ratio": round(api_seconds / floor, 2),
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2))
    print(f"DOJ file: {results['rows']:,} rows, {results['file_mib']} MiB")
    print(f"COPY floor (unlogged, 95 text columns): {results['floor_seconds']} s")
    print(
        f"ingest_doj: {results['ingest_seconds']} s = {results['ratio_to_floor']}x the floor, "
        f"{results['rows_per_second']:,} rows/s, peak memory {results['ingest_peak_mib']} MiB"
    )
    print(
        f"clearance_run (ingest + classify {results['candidates']:,} candidates): {results['clearance_run_seconds']} s"
        f" = {results['clearance_run_ratio']}x the floor, peak memory {results['clearance_run_peak_mib']} MiB"
    )
    print(f"review screens over {review['determinations']:,} determinations (server time, ms):")
    for name, figures in review.items():
        if isinstance(figures, dict):
            print(f"  {name}: median {figures['median_ms']}, p95 {figures['p95_ms']}")
    print(
        f"upload API, two workers, until classified: {results['api_two_workers_seconds']} s = "
        f"{results['api_ratio']}x the floor"
    )
    with psycopg.connect(_with_database(os.environ["DATABASE_URL"], "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    if not args.skip_documents:
        # Court paperwork at the size of San Francisco's and Los Angeles's batches, against the
        # one-page WeasyPrint floor measured in the same process (cases/tests/documents/bench.py).
        print("court documents (8,132 per-case motions; a 66,000-count bulk packet; two processes):", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cases.tests.documents.bench",
                "--cases",
                "8132",
                "--exhibit-rows",
                "5000",
                "--packet-counts",
                "66000",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        # The same sizes through the packet service: two Celery workers share each packet's parts.
        url = _fresh_database(os.environ["DATABASE_URL"])
        env = {**env, "DATABASE_URL": url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        packets = subprocess.run(
            [sys.executable, "scripts/bench_packets.py", "--bulk-counts", "66000", "--per-case", "8132"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(packets.stdout.strip().splitlines()[-1])
        for name, label in (("bulk", "bulk packet"), ("per_case", "per-case packet")):
            f = figures[name]
            print(
                f"packet service, two workers: {label} of {f['counts']:,} counts in {f['parts']} parts: "
                f"{f['seconds']} s, worker peak memory {f['worker_peak_mib']} MiB"
            )
        with psycopg.connect(_with_database(os.environ["DATABASE_URL"], "postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _through_api(path: Path, env: dict[str, str]) -> float:
    """POST the file to /api/uploads/ in-process and wait for two worker processes to classify it."""
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clearance",
                "worker",
                "--pool=solo",
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    script = (
        "import time, django; django.setup()\n"
        "from django.contrib.auth.models import User\n"
        "from rest_framework.test import APIClient\n"
        "from cases.models import ClassificationRun, Upload\n"
        "from cases.choices import RunStatus, UploadStatus\n"
        "from clearance.celery import app\n"
        "app.control.purge()\n"
        "from django.contrib.auth.models import Group\n"
        "user = User.objects.create_user('bench', password='bench-only-password')\n"
        "user.groups.add(Group.objects.get_or_create(name='attorney')[0])\n"
        "client = APIClient(); client.force_authenticate(user)\n"
        "started = time.perf_counter()\n"
        f"with open({str(path)!r}, 'rb') as handle:\n"
        "    upload_id = client.post('/api/uploads/', {'file': handle}, format='multipart').json()['id']\n"
        "while not ClassificationRun.objects.filter(upload_id=upload_id, status=RunStatus.DONE).exists():\n"
        "    if Upload.objects.get(pk=upload_id).status == UploadStatus.FAILED: raise SystemExit('failed')\n"
        "    time.sleep(0.2)\n"
        "print(time.perf_counter() - started)\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            env={**env, "DJANGO_SETTINGS_MODULE": "clearance.settings", "DJANGO_ALLOWED_HOSTS": "testserver"},
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    if result.returncode != 0:
        sys.exit(f"the upload API run failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return float(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
