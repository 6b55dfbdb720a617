"""What the case page shows: a person's whole history, their candidates, decisions and notes.

Every function takes objects the caller already fetched through a permission-checked door
(``determination_get_for_user``); none of them checks access again.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from cases.models import AuditEntry, Case, Decision, Determination, Event, Note, Person
from clearance.doj.layout import COL

#: How far back the case page follows a conviction through earlier classifications.
HISTORY_DEPTH = 5


@dataclass
class TimelineRow:
    event: Event
    candidate: Determination | None = None
    #: Reasons of the focused determination that cite this row as evidence.
    evidence_for: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Cycle:
    key: str
    date: Any
    rows: list[TimelineRow]
    courts: list[str]
    case_numbers: list[str]


def person_events(*, person: Person) -> QuerySet[Event]:
    return Event.objects.filter(person=person).order_by("cnt_order", "line")


def person_candidates(*, determination: Determination) -> list[Determination]:
    """Every determination of the person in the same run, with their decisions, in file order."""
    decisions = Prefetch(
        "decisions", queryset=Decision.objects.select_related("decided_by").order_by("-decided_at", "-id")
    )
    return list(
        Determination.objects.filter(run_id=determination.run_id, person_id=determination.person_id)
        .select_related("assigned_to")
        .prefetch_related(decisions)
        .order_by("line")
    )


def timeline(
    *, person: Person, events: list[Event], candidates: list[Determination], focus: Determination
) -> list[Cycle]:
    """The history grouped by cycle (first three characters of CNT_ORDER, DOMAIN.md section 3)."""
    by_event = {d.event_id: d for d in candidates}
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for reason in focus.reasons:
        for event_id in reason.get("evidence", []):
            if event_id != focus.event_id:
                evidence[event_id].append(reason)
    cases = {c.key: c for c in Case.objects.filter(person=person)}
    cycles: dict[str, Cycle] = {}
    for event in events:
        key = event.cnt_order[:3]
        cycle = cycles.get(key)
        if cycle is None:
            cycle = cycles[key] = Cycle(key=key, date=event.offense_date, rows=[], courts=[], case_numbers=[])
        cycle.rows.append(TimelineRow(event=event, candidate=by_event.get(event.pk), evidence_for=evidence[event.pk]))
        case = cases.get(event.case_key)
        if case is not None:
            if case.court and case.court not in cycle.courts:
                cycle.courts.append(case.court)
            cycle.case_numbers.extend(n for n in case.case_numbers if n not in cycle.case_numbers)
    return list(cycles.values())


def akas_of(*, person: Person, events: list[Event]) -> list[str]:
    """Other names DOJ used for the person: PRI_NAME and REQ_NAME of each of their rows.

    The raw lines are the only place these live; a person has tens of rows, so reading them
    here costs little and spares a column per name.
    """
    seen: dict[str, None] = {}
    for event in events:
        try:
            cells = next(csv.reader([event.raw]))
        except (csv.Error, StopIteration):
            continue
        for index in (COL["PRI_NAME"], COL["REQ_NAME"]):
            if index < len(cells):
                name = cells[index].strip()
                if name and name.upper() != person.name.upper() and name.upper() not in ("X", "#", "NULL"):
                    seen.setdefault(name.upper(), None)
    return list(seen)


def earlier_decisions(*, determination: Determination) -> list[tuple[Determination, list[Decision]]]:
    """The same conviction in earlier classifications, with the decisions made there: what a
    stale determination's attorney decided before the recommendation changed."""
    found: list[tuple[Determination, list[Decision]]] = []
    previous_id = determination.previous_id
    while previous_id is not None and len(found) < HISTORY_DEPTH:
        earlier = Determination.objects.select_related("run__policy").filter(pk=previous_id).first()
        if earlier is None:
            break
        decisions = list(Decision.objects.filter(determination=earlier).select_related("decided_by"))
        found.append((earlier, decisions))
        previous_id = earlier.previous_id
    return found


def person_notes(*, person: Person) -> QuerySet[Note]:
    return Note.objects.filter(person=person).select_related("author", "determination").order_by("-created_at", "-id")


def case_audit(*, person: Person, candidates: list[Determination], limit: int = 100) -> QuerySet[AuditEntry]:
    """The audit rows about this person and their determinations, newest first."""
    from django.db.models import Q

    about = Q(object_type="person", object_id=str(person.pk)) | Q(
        object_type="determination", object_id__in=[str(d.pk) for d in candidates]
    )
    return AuditEntry.objects.filter(about).select_related("user").order_by("-at", "-id")[:limit]
