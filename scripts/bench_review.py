"""Server time of the review screens on a classified upload (run by scripts/bench.py).

Requests go through Django's full stack in this process (middleware, sessions, templates,
the database), timed from request to response; each figure is the median and the 95th
percentile over ``--requests`` requests spread across the queue.

    DATABASE_URL=... python scripts/bench_review.py [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearance.settings")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"median_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * p95, 1)}


def _timed(count: int, request: Callable[[int], int]) -> dict[str, float]:
    samples = []
    for i in range(count):
        started = time.perf_counter()
        status = request(i)
        samples.append(time.perf_counter() - started)
        if status >= 400:
            raise SystemExit(f"request {i} answered {status}")
    return _percentiles(samples)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from rest_framework.test import APIClient

    from cases.choices import Outcome, ReviewStatus
    from cases.models import Determination
    from cases.review_queue import current_run_ids

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    n = args.requests
    rng = random.Random(7)

    user, _ = User.objects.get_or_create(username="bench-attorney")
    user.groups.add(Group.objects.get_or_create(name="attorney")[0])
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)

    runs = current_run_ids()
    upload_id = Determination.objects.filter(run_id__in=runs).values_list("upload_id", flat=True).first()
    candidates = Determination.objects.filter(run_id__in=runs)
    total = candidates.count()
    pages = max(1, total // 50)
    eligible_ids = list(
        candidates.filter(review_status=ReviewStatus.PENDING)
        .exclude(outcome=Outcome.NEEDS_REVIEW)
        .values_list("id", flat=True)[: 20 * n]
    )
    all_ids = list(candidates.values_list("id", flat=True)[: 20 * n])
    rng.shuffle(eligible_ids)
    rng.shuffle(all_ids)
    versions = dict(candidates.filter(id__in=eligible_ids[:n]).values_list("id", "version"))
    filtered = f"outcome={Outcome.NOT_ELIGIBLE.value}&status=pending"
    not_eligible = candidates.filter(outcome=Outcome.NOT_ELIGIBLE, review_status=ReviewStatus.PENDING).count()

    # A search for the commonest surname: the most rows a name search returns.
    from django.db.models.functions import Upper

    from cases.models import Person

    surnames = Person.objects.values_list(Upper("name"), flat=True)[:5000]
    counts = Counter(name.split(",")[0] for name in surnames if name)
    surname = counts.most_common(1)[0][0]

    # Warm up once: the first request compiles templates and opens the connection.
    client.get("/review/")

    results = {
        "determinations": total,
        "search": surname,
        "queue_unfiltered": _timed(n, lambda i: client.get(f"/review/?page={rng.randint(1, pages)}").status_code),
        "queue_filtered": _timed(
            n,
            lambda i: client.get(f"/review/?{filtered}&page={rng.randint(1, max(1, not_eligible // 50))}").status_code,
        ),
        "queue_search": _timed(n, lambda i: client.get(f"/review/?q={surname}&page={1 + i % 3}").status_code),
        "case_page": _timed(n, lambda i: client.get(f"/review/{all_ids[i]}/?{filtered}").status_code),
        "dashboard_upload": _timed(n // 4, lambda i: client.get(f"/reports/?upload={upload_id}").status_code),
        "dashboard_office": _timed(n // 4, lambda i: client.get("/reports/").status_code),
        "decision_api": _timed(
            n,
            lambda i: api.post(
                f"/api/determinations/{eligible_ids[i]}/decision/",
                {"action": "approve", "version": versions[eligible_ids[i]]},
                format="json",
            ).status_code,
        ),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
