"""Turning one DOJ row into stored values (clearance.doj.normalize): DOMAIN.md sections 3 and 10.

Rows are built cell by cell from ``[""] * 95``; expected values come from the rules in the
domain reference, not from the code under test. No database, no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.doj.layout import COL, FIELD_COUNT
from clearance.doj.normalize import add_sentence, code_section, event_of, severity_of, subject_of


def row(**cells: str) -> list[str]:
    """A 95-cell row, blank except for the named columns."""
    fields = [""] * FIELD_COUNT
    for name, value in cells.items():
        fields[COL[name]] = value
    return fields


def conviction(**cells: str) -> list[str]:
    base = {
        "DISP_DESCR": "CONVICTED-JAIL",
        "STP_EVENT_DATE": "20150310",
        "OFFENSE_DESCR": "11357(C)HS-POSSESS MARIJUANA",
        "CNT_ORDER": "101001001000",
    }
    return row(**(base | cells))


# --- code section ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offense", "comment", "expected"),
    [
        ("11357(C)HS-POSSESS MARIJUANA", "", "11357(C)HS"),
        ("11359 HS-POSSESS MARIJUANA FOR SALE", "11360 HS-SELL", "11359 HS"),
        ("664/11359 HS-ATTEMPT-POSSESS FOR SALE", "", "664/11359 HS"),
        ("11358 HS", "", "11358 HS"),
        ("  11360(A) HS  -TRANSPORT", "", "11360(A) HS"),
        ("", "11360(A)HS-TRANSPORT MARIJUANA", "11360(A)HS"),
        ("SEE COMMENT FOR CHARGE", "11359HS-POSSESS FOR SALE", "11359HS"),
        ("see comment for charge", "11359HS-POSSESS FOR SALE", "11359HS"),
        ("-POSSESS MARIJUANA", "11357(B)HS-POSSESS", "11357(B)HS"),
        ("", "", ""),
        ("SEE COMMENT FOR CHARGE", "", ""),
    ],
)
def test_the_code_section_is_the_text_before_the_first_dash(offense, comment, expected):
    assert code_section(offense, comment) == expected


def test_a_blank_or_placeholder_offense_takes_the_section_from_the_comment():
    for offense in ("", "   ", "x", "#", "NULL"):
        event = event_of(conviction(OFFENSE_DESCR=offense, COMMENT_TEXT=" 11359 HS-POSSESS FOR SALE "))
        assert event.code_section == "11359 HS"
        assert event.offense_text == ""
        assert event.comment == "11359 HS-POSSESS FOR SALE"


def test_an_offense_that_says_see_comment_takes_the_section_from_the_comment():
    event = event_of(conviction(OFFENSE_DESCR="SEE COMMENT FOR CHARGE", COMMENT_TEXT="11358 HS-CULTIVATE"))
    assert event.code_section == "11358 HS"
    assert event.offense_text == "SEE COMMENT FOR CHARGE"


def test_an_offense_with_a_section_ignores_the_comment():
    event = event_of(conviction(OFFENSE_DESCR="11357(C)HS-POSSESS MARIJUANA", COMMENT_TEXT="11360 HS-SELL"))
    assert event.code_section == "11357(C)HS"


# --- severity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conv_stat", "toc", "expected"),
    [
        ("FELONY", "", "felony"),
        ("MISDEMEANOR", "", "misdemeanor"),
        ("INFRACTION", "", "infraction"),
        ("FELONY", "M", "felony"),
        ("MISDEMEANOR", "F", "misdemeanor"),
        ("INFRACTION", "M", "infraction"),
        ("", "F", "felony"),
        ("", "M", "misdemeanor"),
        ("", "I", "infraction"),
        ("", "f", "felony"),
        ("felony", "", "felony"),
        ("WOBBLER", "M", "misdemeanor"),
        ("UNKNOWN", "", ""),
        ("", "Z", ""),
        ("", "", ""),
    ],
)
def test_severity_comes_from_the_conviction_status_else_the_offense_toc(conv_stat, toc, expected):
    assert severity_of(conv_stat, toc) == expected


def test_an_infraction_is_never_read_as_a_misdemeanor():
    assert event_of(conviction(CONV_STAT_DESCR="INFRACTION", OFFENSE_TOC="M")).severity == "infraction"
    assert event_of(conviction(OFFENSE_TOC=" I ")).severity == "infraction"


def test_padded_or_placeholder_severity_cells_are_cleaned_first():
    assert event_of(conviction(CONV_STAT_DESCR="  FELONY  ", OFFENSE_TOC="M")).severity == "felony"
    assert event_of(conviction(CONV_STAT_DESCR="x", OFFENSE_TOC=" M ")).severity == "misdemeanor"
    event = event_of(conviction(CONV_STAT_DESCR="#", OFFENSE_TOC="x"))
    assert (event.severity, event.offense_toc) == ("", "")


# --- conviction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disposition", "is_conviction"),
    [
        ("CONVICTED-JAIL", True),
        ("CONVICTED-PROBATION", True),
        ("CONVICTED-PRISON", True),
        ("CONVICTED", True),
        ("  CONVICTED-JAIL ", True),
        ("DISMISSED", False),
        ("NOT CONVICTED", False),
        ("RELEASED-DETENTION ONLY", False),
        ("", False),
        ("x", False),
    ],
)
def test_a_row_is_a_conviction_when_its_disposition_starts_with_convicted(disposition, is_conviction):
    assert event_of(conviction(DISP_DESCR=disposition)).is_conviction is is_conviction


def test_a_conviction_counts_whatever_its_step_type():
    event = event_of(conviction(STP_TYPE_DESCR="REGISTRATION", DISP_DESCR="CONVICTED-PROBATION"))
    assert event.is_conviction
    assert event.step_type == "REGISTRATION"


# --- sentence arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "length", "unit", "end"),
    [
        (dt.date(2015, 3, 10), 0, "D", dt.date(2015, 3, 10)),
        (dt.date(2015, 3, 10), 30, "D", dt.date(2015, 4, 9)),
        (dt.date(2015, 12, 31), 1, "D", dt.date(2016, 1, 1)),
        (dt.date(2016, 2, 28), 1, "D", dt.date(2016, 2, 29)),
        (dt.date(2015, 3, 10), 6, "M", dt.date(2015, 9, 10)),
        (dt.date(2019, 1, 31), 1, "M", dt.date(2019, 2, 28)),
        (dt.date(2020, 1, 31), 1, "M", dt.date(2020, 2, 29)),
        (dt.date(2019, 3, 31), 1, "M", dt.date(2019, 4, 30)),
        (dt.date(2019, 11, 30), 3, "M", dt.date(2020, 2, 29)),
        (dt.date(2019, 12, 15), 1, "M", dt.date(2020, 1, 15)),
        (dt.date(2019, 8, 31), 18, "M", dt.date(2021, 2, 28)),
        (dt.date(2019, 5, 1), 12, "M", dt.date(2020, 5, 1)),
        (dt.date(2015, 3, 10), 3, "Y", dt.date(2018, 3, 10)),
        (dt.date(2020, 2, 29), 1, "Y", dt.date(2021, 2, 28)),
        (dt.date(2020, 2, 29), 4, "Y", dt.date(2024, 2, 29)),
        (dt.date(2000, 2, 29), 100, "Y", dt.date(2100, 2, 28)),
    ],
)
def test_a_sentence_ends_in_calendar_terms(start, length, unit, end):
    assert add_sentence(start, length, unit) == end


@pytest.mark.parametrize(
    ("start", "length", "unit"),
    [
        (dt.date(2015, 3, 10), 99999, "Y"),
        (dt.date(2015, 3, 10), 999999, "M"),
        (dt.date(9999, 12, 31), 1, "D"),
        (dt.date(9999, 12, 1), 1, "M"),
        (dt.date(2015, 3, 10), 10**9, "D"),
    ],
)
def test_an_absurd_sentence_length_gives_no_end_date_rather_than_an_error(start, length, unit):
    assert add_sentence(start, length, unit) is None


@settings(max_examples=150, deadline=None)
@given(start=st.dates(max_value=dt.date(7999, 12, 31)), months=st.integers(0, 1200))
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_its_last_day(start, months):
    end = add_sentence(start, months, "M")
    index = start.year * 12 + start.month - 1 + months
    assert end is not None
    assert (end.year, end.month) == (index // 12, index % 12 + 1)
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])


@settings(max_examples=100, deadline=None)
@given(start=st.dates(max_value=dt.date(7999, 12, 31)), years=st.integers(0, 100))
def test_a_year_is_twelve_months(start, years):
    assert add_sentence(start, years, "Y") == add_sentence(start, years * 12, "M")


@settings(max_examples=100, deadline=None)
@given(start=st.dates(max_value=dt.date(7999, 12, 31)), days=st.integers(0, 100_000))
def test_adding_days_is_plain_date_arithmetic(start, days):
    assert add_sentence(start, days, "D") == start + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("length", "unit", "end"),
    [
        ("90", "D", dt.date(2015, 6, 8)),
        (" 6 ", " m ", dt.date(2015, 9, 10)),
        ("3", "Y", dt.date(2018, 3, 10)),
        ("003", "y", dt.date(2018, 3, 10)),
    ],
)
def test_a_conviction_with_a_date_and_sentence_gets_an_end_date(length, unit, end):
    event = event_of(conviction(STP_EVENT_DATE="20150310", SENT_LENGTH=length, SENT_TIME_CODE=unit))
    assert event.sentence_length == int(length)
    assert event.sentence_unit == unit.strip().upper()
    assert event.sentence_end == end


def test_the_sentence_runs_from_the_step_date_else_the_disposition_date():
    both = event_of(conviction(STP_EVENT_DATE="20150310", DISP_DATE="20150401", SENT_LENGTH="1", SENT_TIME_CODE="Y"))
    assert both.sentence_end == dt.date(2016, 3, 10)
    only_disp = event_of(
        conviction(STP_EVENT_DATE="20150000", DISP_DATE="20150401", SENT_LENGTH="1", SENT_TIME_CODE="Y")
    )
    assert only_disp.step_date is None
    assert only_disp.sentence_end == dt.date(2016, 4, 1)


def test_a_sentence_on_a_row_that_is_not_a_conviction_has_no_end():
    event = event_of(conviction(DISP_DESCR="DISMISSED", SENT_LENGTH="30", SENT_TIME_CODE="D"))
    assert event.sentence_length == 30
    assert event.sentence_end is None


def test_a_conviction_with_no_usable_date_has_no_sentence_end():
    event = event_of(conviction(STP_EVENT_DATE="x", DISP_DATE="20159999", SENT_LENGTH="30", SENT_TIME_CODE="D"))
    assert event.is_conviction
    assert event.sentence_end is None


@pytest.mark.parametrize(
    ("length", "unit"),
    [("", "D"), ("x", "D"), ("-5", "D"), ("1.5", "Y"), ("3 0", "D"), ("1E3", "D")],
)
def test_a_sentence_without_a_usable_length_has_no_length_and_no_end(length, unit):
    event = event_of(conviction(SENT_LENGTH=length, SENT_TIME_CODE=unit))
    assert event.sentence_length is None
    assert event.sentence_end is None


@pytest.mark.parametrize("unit", ["", "x", "W", "#", "DAYS", "MY"])
def test_a_sentence_without_a_known_unit_has_no_unit_and_no_end(unit):
    event = event_of(conviction(SENT_LENGTH="30", SENT_TIME_CODE=unit))
    assert event.sentence_length == 30
    assert event.sentence_unit == ""
    assert event.sentence_end is None


@pytest.mark.parametrize(
    ("length", "unit"),
    [("999999", "Y"), ("9999999", "Y"), ("99999999999999999999", "D"), ("999999", "M"), ("999999", "D")],
)
def test_an_absurd_sentence_length_does_not_crash_the_row(length, unit):
    event = event_of(conviction(SENT_LENGTH=length, SENT_TIME_CODE=unit))
    assert event.sentence_length in (None, int(length))
    if unit in "YM":
        assert event.sentence_end is None


@pytest.mark.parametrize("length", ["\u00b2", "1\u00b2", "\u0663", "\uff13"])
def test_a_sentence_length_in_non_ascii_digits_is_unknown_not_a_crash(length):
    event = event_of(conviction(SENT_LENGTH=length, SENT_TIME_CODE="Y"))
    assert event.sentence_length is None
    assert event.sentence_end is None


@settings(max_examples=200, deadline=None)
@given(
    length=st.text(max_size=9),
    unit=st.text(max_size=3),
    step=st.text(alphabet="0123456789x ", max_size=9),
    disposition=st.sampled_from(["CONVICTED-JAIL", "DISMISSED", ""]),
)
def test_any_sentence_and_date_cells_normalize_without_error(length, unit, step, disposition):
    event = event_of(conviction(SENT_LENGTH=length, SENT_TIME_CODE=unit, STP_EVENT_DATE=step, DISP_DESCR=disposition))
    if event.sentence_end is not None:
        assert event.is_conviction
        assert event.step_date is not None
        assert event.sentence_end >= event.step_date


# --- dates, county, case ---------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["", "x", "#", "20190000", "20190230", "2019", "2019-05-25", "ABCDEFGH", "00000000"])
def test_dirty_dates_are_none(cell):
    event = event_of(conviction(CYC_DATE=cell, STP_EVENT_DATE=cell, DISP_DATE=cell, PRI_DOB=cell))
    assert (event.offense_date, event.step_date, event.disposition_date, event.dob) == (None, None, None, None)
    assert subject_of(row(PRI_DOB=cell)).dob is None


def test_dates_are_read_from_their_own_columns():
    event = event_of(
        conviction(CYC_DATE="20140102", STP_EVENT_DATE=" 20150310 ", DISP_DATE="20150401", PRI_DOB="19800515")
    )
    assert event.offense_date == dt.date(2014, 1, 2)
    assert event.step_date == dt.date(2015, 3, 10)
    assert event.disposition_date == dt.date(2015, 4, 1)
    assert event.dob == dt.date(1980, 5, 15)


@pytest.mark.parametrize(
    ("cell", "county"),
    [
        ("SACRAMENTO", "SACRAMENTO"),
        ("  los   angeles ", "LOS ANGELES"),
        ("San\tJoaquin", "SAN JOAQUIN"),
        ("SAN\tJOAQUIN", "SAN JOAQUIN"),
        ("SAN \t JOAQUIN", "SAN JOAQUIN"),
        ("SAN  JOAQUIN", "SAN JOAQUIN"),
        ("SAN FRANCISCO  ", "SAN FRANCISCO"),
        ("x", ""),
        ("", ""),
    ],
)
def test_the_county_is_upper_cased_with_spaces_collapsed(cell, county):
    assert event_of(conviction(STP_ORI_CNTY_NAME=cell)).county == county


@pytest.mark.parametrize(
    ("cell", "cnt_order", "case_key"),
    [
        ("101001001000", "101001001000", "101001"),
        (" 203004005006 ", "203004005006", "203004"),
        ("1010", "1010", "1010"),
        ("x", "", ""),
        ("", "", ""),
    ],
)
def test_the_case_key_is_the_first_six_characters_of_the_count_order(cell, cnt_order, case_key):
    event = event_of(conviction(CNT_ORDER=cell))
    assert (event.cnt_order, event.case_key) == (cnt_order, case_key)


def test_the_other_event_cells_are_cleaned_copies():
    event = event_of(
        conviction(
            STP_TYPE_DESCR=" COURT ACTION ",
            STP_ORI_DESCR="CASC SAN FRANCISCO   ",
            OFN="  F12345 ",
            FE_NUM_CRT_CASE="#",
            SENT_LOC_DESCR="  JAIL",
            COMMENT_TEXT="x",
        )
    )
    assert event.step_type == "COURT ACTION"
    assert event.court == "CASC SAN FRANCISCO"
    assert event.ofn == "F12345"
    assert event.court_case_number == ""
    assert event.sentence_location == "JAIL"
    assert event.comment == ""


# --- subject ---------------------------------------------------------------------------------


def test_the_subject_is_read_from_its_columns_and_cleaned():
    subject = subject_of(
        row(
            SUBJECT_ID=" 18675309 ",
            CII_NUMBER="x",
            PRI_NAME="SKYWALKER,LUKE S   ",
            PRI_DOB="19600314",
            GENDER=" MALE",
            RACE_DESCR="#",
            REQ_NAME="SHOULD NOT BE USED",
        )
    )
    assert subject.subject_id == "18675309"
    assert subject.cii == ""
    assert subject.name == "SKYWALKER,LUKE S"
    assert subject.dob == dt.date(1960, 3, 14)
    assert subject.gender == "MALE"
    assert subject.race == ""
