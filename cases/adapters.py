"""ORM rows <-> engine types: the one seam between the stored records and the pure engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Upper

from cases.models import Event, Person
from cases.models import Policy as PolicyRecord
from clearance.eligibility.from_doj import ENGINE_STEPS, EngineCells, history_of, row_from_event
from clearance.eligibility.policies import Policy
from clearance.eligibility.types import PersonHistory

# The stored event columns carry the fields of the normaliser's Event by name; the engine reads
# only some of them (a third less to fetch and convert).
ENGINE_FIELDS = EngineCells._fields


def histories_for(person_ids: Iterable[int]) -> list[tuple[Person, PersonHistory]]:
    """Each person's history (every county) as the engine reads it: their convictions and the
    steps of `ENGINE_STEPS`, as engine rows; two queries in all."""
    people = list(Person.objects.filter(id__in=list(person_ids)).order_by("id"))
    rows_by_person: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    # Only the rows the engine reads: a quarter of them, and most of a chunk's reading time.
    events = (
        Event.objects.filter(person_id__in=[p.pk for p in people])
        .alias(step=Upper("step_type"))
        .filter(Q(is_conviction=True) | Q(step__in=ENGINE_STEPS))
        .values_list("id", "line", "person_id", *ENGINE_FIELDS)
    )
    for event_id, line, person_id, *values in events.iterator(chunk_size=5000):
        rows_by_person[person_id].append(row_from_event(EngineCells(*values), row_id=event_id, line=line))
    return [
        # The DOB the loader found (the first valid one of every row), not that of the rows read.
        (person, history_of(person.subject_id, rows_by_person[person.pk], incomplete=person.incomplete, dob=person.dob))
        for person in people
    ]


def engine_policy(record: PolicyRecord) -> Policy:
    return Policy(slug=record.slug, version=record.version, kind=record.kind, options=record.options)
