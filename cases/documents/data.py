"""Plain inputs of the court paperwork (DOMAIN.md section 9).

The rendering layer never sees an ORM object: whoever builds a packet fills these frozen
dataclasses from the database (names, dates and citations exactly as they should be printed)
and hands them over. Every field is keyword-only so that a constructor call reads like a
record and a field added later cannot silently shift the others.

Text fields are printed as given (HTML-escaped), so they should already be in the form a
court expects: a case number as the court writes it, a code section as convicted
("HS 11359"), a statutory basis as the attorney approved it ("HS 11361.8(a), (e)").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from cases.choices import Outcome, Severity

#: The three outcomes a court is asked to grant; `not_eligible` and `needs_review` never
#: reach a motion (a not-eligible decision becomes a `Challenge` instead).
RELIEF_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.DISMISS_AND_SEAL, Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION}
)


class ServiceMethod(StrEnum):
    """How the notice of challenge reaches the public defender."""

    MAIL = "mail"
    ELECTRONIC = "electronic"


@dataclass(frozen=True, kw_only=True)
class Office:
    """The District Attorney's office that files, from its letterhead settings.

    `signing_attorney` and `bar_number` go in the caption (CRC 2.111 puts the attorney's name
    and State Bar number on the first line of the first page) and under every signature.
    `county` is the county name without "County" ("San Francisco"), used in the proof of
    service ("I am employed in the County of ...").
    """

    name: str
    address_lines: tuple[str, ...]
    phone: str
    signing_attorney: str
    bar_number: str
    county: str
    public_defender_name: str
    public_defender_address_lines: tuple[str, ...]
    email: str = ""
    #: Printed under the signing attorney's name; the elected DA signs as "District Attorney".
    signing_attorney_title: str = "Deputy District Attorney"
    #: Needed only for electronic service of a notice of challenge.
    public_defender_email: str = ""


@dataclass(frozen=True, kw_only=True)
class Court:
    """The court a packet is filed in.

    `name` is the court as DOJ writes it (`STP_ORI_DESCR`, e.g. "CASC SAN FRANCISCO"); it fills
    the exhibits' court column when a row has no court of its own. `display_name` is the
    caption ("Superior Court of California, County of San Francisco").
    """

    name: str
    display_name: str
    courthouse: str = ""
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Conviction:
    """One convicted count as the DOJ record identifies it: what every document lists.

    `count` is DOJ's `CNT_ORDER` (cycle, step, count: "001002003"), printed as is so a clerk
    can find the line in the DOJ file. `name` is the name of record ("LAST, FIRST M"), `akas`
    the other names DOJ holds. `decision_ref` is printed small next to the count so a clerk can
    trace a printed row back to the attorney's decision. `court` is the DOJ court of this
    conviction when it differs from the packet's `Court.name`; blank means the packet's court.
    """

    court_case_number: str
    count: str
    name: str
    cii: str
    section: str
    akas: tuple[str, ...] = ()
    dob: datetime.date | None = None
    severity: Severity = Severity.UNKNOWN
    conviction_date: datetime.date | None = None
    decision_ref: str = ""
    court: str = ""

    def __post_init__(self) -> None:
        # Callers fill these from CharFields; accept the stored string but keep the member.
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "akas", tuple(self.akas))


@dataclass(frozen=True, kw_only=True)
class CountRow(Conviction):
    """A count the office asks the court to relieve: one row of an exhibit.

    `relief` must be one of `RELIEF_OUTCOMES` (a plain string value is accepted and turned
    into the `Outcome` member); `basis` is the statutory basis as the attorney approved it.
    """

    relief: Outcome
    basis: str

    def __post_init__(self) -> None:
        super().__post_init__()
        relief = Outcome(self.relief)
        if relief not in RELIEF_OUTCOMES:
            raise ValueError(f"{self.court_case_number} count {self.count}: {relief.value!r} is not a relief")
        object.__setattr__(self, "relief", relief)

    @property
    def sealed(self) -> bool:
        """Whether this row names a person whose record is to be sealed (HS 11361.8)."""
        return self.relief == Outcome.DISMISS_AND_SEAL


class Reason(NamedTuple):
    """A reason for a challenge: the sentence and the statute it rests on."""

    text: str
    citation: str


@dataclass(frozen=True, kw_only=True)
class Challenge(Conviction):
    """A count the office found not eligible and challenges (HS 11361.9), for the notice.

    It carries no `relief` or `basis`: nothing is asked for. `reasons` may be given as plain
    `(text, citation)` pairs; `evidence` holds one short line per record row that supports a
    reason ("Mar 4, 1998 · PC 187 · CONVICTED-PRISON · CASC LOS ANGELES"); `attorney_note` is the
    attorney's own reason for the decision.
    """

    reasons: tuple[Reason, ...]
    evidence: tuple[str, ...] = ()
    attorney_note: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.reasons:
            raise ValueError(f"{self.court_case_number} count {self.count}: a challenge needs a reason")
        object.__setattr__(self, "reasons", tuple(Reason(*reason) for reason in self.reasons))
        object.__setattr__(self, "evidence", tuple(self.evidence))


@dataclass(frozen=True, kw_only=True)
class PacketInfo:
    """What is common to every document filed in one court on one day.

    `filing_date` dates the signatures and the PDF metadata (so the same packet renders to
    the same bytes); `as_of` is the date the records were reviewed as of; `policy_name` is the
    office relief policy's display name (cover sheet only); `packet_ref` is the office's
    reference for the packet, printed in every page footer.
    """

    office: Office
    court: Court
    filing_date: datetime.date
    policy_name: str
    as_of: datetime.date
    packet_ref: str
