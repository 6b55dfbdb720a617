"""Office policies (DOMAIN.md sections 7 and 10): presets, BEAR options, and their guarantees. No database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance.eligibility.policies import (
    ACTIONABLE,
    GOGEN_BEAR_OPTIONS,
    PRESETS,
    RANK,
    Policy,
    PolicyError,
    add_years,
    bear_policy,
    evaluate,
)
from clearance.eligibility.sections import parse_charge
from clearance.eligibility.statute import RULES_VERSION, evaluate_statutory
from clearance.eligibility.types import Determination, Outcome, PersonHistory, Row, Severity

AS_OF = dt.date(2019, 11, 11)
COUNTY = "SAN FRANCISCO"
OFFENSE = dt.date(2010, 3, 1)
CONVICTED = dt.date(2010, 6, 1)
_ids = itertools.count(1)

F, M, INF, U = Severity.FELONY, Severity.MISDEMEANOR, Severity.INFRACTION, Severity.UNKNOWN
D, RM, RI, NE, NR = (
    Outcome.DISMISS_AND_SEAL,
    Outcome.REDUCE_TO_MISDEMEANOR,
    Outcome.REDUCE_TO_INFRACTION,
    Outcome.NOT_ELIGIBLE,
    Outcome.NEEDS_REVIEW,
)


def row(
    text: str,
    *,
    severity: Severity = F,
    offense: dt.date | None = OFFENSE,
    convicted: dt.date | None = CONVICTED,
    county: str = COUNTY,
    is_conviction: bool = True,
    step_type: str = "COURT ACTION",
    comment: str = "",
    cnt_order: str | None = None,
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
    )


def dob_for(age: int, on: dt.date = OFFENSE) -> dt.date:
    return dt.date(on.year - age, 1, 1)


def history(*rows: Row, age: int = 30, dob: dt.date | None = None, incomplete: bool = False) -> PersonHistory:
    return PersonHistory("1", tuple(rows), dob=dob if dob is not None else dob_for(age), incomplete=incomplete)


def decide(policy: Policy | str, *rows: Row, as_of: dt.date = AS_OF, **kwargs) -> list[Determination]:
    chosen = PRESETS[policy] if isinstance(policy, str) else policy
    return evaluate(history(*rows, **kwargs), county=COUNTY, policy=chosen, as_of=as_of)


def first(policy: Policy | str, *rows: Row, **kwargs) -> Determination:
    """The determination of the first row given (the candidate under test)."""
    results = {r.row_id: r for r in decide(policy, *rows, **kwargs)}
    return results[rows[0].id]


def recent(text: str = "459 PC-BURGLARY", *, year: int = 2018) -> Row:
    """A recent non-cannabis conviction elsewhere: it defeats 'crime free', 'only cannabis', 'only conviction'."""
    return row(text, offense=dt.date(year, 1, 1), convicted=dt.date(year, 2, 1), county="YOLO")


def added(result: Determination) -> list[str]:
    """The codes a policy appended (the statute's own codes are never prefixed by a slug)."""
    return [r.code for r in result.reasons if r.code.split("_")[0] in {"BEAR", "DISMISS", "LOS", "SACRAMENTO", "SAN"}]


# --------------------------------------------------------------------------------------------
# Presets and the Policy value
# --------------------------------------------------------------------------------------------


def test_the_six_presets_ship_at_version_1():
    assert set(PRESETS) == {
        "statutory",
        "dismiss_all",
        "bear",
        "los_angeles_2020",
        "sacramento_2019",
        "san_joaquin_2019",
    }
    for slug, policy in PRESETS.items():
        assert (policy.slug, policy.version, policy.kind) == (slug, 1, slug)
        assert policy.options == ({} if slug != "bear" else PRESETS["bear"].options)


def test_the_bear_preset_uses_the_gogen_fixture_options_normalised():
    assert PRESETS["bear"].options == {
        "baselineEligibility": {"dismiss": ["11357", "11358"], "reduce": ["11359", "11360"]},
        "additionalRelief": {
            "subjectUnder21AtConviction": True,
            "subjectAgeThreshold": 57,
            "yearsSinceConvictionThreshold": 10,
            "yearsCrimeFreeThreshold": None,
            "subjectHasOnlyProp64Charges": True,
            "subjectIsDeceased": True,
        },
    }
    assert bear_policy(GOGEN_BEAR_OPTIONS) == PRESETS["bear"]
    assert bear_policy(PRESETS["bear"].options) == PRESETS["bear"]  # normalising is idempotent


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Policy("x", 1, "generous"), "unknown policy kind 'generous'; allowed: statutory, dismiss_all, bear"),
        (lambda: Policy("dismiss_all", 1, "dismiss_all", {"a": 1}), "policy kind 'dismiss_all' takes no options"),
        (lambda: Policy("", 1, "statutory"), "policy slug must be"),
        (lambda: Policy("Bad Slug", 1, "statutory"), "policy slug must be"),
        (lambda: Policy("statutory", 0, "statutory"), "policy version must be a whole number of at least 1, got 0"),
        (lambda: bear_policy({}, version=True), "policy version must be"),
    ],
)
def test_a_bad_policy_is_refused_with_a_clear_message(make, message):
    with pytest.raises(PolicyError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_policy_error_is_a_value_error():
    assert issubclass(PolicyError, ValueError)


# --------------------------------------------------------------------------------------------
# BEAR options: validation
# --------------------------------------------------------------------------------------------


def _with_relief(**relief):
    return {"baselineEligibility": {"dismiss": ["11357"], "reduce": ["11359"]}, "additionalRelief": relief}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            _with_relief(subjectAgeThreshold=70),
            "additionalRelief.subjectAgeThreshold must be between 40 and 65, got 70",
        ),
        (
            _with_relief(subjectAgeThreshold=39),
            "additionalRelief.subjectAgeThreshold must be between 40 and 65, got 39",
        ),
        (
            _with_relief(subjectAgeThreshold=-1),
            "additionalRelief.subjectAgeThreshold must be between 40 and 65, got -1",
        ),
        (
            _with_relief(yearsSinceConvictionThreshold=16),
            "additionalRelief.yearsSinceConvictionThreshold must be between 1 and 15, got 16",
        ),
        (
            _with_relief(yearsCrimeFreeThreshold=16),
            "additionalRelief.yearsCrimeFreeThreshold must be between 1 and 15, got 16",
        ),
        (
            _with_relief(subjectAgeThreshold="57"),
            "additionalRelief.subjectAgeThreshold must be a whole number between 40 and 65 "
            "(or 0 or null to turn it off), got a string '57'",
        ),
        (_with_relief(subjectAgeThreshold=57.5), "additionalRelief.subjectAgeThreshold must be a whole number"),
        (_with_relief(yearsCrimeFreeThreshold=True), "additionalRelief.yearsCrimeFreeThreshold must be a whole number"),
        (
            _with_relief(subjectIsDeceased="yes"),
            "additionalRelief.subjectIsDeceased must be true or false (or 0 or null to turn it off), got 'yes'",
        ),
        (
            _with_relief(subjectUnder21AtConviction=1),
            "additionalRelief.subjectUnder21AtConviction must be true or false",
        ),
        (
            _with_relief(subjectIsOld=True),
            "unknown option additionalRelief.subjectIsOld; allowed: subjectUnder21AtConviction, subjectAgeThreshold, "
            "yearsSinceConvictionThreshold, yearsCrimeFreeThreshold, subjectHasOnlyProp64Charges, subjectIsDeceased",
        ),
        ({"baseline": {}}, "unknown BEAR option 'baseline'; allowed: baselineEligibility, additionalRelief"),
        ({"baselineEligibility": {"seal": []}}, "unknown option baselineEligibility.seal; allowed: dismiss, reduce"),
        (
            {"baselineEligibility": {"dismiss": ["11357", "11359"], "reduce": ["11359"]}},
            "11359 is in both baselineEligibility.dismiss and baselineEligibility.reduce",
        ),
        (
            {"baselineEligibility": {"dismiss": ["11360(a)"], "reduce": ["11360(A) HS"]}},
            "11360(a) is in both baselineEligibility.dismiss and baselineEligibility.reduce",
        ),
        (
            {"baselineEligibility": {"dismiss": ["11361"]}},
            "baselineEligibility.dismiss[0] must be one of 11357, 11358, 11359, 11360, optionally with a subdivision "
            "such as 11360(a), got '11361'",
        ),
        ({"baselineEligibility": {"reduce": ["11359", "11357.5"]}}, "baselineEligibility.reduce[1] must be one of"),
        (
            {"baselineEligibility": {"reduce": [11359]}},
            "baselineEligibility.reduce[0] must be one of 11357, 11358, 11359, 11360, optionally with a subdivision "
            "such as 11360(a), got a number 11359",
        ),
        (
            {"baselineEligibility": {"reduce": "11359"}},
            "baselineEligibility.reduce must be a list of sections, got a string",
        ),
        ({"baselineEligibility": ["11359"]}, "baselineEligibility must be an object"),
        ({"additionalRelief": [1]}, "additionalRelief must be an object, got a list"),
    ],
)
def test_invalid_bear_options_are_refused_with_a_clear_message(options, message):
    with pytest.raises(PolicyError) as caught:
        bear_policy(options)
    assert str(caught.value).startswith(message), str(caught.value)


