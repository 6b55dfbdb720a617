"""Engine rows from DOJ cells: the one place that turns a normalised DOJ row into a ``Row``.

Used by the database adapter (rows read back from PostgreSQL) and by tools that read a file
directly (the peer test against gogen). Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from clearance.doj.normalize import SEE_COMMENT, Event, section_text
from clearance.eligibility.sections import find_cannabis_section, parse_charge
from clearance.eligibility.types import PersonHistory, Row, Severity

# A county file repeats the same few thousand offense texts across millions of rows; parsed
# charges are frozen values, so one parse serves them all.
_parse_charge = lru_cache(maxsize=1 << 16)(parse_charge)
_find_cannabis_section = lru_cache(maxsize=1 << 16)(find_cannabis_section)


_SEVERITY = {s.value: s for s in Severity}  # enum construction per row showed up in profiles


class EngineCells(NamedTuple):
    """The normalised cells a ``Row`` is made of (a subset of ``normalize.Event``, by name): what
    the database adapter reads back, rather than every stored column."""

    cnt_order: str
    step_type: str
    county: str
    offense_text: str
    comment: str
    is_conviction: bool
    severity: str
    offense_date: dt.date | None
    step_date: dt.date | None
    disposition_date: dt.date | None
    sentence_length: int | None
    sentence_unit: str
    dob: dt.date | None


def row_from_event(event: Event | EngineCells, *, row_id: int, line: int) -> Row:
    charge = _parse_charge(event.offense_text, event.comment)
    offense_part = section_text(event.offense_text)
    from_offense = bool(offense_part) and offense_part.upper() != SEE_COMMENT
    # The "possible other Prop 64 charge in comment" flag compares the comment with a charge
    # read from the offense field; a charge read from the comment cannot differ from itself.
    comment_section = _find_cannabis_section(event.comment) if from_offense and event.comment else None
    return Row(
        id=row_id,
        line=line,
        cnt_order=event.cnt_order,
        step_type=event.step_type.upper(),
        county=event.county,
        charge=charge,
        is_conviction=event.is_conviction,
        severity=_SEVERITY[event.severity],
        offense_date=event.offense_date,
        conviction_date=event.step_date or event.disposition_date,
        sentence_length=event.sentence_length,
        sentence_unit=event.sentence_unit,
        dob=event.dob,
        comment_section=comment_section,
    )


def history_of(subject_id: str, rows: Iterable[Row], *, incomplete: bool = False) -> PersonHistory:
    """A person's history; their DOB is the first valid PRI_DOB in file order (DOMAIN.md section 10)."""
    ordered = tuple(sorted(rows, key=lambda r: r.line))
    dob = next((r.dob for r in ordered if r.dob is not None), None)
    return PersonHistory(subject_id=subject_id, rows=ordered, dob=dob, incomplete=incomplete)
