"""Readers: exactly what a page or API call needs, with the visibility rules in one place.

One door per object: ``upload_get_for_user`` returns the upload or raises 404, never 403, so
a user without a role cannot learn that a record exists.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from cases.choices import Outcome, RunStatus
from cases.models import ClassificationRun, Determination, Event, IngestError, Policy, Upload
from cases.permissions import AnyUser, can_view_records


def uploads_for_user(*, user: AnyUser) -> QuerySet[Upload]:
    if not can_view_records(user):
        return Upload.objects.none()
    return Upload.objects.select_related("uploaded_by").order_by("-created_at", "-id")


def upload_get_for_user(*, user: AnyUser, pk: int) -> Upload:
    upload = uploads_for_user(user=user).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload")
    return upload


def upload_errors(*, upload: Upload) -> QuerySet[IngestError]:
    return IngestError.objects.filter(upload=upload).order_by("line")


def latest_run(*, upload: Upload) -> ClassificationRun | None:
    """The newest finished classification of an upload: what pages and the API show by default."""
    return upload.runs.filter(status=RunStatus.DONE).select_related("policy").order_by("-created_at", "-id").first()


def runs_of(*, upload: Upload) -> QuerySet[ClassificationRun]:
    return upload.runs.select_related("policy").order_by("-created_at", "-id")


@dataclass(frozen=True)
class DeterminationFilters:
    upload: int | None = None
    run: int | None = None
    outcome: str = ""
    reason: str = ""
    section: str = ""
    severity: str = ""
    court: str = ""
    flag: str = ""
    status: str = ""
    assignee: int | None = None


def determinations_for_user(*, user: AnyUser, filters: DeterminationFilters) -> QuerySet[Determination]:
    """Determinations of each upload's newest finished run (or of the run asked for), filtered."""
    if not can_view_records(user):
        return Determination.objects.none()
    rows = Determination.objects.select_related("person")
    if filters.run is not None:
        rows = rows.filter(run_id=filters.run)
    else:
        newest = (
            ClassificationRun.objects.filter(upload_id=OuterRef("upload_id"), status=RunStatus.DONE)
            .order_by("-created_at", "-id")
            .values("id")[:1]
        )
        rows = rows.filter(run_id=Subquery(newest))
    if filters.upload is not None:
        rows = rows.filter(upload_id=filters.upload)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    if filters.reason:
        rows = rows.filter(reason_codes__contains=[filters.reason])
    if filters.section:
        rows = rows.filter(section_number=filters.section.upper().removeprefix("HS").strip())
    if filters.severity:
        rows = rows.filter(severity=filters.severity)
    if filters.court:
        rows = rows.filter(court__iexact=filters.court)
    if filters.flag:
        rows = rows.filter(flags__contains=[filters.flag])
    if filters.status:
        rows = rows.filter(review_status=filters.status)
    if filters.assignee is not None:
        rows = rows.filter(assigned_to_id=filters.assignee)
    return rows.order_by("upload_id", "line")


def determination_get_for_user(*, user: AnyUser, pk: int) -> Determination:
    found = (
        Determination.objects.select_related("person", "run__policy").filter(pk=pk).first()
        if can_view_records(user)
        else None
    )
    if found is None:
        raise Http404("No such determination")
    return found


def evidence_rows(*, determination: Determination) -> QuerySet[Event]:
    """The candidate row and every row a reason points to."""
    ids = {determination.event_id}
    for reason in determination.reasons:
        ids.update(reason.get("evidence", []))
    return Event.objects.filter(upload_id=determination.upload_id, id__in=ids).order_by("line")


def summary_of(run: ClassificationRun) -> dict[str, object]:
    """The summary.json of a run: identification plus the stored figures."""
    upload = run.upload
    return {
        "upload_id": upload.pk,
        "run_id": run.pk,
        "county": upload.county,
        "policy": run.policy.slug,
        "policy_version": run.policy.version,
        "rules_version": run.rules_version,
        "as_of": run.as_of.isoformat(),
        "seconds": round((run.finished_at - run.created_at).total_seconds(), 3) if run.finished_at else None,
        **run.figures,
    }


OUTCOME_LABELS = dict(Outcome.choices)
EQUITY_LABELS = {"race": "Race or ethnicity", "gender": "Gender", "age_band": "Age today"}


def summary_rows(run: ClassificationRun) -> dict[str, object]:
    """The figures of a run shaped for the results page: labelled rows, largest first."""
    figures = run.figures
    outcomes = [(OUTCOME_LABELS[k], k, v) for k, v in figures.get("outcomes", {}).items()]
    equity = {
        EQUITY_LABELS.get(dimension, dimension): sorted(
            (
                (value, cell["candidates"], cell["relief"], round(100 * cell["relief"] / cell["candidates"]))
                for value, cell in cells.items()
                if cell["candidates"]
            ),
            key=lambda item: -item[1],
        )
        for dimension, cells in figures.get("equity", {}).items()
    }
    return {
        "candidates": figures.get("candidates", 0),
        "outcomes": outcomes,
        "by_section": figures.get("by_section", {}),
        "by_reason": figures.get("by_reason", {}),
        "people_with_relief": figures.get("people_with_relief", 0),
        "impact": figures.get("impact", {}),
        "equity": equity,
        "run": run,
    }


def policies_current() -> list[tuple[str, str, Policy | None]]:
    """Every policy an office can choose: presets (stored or not yet) and its own, newest version each."""
    from cases.services.policies import PRESET_NAMES

    stored = {p.slug: p for p in Policy.objects.order_by("slug", "-version").distinct("slug")}
    slugs = sorted(set(PRESET_NAMES) | set(stored))
    return [(slug, stored[slug].name if slug in stored else PRESET_NAMES[slug], stored.get(slug)) for slug in slugs]


def policy_versions(*, slug: str) -> QuerySet[Policy]:
    return Policy.objects.filter(slug=slug).select_related("created_by").order_by("-version")


def run_differences(*, upload: Upload) -> dict[str, object] | None:
    """How the newest finished run differs from the one before it, if there are two."""
    done = list(upload.runs.filter(status=RunStatus.DONE).select_related("policy").order_by("-created_at", "-id")[:2])
    if len(done) < 2:
        return None
    diff = classification_difference(before=done[1], after=done[0])
    return {"before": done[1], "after": done[0], **diff}


def classification_difference(*, before: ClassificationRun, after: ClassificationRun) -> dict[str, Any]:
    """How outcomes change from one run to another of the same upload, conviction by conviction."""
    old = dict(Determination.objects.filter(run=before).values_list("event_id", "outcome"))
    changes: Counter[tuple[str, str]] = Counter()
    for event_id, outcome in Determination.objects.filter(run=after).values_list("event_id", "outcome"):
        previous = old.get(event_id)
        if previous is not None and previous != outcome:
            changes[(previous, outcome)] += 1
    return {
        "changed": sum(changes.values()),
        "changes": [
            {"from": a, "to": b, "count": n, "from_label": OUTCOME_LABELS[a], "to_label": OUTCOME_LABELS[b]}
            for (a, b), n in changes.most_common()
        ],
    }