def test_bear_options_that_are_not_an_object_are_refused():
    with pytest.raises(PolicyError, match="BEAR options must be a JSON object, got a list"):
        bear_policy([])  # type: ignore[arg-type]


@pytest.mark.parametrize("off", [0, None, "absent"])
def test_zero_null_or_absent_turns_a_rule_off(off):
    relief = {} if off == "absent" else {"subjectAgeThreshold": off, "subjectIsDeceased": off}
    policy = bear_policy({"additionalRelief": relief})
    assert policy.options["additionalRelief"]["subjectAgeThreshold"] is None
    assert policy.options["additionalRelief"]["subjectIsDeceased"] is False
    assert policy.options["baselineEligibility"] == {"dismiss": [], "reduce": []}


def test_baseline_entries_are_normalised():
    policy = bear_policy({"baselineEligibility": {"dismiss": ["11360(A)", " 11357 HS", "11357"], "reduce": ["11360"]}})
    assert policy.options["baselineEligibility"] == {"dismiss": ["11357", "11360(a)"], "reduce": ["11360"]}


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [("subjectAgeThreshold", 40, 65), ("yearsSinceConvictionThreshold", 1, 15), ("yearsCrimeFreeThreshold", 1, 15)],
)
def test_thresholds_accept_their_whole_range(key, low, high):
    for value in (low, high):
        assert bear_policy({"additionalRelief": {key: value}}).options["additionalRelief"][key] == value
    for value in (low - 1, high + 1):
        if value == 0:
            continue  # 0 turns the rule off
        with pytest.raises(PolicyError, match=f"must be between {low} and {high}, got {value}$"):
            bear_policy({"additionalRelief": {key: value}})


