"""Policy comparison: what two policies would do to an upload, before the office chooses.

The engine runs in memory over every person's history under both policies; only figures are
stored, on the comparison row. No determination, decision or run is created or changed, so a
comparison can never disturb review.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.adapters import engine_policy, histories_for
from cases.choices import AuditEvent, RunStatus, UploadStatus
from cases.models import Person, Policy, PolicyComparison, Upload
from cases.services.audit import audit_record
from cases.services.figures import RELIEF, UNKNOWN, age_band, merge_figures, person_impact
from clearance.eligibility.policies import evaluate_each
from clearance.eligibility.statute import cannabis_section, convictions_of

CHUNK_PEOPLE = 500


def comparison_start(
    *, upload: Upload, policy_a: Policy, policy_b: Policy, as_of: dt.date, user: User
) -> PolicyComparison:
    if upload.status != UploadStatus.INGESTED:
        raise ValueError("this upload is not ingested yet")
    if policy_a.pk == policy_b.pk:
        raise ValueError("choose two different policies or versions to compare")
    with transaction.atomic():
        comparison = PolicyComparison.objects.create(
            upload=upload,
            policy_a=policy_a,
            policy_b=policy_b,
            as_of=as_of,
            requested_by=user,
            people_total=Person.objects.filter(upload=upload).count(),
        )
        audit_record(
            event=AuditEvent.COMPARISON_STARTED,
            user=user,
            obj=comparison,
            detail={
                "upload": upload.pk,
                "a": f"{policy_a.slug} v{policy_a.version}",
                "b": f"{policy_b.slug} v{policy_b.version}",
                "as_of": as_of.isoformat(),
            },
        )
        from cases.tasks import compare_policies

        transaction.on_commit(lambda: compare_policies.delay(comparison.pk))
    return comparison


def comparison_run(*, comparison_id: int) -> PolicyComparison:
    """Evaluate every person under both policies and store the figures. Safe to run again."""
    comparison = PolicyComparison.objects.select_related("upload", "policy_a", "policy_b").get(pk=comparison_id)
    PolicyComparison.objects.filter(pk=comparison.pk).update(status=RunStatus.CLASSIFYING, people_done=0)
    policies = (engine_policy(comparison.policy_a), engine_policy(comparison.policy_b))
    ids = list(Person.objects.filter(upload=comparison.upload).order_by("id").values_list("id", flat=True))
    totals: dict[str, Any] = {}
    for start in range(0, len(ids), CHUNK_PEOPLE):
        chunk = ids[start : start + CHUNK_PEOPLE]
        totals = merge_figures(totals, _chunk(comparison, policies, chunk))
        PolicyComparison.objects.filter(pk=comparison.pk).update(people_done=F("people_done") + len(chunk))
    comparison.result = _shape(totals)
    comparison.status = RunStatus.DONE
    comparison.finished_at = timezone.now()
    comparison.people_done = comparison.people_total = len(ids)
    comparison.save(update_fields=["result", "status", "finished_at", "people_done", "people_total"])
    return comparison


def comparison_mark_failed(*, comparison_id: int, failure: str) -> None:
    PolicyComparison.objects.filter(pk=comparison_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, failure=failure[:2000]
    )


def _chunk(comparison: PolicyComparison, policies: tuple[Any, Any], person_ids: list[int]) -> dict[str, Any]:
    figures: dict[str, Any] = {"a": {}, "b": {}, "changes": {}}
    county = comparison.upload.county
    for person, history in histories_for(person_ids):
        convictions = convictions_of(history)  # once for the engine and both sides' impact figures
        results = evaluate_each(
            history, county=county, policies=policies, as_of=comparison.as_of, convictions=convictions
        )
        rows = {r.id: r for r in history.rows}
        by_side: dict[str, dict[int, str]] = {}
        for side, found in zip(("a", "b"), results, strict=True):
            outcomes = {d.row_id: d.outcome.value for d in found}
            by_side[side] = outcomes
            if not found:
                continue
            side_figures = figures[side]
            relieved = 0
            for d in found:
                _add(side_figures, "outcomes", d.outcome.value)
                section = cannabis_section(rows[d.row_id])
                _add(side_figures, "by_section", f"HS {section.number}" if section else "unknown", d.outcome.value)
                relieved += d.outcome.value in RELIEF
            side_figures["people_with_relief"] = side_figures.get("people_with_relief", 0) + int(bool(relieved))
            for key, value in person_impact(history, outcomes, comparison.as_of, convictions=convictions).items():
                _add(side_figures, "impact", key, amount=value)
            groups = {
                "race": person.race or UNKNOWN,
                "gender": person.gender or UNKNOWN,
                "age_band": age_band(person.dob, comparison.as_of),
            }
            for dimension, group in groups.items():
                _add(side_figures, "equity", dimension, group, "candidates", amount=len(found))
                _add(side_figures, "equity", dimension, group, "relief", amount=relieved)
        for row_id, outcome in by_side.get("a", {}).items():
            other = by_side.get("b", {}).get(row_id)
            if other is not None and other != outcome:
                _add(figures["changes"], f"{outcome}>{other}")
    return figures


def _add(target: dict[str, Any], *path: str, amount: int = 1) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = target.get(path[-1], 0) + amount


def _shape(totals: dict[str, Any]) -> dict[str, Any]:
    changes = Counter({tuple(k.split(">")): v for k, v in totals.get("changes", {}).items()})
    return {
        "a": totals.get("a", {}),
        "b": totals.get("b", {}),
        "changes": [{"from": a, "to": b, "count": n} for (a, b), n in changes.most_common()],
    }
