"""Plain values the engine reads and returns. Frozen, so a history cannot change under a rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from clearance.eligibility.sections import ParsedCharge, Section


class Outcome(str, Enum):
    DISMISS_AND_SEAL = "dismiss_and_seal"
    REDUCE_TO_MISDEMEANOR = "reduce_to_misdemeanor"
    REDUCE_TO_INFRACTION = "reduce_to_infraction"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"


class Severity(str, Enum):
    FELONY = "felony"
    MISDEMEANOR = "misdemeanor"
    INFRACTION = "infraction"
    UNKNOWN = ""


class Flag(str, Enum):
    DATE_FALLBACK = "date_fallback"
    CURRENTLY_SERVING = "currently_serving"
    DECEASED = "deceased"
    OTHER_PROP64_IN_COMMENT = "possible_other_prop64_charge_in_comment"
    INCOMPLETE_RECORD = "incomplete_record"


class Row(NamedTuple):
    """One row of a person's DOJ history, as the engine needs it (DOMAIN.md section 3).

    A NamedTuple rather than a frozen dataclass: classification builds one per stored row,
    millions per upload, and a tuple is ten times cheaper to make.
    """

    id: int  # the stored event's id: evidence points here
    line: int
    cnt_order: str
    step_type: str
    county: str  # upper case, spaces collapsed
    charge: ParsedCharge
    is_conviction: bool = False
    severity: Severity = Severity.UNKNOWN
    offense_date: dt.date | None = None  # CYC_DATE
    conviction_date: dt.date | None = None  # STP_EVENT_DATE, else DISP_DATE
    sentence_length: int | None = None
    sentence_unit: str = ""  # D, M or Y
    dob: dt.date | None = None  # PRI_DOB on this row
    comment_section: Section | None = None  # a cannabis section named in COMMENT_TEXT, if any

    @property
    def case_key(self) -> str:
        """Same subject and the first six characters of CNT_ORDER (DOMAIN.md section 10)."""
        return self.cnt_order[:6]


@dataclass(frozen=True, slots=True)
class PersonHistory:
    subject_id: str
    rows: tuple[Row, ...]
    dob: dt.date | None = None  # the first valid PRI_DOB of the subject
    incomplete: bool = False  # a line naming this person was quarantined at ingestion


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    cites: str
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Determination:
    row_id: int
    outcome: Outcome
    reasons: tuple[Reason, ...]
    flags: frozenset[Flag] = field(default_factory=frozenset)
    suggested_outcome: Outcome | None = None
    policy: str = "statutory"
    policy_version: int = 1
    rules_version: str = ""
    as_of: dt.date | None = None