# --------------------------------------------------------------------------------------------
# BEAR: baseline eligibility
# --------------------------------------------------------------------------------------------


def bear(dismiss=(), reduce=(), **relief) -> Policy:
    return bear_policy(
        {"baselineEligibility": {"dismiss": list(dismiss), "reduce": list(reduce)}, "additionalRelief": relief}
    )


@pytest.mark.parametrize(
    ("dismiss", "reduce", "section", "severity", "age", "outcome", "code"),
    [
        # a felony follows its list
        (["11358"], [], "11358 HS", F, 30, D, "BEAR_BASELINE_DISMISS"),
        ([], ["11359"], "11359 HS", F, 30, RM, None),  # the statute already reduces
        ([], ["11357"], "11357(C) HS", F, 30, RM, "BEAR_BASELINE_REDUCE"),  # no lesser offense -> reduce
        ([], [], "11357(C) HS", F, 30, NE, None),  # a felony in neither list keeps its statutory outcome
        ([], [], "11359 HS", F, 30, RM, None),
        # the most specific entry wins
        (["11360"], ["11360(a)"], "11360(A) HS", F, 30, RM, None),
        (["11360"], ["11360(a)"], "11360 HS", F, 30, D, "BEAR_BASELINE_DISMISS"),
        (["11360(a)"], ["11360"], "11360(A) HS", F, 30, D, "BEAR_BASELINE_DISMISS"),
        (["11360(a)"], ["11360"], "11360 HS", F, 30, RM, None),
        # misdemeanors and infractions are always dismissed, whatever the lists say
        ([], ["11359"], "11359 HS", M, 30, D, "BEAR_MISDEMEANOR_OR_INFRACTION"),
        ([], [], "11357(B) HS", INF, 19, D, "BEAR_MISDEMEANOR_OR_INFRACTION"),
        ([], [], "11360(B) HS", M, 19, D, "BEAR_MISDEMEANOR_OR_INFRACTION"),
        ([], [], "11357(B) HS", M, 40, D, None),  # already dismissed by the statute
        # unclear_section reviews are settled by a rule covering the section
        ([], [], "11358 HS", M, 30, D, "BEAR_MISDEMEANOR_OR_INFRACTION"),
        (["11357"], [], "11357 HS", F, 30, D, "BEAR_BASELINE_DISMISS"),
        ([], ["11357"], "11357(D) HS", F, 30, RM, "BEAR_BASELINE_REDUCE"),
        ([], [], "11357 HS", F, 30, NR, None),  # no rule covers it
        ([], ["11360"], "11360(B) HS", F, 30, RM, "BEAR_BASELINE_REDUCE"),
        # unknown severity: settled only when every severity would get the same outcome
        (["11359"], [], "11359 HS", U, 30, D, "BEAR_BASELINE_DISMISS"),
        ([], ["11359"], "11359 HS", U, 30, NR, None),
        ([], [], "11359 HS", U, 30, NR, None),
    ],
)
def test_bear_baseline(dismiss, reduce, section, severity, age, outcome, code):
    result = first(bear(dismiss, reduce), row(section, severity=severity), age=age)
    assert result.outcome is outcome
    assert added(result) == ([code] if code else [])


def test_an_unknown_severity_settled_by_bear_says_so():
    result = first(bear(["11359"]), row("11359 HS", severity=U))
    assert "severity not recorded" in result.reasons[-1].text


# --------------------------------------------------------------------------------------------
# BEAR: additional relief, each rule on and off, at the boundary
# --------------------------------------------------------------------------------------------


def _sale(**kwargs) -> Row:
    return row("11359 HS-POSSESS FOR SALE", **kwargs)


