"""ORM rows <-> engine types: the one seam between the stored records and the pure engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cases.models import Event, Person
from cases.models import Policy as PolicyRecord
from clearance.eligibility.from_doj import EngineCells, history_of, row_from_event
from clearance.eligibility.policies import Policy
from clearance.eligibility.types import PersonHistory

# The stored event columns carry the fields of the normaliser's Event by name; the engine reads
# only some of them (a third less to fetch and convert).
ENGINE_FIELDS = EngineCells._fields


def histories_for(person_ids: Iterable[int]) -> list[tuple[Person, PersonHistory]]:
    """Each person's whole history (every county) as engine rows; two queries in all."""
    people = list(Person.objects.filter(id__in=list(person_ids)).order_by("id"))
    rows_by_person: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    events = Event.objects.filter(person_id__in=[p.pk for p in people]).values_list(
        "id", "line", "person_id", *ENGINE_FIELDS
    )
    for event_id, line, person_id, *values in events.iterator(chunk_size=5000):
        rows_by_person[person_id].append(row_from_event(EngineCells(*values), row_id=event_id, line=line))
    return [
        (person, history_of(person.subject_id, rows_by_person[person.pk], incomplete=person.incomplete))
        for person in people
    ]


def engine_policy(record: PolicyRecord) -> Policy:
    return Policy(slug=record.slug, version=record.version, kind=record.kind, options=record.options)
