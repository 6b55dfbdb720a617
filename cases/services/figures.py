"""The figures of DOMAIN.md section 8, computed when a classification run ends.

Per-person facts (impact, equity) are counted by each chunk while it still holds the people's
histories, then summed; per-conviction tables come from one aggregate query each. Exact counts:
suppressing small cells belongs to exports and public reports, not to staff pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from django.db.models import Count, Min

from cases.models import ClassificationRun, Determination, Person
from clearance.eligibility.statute import Conviction, age_on, convictions_of
from clearance.eligibility.types import Outcome, PersonHistory, Severity

RELIEF = {Outcome.DISMISS_AND_SEAL.value, Outcome.REDUCE_TO_MISDEMEANOR.value, Outcome.REDUCE_TO_INFRACTION.value}
RECENT_YEARS = 7
AGE_BANDS = ((0, 25, "under 25"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"), (55, 65, "55-64"),
             (65, 200, "65 and over"))  # fmt: skip
UNKNOWN = "unknown"


def age_band(dob: dt.date | None, as_of: dt.date) -> str:
    if dob is None:
        return UNKNOWN
    age = age_on(dob, as_of)
    return next((label for low, high, label in AGE_BANDS if low <= age < high), UNKNOWN)


# Plain strings: an enum member's .value costs a descriptor call, and this runs per conviction.
_DISMISS = Outcome.DISMISS_AND_SEAL.value
_REDUCED_TO = {
    Outcome.REDUCE_TO_MISDEMEANOR.value: Severity.MISDEMEANOR,
    Outcome.REDUCE_TO_INFRACTION.value: Severity.INFRACTION,
}


def person_impact(
    history: PersonHistory,
    outcomes: dict[int, str],
    as_of: dt.date,
    *,
    convictions: Sequence[Conviction] | None = None,
) -> dict[str, int]:
    """Which records relief clears for this person: 1 for each figure they newly reach.

    A dismissal removes the conviction; a reduction makes a felony a misdemeanor or an infraction.
    "No conviction in the last 7 years" counts people who had one and have none after relief.
    `convictions`: the history's, when the caller has them already (`convictions_of(history)`).
    """
    recent_after = dt.date(as_of.year - RECENT_YEARS, as_of.month, min(as_of.day, 28))
    before: list[tuple[Severity, dt.date | None]] = []
    after: list[tuple[Severity, dt.date | None]] = []
    for conviction in convictions_of(history) if convictions is None else convictions:
        outcome = outcomes.get(conviction.row.id, "")  # "": not a candidate, nothing changes
        severity = conviction.row.severity
        before.append((severity, conviction.date))
        if outcome == _DISMISS:
            continue
        severity = _REDUCED_TO.get(outcome, severity)
        after.append((severity, conviction.date))

    def felony(items: Sequence[tuple[Severity, dt.date | None]]) -> bool:
        return any(s is Severity.FELONY for s, _ in items)

    def recent(items: Sequence[tuple[Severity, dt.date | None]]) -> bool:
        return any(d is not None and d >= recent_after for _, d in items)

    return {
        "no_felony": int(felony(before) and not felony(after)),
        "no_conviction": int(bool(before) and not after),
        "no_conviction_last_7_years": int(recent(before) and not recent(after)),
    }


class ChunkDetermination(Protocol):
    """What the figures read of a chunk's new determinations."""

    @property
    def person_id(self) -> int: ...
    @property
    def event_id(self) -> int: ...
    @property
    def outcome(self) -> str: ...
    @property
    def dismiss_all_outcome(self) -> str: ...


def chunk_figures(
    *,
    run: ClassificationRun,
    loaded: Sequence[tuple[Person, PersonHistory, Sequence[Conviction]]],
    determinations: Sequence[ChunkDetermination],
) -> dict[str, Any]:
    """Per-person figures of a chunk: each person with their history and its convictions
    (`convictions_of(history)`, grouped once by the caller)."""
    by_person: dict[int, list[ChunkDetermination]] = {}
    for item in determinations:
        by_person.setdefault(item.person_id, []).append(item)
    figures: dict[str, Any] = {
        "people_with_relief": 0,
        "impact": {"policy": {}, "dismiss_all": {}},
        "equity": {"race": {}, "gender": {}, "age_band": {}},
    }
    for person, history, convictions in loaded:
        mine = by_person.get(person.pk, [])
        if not mine:
            continue
        relieved = [d for d in mine if d.outcome in RELIEF]
        figures["people_with_relief"] += int(bool(relieved))
        for name, field in (("policy", "outcome"), ("dismiss_all", "dismiss_all_outcome")):
            outcomes = {d.event_id: getattr(d, field) for d in mine}
            for key, value in person_impact(history, outcomes, run.as_of, convictions=convictions).items():
                figures["impact"][name][key] = figures["impact"][name].get(key, 0) + value
        groups = {
            "race": person.race or UNKNOWN,
            "gender": person.gender or UNKNOWN,
            "age_band": age_band(person.dob, run.as_of),
        }
        for dimension, group in groups.items():
            cell = figures["equity"][dimension].setdefault(group, {"candidates": 0, "relief": 0})
            cell["candidates"] += len(mine)
            cell["relief"] += len(relieved)
    return figures


def merge_figures(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Add two nested dicts of counts key by key."""
    merged = dict(total)
    for key, value in part.items():
        if isinstance(value, dict):
            merged[key] = merge_figures(merged.get(key, {}), value)
        else:
            merged[key] = merged.get(key, 0) + value
    return merged


def run_figures(*, run: ClassificationRun, people: dict[str, Any]) -> dict[str, Any]:
    rows = Determination.objects.filter(run=run)
    outcomes = {o.value: 0 for o in Outcome}
    for outcome, n in rows.values_list("outcome").annotate(n=Count("id")):
        outcomes[outcome] = n
    by_section: dict[str, dict[str, int]] = {}
    for number, severity, outcome, n in rows.values_list("section_number", "severity", "outcome").annotate(
        n=Count("id")
    ):
        cell = by_section.setdefault(f"HS {number}", {"candidates": 0, **{o.value: 0 for o in Outcome}})
        cell["candidates"] += n
        cell[outcome] += n
        cell[severity or UNKNOWN] = cell.get(severity or UNKNOWN, 0) + n
    by_reason: dict[str, int] = {}
    for codes, n in rows.values_list("reason_codes").annotate(n=Count("id")):
        by_reason[codes[0]] = by_reason.get(codes[0], 0) + n
    earliest = rows.aggregate(first=Min("conviction_date"))["first"]
    impact = people.get("impact", {})
    return {
        "candidates": sum(outcomes.values()),
        "outcomes": outcomes,
        "by_section": dict(sorted(by_section.items())),
        "by_reason": dict(sorted(by_reason.items(), key=lambda item: -item[1])),
        "people_with_relief": people.get("people_with_relief", 0),
        "impact": {
            name: {
                key: impact.get(name, {}).get(key, 0)
                for key in ("no_felony", "no_conviction", "no_conviction_last_7_years")
            }
            for name in ("policy", "dismiss_all")
        },
        "equity": people.get("equity", {"race": {}, "gender": {}, "age_band": {}}),
        "earliest_conviction": earliest.isoformat() if earliest else None,
        "rows_read": run.upload.row_count,
    }