@pytest.mark.parametrize(
    ("relief", "dob", "convicted", "extra", "fires"),
    [
        # under 21 on the conviction date (CONVICTED = 2010-06-01)
        ({"subjectUnder21AtConviction": True}, dt.date(1989, 6, 2), CONVICTED, (), "BEAR_UNDER_21_AT_CONVICTION"),
        ({"subjectUnder21AtConviction": True}, dt.date(1989, 6, 1), CONVICTED, (), None),
        ({"subjectUnder21AtConviction": False}, dt.date(1989, 6, 2), CONVICTED, (), None),
        # age on the as-of date (2019-11-11) >= N
        ({"subjectAgeThreshold": 57}, dt.date(1962, 11, 11), CONVICTED, (), "BEAR_AGE_THRESHOLD"),
        ({"subjectAgeThreshold": 57}, dt.date(1962, 11, 12), CONVICTED, (), None),
        ({"subjectAgeThreshold": 0}, dt.date(1930, 1, 1), CONVICTED, (), None),
        # conviction date + N years <= as-of
        (
            {"yearsSinceConvictionThreshold": 10},
            dt.date(1970, 1, 1),
            dt.date(2009, 11, 11),
            (),
            "BEAR_YEARS_SINCE_CONVICTION",
        ),
        ({"yearsSinceConvictionThreshold": 10}, dt.date(1970, 1, 1), dt.date(2009, 11, 12), (), None),
        ({"yearsSinceConvictionThreshold": None}, dt.date(1970, 1, 1), dt.date(1990, 1, 1), (), None),
        # every dated conviction + N years <= as-of
        ({"yearsCrimeFreeThreshold": 5}, dt.date(1970, 1, 1), CONVICTED, ("2014-11-11",), "BEAR_CRIME_FREE_YEARS"),
        ({"yearsCrimeFreeThreshold": 5}, dt.date(1970, 1, 1), CONVICTED, ("2014-11-12",), None),
        ({"yearsCrimeFreeThreshold": 10}, dt.date(1970, 1, 1), CONVICTED, (), None),  # this conviction counts too
        ({"yearsCrimeFreeThreshold": 9}, dt.date(1970, 1, 1), CONVICTED, (), "BEAR_CRIME_FREE_YEARS"),
        # only HS 11357-11360 convictions (attempts and conspiracies to them count as such)
        ({"subjectHasOnlyProp64Charges": True}, dt.date(1970, 1, 1), CONVICTED, ("11357(C) HS",), "BEAR_ONLY_PROP64"),
        ({"subjectHasOnlyProp64Charges": True}, dt.date(1970, 1, 1), CONVICTED, ("664/11360 HS",), "BEAR_ONLY_PROP64"),
        ({"subjectHasOnlyProp64Charges": True}, dt.date(1970, 1, 1), CONVICTED, ("182/11358 HS",), "BEAR_ONLY_PROP64"),
        ({"subjectHasOnlyProp64Charges": True}, dt.date(1970, 1, 1), CONVICTED, ("11361 HS",), None),
        ({"subjectHasOnlyProp64Charges": True}, dt.date(1970, 1, 1), CONVICTED, ("459 PC",), None),
        ({"subjectHasOnlyProp64Charges": False}, dt.date(1970, 1, 1), CONVICTED, (), None),
        # deceased
        ({"subjectIsDeceased": True}, dt.date(1970, 1, 1), CONVICTED, ("DECEASED",), "BEAR_DECEASED"),
        ({"subjectIsDeceased": True}, dt.date(1970, 1, 1), CONVICTED, (), None),
        ({"subjectIsDeceased": False}, dt.date(1970, 1, 1), CONVICTED, ("DECEASED",), None),
    ],
)
def test_bear_additional_relief(relief, dob, convicted, extra, fires):
    candidate = _sale(offense=dt.date(2009, 1, 1), convicted=convicted)
    others = []
    for spec in extra:
        if spec == "DECEASED":
            others.append(row("", is_conviction=False, step_type="DECEASED", convicted=dt.date(2019, 1, 1)))
        elif spec[:1] == "2":
            day = dt.date.fromisoformat(spec)
            others.append(row("459 PC", offense=day, convicted=day, county="YOLO"))
        else:
            others.append(row(spec, offense=dt.date(2005, 1, 1), convicted=dt.date(2005, 2, 1), county="YOLO"))
    result = first(bear([], ["11359"], **relief), candidate, *others, dob=dob)
    assert result.outcome is (D if fires else RM)
    assert added(result) == ([fires] if fires else [])
    if fires:
        reason = result.reasons[-1]
        assert reason.evidence[0] == candidate.id
        assert reason.text.startswith("BEAR: ")


def test_the_rows_that_prove_a_rule_are_evidence():
    candidate = _sale()
    later = row("459 PC", offense=dt.date(2012, 1, 1), convicted=dt.date(2012, 1, 1), county="YOLO")
    result = first(bear([], ["11359"], yearsCrimeFreeThreshold=5), candidate, later)
    assert result.reasons[-1].evidence == (candidate.id, later.id)
    other = row("11360(A) HS", offense=dt.date(2001, 1, 1), convicted=dt.date(2001, 2, 1), county="YOLO")
    result = first(bear([], ["11359"], subjectHasOnlyProp64Charges=True), candidate, other)
    assert set(result.reasons[-1].evidence) == {candidate.id, other.id}
    death = row("", is_conviction=False, step_type="DECEASED")
    result = first(bear([], ["11359"], subjectIsDeceased=True), candidate, death)
    assert result.reasons[-1].evidence == (candidate.id, death.id)


def test_only_the_first_additional_rule_that_applies_is_reported():
    death = row("", is_conviction=False, step_type="DECEASED")
    policy = bear([], ["11359"], subjectUnder21AtConviction=True, subjectIsDeceased=True, subjectAgeThreshold=40)
    result = first(policy, _sale(), death, dob=dt.date(1990, 1, 1))  # 20 at conviction, deceased
    assert added(result) == ["BEAR_UNDER_21_AT_CONVICTION"]
    result = first(policy, _sale(), death, dob=dt.date(1970, 1, 1))  # 49 on the as-of date, deceased
    assert added(result) == ["BEAR_AGE_THRESHOLD"]


def test_additional_relief_upgrades_either_reduction():
    # 11357(a) felony at 19: the statute reduces it to an infraction; "reduce" cannot lower that.
    candidate = row("11357(A) HS", severity=F)
    assert first(bear([], ["11357"]), candidate, age=19).outcome is RI
    result = first(bear([], ["11357"], subjectUnder21AtConviction=True), candidate, age=19)
    assert result.outcome is D and added(result) == ["BEAR_UNDER_21_AT_CONVICTION"]


