"""Engine rows from DOJ cells: the one place that turns a normalised DOJ row into a ``Row``.

Used by the database adapter (rows read back from PostgreSQL) and by tools that read a file
directly (the peer test against gogen). Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from functools import lru_cache
from typing import Literal, NamedTuple

from clearance.doj.normalize import SEE_COMMENT, Event, section_text
from clearance.eligibility.sections import ParsedCharge, Section, find_cannabis_section, parse_charge
from clearance.eligibility.statute import DECEASED_STEP, REGISTRATION_STEP
from clearance.eligibility.types import PersonHistory, Row, Severity


# A county file repeats the same few thousand offense texts and comments across millions of rows;
# what the engine reads from them is made of frozen values, so one parse serves them all.
@lru_cache(maxsize=1 << 16)
def _charge_of(offense_text: str, comment: str) -> tuple[ParsedCharge, Section | None]:
    """The row's charge, and a cannabis section its comment names when the charge came from the
    offense field (the "possible other Prop 64 charge in comment" flag compares the two; a charge
    read from the comment cannot differ from itself)."""
    offense_part = section_text(offense_text)
    from_offense = bool(offense_part) and offense_part.upper() != SEE_COMMENT
    comment_section = find_cannabis_section(comment) if from_offense and comment else None
    return parse_charge(offense_text, comment), comment_section


_step_type = lru_cache(maxsize=1 << 10)(str.upper)

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


_new_row = tuple.__new__  # Row(...) without the keyword handling of a NamedTuple's __new__


def row_from_event(event: Event | EngineCells, *, row_id: int, line: int) -> Row:
    charge, comment_section = _charge_of(event.offense_text, event.comment)
    # Positional, in Row's field order: a keyword call cost a third of the row's making.
    return _new_row(Row, (
        row_id, line, event.cnt_order, _step_type(event.step_type), event.county, charge, event.is_conviction,
        _SEVERITY[event.severity], event.offense_date, event.step_date or event.disposition_date,
        event.sentence_length, event.sentence_unit, event.dob, comment_section,
    ))  # fmt: skip


#: The rows of a history the engine reads (statute.py): convictions, and these steps of any
#: other row. Arrests, probation and the like never decide an outcome.
ENGINE_STEPS = (DECEASED_STEP, REGISTRATION_STEP)


class _Dob(Enum):
    FROM_ROWS = "from the rows"


def history_of(
    subject_id: str,
    rows: Iterable[Row],
    *,
    incomplete: bool = False,
    dob: dt.date | None | Literal[_Dob.FROM_ROWS] = _Dob.FROM_ROWS,
) -> PersonHistory:
    """A person's history; their DOB is the first valid PRI_DOB in file order (DOMAIN.md section 10).

    `dob`: that DOB when `rows` are not all of the subject's (only those the engine reads,
    `ENGINE_STEPS`): the first valid one may be on a row left out.
    """
    ordered = tuple(sorted(rows, key=lambda r: r.line))
    first_valid = next((r.dob for r in ordered if r.dob is not None), None) if dob is _Dob.FROM_ROWS else dob
    return PersonHistory(subject_id=subject_id, rows=ordered, dob=first_valid, incomplete=incomplete)
