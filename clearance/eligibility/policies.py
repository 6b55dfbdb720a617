"""Office policies on top of the statute (DOMAIN.md sections 7 and 10). Pure: no Django, no clock.

A :class:`Policy` is a named, versioned, validated set of relief choices. :func:`evaluate` runs
the statute (:func:`~clearance.eligibility.statute.evaluate_statutory`) and then lets the policy
raise relief, under the rules of DOMAIN.md section 10 ("Policies"):

- a policy acts only when the deciding (first) statutory reason is one of :data:`ACTIONABLE`
  (``NOW_LEGAL``, ``LESSER_MISDEMEANOR``, ``LESSER_INFRACTION``, ``NO_LESSER_OFFENSE``,
  ``UNCLEAR_SECTION``). Disqualifiers, post-Prop 64 offenses, conspiracies, attempts, juveniles,
  missing DOB, date fallback, registration-only, post-2016 subdivisions and incomplete records
  stay exactly as the statute says;
- it never lowers relief: the result is the greater of the statute's and the policy's outcome,
  ranked ``not_eligible`` < ``reduce_to_misdemeanor`` < ``reduce_to_infraction`` <
  ``dismiss_and_seal``. A ``needs_review`` from ``UNCLEAR_SECTION`` may be settled by a policy
  rule that covers the section;
- a policy that changes the outcome appends one reason, coded ``<SLUG>_<RULE>`` (``BEAR_DECEASED``),
  whose text names the rule and whose ``cites`` names HS 11361.8 and the policy.

Readings of DOMAIN.md that this module had to decide are marked "Reading (DOMAIN.md §7/§10)".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from clearance.eligibility.sections import Section
from clearance.eligibility.statute import (
    CITE,
    DECEASED_STEP,
    RULES_VERSION,
    Conviction,
    add_calendar,
    age_on,
    cannabis_section,
    convictions_of,
    evaluate_statutory,
)
from clearance.eligibility.types import Determination, Flag, Outcome, PersonHistory, Reason, Row, Severity


class PolicyError(ValueError):
    """A policy or its options are invalid; the message names the option and the allowed values."""


# --------------------------------------------------------------------------------------------
# Outcomes and ranks (DOMAIN.md section 10, "Policies")
# --------------------------------------------------------------------------------------------

#: The deciding statutory reasons a policy may act on.
ACTIONABLE = frozenset({"NOW_LEGAL", "LESSER_MISDEMEANOR", "LESSER_INFRACTION", "NO_LESSER_OFFENSE", "UNCLEAR_SECTION"})
_STATUTE_RELIEVES = frozenset({"NOW_LEGAL", "LESSER_MISDEMEANOR", "LESSER_INFRACTION"})

#: not_eligible < reduce_to_misdemeanor < reduce_to_infraction < dismiss_and_seal. A needs_review
#: grants no relief, so it ranks with not_eligible (the same convention as the statute's tests).
RANK: dict[Outcome, int] = {
    Outcome.NOT_ELIGIBLE: 0,
    Outcome.NEEDS_REVIEW: 0,
    Outcome.REDUCE_TO_MISDEMEANOR: 1,
    Outcome.REDUCE_TO_INFRACTION: 2,
    Outcome.DISMISS_AND_SEAL: 3,
}
_RELIEF = frozenset({Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION, Outcome.DISMISS_AND_SEAL})
_REDUCTIONS = frozenset({Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION})


def combine(statute: Outcome, proposed: Outcome) -> Outcome:
    """The outcome once a policy proposes ``proposed`` for a candidate the statute gave ``statute``.

    - a relief outcome wins over a lower one and settles an ``UNCLEAR_SECTION`` review;
    - Reading (DOMAIN.md §7, LA "otherwise review", San Joaquin "otherwise review"): a policy's
      ``needs_review`` never takes away statutory relief (the statute's reduction or dismissal
      stands: "never lower relief"), but it does send a statutory ``not_eligible`` (no lesser
      offense) to an attorney instead of refusing it outright: a review is no less relief than a
      refusal, and the office chose to look at those cases;
    - a policy never proposes ``not_eligible`` over anything: the statute's outcome stands.
    """
    if proposed in _RELIEF:
        if statute is Outcome.NEEDS_REVIEW:
            return proposed
        return proposed if RANK[proposed] > RANK[statute] else statute
    if proposed is Outcome.NEEDS_REVIEW and statute is Outcome.NOT_ELIGIBLE:
        return Outcome.NEEDS_REVIEW
    return statute


# --------------------------------------------------------------------------------------------
# Policies and presets
# --------------------------------------------------------------------------------------------

KINDS = ("statutory", "dismiss_all", "bear", "los_angeles_2020", "sacramento_2019", "san_joaquin_2019")
_SLUG = re.compile(r"[a-z][a-z0-9_-]{0,63}")

#: The date Los Angeles ran its 2020 rules for (DOMAIN.md section 7). The engine always uses the
#: ``as_of`` it is given; callers reproducing LA's run pass this date.
LOS_ANGELES_2020_AS_OF = dt.date(2020, 7, 1)


@dataclass(frozen=True)
class Policy:
    """A named, versioned, validated set of relief choices (DOMAIN.md section 7).

    ``options`` are the validated, normalised BEAR options for kind ``bear`` (plain JSON: dicts,
    lists, ints, booleans and None; treat them as read-only) and ``{}`` for every other kind.
    """

    slug: str
    version: int
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    _bear: _BearRules | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.slug, str) or not _SLUG.fullmatch(self.slug):
            raise PolicyError(
                f"policy slug must be 1-64 lower-case letters, digits, '_' or '-' starting with a letter, "
                f"got {self.slug!r}"
            )
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise PolicyError(f"policy version must be a whole number of at least 1, got {self.version!r}")
        if self.kind not in KINDS:
            raise PolicyError(f"unknown policy kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if self.kind == "bear":
            normalised, rules = _validate_bear(self.options)
            object.__setattr__(self, "options", normalised)
            object.__setattr__(self, "_bear", rules)
        elif self.options:
            raise PolicyError(f"policy kind {self.kind!r} takes no options, got {sorted(self.options)}")

    @property
    def code_prefix(self) -> str:
        """The slug upper-cased, as reason codes carry it (``los_angeles_2020`` -> ``LOS_ANGELES_2020``)."""
        return re.sub(r"[^A-Z0-9]+", "_", self.slug.upper())

    @property
    def label(self) -> str:
        """How reason texts name the policy."""
        name = _LABELS[self.kind]
        return name if self.slug == self.kind else f"{name} ({self.slug})"


_LABELS = {
    "statutory": "Statute",
    "dismiss_all": "Dismiss all (San Francisco 2019)",
    "bear": "BEAR",
    "los_angeles_2020": "Los Angeles 2020",
    "sacramento_2019": "Sacramento 2019",
    "san_joaquin_2019": "San Joaquin 2019",
}

#: The options of ``cases/tests/data/doj-samples/gogen_configurable_flow_options.json`` (Code for
#: America's gogen test fixture, MIT licence): the ``bear`` preset.
GOGEN_BEAR_OPTIONS: Mapping[str, Any] = {
    "baselineEligibility": {"dismiss": ["11357", "11358"], "reduce": ["11359", "11360"]},
    "additionalRelief": {
        "subjectUnder21AtConviction": True,
        "subjectAgeThreshold": 57,
        "yearsSinceConvictionThreshold": 10,
        "subjectIsDeceased": True,
        "subjectHasOnlyProp64Charges": True,
    },
}


def bear_policy(options: Mapping[str, Any], *, slug: str = "bear", version: int = 1) -> Policy:
    """A ``bear`` policy from BEAR options JSON; raises :class:`PolicyError` when they are invalid."""
    return Policy(slug=slug, version=version, kind="bear", options=options)


# --------------------------------------------------------------------------------------------
# BEAR options (DOMAIN.md section 10, "BEAR options")
# --------------------------------------------------------------------------------------------

_TOP_KEYS = ("baselineEligibility", "additionalRelief")
_BASELINE_KEYS = ("dismiss", "reduce")
_BOOLEAN_RULES = ("subjectUnder21AtConviction", "subjectHasOnlyProp64Charges", "subjectIsDeceased")
_THRESHOLD_RULES: dict[str, tuple[int, int]] = {
    "subjectAgeThreshold": (40, 65),
    "yearsSinceConvictionThreshold": (1, 15),
    "yearsCrimeFreeThreshold": (1, 15),
}
#: The order in which additional relief is tried (DOMAIN.md section 7, ``bear`` row).
_RELIEF_ORDER = (
    "subjectUnder21AtConviction",
    "subjectAgeThreshold",
    "yearsSinceConvictionThreshold",
    "yearsCrimeFreeThreshold",
    "subjectHasOnlyProp64Charges",
    "subjectIsDeceased",
)
# "11357", "11360(a)", "11360(A)", "11360 (a)(3)", optionally followed by "HS".
_BASELINE_ENTRY = re.compile(r"(?P<number>1135[789]|11360)\s*(?P<subs>(?:\(\s*[a-z0-9]{1,4}\s*\)\s*)*)(?:hs)?")
_SUB = re.compile(r"\(\s*([a-z0-9]{1,4})\s*\)")


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class _BearRules:
    """The compiled form of validated options."""

    baseline: dict[tuple[str, tuple[str, ...]], Outcome]  # (number, subdivisions) -> dismiss or reduce
    under_21: bool
    age: int | None
    years_since: int | None
    crime_free: int | None
    only_prop64: bool
    deceased: bool

    def entry_for(self, section: Section) -> tuple[str, Outcome] | None:
        """The most specific baseline entry covering ``section`` (its subdivisions a prefix of the section's)."""
        best: tuple[str, tuple[str, ...]] | None = None
        for number, subs in self.baseline:
            covers = number == section.number and section.subdivisions[: len(subs)] == subs
            if covers and (best is None or len(subs) > len(best[1])):
                best = (number, subs)
        if best is None:
            return None
        return _entry_text(*best), self.baseline[best]


def _entry_text(number: str, subs: tuple[str, ...]) -> str:
    return number + "".join(f"({s})" for s in subs)


def _parse_entry(value: object, where: str) -> tuple[str, tuple[str, ...]]:
    allowed = "one of 11357, 11358, 11359, 11360, optionally with a subdivision such as 11360(a)"
    if not isinstance(value, str):
        raise PolicyError(f"{where} must be {allowed}, got {_kind_of(value)} {value!r}")
    found = _BASELINE_ENTRY.fullmatch(value.strip().lower())
    if found is None:
        raise PolicyError(f"{where} must be {allowed}, got {value!r}")
    return found["number"], tuple(_SUB.findall(found["subs"]))


def _validate_bear(options: object) -> tuple[dict[str, Any], _BearRules]:
    """Validate and normalise BEAR options; return the normalised JSON and the compiled rules."""
    if not isinstance(options, Mapping):
        raise PolicyError(f"BEAR options must be a JSON object, got {_kind_of(options)}")
    unknown = sorted(str(k) for k in options if k not in _TOP_KEYS)
    if unknown:
        raise PolicyError(f"unknown BEAR option {unknown[0]!r}; allowed: {', '.join(_TOP_KEYS)}")

    baseline_raw = options.get("baselineEligibility")
    if baseline_raw is None:
        baseline_raw = {}
    if not isinstance(baseline_raw, Mapping):
        raise PolicyError(
            f"baselineEligibility must be an object with dismiss and reduce lists, got {_kind_of(baseline_raw)}"
        )
    unknown = sorted(str(k) for k in baseline_raw if k not in _BASELINE_KEYS)
    if unknown:
        raise PolicyError(f"unknown option baselineEligibility.{unknown[0]}; allowed: {', '.join(_BASELINE_KEYS)}")
    baseline: dict[tuple[str, tuple[str, ...]], Outcome] = {}
    lists: dict[str, list[str]] = {}
    for key, outcome in (("dismiss", Outcome.DISMISS_AND_SEAL), ("reduce", Outcome.REDUCE_TO_MISDEMEANOR)):
        entries = baseline_raw.get(key)
        if entries is None:
            entries = []
        if not isinstance(entries, list | tuple):
            raise PolicyError(f"baselineEligibility.{key} must be a list of sections, got {_kind_of(entries)}")
        mine: set[tuple[str, tuple[str, ...]]] = set()
        for index, value in enumerate(entries):
            entry = _parse_entry(value, f"baselineEligibility.{key}[{index}]")
            if entry in baseline and entry not in mine:
                raise PolicyError(
                    f"{_entry_text(*entry)} is in both baselineEligibility.dismiss and baselineEligibility.reduce; "
                    "a section may be in only one"
                )
            mine.add(entry)
            baseline[entry] = outcome
        lists[key] = sorted(_entry_text(*e) for e in mine)

    relief_raw = options.get("additionalRelief")
    if relief_raw is None:
        relief_raw = {}
    if not isinstance(relief_raw, Mapping):
        raise PolicyError(f"additionalRelief must be an object, got {_kind_of(relief_raw)}")
    unknown = sorted(str(k) for k in relief_raw if k not in _RELIEF_ORDER)
    if unknown:
        raise PolicyError(f"unknown option additionalRelief.{unknown[0]}; allowed: {', '.join(_RELIEF_ORDER)}")
    relief: dict[str, Any] = {}
    for key in _BOOLEAN_RULES:
        value = relief_raw.get(key)
        # 0, null or absent turns a rule off (DOMAIN.md section 10).
        if value is None or (value == 0 and not isinstance(value, bool) and isinstance(value, int)):
            value = False
        if not isinstance(value, bool):
            raise PolicyError(
                f"additionalRelief.{key} must be true or false (or 0 or null to turn it off), got {value!r}"
            )
        relief[key] = value
    for key, (low, high) in _THRESHOLD_RULES.items():
        value = relief_raw.get(key)
        if isinstance(value, bool) or (value is not None and not isinstance(value, int)):
            raise PolicyError(
                f"additionalRelief.{key} must be a whole number between {low} and {high} "
                f"(or 0 or null to turn it off), got {_kind_of(value)} {value!r}"
            )
        if value == 0:
            value = None
        if value is not None and not low <= value <= high:
            raise PolicyError(f"additionalRelief.{key} must be between {low} and {high}, got {value}")
        relief[key] = value
    normalised = {
        "baselineEligibility": lists,
        "additionalRelief": {key: relief[key] for key in _RELIEF_ORDER},
    }
    rules = _BearRules(
        baseline=baseline,
        under_21=relief["subjectUnder21AtConviction"],
        age=relief["subjectAgeThreshold"],
        years_since=relief["yearsSinceConvictionThreshold"],
        crime_free=relief["yearsCrimeFreeThreshold"],
        only_prop64=relief["subjectHasOnlyProp64Charges"],
        deceased=relief["subjectIsDeceased"],
    )
    return normalised, rules


PRESETS: dict[str, Policy] = {
    "statutory": Policy("statutory", 1, "statutory"),
    "dismiss_all": Policy("dismiss_all", 1, "dismiss_all"),
    "bear": bear_policy(GOGEN_BEAR_OPTIONS),
    "los_angeles_2020": Policy("los_angeles_2020", 1, "los_angeles_2020"),
    "sacramento_2019": Policy("sacramento_2019", 1, "sacramento_2019"),
    "san_joaquin_2019": Policy("san_joaquin_2019", 1, "san_joaquin_2019"),
}


# --------------------------------------------------------------------------------------------
# Facts about the person that policy rules read
# --------------------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole calendar years; 29 February becomes 28 February in a common year."""
    return add_calendar(day, years=years)


@dataclass(frozen=True)
class _Person:
    history: PersonHistory
    as_of: dt.date
    convictions: tuple[Conviction, ...]
    rows: Mapping[int, Row]

    @classmethod
    def of(cls, history: PersonHistory, as_of: dt.date, convictions: Sequence[Conviction] | None = None) -> _Person:
        grouped = tuple(convictions_of(history) if convictions is None else convictions)
        return cls(history, as_of, grouped, {r.id: r for r in history.rows})

    def dob(self, row: Row) -> dt.date | None:
        return row.dob or self.history.dob

    def latest_conviction(self) -> Conviction | None:
        dated = [c for c in self.convictions if c.date is not None]
        return max(dated, key=lambda c: (c.date, c.row.line)) if dated else None

    def free_for(self, years: int) -> bool:
        """Every dated conviction of the person, plus ``years``, is on or before the as-of date."""
        return all(add_years(c.date, years) <= self.as_of for c in self.convictions if c.date is not None)

    def only_cannabis(self) -> bool:
        """Every conviction is HS 11357-11360 or an attempt or conspiracy to commit one."""
        return all(cannabis_section(c.row) is not None for c in self.convictions)

    def all_sentences_complete(self) -> bool:
        """No conviction's sentence ends after the as-of date (an unrecorded sentence counts as complete)."""
        return all((end := c.sentence_end()) is None or end <= self.as_of for c in self.convictions)

    def death_rows(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.history.rows if r.step_type == DECEASED_STEP)

    def conviction_ids(self) -> tuple[int, ...]:
        return tuple(c.row.id for c in self.convictions)


# --------------------------------------------------------------------------------------------
# The rules of each kind
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Proposal:
    """What a policy rule proposes: an outcome, the rule's name (code suffix), its text and proof rows."""

    outcome: Outcome
    rule: str
    text: str
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Case:
    policy: Policy
    det: Determination
    row: Row
    section: Section
    person: _Person

    @property
    def deciding(self) -> str:
        return self.det.reasons[0].code


_Rule = Callable[[_Case, Severity], _Proposal | None]


def _dismiss_all(case: _Case, severity: Severity) -> _Proposal | None:
    """San Francisco 2019 (DOMAIN.md section 7, ``dismiss_all``)."""
    d = Outcome.DISMISS_AND_SEAL
    if case.deciding in _STATUTE_RELIEVES:
        return _Proposal(d, "DISMISS", "every conviction the statute relieves is dismissed and sealed")
    if case.deciding == "NO_LESSER_OFFENSE":
        if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
            return _Proposal(
                d, "MISDEMEANOR_OR_INFRACTION", f"a {severity.value} with no lesser offense is dismissed and sealed"
            )
        return None  # DOMAIN.md section 10: a felony with no lesser offense stays not_eligible
    if case.deciding == "UNCLEAR_SECTION":
        return _Proposal(d, "UNCLEAR_SECTION", "a conviction the statute leaves unclear is dismissed and sealed")
    return None


def _age_at_conviction_under_21(case: _Case) -> bool:
    dob, convicted = case.person.dob(case.row), case.row.conviction_date
    return dob is not None and convicted is not None and dob <= convicted and age_on(dob, convicted) < 21


def _age_now(case: _Case) -> int | None:
    dob = case.person.dob(case.row)
    return age_on(dob, case.person.as_of) if dob is not None and dob <= case.person.as_of else None


def _latest_evidence(case: _Case) -> tuple[int, ...]:
    latest = case.person.latest_conviction()
    return (latest.row.id,) if latest is not None and latest.row.id != case.row.id else ()


def _bear_additional(case: _Case, rules: _BearRules) -> _Proposal | None:
    """Additional relief, in DOMAIN.md's order; the first rule that applies is the one reported."""
    d = Outcome.DISMISS_AND_SEAL
    person, convicted = case.person, case.row.conviction_date
    if rules.under_21 and _age_at_conviction_under_21(case):
        return _Proposal(d, "UNDER_21_AT_CONVICTION", "under 21 at conviction")
    age = _age_now(case)
    if rules.age is not None and age is not None and age >= rules.age:
        return _Proposal(d, "AGE_THRESHOLD", f"{rules.age} years or older on {person.as_of} (aged {age})")
    if (
        rules.years_since is not None
        and convicted is not None
        and add_years(convicted, rules.years_since) <= person.as_of
    ):
        return _Proposal(d, "YEARS_SINCE_CONVICTION", f"convicted {rules.years_since} or more years ago ({convicted})")
    if rules.crime_free is not None and person.free_for(rules.crime_free):
        return _Proposal(
            d, "CRIME_FREE_YEARS", f"no conviction in the last {rules.crime_free} years", _latest_evidence(case)
        )
    if rules.only_prop64 and person.only_cannabis():
        return _Proposal(
            d, "ONLY_PROP64", "only HS 11357-11360 convictions on the whole record", person.conviction_ids()
        )
    if rules.deceased and Flag.DECEASED in case.det.flags:
        return _Proposal(d, "DECEASED", "the person is deceased", person.death_rows())
    return None


def _bear(case: _Case, severity: Severity) -> _Proposal | None:
    """Code for America's BEAR options (DOMAIN.md section 7 ``bear`` row; section 10 "BEAR options")."""
    rules = case.policy._bear
    assert rules is not None
    statute = case.det.outcome
    baseline: _Proposal | None = None
    if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
        baseline = _Proposal(
            Outcome.DISMISS_AND_SEAL, "MISDEMEANOR_OR_INFRACTION", "misdemeanors and infractions are dismissed"
        )
    elif severity is Severity.FELONY:
        found = rules.entry_for(case.section)
        if found is not None:
            entry, outcome = found
            if outcome is Outcome.DISMISS_AND_SEAL:
                baseline = _Proposal(outcome, "BASELINE_DISMISS", f"dismiss all HS {entry} felony convictions")
            else:
                baseline = _Proposal(outcome, "BASELINE_REDUCE", f"reduce all HS {entry} felony convictions")
        # Reading (DOMAIN.md §10): a felony in neither list keeps its statutory outcome as its baseline.
    current = combine(statute, baseline.outcome) if baseline is not None else statute
    # Reading (DOMAIN.md §7/§10 "it upgrades either reduction"): additional relief upgrades any
    # reduction the candidate has at this point, whether it came from the statute or the baseline.
    if current in _REDUCTIONS:
        extra = _bear_additional(case, rules)
        if extra is not None:
            return extra
    if baseline is not None and current is not statute:
        return baseline
    return None


def _los_angeles(case: _Case, severity: Severity) -> _Proposal | None:
    """Los Angeles 2020 (DOMAIN.md section 7, ``los_angeles_2020`` row).

    Reading (DOMAIN.md §7), in this order:
    1. misdemeanors and infractions -> review (city attorneys prosecute them; an infraction is
       read as covered too). Statutory relief stands (never lowered);
    2. currently serving (``Flag.CURRENTLY_SERVING``) -> review: it is checked before the dismissal
       rules, otherwise it would be indistinguishable from "otherwise review";
    3. HS 11357(a) or (b) -> dismiss; any other 11357 (no subdivision, (c), (d), (e)) -> review;
    4. dismiss when age on the as-of date >= 50, or under 21 on the conviction date, or every
       conviction is a cannabis one (HS 11357-11360, attempts and conspiracies included) and
       no conviction's sentence ends after the as-of date, or no conviction in the last 10 years,
       or deceased;
    5. otherwise review.
    "review" never lowers statutory relief: see :func:`combine`.
    """
    d, review = Outcome.DISMISS_AND_SEAL, Outcome.NEEDS_REVIEW
    person = case.person
    if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
        return _Proposal(
            review, "MISDEMEANOR", "misdemeanors and infractions go to review (city attorneys prosecute them)"
        )
    if Flag.CURRENTLY_SERVING in case.det.flags:
        return _Proposal(review, "CURRENTLY_SERVING", "a person currently serving the sentence goes to review")
    subs = case.section.subdivisions
    if case.section.number == "11357":
        if subs[:1] in (("a",), ("b",)):
            return _Proposal(d, "POSSESSION", "HS 11357(a) and 11357(b) convictions are dismissed")
        return _Proposal(review, "OTHER_11357", "HS 11357 convictions other than (a) and (b) go to review")
    age = _age_now(case)
    if age is not None and age >= 50:
        return _Proposal(d, "AGE_50", f"50 years or older on {person.as_of} (aged {age})")
    if _age_at_conviction_under_21(case):
        return _Proposal(d, "UNDER_21_AT_CONVICTION", "under 21 at conviction")
    if person.only_cannabis() and person.all_sentences_complete():
        return _Proposal(
            d, "ONLY_CANNABIS", "only cannabis convictions, every sentence complete", person.conviction_ids()
        )
    if person.free_for(10):
        return _Proposal(d, "NO_CONVICTION_10_YEARS", "no conviction in the last 10 years", _latest_evidence(case))
    if Flag.DECEASED in case.det.flags:
        return _Proposal(d, "DECEASED", "the person is deceased", person.death_rows())
    return _Proposal(review, "REVIEW", "no Los Angeles dismissal rule applies: review")


def _only_conviction_served(case: _Case) -> bool:
    """The person's only conviction (counted by count, any county) and its sentence is complete."""
    return len(case.person.convictions) == 1 and Flag.CURRENTLY_SERVING not in case.det.flags


def _sacramento(case: _Case, severity: Severity) -> _Proposal | None:
    """Sacramento 2019 (DOMAIN.md section 7, ``sacramento_2019`` row).

    Reading (DOMAIN.md §7): "no conviction in the last 10 years" is every dated conviction of the
    person, this one included, at least 10 years before the as-of date; "the person's only
    conviction" counts convictions by count (two counts of one case are two convictions);
    "the sentence is complete" means this conviction is not currently serving; "otherwise
    reduce" is reduce_to_misdemeanor, which never lowers a statutory reduction to an infraction.
    """
    d = Outcome.DISMISS_AND_SEAL
    if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
        return _Proposal(d, "MISDEMEANOR_OR_INFRACTION", "misdemeanors and infractions are dismissed")
    if case.person.free_for(10):
        return _Proposal(d, "NO_CONVICTION_10_YEARS", "no conviction in the last 10 years", _latest_evidence(case))
    if _only_conviction_served(case):
        return _Proposal(d, "ONLY_CONVICTION", "the person's only conviction, sentence complete")
    return _Proposal(Outcome.REDUCE_TO_MISDEMEANOR, "REDUCE", "other felonies are reduced to misdemeanors")


def _san_joaquin(case: _Case, severity: Severity) -> _Proposal | None:
    """San Joaquin 2019 (DOMAIN.md section 7, ``san_joaquin_2019`` row).

    Reading (DOMAIN.md §7): infractions are dismissed like misdemeanors; "no conviction in the
    last 5 years" and "only conviction with the sentence complete" as for Sacramento; "otherwise
    review" never lowers statutory relief (see :func:`combine`).

    Out of scope: the related charges San Joaquin also dismisses (PC 32, HS 11364, HS 11366,
    BP 4140, BP 4149, PC 148, PC 647(f) in the same cycle as a cannabis conviction) and its
    BP 4060 review are not Prop 64 convictions, so they are not candidates and get no
    determination from this engine; they are left out here.
    """
    d = Outcome.DISMISS_AND_SEAL
    if severity in (Severity.MISDEMEANOR, Severity.INFRACTION):
        return _Proposal(d, "MISDEMEANOR_OR_INFRACTION", "misdemeanors and infractions are dismissed")
    if case.person.free_for(5):
        return _Proposal(d, "NO_CONVICTION_5_YEARS", "no conviction in the last 5 years", _latest_evidence(case))
    if _only_conviction_served(case):
        return _Proposal(d, "ONLY_CONVICTION", "the person's only conviction, sentence complete")
    return _Proposal(Outcome.NEEDS_REVIEW, "REVIEW", "other felonies go to review")


_RULES: dict[str, _Rule] = {
    "dismiss_all": _dismiss_all,
    "bear": _bear,
    "los_angeles_2020": _los_angeles,
    "sacramento_2019": _sacramento,
    "san_joaquin_2019": _san_joaquin,
}
_SEVERITIES = (Severity.FELONY, Severity.MISDEMEANOR, Severity.INFRACTION)


def _decide(rule: _Rule, case: _Case) -> tuple[Outcome, _Proposal] | None:
    """The combined outcome and the proposal behind it, or None when the policy changes nothing.

    Reading (DOMAIN.md §7 "a policy rule that covers that section"): when the severity is not
    recorded, the policy settles the candidate only if every severity would get the same outcome
    from it (e.g. a section BEAR dismisses whatever the severity); otherwise the statute stands.
    """
    statute = case.det.outcome
    severity = case.row.severity
    if severity in _SEVERITIES:
        proposal = rule(case, severity)
        if proposal is None:
            return None
        outcome = combine(statute, proposal.outcome)
        return (outcome, proposal) if outcome is not statute else None
    results = []
    for assumed in _SEVERITIES:
        proposal = rule(case, assumed)
        outcome = combine(statute, proposal.outcome) if proposal is not None else statute
        results.append((outcome, proposal))
    outcomes = {outcome for outcome, _ in results}
    first, proposal = results[0]
    if len(outcomes) != 1 or first is statute or proposal is None:
        return None
    return first, replace(proposal, text=f"{proposal.text} (severity not recorded: every severity gets this outcome)")


def _apply(policy: Policy, det: Determination, person: _Person) -> Determination:
    if policy.kind == "statutory" or not det.reasons or det.reasons[0].code not in ACTIONABLE:
        return det
    row = person.rows.get(det.row_id)
    section = cannabis_section(row) if row is not None else None
    if row is None or section is None:  # pragma: no cover - every candidate is a cannabis row of the history
        return det
    decided = _decide(_RULES[policy.kind], _Case(policy, det, row, section, person))
    if decided is None:
        return det
    outcome, proposal = decided
    reason = Reason(
        code=f"{policy.code_prefix}_{proposal.rule}",
        text=f"{policy.label}: {proposal.text}",
        cites=f"{CITE}; office policy {policy.slug} v{policy.version}",
        evidence=_unique((det.row_id, *proposal.evidence)),
    )
    suggested = det.suggested_outcome
    if outcome is Outcome.NEEDS_REVIEW and det.outcome is Outcome.NOT_ELIGIBLE:
        suggested = Outcome.NOT_ELIGIBLE  # the statute's answer, for the attorney who reviews it
    return replace(det, outcome=outcome, reasons=(*det.reasons, reason), suggested_outcome=suggested)


def _unique(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids))


def evaluate(history: PersonHistory, *, county: str, policy: Policy, as_of: dt.date) -> list[Determination]:
    """Every candidate of the person, decided by the statute and then by ``policy``, in file order.

    Each determination records the policy slug and version, the rules version and the as-of date.
    """
    return evaluate_each(history, county=county, policies=(policy,), as_of=as_of)[0]


def evaluate_each(
    history: PersonHistory,
    *,
    county: str,
    policies: Sequence[Policy],
    as_of: dt.date,
    convictions: Sequence[Conviction] | None = None,
) -> list[list[Determination]]:
    """``evaluate`` under several policies at once: the statute runs once for all of them.

    `convictions`: the history's (`convictions_of(history)`), when the caller has them already.
    """
    person = _Person.of(history, as_of, convictions)
    statutory = evaluate_statutory(history, county=county, as_of=as_of, convictions=person.convictions)
    return [
        [
            replace(
                _apply(policy, det, person),
                policy=policy.slug,
                policy_version=policy.version,
                rules_version=RULES_VERSION,
                as_of=as_of,
            )
            for det in statutory
        ]
        for policy in policies
    ]