def test_additional_relief_upgrades_a_statutory_reduction_of_a_felony_in_neither_list():
    result = first(bear(subjectIsDeceased=True), _sale(), row("", is_conviction=False, step_type="DECEASED"))
    assert result.outcome is D and added(result) == ["BEAR_DECEASED"]


def test_additional_relief_never_turns_a_refusal_or_a_review_into_a_dismissal():
    death = row("", is_conviction=False, step_type="DECEASED")
    assert first(bear(subjectIsDeceased=True), row("11357(C) HS"), death).outcome is NE
    assert first(bear(subjectIsDeceased=True), row("11357 HS"), death).outcome is NR


def test_add_years_handles_leap_days():
    assert add_years(dt.date(2008, 2, 29), 10) == dt.date(2018, 2, 28)
    assert add_years(dt.date(2008, 2, 29), 4) == dt.date(2012, 2, 29)
    assert add_years(dt.date(2009, 11, 11), 10) == dt.date(2019, 11, 11)


# --------------------------------------------------------------------------------------------
# dismiss_all (San Francisco 2019)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "severity", "age", "outcome", "code"),
    [
        ("11357(B) HS", M, 40, D, None),  # NOW_LEGAL: already dismissed
        ("11359 HS", F, 30, D, "DISMISS_ALL_DISMISS"),  # LESSER_MISDEMEANOR
        ("11360 HS", F, 30, D, "DISMISS_ALL_DISMISS"),
        ("11357(B) HS", M, 19, D, "DISMISS_ALL_DISMISS"),  # LESSER_INFRACTION
        ("11359 HS", M, 30, D, "DISMISS_ALL_MISDEMEANOR_OR_INFRACTION"),  # NO_LESSER_OFFENSE
        ("11357(C) HS", M, 30, D, "DISMISS_ALL_MISDEMEANOR_OR_INFRACTION"),
        ("11357(B) HS", INF, 19, D, "DISMISS_ALL_MISDEMEANOR_OR_INFRACTION"),
        ("11357(C) HS", F, 30, NE, None),  # a felony with no lesser offense stays not_eligible
        ("11357(C) HS", U, 30, NE, None),  # it may be a felony
        ("11357 HS", M, 30, D, "DISMISS_ALL_UNCLEAR_SECTION"),
        ("11357(D) HS", F, 30, D, "DISMISS_ALL_UNCLEAR_SECTION"),
        ("11358 HS", M, 30, D, "DISMISS_ALL_UNCLEAR_SECTION"),
        ("11359 HS", U, 30, D, "DISMISS_ALL_UNCLEAR_SECTION"),
        ("11360(B) HS", F, 30, D, "DISMISS_ALL_UNCLEAR_SECTION"),
    ],
)
def test_dismiss_all(section, severity, age, outcome, code):
    result = first("dismiss_all", row(section, severity=severity), age=age)
    assert result.outcome is outcome
    assert added(result) == ([code] if code else [])


# --------------------------------------------------------------------------------------------
# los_angeles_2020, sacramento_2019, san_joaquin_2019
# --------------------------------------------------------------------------------------------

SERVING = (20, "Y")  # a 2010 sentence of 20 years is still running in 2019
LATE = dt.date(2015, 6, 1)  # less than 5 years before the as-of date


@pytest.mark.parametrize(
    ("name", "candidate", "others", "dob", "outcome", "code"),
    [
        # misdemeanors (and infractions) go to review; statutory relief stands
        ("misdemeanor, no lesser offense", dict(text="11359 HS", severity=M), "recent", None, NR, "MISDEMEANOR"),
        ("misdemeanor, now legal", dict(text="11357(B) HS", severity=M), "recent", None, D, None),
        ("infraction at 19", dict(text="11357(B) HS", severity=INF), "recent", dob_for(19), NR, "MISDEMEANOR"),
        # currently serving goes to review, before any dismissal rule; relief is not lowered
        (
            "serving, 11357(c)",
            dict(text="11357(C) HS", sentence=SERVING),
            "none",
            dt.date(1950, 1, 1),
            NR,
            "CURRENTLY_SERVING",
        ),
        ("serving, 11359 aged 69", dict(text="11359 HS", sentence=SERVING), "none", dt.date(1950, 1, 1), RM, None),
        # 11357(a)/(b) dismissed, other 11357 reviewed
        ("11357(a) felony at 19", dict(text="11357(A) HS"), "recent", dob_for(19), D, "POSSESSION"),
        ("11357(c) felony", dict(text="11357(C) HS"), "recent", None, NR, "OTHER_11357"),
        ("11357 no subdivision", dict(text="11357 HS"), "recent", None, NR, None),
        # the dismissal rules
        ("aged 50", dict(text="11359 HS"), "recent", dt.date(1969, 11, 11), D, "AGE_50"),
        ("aged 49", dict(text="11359 HS"), "recent", dt.date(1969, 11, 12), RM, None),
        ("under 21 at conviction", dict(text="11359 HS"), "recent", dt.date(1989, 6, 2), D, "UNDER_21_AT_CONVICTION"),
        ("only cannabis, complete", dict(text="11359 HS"), "cannabis", None, D, "ONLY_CANNABIS"),
        ("only cannabis, one still serving", dict(text="11359 HS"), "cannabis-serving", None, RM, None),
        (
            "no conviction in 10 years",
            dict(text="11359 HS", offense=dt.date(2009, 1, 1), convicted=dt.date(2009, 11, 11)),
            "old",
            None,
            D,
            "NO_CONVICTION_10_YEARS",
        ),
        ("deceased", dict(text="11359 HS"), "recent+deceased", None, D, "DECEASED"),
        ("otherwise review, reduced", dict(text="11359 HS"), "recent", None, RM, None),
        ("otherwise review, no lesser offense", dict(text="11357(C) HS"), "recent", None, NR, "OTHER_11357"),
    ],
)
def test_los_angeles_2020(name, candidate, others, dob, outcome, code):
    candidate = dict(candidate)
    text = candidate.pop("text")
    target = row(text, **candidate)
    result = first("los_angeles_2020", target, *_others(others), dob=dob)
    assert result.outcome is outcome, name
    assert added(result) == ([f"LOS_ANGELES_2020_{code}"] if code else []), name


