"""HS 11361.8 as the engine applies it: policy ``statutory`` (DOMAIN.md sections 5, 6 and 10).

Each candidate (a Prop 64 conviction in the office's county) goes through the ordered rules of
section 6; the first rule that decides wins, and every statutory disqualifier found is
reported after the deciding reason. The person is presumed eligible: a missing fact never
disqualifies anyone (HS 11361.8(b): the DA must show ineligibility by clear and convincing
evidence).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from clearance.eligibility import sections
from clearance.eligibility.sections import GANG_ENHANCEMENT, GANG_PAIRED, Section, Wrapper, is_prop64
from clearance.eligibility.types import Determination, Flag, Outcome, PersonHistory, Reason, Row, Severity

# Charges and sections are frozen values that repeat across every person's history: list
# look-ups are cached rather than repeated for each prior of each candidate.
is_super_strike = lru_cache(maxsize=1 << 16)(sections.is_super_strike)
is_pc290_registrable = lru_cache(maxsize=1 << 16)(sections.is_pc290_registrable)
matches = lru_cache(maxsize=1 << 16)(sections.matches)

RULES_VERSION = "2026.11-1"
PROP64_EFFECTIVE = dt.date(2016, 11, 9)
ADULT_AGE = 18
LEGAL_AGE = 21
CONVICTED_PREFIX = "CONVICTED"
DECEASED_STEP = "DECEASED"
REGISTRATION_STEP = "REGISTRATION"
CITE = "HS 11361.8"

# DOMAIN.md section 6, rule 5: same-case companions that disqualify.
_MINOR = (Section("HS", "11361"),)
_ENVIRONMENT = (
    *(Section("WC", n) for n in ("1052", "13260", "13264", "13272", "13387")),
    *(Section("FG", n) for n in ("1602", "1603", "5650", "5652")),
    Section("PC", "374.8"),
    *(Section("HS", n) for n in ("25189.5", "25189.6", "25189.7")),
)
# Subdivisions that existed before 2016-11-09 (DOMAIN.md section 10).
_PRE2016_SUBDIVISIONS = {"11357": {"a", "b", "c", "d", "e"}, "11360": {"a", "b"}}


def _reason(code: str, text: str, cites: str = CITE, evidence: Iterable[int] = ()) -> Reason:
    return Reason(code=code, text=text, cites=cites, evidence=tuple(evidence))


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day`` (DOMAIN.md section 10)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_calendar(start: dt.date, *, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    total = start.month - 1 + months + 12 * years
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Conviction:
    """A conviction: its first row, and every row of the same count (extra sentence lines)."""

    row: Row
    lines: tuple[Row, ...]

    @property
    def date(self) -> dt.date | None:
        return self.row.conviction_date

    def sentence_end(self) -> dt.date | None:
        """Lines of one count add up: years, then months, then days (DOMAIN.md section 10)."""
        if self.date is None:
            return None
        totals = {"Y": 0, "M": 0, "D": 0}
        for line in self.lines:
            if line.sentence_length is not None and line.sentence_unit in totals:
                totals[line.sentence_unit] += line.sentence_length
        if not any(totals.values()):
            return None
        try:
            return add_calendar(self.date, years=totals["Y"], months=totals["M"], days=totals["D"])
        except (OverflowError, ValueError):
            return None


def convictions_of(history: PersonHistory) -> list[Conviction]:
    """Group convicted rows by CNT_ORDER; the first in the file is the conviction."""
    by_count: dict[str, list[Row]] = {}
    result: list[list[Row]] = []
    for row in sorted(history.rows, key=lambda r: r.line):
        if not row.is_conviction:
            continue
        if not row.cnt_order:
            result.append([row])  # a blank CNT_ORDER is its own conviction, in no case
            continue
        group = by_count.get(row.cnt_order)
        if group is None:
            group = by_count[row.cnt_order] = [row]
            result.append(group)
        else:
            group.append(row)
    return [Conviction(group[0], tuple(group)) for group in result]


def cannabis_section(row: Row) -> Section | None:
    """The HS 11357-11360 section a row is about: the section itself, or an attempt's or conspiracy's target."""
    charge = row.charge
    if charge.wrapper is Wrapper.NONE:
        return charge.section if is_prop64(charge.section) else None
    return charge.target if is_prop64(charge.target) else None


def same_county(a: str, b: str) -> bool:
    return " ".join(a.upper().split()) == " ".join(b.upper().split())


def is_candidate(conviction: Conviction, county: str) -> bool:
    return same_county(conviction.row.county, county) and cannabis_section(conviction.row) is not None


@dataclass
class _Context:
    history: PersonHistory
    convictions: list[Conviction]
    as_of: dt.date


def _section_outcome(
    section: Section, severity: Severity, age: int, evidence: tuple[int, ...]
) -> tuple[Outcome, Reason]:
    """Rule 6: the table of DOMAIN.md section 6, for an adult offense before 2016-11-09."""
    number, subs = section.number, section.subdivisions
    legal = age >= LEGAL_AGE
    now_legal = _reason("NOW_LEGAL", f"{section}: the conduct is now legal for a person aged {age}", evidence=evidence)
    infraction = _reason(
        "LESSER_INFRACTION", f"{section}: now an infraction for a person aged {age}", evidence=evidence
    )
    misdemeanor = _reason("LESSER_MISDEMEANOR", f"{section}: the felony is now a misdemeanor", evidence=evidence)
    no_lesser = _reason(
        "NO_LESSER_OFFENSE", f"{section} as a {severity.value or 'charge'}: no lesser offense exists", evidence=evidence
    )

    def unclear(why: str) -> tuple[Outcome, Reason]:
        return Outcome.NEEDS_REVIEW, _reason("UNCLEAR_SECTION", f"{section}: {why}", evidence=evidence)

    allowed = _PRE2016_SUBDIVISIONS.get(number)
    if subs and (allowed is None or len(subs) > 1 or subs[0] not in allowed):
        post2016 = allowed is None or len(subs) > 1
        if post2016:
            return Outcome.NEEDS_REVIEW, _reason(
                "POST2016_SUBDIVISION",
                f"{section}: a subdivision created by Prop 64 recorded for an offense before 2016-11-09",
                evidence=evidence,
            )
        return unclear("a subdivision the statute's table does not list")
    sub = subs[0] if subs else ""
    if number == "11357":
        if sub in ("a", "b"):
            if legal:
                return Outcome.DISMISS_AND_SEAL, now_legal
            if severity is Severity.INFRACTION:
                return Outcome.NOT_ELIGIBLE, no_lesser
            if severity is Severity.MISDEMEANOR or (sub == "a" and severity is Severity.FELONY):
                return Outcome.REDUCE_TO_INFRACTION, infraction
            return unclear("the severity recorded does not settle it for a person under 21")
        if sub == "c":
            return Outcome.NOT_ELIGIBLE, no_lesser
        if sub == "d":
            return unclear("possession on school grounds: the facts decide")
        return unclear("no subdivision recorded: the amount possessed decides")
    if number == "11358":
        if severity is Severity.FELONY:
            return Outcome.REDUCE_TO_MISDEMEANOR, misdemeanor
        if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
            return unclear("a misdemeanor cultivation: the number of plants decides")
        return unclear("the severity is not recorded")
    if number == "11359":
        if severity is Severity.FELONY:
            return Outcome.REDUCE_TO_MISDEMEANOR, misdemeanor
        if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
            return Outcome.NOT_ELIGIBLE, no_lesser
        return unclear("the severity is not recorded")
    # 11360
    if severity is Severity.FELONY and sub in ("a", ""):
        return Outcome.REDUCE_TO_MISDEMEANOR, misdemeanor
    if severity is Severity.MISDEMEANOR and sub in ("b", ""):
        if legal:
            return Outcome.DISMISS_AND_SEAL, now_legal
        return Outcome.REDUCE_TO_INFRACTION, infraction
    return unclear("this subdivision and severity are not in the statute's table")


def _disqualifiers(conv: Conviction, section: Section, ctx: _Context) -> tuple[list[Reason], Reason | None]:
    """Rule 5 (HS 11359(c)-(d), 11360(a)(3), 11358(d)): evidence-backed disqualifiers only."""
    row = conv.row
    subs = section.subdivisions
    applies = section.number in ("11358", "11359") or (
        section.number == "11360" and ((subs and subs[0] == "a") or (not subs and row.severity is Severity.FELONY))
    )
    if not applies:
        return [], None
    found: list[Reason] = []
    date = conv.date
    priors = [c for c in ctx.convictions if date is not None and c.date is not None and c.date < date]
    strikes = [c for c in priors if is_super_strike(c.row.charge)]
    # PC 667(e)(2)(C)(iv): some offenses are super strikes only with a PC 186.22(b)(4) gang
    # enhancement convicted in the same case.
    for prior in priors:
        section_of_prior = prior.row.charge.section
        if (
            prior.row.charge.wrapper is Wrapper.NONE
            and section_of_prior is not None
            and matches(section_of_prior, GANG_PAIRED)
            and prior.row.cnt_order
            and any(
                other.row.case_key == prior.row.case_key
                and other.row.charge.section is not None
                and matches(other.row.charge.section, GANG_ENHANCEMENT)
                for other in ctx.convictions
            )
        ):
            strikes.append(prior)
    if strikes:
        first = strikes[0]
        found.append(
            _reason(
                "DQ_SUPER_STRIKE",
                f"Prior conviction for {first.row.charge.section or first.row.charge.raw} on {first.date} "
                "(a super strike)",
                "HS 11359(c)(1); PC 667(e)(2)(C)(iv)",
                (c.row.id for c in strikes),
            )
        )
    registrable = [c for c in priors if is_pc290_registrable(c.row.charge)]
    if registrable:
        first = registrable[0]
        found.append(
            _reason(
                "DQ_290",
                f"Prior conviction for {first.row.charge.section} on {first.date}, "
                "an offense requiring registration under PC 290(c)",
                "HS 11359(c)(2); PC 290(c)",
                (c.row.id for c in registrable),
            )
        )
    same_number = [
        c for c in priors
        if c.row.charge.wrapper is Wrapper.NONE and c.row.charge.section is not None
        and c.row.charge.section.code == section.code and c.row.charge.section.number == section.number
    ]  # fmt: skip
    if len(same_number) >= 2:
        found.append(
            _reason(
                "DQ_TWO_PRIORS",
                f"{len(same_number)} prior convictions under {section.code} {section.number}",
                "HS 11359(c)(3); HS 11360(a)(3)(C)",
                (c.row.id for c in same_number),
            )
        )
    same_case = [c for c in ctx.convictions if c is not conv and row.cnt_order and c.row.case_key == row.case_key]
    if section.number in ("11359", "11360"):
        minors = [c for c in same_case if c.row.charge.section is not None and matches(c.row.charge.section, _MINOR)]
        if minors:
            found.append(
                _reason(
                    "DQ_MINOR",
                    "A conviction under HS 11361 (involving a minor) in the same case",
                    "HS 11359(d); HS 11360(a)(3)(B)",
                    (c.row.id for c in minors),
                )
            )
    if section.number == "11358":
        harm = [
            c for c in same_case if c.row.charge.section is not None and matches(c.row.charge.section, _ENVIRONMENT)
        ]
        if harm:
            found.append(
                _reason(
                    "DQ_ENVIRONMENT",
                    f"An environmental conviction ({harm[0].row.charge.section}) in the same case",
                    "HS 11358(d)(3)",
                    (c.row.id for c in harm),
                )
            )
    review: Reason | None = None
    if not registrable and date is not None:
        registrations = [
            r for r in ctx.history.rows
            if r.step_type == REGISTRATION_STEP and r.charge.section is not None
            and r.charge.section.number.split(".")[0] == "290"
            and (r.conviction_date or r.offense_date) is not None
            and (r.conviction_date or r.offense_date) < date  # type: ignore[operator]
        ]  # fmt: skip
        if registrations:
            # DOMAIN.md Decision: a registration without a registrable conviction in the record
            # is not clear and convincing evidence of one; an attorney must look.
            review = _reason(
                "REGISTRATION_ONLY",
                "A PC 290 registration before this conviction, but no registrable conviction in the record",
                "HS 11359(c)(2); PC 290(c)",
                (r.id for r in registrations),
            )
    return found, review


def _adult_outcome(
    conv: Conviction, section: Section, age: int | None, dq: list[Reason], registration_review: Reason | None
) -> tuple[Outcome, list[Reason]]:
    """Rules 4 to 6 for one section (the charge itself, or an attempt's target)."""
    evidence = (conv.row.id,)
    if age is None:
        return Outcome.NEEDS_REVIEW, [
            _reason("MISSING_DOB", "No usable date of birth: age at the offense is unknown", evidence=evidence),
            *dq,
        ]
    if age < ADULT_AGE:
        return Outcome.NEEDS_REVIEW, [
            _reason(
                "JUVENILE", f"Aged {age} at the offense: the juvenile route applies", "HS 11361.8(m); WI 781", evidence
            ),
            *dq,
        ]
    if dq:
        return Outcome.NOT_ELIGIBLE, dq
    if registration_review is not None:
        return Outcome.NEEDS_REVIEW, [registration_review]
    outcome, reason = _section_outcome(section, conv.row.severity, age, evidence)
    return outcome, [reason]


def _person_dob(row: Row, history: PersonHistory, offense: dt.date) -> dt.date | None:
    dob = row.dob or history.dob
    return dob if dob is not None and dob <= offense else None


def evaluate_statutory(
    history: PersonHistory, *, county: str, as_of: dt.date, convictions: Sequence[Conviction] | None = None
) -> list[Determination]:
    """Every candidate of the person gets exactly one determination, in file order.

    `convictions`: the history's (`convictions_of(history)`), when the caller has them already.
    """
    convictions = convictions_of(history) if convictions is None else list(convictions)
    ctx = _Context(history, convictions, as_of)
    deceased = any(r.step_type == DECEASED_STEP for r in history.rows)
    results = []
    for conv in convictions:
        if not is_candidate(conv, county):
            continue
        results.append(_determine(conv, ctx, deceased))
    return results


def _determine(conv: Conviction, ctx: _Context, deceased: bool) -> Determination:
    row = conv.row
    section = cannabis_section(row)
    assert section is not None
    flags: set[Flag] = set()
    if deceased:
        flags.add(Flag.DECEASED)
    end = conv.sentence_end()
    if end is not None and end > ctx.as_of:
        flags.add(Flag.CURRENTLY_SERVING)
    if row.comment_section is not None and row.comment_section != section:
        flags.add(Flag.OTHER_PROP64_IN_COMMENT)
    evidence = (row.id,)
    suggested: Outcome | None = None
    offense = row.offense_date
    fallback = False
    if offense is None and conv.date is not None:
        offense, fallback = conv.date, True
        flags.add(Flag.DATE_FALLBACK)
    dq_only, registration_review = _disqualifiers(conv, section, ctx)

    if offense is None:
        outcome, reasons = (
            Outcome.NEEDS_REVIEW,
            [
                _reason("DATE_FALLBACK", "Neither an offense date nor a conviction date is usable", evidence=evidence),
                *dq_only,
            ],
        )
    elif offense >= PROP64_EFFECTIVE:
        if fallback:
            # DOMAIN.md Decision: only the conviction date is known, and the offense may predate Prop 64.
            outcome, reasons = (
                Outcome.NEEDS_REVIEW,
                [
                    _reason(
                        "DATE_FALLBACK",
                        f"No offense date; convicted on {offense}, after Prop 64 took effect: "
                        "the offense may predate it",
                        evidence=evidence,
                    ),
                    *dq_only,
                ],
            )
        else:
            outcome, reasons = (
                Outcome.NOT_ELIGIBLE,
                [
                    _reason(
                        "POST_PROP64_OFFENSE",
                        f"Offense on {offense}, on or after 2016-11-09: sentenced under current law",
                        evidence=evidence,
                    ),
                    *dq_only,
                ],
            )
    elif row.charge.wrapper is Wrapper.CONSPIRACY:
        outcome, reasons = (
            Outcome.NOT_ELIGIBLE,
            [
                _reason(
                    "CONSPIRACY",
                    f"Conspiracy (PC 182) to commit {section}: not a Prop 64 offense",
                    "HS 11361.8; People v. Medina (2018) 24 Cal.App.5th 61",
                    evidence,
                ),
                *dq_only,
            ],
        )
    else:
        dob = _person_dob(row, ctx.history, offense)
        age = age_on(dob, offense) if dob is not None else None
        target_outcome, target_reasons = _adult_outcome(conv, section, age, dq_only, registration_review)
        if row.charge.wrapper is Wrapper.ATTEMPT:
            outcome, suggested = Outcome.NEEDS_REVIEW, target_outcome
            reasons = [
                _reason(
                    "ATTEMPT",
                    f"Attempt (PC 664) to commit {section}: no controlling case; "
                    f"the target offense would give {target_outcome.value}",
                    "HS 11361.8; PC 664",
                    evidence,
                ),
                *(r for r in target_reasons if r.code.startswith("DQ_")),
            ]
        else:
            outcome, reasons = target_outcome, target_reasons
    if ctx.history.incomplete:
        flags.add(Flag.INCOMPLETE_RECORD)
        if outcome is not Outcome.NEEDS_REVIEW:
            # Decision (DOMAIN.md section 6 "persons marked incomplete"): a quarantined line may hold a
            # disqualifier or a lesser relief; an attorney reviews, with the computed outcome suggested.
            suggested = outcome
            outcome = Outcome.NEEDS_REVIEW
        reasons = [
            _reason("INCOMPLETE_RECORD", "A line of this person's record could not be read", evidence=evidence),
            *reasons,
        ]
    return Determination(
        row_id=row.id,
        outcome=outcome,
        reasons=tuple(reasons),
        flags=frozenset(flags),
        suggested_outcome=suggested,
        rules_version=RULES_VERSION,
        as_of=ctx.as_of,
    )
