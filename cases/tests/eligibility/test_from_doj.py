"""Engine rows from normalised DOJ cells (clearance.eligibility.from_doj). No database."""

from __future__ import annotations

import datetime as dt
import typing

from cases.tests.doj.test_reader import row
from clearance.doj.normalize import Event, event_of
from clearance.eligibility.from_doj import EngineCells, row_from_event
from clearance.eligibility.sections import find_cannabis_section, parse_charge
from clearance.eligibility.types import Severity


def _felony_possession(**cells: str) -> Event:
    """A felony HS 11357(a) conviction row, sentenced to two years, whose comment names HS 11359."""
    return event_of(
        row(
            CNT_ORDER="001002003",
            STP_TYPE_DESCR="court action",
            STP_ORI_CNTY_NAME="San  Francisco",
            OFFENSE_DESCR="11357(A)HS-POSSESS",
            COMMENT_TEXT="SEE 11359 HS",
            DISP_DESCR="CONVICTED",
            CONV_STAT_DESCR="FELONY",
            SENT_LENGTH="2",
            SENT_TIME_CODE="Y",
            PRI_DOB="19800101",
            **cells,
        )
    )


def test_the_cells_the_engine_reads_are_fields_of_the_normalised_event_with_their_types():
    event_types = typing.get_type_hints(Event)
    assert {name: event_types[name] for name in EngineCells._fields} == typing.get_type_hints(EngineCells)


def test_a_row_made_from_the_engine_cells_equals_the_row_made_from_the_whole_event():
    event = _felony_possession(STP_EVENT_DATE="20100304")
    cells = EngineCells(*(getattr(event, name) for name in EngineCells._fields))
    assert row_from_event(cells, row_id=7, line=9) == row_from_event(event, row_id=7, line=9)


def test_each_field_of_a_row_holds_the_cell_it_is_named_after():
    event = _felony_possession(CYC_DATE="20091231", DISP_DATE="20100305")
    made = row_from_event(event, row_id=7, line=9)
    assert made._asdict() == {
        "id": 7,
        "line": 9,
        "cnt_order": "001002003",
        "step_type": "COURT ACTION",
        "county": "SAN FRANCISCO",
        "charge": parse_charge("11357(A)HS-POSSESS", "SEE 11359 HS"),
        "is_conviction": True,
        "severity": Severity.FELONY,
        "offense_date": dt.date(2009, 12, 31),
        "conviction_date": dt.date(2010, 3, 5),  # no step date: the disposition date
        "sentence_length": 2,
        "sentence_unit": "Y",
        "dob": dt.date(1980, 1, 1),
        "comment_section": find_cannabis_section("SEE 11359 HS"),
    }
    assert made.comment_section is not None and made.comment_section.number == "11359"
    assert row_from_event(event._replace(step_date=dt.date(2010, 3, 4)), row_id=7, line=9).conviction_date == dt.date(
        2010, 3, 4
    )