def _others(kind: str) -> list[Row]:
    if kind == "none":
        return []
    if kind == "recent":
        return [recent()]
    if kind == "old":
        return [recent(year=2001)]
    if kind == "cannabis":
        return [recent("11357(C) HS")]
    if kind == "cannabis-serving":
        other = recent("11360(A) HS")
        return [other._replace(sentence_length=5, sentence_unit="Y")]
    if kind == "recent+deceased":
        return [recent(), row("", is_conviction=False, step_type="DECEASED")]
    raise AssertionError(kind)


def test_los_angeles_review_of_a_refusal_suggests_the_statutory_outcome():
    result = first("los_angeles_2020", row("11359 HS", severity=M), recent())
    assert result.outcome is NR and result.suggested_outcome is NE


@pytest.mark.parametrize(
    ("candidate", "others", "age", "outcome", "code"),
    [
        (dict(text="11359 HS", severity=M), "recent", 30, D, "MISDEMEANOR_OR_INFRACTION"),
        (dict(text="11357(B) HS", severity=INF), "recent", 19, D, "MISDEMEANOR_OR_INFRACTION"),
        (dict(text="11358 HS", severity=M), "recent", 30, D, "MISDEMEANOR_OR_INFRACTION"),  # unclear -> settled
        (
            dict(text="11359 HS", offense=dt.date(2009, 1, 1), convicted=dt.date(2009, 11, 11)),
            "old",
            30,
            D,
            "NO_CONVICTION_10_YEARS",
        ),
        (dict(text="11359 HS", offense=dt.date(2009, 1, 1), convicted=dt.date(2009, 11, 12)), "old", 30, RM, None),
        (dict(text="11359 HS"), "none", 30, D, "ONLY_CONVICTION"),
        (dict(text="11359 HS", sentence=SERVING), "none", 30, RM, None),  # only conviction, still serving
        (dict(text="11359 HS"), "recent", 30, RM, None),  # otherwise reduce: the statute already does
        (dict(text="11357(C) HS"), "recent", 30, RM, "REDUCE"),  # no lesser offense -> reduce
        (dict(text="11357(A) HS"), "recent", 19, RI, None),  # "reduce" never lowers an infraction
        (dict(text="11357 HS"), "recent", 30, RM, "REDUCE"),  # unclear felony -> reduce
    ],
)
def test_sacramento_2019(candidate, others, age, outcome, code):
    candidate = dict(candidate)
    text = candidate.pop("text")
    result = first("sacramento_2019", row(text, **candidate), *_others(others), age=age)
    assert result.outcome is outcome
    assert added(result) == ([f"SACRAMENTO_2019_{code}"] if code else [])


@pytest.mark.parametrize(
    ("candidate", "others", "age", "outcome", "code"),
    [
        (dict(text="11359 HS", severity=M), "recent", 30, D, "MISDEMEANOR_OR_INFRACTION"),
        (dict(text="11357(B) HS", severity=INF), "recent", 19, D, "MISDEMEANOR_OR_INFRACTION"),
        (dict(text="11359 HS"), "old", 30, D, "NO_CONVICTION_5_YEARS"),
        (dict(text="11359 HS"), "recent", 30, RM, None),  # otherwise review: the reduction stands
        (dict(text="11359 HS", offense=dt.date(2015, 1, 1), convicted=LATE), "none", 30, D, "ONLY_CONVICTION"),
        (dict(text="11359 HS", offense=dt.date(2015, 1, 1), convicted=LATE, sentence=SERVING), "none", 30, RM, None),
        (dict(text="11357(C) HS"), "recent", 30, NR, "REVIEW"),
        (dict(text="11357 HS"), "recent", 30, NR, None),  # unclear stays review
    ],
)
def test_san_joaquin_2019(candidate, others, age, outcome, code):
    candidate = dict(candidate)
    text = candidate.pop("text")
    result = first("san_joaquin_2019", row(text, **candidate), *_others(others), age=age)
    assert result.outcome is outcome
    assert added(result) == ([f"SAN_JOAQUIN_2019_{code}"] if code else [])


def test_san_joaquin_five_years_is_a_boundary():
    at = row("459 PC", offense=dt.date(2014, 11, 11), convicted=dt.date(2014, 11, 11), county="YOLO")
    assert first("san_joaquin_2019", row("11359 HS"), at).outcome is D
    after = row("459 PC", offense=dt.date(2014, 11, 12), convicted=dt.date(2014, 11, 12), county="YOLO")
    assert first("san_joaquin_2019", row("11359 HS"), after).outcome is RM


