"""Engine rows from normalised DOJ cells (clearance.eligibility.from_doj). No database."""

from __future__ import annotations

import typing

from cases.tests.doj.test_reader import row
from clearance.doj.normalize import Event, event_of
from clearance.eligibility.from_doj import EngineCells, row_from_event


def test_the_cells_the_engine_reads_are_fields_of_the_normalised_event_with_their_types():
    event_types = typing.get_type_hints(Event)
    assert {name: event_types[name] for name in EngineCells._fields} == typing.get_type_hints(EngineCells)


def test_a_row_made_from_the_engine_cells_equals_the_row_made_from_the_whole_event():
    event = event_of(
        row(
            CNT_ORDER="001002003",
            STP_TYPE_DESCR="court action",
            STP_ORI_CNTY_NAME="San  Francisco",
            OFFENSE_DESCR="11357(A)HS-POSSESS",
            COMMENT_TEXT="SEE 11359 HS",
            DISP_DESCR="CONVICTED",
            CONV_STAT_DESCR="FELONY",
            STP_EVENT_DATE="20100304",
            SENT_LENGTH="2",
            SENT_TIME_CODE="Y",
            PRI_DOB="19800101",
        )
    )
    cells = EngineCells(*(getattr(event, name) for name in EngineCells._fields))
    assert row_from_event(cells, row_id=7, line=9) == row_from_event(event, row_id=7, line=9)
