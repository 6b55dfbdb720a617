from __future__ import annotations

import dataclasses

import pytest

from cases.choices import Outcome, Severity
from cases.documents import Challenge, CountRow, Reason
from cases.documents.paperwork import conviction_sort_key, long_date, short_date
from cases.tests.documents import samples


def test_a_count_row_takes_the_stored_string_and_keeps_the_member():
    stored: dict = {"relief": "dismiss_and_seal", "severity": "felony"}  # as a CharField gives them

    row = dataclasses.replace(samples.mixed_rows()[0], **stored)

    assert row.relief is Outcome.DISMISS_AND_SEAL
    assert row.severity is Severity.FELONY
    assert row.sealed


@pytest.mark.parametrize("outcome", ["not_eligible", "needs_review", "pardon"])
def test_a_count_row_refuses_an_outcome_that_is_not_relief(outcome):
    with pytest.raises(ValueError):
        dataclasses.replace(samples.mixed_rows()[0], relief=outcome)


def test_rows_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        samples.mixed_rows()[0].name = "SOMEONE,ELSE"  # type: ignore[misc]


def test_a_challenge_turns_pairs_into_reasons():
    challenge = samples.challenges()[1]

    assert challenge.reasons == (Reason("Two or more prior convictions of HS 11360", "HS 11360(a)(3)(C)"),)
    assert isinstance(challenge.reasons[0], Reason)


def test_a_challenge_needs_a_reason():
    with pytest.raises(ValueError, match="needs a reason"):
        Challenge(court_case_number="F1", count="001001001", name="X,Y", cii="A1", section="HS 11359", reasons=())


def test_count_rows_sort_by_case_number_with_numbers_by_value_then_count():
    rows = sorted(samples.mixed_rows(), key=conviction_sort_key)

    assert [(row.court_case_number, row.count) for row in rows] == [
        ("F9", "001001001"),
        ("F9", "001001002"),
        ("F10", "001001001"),
        ("F10", "001002001"),
        ("F11", "001001001"),
        ("M200", "002001001"),
    ]


def test_dates_read_as_people_write_them_whatever_the_locale():
    import datetime

    assert short_date(datetime.date(2012, 1, 5)) == "Jan 5, 2012"
    assert short_date(None) == ""
    assert long_date(datetime.date(2025, 3, 4)) == "March 4, 2025"


def test_count_row_is_a_conviction_with_relief():
    fields = {field.name for field in dataclasses.fields(CountRow)}

    assert {"court_case_number", "count", "name", "akas", "dob", "cii", "section", "severity"} <= fields
    assert {"conviction_date", "relief", "basis", "decision_ref"} <= fields