def test_related_charges_are_not_candidates_under_san_joaquin():
    paraphernalia = row("11364 HS-POSSESS PARAPHERNALIA", severity=M, cnt_order="101002002000")
    sale = row("11359 HS", cnt_order="101002001000")
    results = decide("san_joaquin_2019", sale, paraphernalia)
    assert [r.row_id for r in results] == [sale.id]


# --------------------------------------------------------------------------------------------
# Every preset: what a policy never touches, never lowering relief, and how it reports
# --------------------------------------------------------------------------------------------

GENEROUS_BEAR = bear(
    ["11357", "11358", "11359", "11360"],
    subjectUnder21AtConviction=True,
    subjectAgeThreshold=40,
    yearsSinceConvictionThreshold=1,
    yearsCrimeFreeThreshold=1,
    subjectHasOnlyProp64Charges=True,
    subjectIsDeceased=True,
)
ALL_POLICIES = [*PRESETS.values(), GENEROUS_BEAR]
_POLICY_IDS = [p.slug + ("-generous" if p is GENEROUS_BEAR else "") for p in ALL_POLICIES]


def _guarded():
    strike = row("187 PC", offense=dt.date(1998, 1, 1), convicted=dt.date(1998, 5, 4))
    registration = row("290 PC", is_conviction=False, step_type="REGISTRATION", convicted=dt.date(2005, 1, 1))
    first_prior = row("11359 HS", offense=dt.date(2000, 1, 1), convicted=dt.date(2000, 2, 1), county="YOLO")
    second_prior = row("11359 HS", offense=dt.date(2001, 1, 1), convicted=dt.date(2001, 2, 1), county="YOLO")
    death = row("", is_conviction=False, step_type="DECEASED")
    return [
        ("DQ_SUPER_STRIKE", [row("11359 HS"), strike, death], {}),
        ("DQ_TWO_PRIORS", [row("11359 HS", severity=M), first_prior, second_prior, death], {}),
        ("DQ_MINOR", [row("11360(A) HS", cnt_order="201001001000"), row("11361 HS", cnt_order="201001002000")], {}),
        (
            "POST_PROP64_OFFENSE",
            [row("11357(B) HS", severity=M, offense=dt.date(2017, 1, 1), convicted=dt.date(2017, 3, 1))],
            {},
        ),
        ("CONSPIRACY", [row("182(A)(1) PC-CONSPIRACY", comment="11359 HS"), death], {}),
        ("ATTEMPT", [row("664/11359 HS", severity=M), death], {}),
        ("JUVENILE", [row("11357(B) HS", severity=M), death], {"age": 16}),
        ("MISSING_DOB", [row("11358 HS", severity=M)], {"dob": dt.date(2011, 1, 1)}),
        ("DATE_FALLBACK", [row("11357(B) HS", severity=M, offense=None, convicted=dt.date(2017, 1, 5))], {}),
        ("REGISTRATION_ONLY", [row("11359 HS"), registration], {}),
        ("POST2016_SUBDIVISION", [row("11359(C) HS"), death], {}),
        ("INCOMPLETE_RECORD", [row("11359 HS", severity=M), death], {"incomplete": True}),
    ]


GUARDED = _guarded()


def _without_policy(result: Determination) -> Determination:
    return dataclasses.replace(result, policy="statutory", policy_version=1)


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=_POLICY_IDS)
@pytest.mark.parametrize(("code", "rows", "kwargs"), GUARDED, ids=[g[0] for g in GUARDED])
def test_no_policy_acts_on_a_statutory_guard(policy, code, rows, kwargs):
    statute = evaluate_statutory(history(*rows, **kwargs), county=COUNTY, as_of=AS_OF)
    ours = decide(policy, *rows, **kwargs)
    assert statute[0].reasons[0].code == code
    assert [_without_policy(r) for r in ours] == statute


RELIEVED = [
    ("NOW_LEGAL", row("11357(B) HS", severity=M), 40, D),
    ("LESSER_INFRACTION", row("11357(A) HS", severity=F), 19, RI),
    ("LESSER_MISDEMEANOR", row("11359 HS", severity=F), 30, RM),
]


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=_POLICY_IDS)
@pytest.mark.parametrize(("code", "candidate", "age", "statutory"), RELIEVED, ids=[r[0] for r in RELIEVED])
def test_no_policy_lowers_statutory_relief(policy, code, candidate, age, statutory):
    result = first(policy, candidate, recent(), age=age)
    assert result.reasons[0].code == code
    assert RANK[result.outcome] >= RANK[statutory]
    assert result.outcome is not NR


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=_POLICY_IDS)
def test_determinations_record_the_policy_and_added_reasons_are_prefixed(policy):
    rows = [
        row("11359 HS", severity=M),
        row("11357(C) HS"),
        row("11358 HS", severity=M),
        row("11360 HS"),
        row("11357(B) HS", severity=INF),
    ]
    results = decide(policy, *rows, age=19)
    assert len(results) == len(rows)
    statute = {r.row_id: r for r in evaluate_statutory(history(*rows, age=19), county=COUNTY, as_of=AS_OF)}
    for result in results:
        assert (result.policy, result.policy_version, result.rules_version, result.as_of) == (
            policy.slug,
            policy.version,
            RULES_VERSION,
            AS_OF,
        )
        before = statute[result.row_id]
        assert result.reasons[: len(before.reasons)] == before.reasons
        extra = result.reasons[len(before.reasons) :]
        assert len(extra) == (0 if result.outcome is before.outcome else 1)
        for reason in extra:
            assert reason.code.startswith(policy.code_prefix + "_")
            assert "HS 11361.8" in reason.cites and policy.slug in reason.cites
            assert reason.evidence[0] == result.row_id
            assert reason.text


