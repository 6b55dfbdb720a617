"""DOMAIN.md section 6, row by row, plus the Hypothesis properties issue 3 names. No database."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.eligibility.sections import parse_charge
from clearance.eligibility.statute import evaluate_statutory
from clearance.eligibility.types import Flag, Outcome, PersonHistory, Row, Severity

AS_OF = dt.date(2019, 11, 11)
COUNTY = "SAN FRANCISCO"
OFFENSE = dt.date(2010, 3, 1)
CONVICTED = dt.date(2010, 6, 1)
_ids = itertools.count(1)


def dob_for(age: int, on: dt.date = OFFENSE) -> dt.date:
    return dt.date(on.year - age, 1, 1)


def row(
    text: str,
    *,
    severity: Severity = Severity.FELONY,
    offense: dt.date | None = OFFENSE,
    convicted: dt.date | None = CONVICTED,
    county: str = COUNTY,
    cnt_order: str | None = None,
    is_conviction: bool = True,
    step_type: str = "COURT ACTION",
    comment: str = "",
    dob: dt.date | None = None,
    sentence: tuple[int, str] | None = None,
) -> Row:
    number = next(_ids)
    return Row(
        id=number,
        line=number,
        cnt_order=cnt_order if cnt_order is not None else f"{number:03d}001001000",
        step_type=step_type,
        county=county,
        charge=parse_charge(text, comment),
        is_conviction=is_conviction,
        severity=severity,
        offense_date=offense,
        conviction_date=convicted,
        sentence_length=sentence[0] if sentence else None,
        sentence_unit=sentence[1] if sentence else "",
        dob=dob,
    )


def decide(*rows: Row, age: int = 30, dob: dt.date | None = None, incomplete: bool = False, as_of: dt.date = AS_OF):
    history = PersonHistory("1", tuple(rows), dob=dob if dob is not None else dob_for(age), incomplete=incomplete)
    return evaluate_statutory(history, county=COUNTY, as_of=as_of)


def only(*rows: Row, **kwargs):
    results = decide(*rows, **kwargs)
    assert len(results) == 1
    return results[0]


F, M, INF, U = Severity.FELONY, Severity.MISDEMEANOR, Severity.INFRACTION, Severity.UNKNOWN
D, RM, RI, NE, NR = (
    Outcome.DISMISS_AND_SEAL,
    Outcome.REDUCE_TO_MISDEMEANOR,
    Outcome.REDUCE_TO_INFRACTION,
    Outcome.NOT_ELIGIBLE,
    Outcome.NEEDS_REVIEW,
)


@pytest.mark.parametrize(
    ("section", "severity", "age", "outcome", "code"),
    [
        ("11357(A) HS-POSSESS CONCENTRATED CANNABIS", F, 21, D, "NOW_LEGAL"),
        ("11357(A) HS", M, 35, D, "NOW_LEGAL"),
        ("11357(A) HS", F, 19, RI, "LESSER_INFRACTION"),
        ("11357(A) HS", M, 20, RI, "LESSER_INFRACTION"),
        ("11357(A) HS", INF, 18, NE, "NO_LESSER_OFFENSE"),
        ("11357(B) HS-POSSESS MARIJUANA", INF, 40, D, "NOW_LEGAL"),
        ("11357(B) HS", M, 19, RI, "LESSER_INFRACTION"),
        ("11357(B) HS", INF, 19, NE, "NO_LESSER_OFFENSE"),
        ("11357(C) HS", M, 30, NE, "NO_LESSER_OFFENSE"),
        ("11357(C) HS", F, 18, NE, "NO_LESSER_OFFENSE"),
        ("11357(D) HS", M, 30, NR, "UNCLEAR_SECTION"),
        ("11357 HS", M, 30, NR, "UNCLEAR_SECTION"),
        ("11358 HS-CULTIVATE", F, 30, RM, "LESSER_MISDEMEANOR"),
        ("11358 HS", M, 30, NR, "UNCLEAR_SECTION"),
        ("11358 HS", INF, 30, NR, "UNCLEAR_SECTION"),
        ("11359 HS-POSSESS FOR SALE", F, 30, RM, "LESSER_MISDEMEANOR"),
        ("11359 HS", M, 30, NE, "NO_LESSER_OFFENSE"),
        ("11359 HS", INF, 30, NE, "NO_LESSER_OFFENSE"),
        ("11360(A) HS-SELL", F, 30, RM, "LESSER_MISDEMEANOR"),
        ("11360 HS", F, 30, RM, "LESSER_MISDEMEANOR"),
        ("11360(B) HS", M, 21, D, "NOW_LEGAL"),
        ("11360 HS", M, 45, D, "NOW_LEGAL"),
        ("11360(B) HS", M, 18, RI, "LESSER_INFRACTION"),
        ("11360 HS", M, 20, RI, "LESSER_INFRACTION"),
        ("11359(C)(1) HS", F, 30, NR, "POST2016_SUBDIVISION"),
        ("11359(D) HS", F, 30, NR, "POST2016_SUBDIVISION"),
        ("11360(A)(3)(C) HS", F, 30, NR, "POST2016_SUBDIVISION"),
        ("11358(C) HS", F, 30, NR, "POST2016_SUBDIVISION"),
        ("11357(B)(2) HS", M, 30, NR, "POST2016_SUBDIVISION"),
        ("11359 HS", U, 30, NR, "UNCLEAR_SECTION"),
        ("11360(B) HS", F, 30, NR, "UNCLEAR_SECTION"),
    ],
)
def test_the_section_table_gives_each_row_its_outcome(section, severity, age, outcome, code):
    result = only(row(section, severity=severity), age=age)
    assert result.outcome is outcome
    assert result.reasons[0].code == code
    assert result.reasons[0].cites
    assert result.reasons[0].evidence == (result.row_id,)


def test_an_offense_on_or_after_prop64_is_not_eligible():
    result = only(row("11359 HS", offense=dt.date(2016, 11, 9), convicted=dt.date(2017, 1, 5)))
    assert result.outcome is NE and result.reasons[0].code == "POST_PROP64_OFFENSE"


def test_a_conviction_date_fallback_after_prop64_goes_to_review():
    result = only(row("11359 HS", offense=None, convicted=dt.date(2017, 1, 5)))
    assert result.outcome is NR and result.reasons[0].code == "DATE_FALLBACK"
    assert Flag.DATE_FALLBACK in result.flags


def test_a_conviction_date_fallback_before_prop64_is_used_and_flagged():
    result = only(row("11359 HS", offense=None, convicted=dt.date(2012, 1, 5)))
    assert result.outcome is RM and Flag.DATE_FALLBACK in result.flags


def test_no_usable_date_at_all_goes_to_review():
    result = only(row("11359 HS", offense=None, convicted=None))
    assert result.outcome is NR and result.reasons[0].code == "DATE_FALLBACK"


def test_a_conspiracy_is_not_eligible():
    result = only(row("182(A)(1) PC-CONSPIRACY", comment="11359 HS"))
    assert result.outcome is NE and result.reasons[0].code == "CONSPIRACY"


def test_an_attempt_goes_to_review_suggesting_the_target_outcome():
    result = only(row("664/11359 HS-ATTEMPT POSSESS FOR SALE", severity=F))
    assert result.outcome is NR and result.reasons[0].code == "ATTEMPT"
    assert result.suggested_outcome is RM


@pytest.mark.parametrize("age", [12, 16, 17])
def test_a_juvenile_goes_to_review(age):
    result = only(row("11357(B) HS", severity=M), age=age)
    assert result.outcome is NR and result.reasons[0].code == "JUVENILE"


def test_no_usable_dob_goes_to_review():
    history = PersonHistory("1", (row("11357(B) HS", severity=M),), dob=None)
    (result,) = evaluate_statutory(history, county=COUNTY, as_of=AS_OF)
    assert result.outcome is NR and result.reasons[0].code == "MISSING_DOB"


def test_a_dob_after_the_offense_counts_as_missing():
    result = only(row("11357(B) HS", severity=M), dob=dt.date(2011, 1, 1))
    assert result.reasons[0].code == "MISSING_DOB"


@pytest.mark.parametrize("prior", ["187 PC-MURDER", "261(A)(2) PC-RAPE", "664/187 PC-ATTEMPTED MURDER", "288(A) PC"])
def test_a_prior_super_strike_disqualifies_a_sale_conviction(prior):
    strike = row(prior, convicted=dt.date(1998, 5, 4), offense=dt.date(1998, 1, 1))
    result = next(r for r in decide(strike, row("11359 HS", severity=F)) if r.row_id != strike.id)
    assert result.outcome is NE and result.reasons[0].code == "DQ_SUPER_STRIKE"
    assert strike.id in result.reasons[0].evidence


def test_a_super_strike_after_the_conviction_is_not_a_prior():
    later = row("187 PC", convicted=dt.date(2012, 1, 1), offense=dt.date(2011, 1, 1))
    (result,) = decide(later, row("11359 HS", severity=F))
    assert result.outcome is RM


def test_a_prior_290_offense_disqualifies():
    prior = row("243.4 PC-SEXUAL BATTERY", convicted=dt.date(2001, 1, 1), offense=dt.date(2000, 1, 1))
    (result,) = decide(prior, row("11360(A) HS", severity=F))
    assert result.outcome is NE and result.reasons[0].code == "DQ_290"


def test_a_registration_without_a_registrable_conviction_goes_to_review():
    registration = row(
        "290 PC-REGISTRATION OF SEX OFFENDER",
        is_conviction=False,
        step_type="REGISTRATION",
        convicted=dt.date(2005, 1, 1),
        offense=dt.date(2005, 1, 1),
    )
    (result,) = decide(registration, row("11359 HS", severity=F))
    assert result.outcome is NR and result.reasons[0].code == "REGISTRATION_ONLY"


def test_two_priors_of_the_same_section_disqualify():
    first = row("11359 HS", convicted=dt.date(2001, 1, 1), offense=dt.date(2000, 6, 1), county="YOLO")
    second = row("11359(A) HS", convicted=dt.date(2003, 1, 1), offense=dt.date(2002, 6, 1), county="YOLO")
    (result,) = decide(first, second, row("11359 HS", severity=F))
    assert result.outcome is NE and result.reasons[0].code == "DQ_TWO_PRIORS"
    assert set(result.reasons[0].evidence) == {first.id, second.id}


def test_a_minor_in_the_same_case_disqualifies_a_sale():
    sale = row("11360(A) HS", severity=F, cnt_order="101002001000")
    minor = row("11361 HS-FURNISH TO MINOR", cnt_order="101002002000")
    results = {r.row_id: r for r in decide(sale, minor)}
    assert results[sale.id].outcome is NE and results[sale.id].reasons[0].code == "DQ_MINOR"


def test_an_environmental_count_in_the_same_case_disqualifies_cultivation():
    grow = row("11358 HS", severity=F, cnt_order="101002001000")
    water = row("1052 WC-DIVERT WATER", cnt_order="101002002000")
    (result,) = decide(grow, water)
    assert result.outcome is NE and result.reasons[0].code == "DQ_ENVIRONMENT"


def test_disqualifiers_do_not_apply_to_possession():
    strike = row("187 PC", convicted=dt.date(1998, 5, 4), offense=dt.date(1998, 1, 1))
    (result,) = decide(strike, row("11357(B) HS", severity=M))
    assert result.outcome is D


def test_every_disqualifier_is_reported_after_the_deciding_reason():
    strike = row("187 PC", convicted=dt.date(1998, 5, 4), offense=dt.date(1998, 1, 1))
    result = only(strike, row("11359 HS", offense=dt.date(2017, 1, 1), convicted=dt.date(2017, 5, 1)))
    assert [r.code for r in result.reasons] == ["POST_PROP64_OFFENSE", "DQ_SUPER_STRIKE"]


def test_only_convictions_in_the_county_are_candidates():
    assert decide(row("11359 HS", county="YOLO")) == []
    assert decide(row("11359 HS", is_conviction=False)) == []
    assert decide(row("11357.5 HS-SYNTHETIC CANNABINOID")) == []
    assert decide(row("11361 HS")) == []


def test_a_second_line_of_the_same_count_is_a_sentence_not_a_conviction():
    first = row("11359 HS", cnt_order="101002001000", sentence=(2, "Y"))
    again = row("11359 HS", cnt_order="101002001000", sentence=(10, "Y"))
    (result,) = decide(first, again)
    assert result.row_id == first.id
    assert Flag.CURRENTLY_SERVING in result.flags  # 2010 + 12 years ends after 2019


def test_a_finished_sentence_is_not_currently_serving():
    (result,) = decide(row("11359 HS", sentence=(3, "Y")))
    assert Flag.CURRENTLY_SERVING not in result.flags


def test_a_deceased_person_is_flagged_not_disqualified():
    death = row("", is_conviction=False, step_type="DECEASED")
    (result,) = decide(death, row("11359 HS"))
    assert result.outcome is RM and Flag.DECEASED in result.flags


def test_an_incomplete_record_goes_to_review_with_the_outcome_suggested():
    result = only(row("11359 HS"), incomplete=True)
    assert result.outcome is NR and result.reasons[0].code == "INCOMPLETE_RECORD"
    assert result.suggested_outcome is RM and Flag.INCOMPLETE_RECORD in result.flags


# Properties (issue 3): order never matters; a disqualifying prior never increases relief;
# every not_eligible and needs_review has a reason; evaluating twice gives the same result.
SECTIONS = [
    "11357(A) HS",
    "11357(B) HS",
    "11357(C) HS",
    "11357 HS",
    "11358 HS",
    "11359 HS",
    "11360(A) HS",
    "11360(B) HS",
    "11360 HS",
    "664/11359 HS",
    "182(A)(1)/11360 HS",
    "459 PC",
    "187 PC",
    "243.4 PC",
]
RANK = {NE: 0, NR: 0, RM: 1, RI: 2, D: 3}

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(SECTIONS),
        st.sampled_from([F, M, INF, U]),
        st.dates(dt.date(1980, 1, 1), dt.date(2019, 1, 1)),
        st.sampled_from([COUNTY, "YOLO"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


def _rows(spec):
    return [
        row(
            text,
            severity=sev,
            offense=day,
            convicted=day + dt.timedelta(days=30),
            county=county,
            is_conviction=convicted,
        )
        for text, sev, day, county, convicted in spec
    ]


@settings(max_examples=150, deadline=None)
@given(rows_strategy, st.integers(17, 70), st.randoms(use_true_random=False))
def test_row_order_never_changes_results(spec, age, rnd):
    rows = _rows(spec)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    forward = {r.row_id: r for r in decide(*rows, age=age)}
    backward = {r.row_id: r for r in decide(*shuffled, age=age)}
    assert forward == backward


@settings(max_examples=150, deadline=None)
@given(rows_strategy, st.integers(18, 70))
def test_a_disqualifying_prior_never_increases_relief(spec, age):
    rows = _rows(spec)
    before = {r.row_id: r.outcome for r in decide(*rows, age=age)}
    strike = row("187 PC", offense=dt.date(1975, 1, 1), convicted=dt.date(1975, 6, 1))
    after = {r.row_id: r.outcome for r in decide(*rows, strike, age=age)}
    for row_id, outcome in before.items():
        assert RANK[after[row_id]] <= RANK[outcome]


@settings(max_examples=150, deadline=None)
@given(rows_strategy, st.integers(10, 70))
def test_every_refusal_and_review_has_a_reason_and_results_repeat(spec, age):
    rows = _rows(spec)
    results = decide(*rows, age=age)
    for result in results:
        assert result.reasons, result
        assert all(r.code and r.text and r.cites for r in result.reasons)
    assert decide(*rows, age=age) == results