def test_a_custom_bear_slug_prefixes_its_codes():
    policy = bear_policy({"baselineEligibility": {"dismiss": ["11359"]}}, slug="bear-2021", version=3)
    result = first(policy, row("11359 HS"))
    assert result.reasons[-1].code == "BEAR_2021_BASELINE_DISMISS"
    assert result.reasons[-1].cites == "HS 11361.8; office policy bear-2021 v3"
    assert (result.policy, result.policy_version) == ("bear-2021", 3)


def test_the_statutory_policy_is_the_statute():
    rows = [row("11359 HS"), row("11357(C) HS", severity=M), row("11357 HS")]
    assert [_without_policy(r) for r in decide("statutory", *rows)] == evaluate_statutory(
        history(*rows), county=COUNTY, as_of=AS_OF
    )


# --------------------------------------------------------------------------------------------
# Property: for any history, no policy lowers relief, and none acts outside the five codes
# --------------------------------------------------------------------------------------------

SECTIONS = [
    "11357(A) HS",
    "11357(B) HS",
    "11357(C) HS",
    "11357(D) HS",
    "11357 HS",
    "11358 HS",
    "11359 HS",
    "11359(C) HS",
    "11360(A) HS",
    "11360(B) HS",
    "11360 HS",
    "664/11359 HS",
    "182(A)(1)/11360 HS",
    "11361 HS",
    "459 PC",
    "187 PC",
    "243.4 PC",
]

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(SECTIONS),
        st.sampled_from([F, M, INF, U]),
        st.dates(dt.date(1985, 1, 1), dt.date(2017, 6, 1)),
        st.sampled_from([COUNTY, COUNTY, "YOLO"]),
        st.sampled_from([True, True, True, False]),
        st.sampled_from([None, None, (6, "M"), (3, "Y"), (20, "Y")]),
    ),
    min_size=1,
    max_size=8,
)
relief_strategy = st.fixed_dictionaries(
    {},
    optional={
        "subjectUnder21AtConviction": st.booleans(),
        "subjectAgeThreshold": st.one_of(st.none(), st.just(0), st.integers(40, 65)),
        "yearsSinceConvictionThreshold": st.one_of(st.none(), st.integers(0, 15)),
        "yearsCrimeFreeThreshold": st.one_of(st.none(), st.integers(0, 15)),
        "subjectHasOnlyProp64Charges": st.booleans(),
        "subjectIsDeceased": st.booleans(),
    },
)


@st.composite
def bear_policies(draw):
    entries = draw(
        st.lists(
            st.sampled_from(["11357", "11357(a)", "11357(c)", "11358", "11359", "11360", "11360(a)", "11360(b)"]),
            unique=True,
        )
    )
    dismiss = [e for e in entries if draw(st.booleans())]
    reduce = [e for e in entries if e not in dismiss]
    return bear_policy(
        {"baselineEligibility": {"dismiss": dismiss, "reduce": reduce}, "additionalRelief": draw(relief_strategy)}
    )


def _rows(spec):
    return [
        row(
            text,
            severity=severity,
            offense=day,
            convicted=day + dt.timedelta(days=30),
            county=county,
            is_conviction=convicted,
            sentence=sentence,
        )
        for text, severity, day, county, convicted, sentence in spec
    ]


@settings(max_examples=200, deadline=None)
@given(
    rows_strategy,
    st.dates(dt.date(1935, 1, 1), dt.date(2000, 1, 1)),
    st.booleans(),
    st.sampled_from([False, False, False, True]),
    bear_policies(),
)
@example(  # LA's "otherwise review" on a statutory reduction: the reduction must stand
    [("11359 HS", F, dt.date(2010, 3, 1), COUNTY, True, None), ("459 PC", M, dt.date(2018, 1, 1), "YOLO", True, None)],
    dt.date(1980, 1, 1),
    False,
    False,
    PRESETS["bear"],
)
def test_no_policy_lowers_relief_or_acts_outside_the_five_codes(spec, dob, dead, incomplete, custom):
    rows = _rows(spec)
    if dead:
        rows.append(row("", is_conviction=False, step_type="DECEASED", convicted=dt.date(2019, 1, 1)))
    person = history(*rows, dob=dob, incomplete=incomplete)
    statute = {r.row_id: r for r in evaluate_statutory(person, county=COUNTY, as_of=AS_OF)}
    for policy in [*PRESETS.values(), custom]:
        results = evaluate(person, county=COUNTY, policy=policy, as_of=AS_OF)
        assert [r.row_id for r in results] == list(statute)
        for result in results:
            before = statute[result.row_id]
            assert RANK[result.outcome] >= RANK[before.outcome], (policy.slug, before, result)
            if before.reasons[0].code not in ACTIONABLE:
                assert _without_policy(result) == before
            elif result.outcome is not before.outcome:
                assert result.reasons[:-1] == before.reasons
                assert result.reasons[-1].code.startswith(policy.code_prefix + "_")
            else:
                assert result.reasons == before.reasons
            if before.outcome in (D, RM, RI):
                assert result.outcome in (D, RM, RI)  # a review never replaces statutory relief
