"""The court paperwork of the bulk program (DOMAIN.md section 9), built from plain data.

Each `*_spec` function checks and shapes its input into a template context; the function of
the same name without `_spec` renders it to PDF bytes. Sorting, filtering, counting and date
formatting happen here, so the templates only lay text out.

Confidentiality rules enforced here, not left to templates:
- dismiss-and-seal rows (HS 11361.8) appear only in the sealed exhibit and, in per-case mode,
  in a document marked to be sealed; the public exhibit filters them out and then refuses to
  render if one got through;
- the cover sheet, the proposed order and the proof of service carry no names; the proposed
  order refers to the sealed counts through the sealed exhibit (with totals) instead of
  listing them, unless the office asks for case numbers.

Citations name sections, not subdivisions: DOMAIN.md section 11 records that the subdivision
lettering of HS 11361.8 and 11361.9 is not verified, and a filing must not cite a letter that
may be wrong. Per-row `basis` text is the attorney's and is printed as given.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby

from cases.choices import Outcome, Severity
from cases.documents.data import Challenge, Conviction, CountRow, PacketInfo, ServiceMethod
from cases.documents.render import DocumentSpec, render_documents, write_single

#: Statute names as they appear in prose and under titles.
STATUTES = "Health and Safety Code sections 11361.8 and 11361.9"
AUTHORITY = "(Health & Safety Code, §§ 11361.8, 11361.9)"
SEALING_LEGEND = "CONFIDENTIAL — FILED UNDER SEAL (Health & Safety Code, § 11361.8)"
PER_CASE_SEALING_LEGEND = "CONFIDENTIAL — RECORD TO BE SEALED (Health & Safety Code, § 11361.8)"
CRIMINAL_HISTORY_LEGEND = "CONFIDENTIAL — CONTAINS STATE CRIMINAL HISTORY INFORMATION"

#: Relief in the statute's words: a court "redesignates" a completed sentence (HS 11361.8).
RELIEF_LABELS: dict[Outcome, str] = {
    Outcome.DISMISS_AND_SEAL: "Dismiss and seal",
    Outcome.REDUCE_TO_MISDEMEANOR: "Redesignate as misdemeanor",
    Outcome.REDUCE_TO_INFRACTION: "Redesignate as infraction",
}
RELIEF_ORDER: tuple[Outcome, ...] = tuple(RELIEF_LABELS)
PUBLIC_RELIEFS: tuple[Outcome, ...] = (Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION)
#: Exhibit cells under a "Relief" (sealed) or "Redesignate as" (public) heading: one line
#: each, so a row stays one line tall (WeasyPrint's time grows with line boxes).
EXHIBIT_RELIEF_LABELS: dict[Outcome, str] = {
    Outcome.DISMISS_AND_SEAL: "Dismiss and seal",
    Outcome.REDUCE_TO_MISDEMEANOR: "Misdemeanor",
    Outcome.REDUCE_TO_INFRACTION: "Infraction",
}

_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DIGITS = re.compile(r"(\d+)")


class DocumentKind(StrEnum):
    """The documents this layer renders; the value names the template."""

    BULK_MOTION = "bulk_motion"
    SEALED_EXHIBIT = "sealed_exhibit"
    PUBLIC_EXHIBIT = "public_exhibit"
    PROPOSED_ORDER = "proposed_order"
    PER_CASE_MOTION_AND_ORDER = "per_case_motion_and_order"
    COVER_SHEET = "cover_sheet"
    NOTICE_OF_CHALLENGE = "notice_of_challenge"
    PROOF_OF_SERVICE = "proof_of_service"

    @property
    def template_name(self) -> str:
        return f"documents/{self.value}.html"


class SealedRowLeakError(RuntimeError):
    """A dismiss-and-seal row reached a public document."""


# ---------------------------------------------------------------- formatting


def short_date(value: datetime.date | None) -> str:
    """`Jan 5, 2012` (UX.md), independent of the process locale; blank when unknown."""
    if value is None:
        return ""
    return f"{_MONTHS_SHORT[value.month - 1]} {value.day}, {value.year}"


def long_date(value: datetime.date) -> str:
    """`January 5, 2012`, for dates in prose and signature blocks."""
    return f"{_MONTHS_LONG[value.month - 1]} {value.day}, {value.year}"


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders embedded numbers by value ("F9" before "F10")."""
    parts = _DIGITS.split(text.strip().casefold())
    return tuple((0, int(part), part) if part.isdigit() else (1, 0, part) for part in parts if part)


def conviction_sort_key(row: Conviction) -> tuple[object, ...]:
    # DOMAIN.md section 9: exhibits are sorted by case number and count. The trailing fields
    # only make the order total, so that equal inputs always print in the same order.
    return (natural_key(row.court_case_number), row.count, row.cii, row.name, row.decision_ref)


def severity_label(severity: Severity) -> str:
    return "" if severity == Severity.UNKNOWN else severity.label


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun if number == 1 else noun + 's'}"


def counts_in_cases(rows: Sequence[Conviction]) -> str:
    """Say "3 counts in 2 cases" (cases are distinct case numbers)."""
    cases = len({row.court_case_number for row in rows})
    return f"{_plural(len(rows), 'count')} in {_plural(cases, 'case')}"


# ---------------------------------------------------------------- view rows


@dataclass(frozen=True)
class ExhibitLine:
    """One exhibit row as printed."""

    court: str
    case_number: str
    count: str
    ref: str
    name: str
    akas: str
    dob: str
    cii: str
    section: str
    severity: str
    convicted: str
    relief: str
    relief_long: str
    basis: str


@dataclass(frozen=True)
class ReliefTally:
    relief: Outcome
    label: str
    counts: int
    cases: int
    phrase: str


@dataclass(frozen=True)
class Exhibits:
    """Which letter each exhibit gets: the sealed one first, so A is always the sealed list."""

    sealed: str | None
    public: str | None

    @property
    def phrase(self) -> str:
        names = []
        if self.sealed:
            names.append(f"Exhibit {self.sealed} (filed under seal)")
        if self.public:
            names.append(f"Exhibit {self.public}")
        return " and ".join(names)

    @property
    def letters(self) -> str:
        return " and ".join(letter for letter in (self.sealed, self.public) if letter)


@dataclass(frozen=True)
class ChallengeView:
    number: int
    case_number: str
    count: str
    ref: str
    court: str
    name: str
    akas: str
    dob: str
    cii: str
    section: str
    severity: str
    convicted: str
    reasons: tuple[tuple[str, str], ...]
    evidence: tuple[str, ...]
    attorney_note: str


def exhibit_line(row: CountRow, info: PacketInfo) -> ExhibitLine:
    return ExhibitLine(
        court=row.court or info.court.name,
        case_number=row.court_case_number,
        count=row.count,
        ref=row.decision_ref,
        name=row.name,
        akas="; ".join(row.akas),
        dob=short_date(row.dob),
        cii=row.cii,
        section=row.section,
        severity=severity_label(row.severity),
        convicted=short_date(row.conviction_date),
        relief=EXHIBIT_RELIEF_LABELS[row.relief],
        relief_long=RELIEF_LABELS[row.relief],
        basis=row.basis,
    )


def sealed_rows(rows: Iterable[CountRow]) -> list[CountRow]:
    return sorted((row for row in rows if row.relief == Outcome.DISMISS_AND_SEAL), key=conviction_sort_key)


def public_rows(rows: Iterable[CountRow]) -> list[CountRow]:
    selected = sorted((row for row in rows if row.relief in PUBLIC_RELIEFS), key=conviction_sort_key)
    # Belt and braces: the filter above is the rule, this is the tripwire if it ever changes.
    if any(row.sealed for row in selected):
        raise SealedRowLeakError("a dismiss-and-seal row reached a public document")
    return selected


def exhibits_for(rows: Sequence[CountRow]) -> Exhibits:
    has_sealed = any(row.sealed for row in rows)
    has_public = any(not row.sealed for row in rows)
    return Exhibits(
        sealed="A" if has_sealed else None,
        public=("B" if has_sealed else "A") if has_public else None,
    )


def tally(rows: Sequence[CountRow]) -> list[ReliefTally]:
    result = []
    for relief in RELIEF_ORDER:
        selected = [row for row in rows if row.relief == relief]
        result.append(
            ReliefTally(
                relief=relief,
                label=RELIEF_LABELS[relief],
                counts=len(selected),
                cases=len({row.court_case_number for row in selected}),
                phrase=counts_in_cases(selected),
            )
        )
    return result


# ---------------------------------------------------------------- shared context


def _doc(info: PacketInfo, *, title: str, bookmark: str, footer: str, ref_suffix: str = "") -> dict[str, str]:
    return {
        "title": title,
        "bookmark": bookmark,
        "footer": footer,
        "created": info.filing_date.isoformat(),
        "filing_date_long": long_date(info.filing_date),
        "as_of_long": long_date(info.as_of),
        "ref_suffix": ref_suffix,
    }


def _bulk_caption(exhibits: Exhibits, *, listed_in: str = "") -> dict[str, object]:
    if listed_in == "below":
        who = "persons listed below"
        case_number = "Listed below"
    elif listed_in:
        who = f"persons listed in {listed_in}"
        case_number = f"As listed in {listed_in}"
    else:
        who = f"persons listed in Exhibit{'s' if exhibits.sealed and exhibits.public else ''} {exhibits.letters}"
        case_number = f"See {exhibits.phrase}"
    return {
        "defendants": (f"THE {who.upper()},",),
        "defendant_role": "Defendants.",
        "case_number_label": "Case Nos.:",
        "case_number": case_number,
        "authority": AUTHORITY,
        "running": f"People of the State of California v. {who[0].upper()}{who[1:]}",
    }


def _require(rows: Sequence[object], what: str) -> None:
    if not rows:
        raise ValueError(f"no {what} to put in this document")


def _motion_title(rows: Sequence[CountRow]) -> str:
    sealed = any(row.sealed for row in rows)
    public = any(not row.sealed for row in rows)
    if sealed and public:
        return "Motion to Dismiss and Seal, and to Redesignate, Cannabis Convictions"
    if sealed:
        return "Motion to Dismiss and Seal Cannabis Convictions"
    return "Motion to Redesignate Cannabis Convictions"


# ---------------------------------------------------------------- documents


def bulk_motion_spec(info: PacketInfo, rows: Sequence[CountRow]) -> DocumentSpec:
    """Notice of motion and motion, with a short memorandum, for every row of one court."""
    _require(rows, "counts")
    exhibits = exhibits_for(rows)
    title = _motion_title(rows)
    context = {
        "info": info,
        "doc": _doc(
            info, title="Notice of " + title.replace("Motion", "Motion and Motion", 1), bookmark=title, footer=title
        ),
        "caption": _bulk_caption(exhibits),
        "exhibits": exhibits,
        "requests": _motion_requests(rows, exhibits),
        "total": counts_in_cases(rows),
        "statutes": STATUTES,
    }
    return DocumentSpec(DocumentKind.BULK_MOTION.template_name, context)


def _motion_requests(rows: Sequence[CountRow], exhibits: Exhibits) -> list[str]:
    clauses = {
        Outcome.DISMISS_AND_SEAL: "to dismiss and seal the {} listed in Exhibit {}, which is filed under seal",
        Outcome.REDUCE_TO_MISDEMEANOR: "to redesignate as misdemeanors the {} so marked in Exhibit {}",
        Outcome.REDUCE_TO_INFRACTION: "to redesignate as infractions the {} so marked in Exhibit {}",
    }
    requests = [
        clauses[item.relief].format(
            item.phrase, exhibits.sealed if item.relief == Outcome.DISMISS_AND_SEAL else exhibits.public
        )
        for item in tally(rows)
        if item.counts
    ]
    return [request + (";" if number < len(requests) else ".") for number, request in enumerate(requests, start=1)]


#: Rows per exhibit part when an exhibit is split. WeasyPrint needs about 10 ms and 0.35 MB
#: per exhibit row, so a part of 500 rows renders in about 5 s within about 250 MB.
ROWS_PER_PART = 500


def exhibit_parts(rows: Sequence[CountRow], *, rows_per_part: int = ROWS_PER_PART) -> list[list[CountRow]]:
    """Split sorted exhibit rows into parts of at most `rows_per_part`, never splitting a case.

    A single case with more counts than `rows_per_part` makes a larger part of its own.
    """
    if rows_per_part < 1:
        raise ValueError("rows_per_part must be positive")
    parts: list[list[CountRow]] = []
    current: list[CountRow] = []
    for _case, group in groupby(sorted(rows, key=conviction_sort_key), key=lambda row: row.court_case_number):
        case_rows = list(group)
        if current and len(current) + len(case_rows) > rows_per_part:
            parts.append(current)
            current = []
        current.extend(case_rows)
    if current:
        parts.append(current)
    return parts


def exhibit_part_count(rows: Sequence[CountRow], *, sealed: bool, rows_per_part: int = ROWS_PER_PART) -> int:
    """How many parts `sealed_exhibit_spec`/`public_exhibit_spec` split this exhibit into."""
    selected = sealed_rows(rows) if sealed else public_rows(rows)
    return len(exhibit_parts(selected, rows_per_part=rows_per_part))


def _exhibit_spec(
    info: PacketInfo,
    selected: list[CountRow],
    *,
    sealed: bool,
    all_rows: Sequence[CountRow],
    part: int,
    rows_per_part: int,
) -> DocumentSpec:
    exhibits = exhibits_for(all_rows)
    letter = exhibits.sealed if sealed else exhibits.public
    description = (
        "Counts to be dismissed and sealed" if sealed else "Counts to be redesignated as misdemeanors or infractions"
    )
    title = f"Exhibit {letter}"
    rows = selected
    if part:
        # Each part is its own document (own "Page X of Y"), so parts can be rendered by
        # separate tasks and a huge exhibit never has to sit in one worker's memory.
        parts = exhibit_parts(selected, rows_per_part=rows_per_part)
        if not 1 <= part <= len(parts):
            raise ValueError(f"exhibit {letter} has {len(parts)} parts, not {part}")
        rows = parts[part - 1]
        title = f"{title}, part {part} of {len(parts)}"
    context = {
        "info": info,
        "doc": _doc(
            info,
            title=title,
            bookmark=f"{title}: {description}{' (under seal)' if sealed else ''}",
            footer=f"{title} to {_motion_title(all_rows)}",
        ),
        "caption": _bulk_caption(exhibits),
        "sealed": sealed,
        "legend": SEALING_LEGEND if sealed else "",
        "motion_title": _motion_title(all_rows),
        "description": description,
        "summary": counts_in_cases(rows) + (f" of {counts_in_cases(selected)}" if part else ""),
        "relief_heading": "Relief" if sealed else "Redesignate as",
        # A court column that repeats the packet's court on every line is noise (and costs
        # layout time); it appears only when some count was entered by another court.
        "show_court": any(row.court and row.court != info.court.name for row in rows),
        "lines": [exhibit_line(row, info) for row in rows],
    }
    template = DocumentKind.SEALED_EXHIBIT if sealed else DocumentKind.PUBLIC_EXHIBIT
    return DocumentSpec(template.template_name, context)


def sealed_exhibit_spec(
    info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0, rows_per_part: int = ROWS_PER_PART
) -> DocumentSpec:
    """The dismiss-and-seal rows (other rows are left out), one line per count.

    `part=0` renders the whole exhibit; `part=n` renders only the n-th of
    `exhibit_part_count(rows, sealed=True)` parts.
    """
    selected = sealed_rows(rows)
    _require(selected, "dismiss-and-seal counts")
    return _exhibit_spec(info, selected, sealed=True, all_rows=rows, part=part, rows_per_part=rows_per_part)


def public_exhibit_spec(
    info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0, rows_per_part: int = ROWS_PER_PART
) -> DocumentSpec:
    """The redesignation rows; a dismiss-and-seal row never gets in. Parts as for the sealed one."""
    selected = public_rows(rows)
    _require(selected, "redesignation counts")
    return _exhibit_spec(info, selected, sealed=False, all_rows=rows, part=part, rows_per_part=rows_per_part)


@dataclass(frozen=True)
class OrderListing:
    case_number: str
    count: str
    section: str
    relief: str


def proposed_order_spec(info: PacketInfo, rows: Sequence[CountRow], *, list_sealed_cases: bool = False) -> DocumentSpec:
    """The order for the judge's signature.

    Redesignated counts are listed by case number, count and section (no names: the public
    exhibit has them). Sealed counts are granted by reference to the sealed exhibit with
    their totals, because a case number is a key into the court's public index and would
    undo the sealing; `list_sealed_cases=True` lists their case numbers and counts (still
    without names) for a court that will not sign an order by reference.
    """
    _require(rows, "counts")
    exhibits = exhibits_for(rows)
    title = "[Proposed] Order Granting " + _motion_title(rows)
    ordered = sorted(rows, key=conviction_sort_key)

    def listing(relief: Outcome) -> list[OrderListing]:
        return [
            OrderListing(row.court_case_number, row.count, row.section, RELIEF_LABELS[row.relief])
            for row in ordered
            if row.relief == relief
        ]

    context = {
        "info": info,
        "doc": _doc(info, title=title, bookmark="[Proposed] order", footer=title),
        "caption": _bulk_caption(exhibits),
        "exhibits": exhibits,
        "tally": {item.relief.value: item for item in tally(rows)},
        "sealed_listing": listing(Outcome.DISMISS_AND_SEAL) if list_sealed_cases else [],
        "misdemeanor_listing": listing(Outcome.REDUCE_TO_MISDEMEANOR),
        "infraction_listing": listing(Outcome.REDUCE_TO_INFRACTION),
        "total": counts_in_cases(rows),
        "statutes": STATUTES,
    }
    return DocumentSpec(DocumentKind.PROPOSED_ORDER.template_name, context)


def per_case_motion_and_order_spec(info: PacketInfo, row: CountRow | Sequence[CountRow]) -> DocumentSpec:
    """One motion with its order for one case of one person (all its relieved counts).

    Accepts one row or several rows of the same case and person: a court that wants a motion
    per case wants one for the case, not one per count.
    """
    rows = sorted([row] if isinstance(row, CountRow) else list(row), key=conviction_sort_key)
    _require(rows, "counts")
    first = rows[0]
    if any(other.court_case_number != first.court_case_number for other in rows):
        raise ValueError("a per-case motion covers one case number")
    if any((other.cii, other.name) != (first.cii, first.name) for other in rows):
        raise ValueError("a per-case motion covers one defendant")
    sealed = any(other.sealed for other in rows)
    title = _motion_title(rows).replace("Motion", "Motion and [Proposed] Order", 1)
    if len(rows) == 1:
        title = title.replace("Convictions", "Conviction")
    # Each row may carry the AKAs DOJ printed on its own line; the caption names them all.
    akas = "; ".join(dict.fromkeys(aka for other in rows for aka in other.akas))
    context = {
        "info": info,
        "doc": _doc(info, title=title, bookmark=title, footer=title, ref_suffix=first.court_case_number),
        "caption": {
            "defendants": (f"{first.name}{f' (also known as {akas})' if akas else ''},",),
            "defendant_role": "Defendant.",
            "case_number_label": "Case No.:",
            "case_number": first.court_case_number,
            "authority": AUTHORITY,
            "running": f"People of the State of California v. {first.name} — Case No. {first.court_case_number}",
        },
        "legend": PER_CASE_SEALING_LEGEND if sealed else "",
        "sealed": sealed,
        "defendant": exhibit_line(first, info),
        "akas": akas,
        "lines": [exhibit_line(other, info) for other in rows],
        "statutes": STATUTES,
    }
    return DocumentSpec(DocumentKind.PER_CASE_MOTION_AND_ORDER.template_name, context)


def packet_document_titles(rows: Sequence[CountRow]) -> list[str]:
    """The documents of a bulk filing, in filing order, as the cover sheet lists them."""
    exhibits = exhibits_for(rows)
    titles = ["Notice of motion and motion " + AUTHORITY]
    if exhibits.sealed:
        titles.append(f"Exhibit {exhibits.sealed}: counts to be dismissed and sealed (filed under seal)")
    if exhibits.public:
        titles.append(f"Exhibit {exhibits.public}: counts to be redesignated")
    titles.append("[Proposed] order")
    return titles


def cover_sheet_spec(info: PacketInfo, rows: Sequence[CountRow], *, documents: Sequence[str] = ()) -> DocumentSpec:
    """The clerk's cover sheet: counts by relief, documents, date and contact. No names.

    `documents` lists the titles of what is filed with it; by default the bulk filing's.
    """
    _require(rows, "counts")
    titles = list(documents) or packet_document_titles(rows)
    context = {
        "info": info,
        "doc": _doc(info, title="Filing Cover Sheet", bookmark="Cover sheet", footer="Filing cover sheet"),
        "tally": tally(rows),
        "total": len(rows),
        "total_cases": len({row.court_case_number for row in rows}),
        "documents": titles,
        "has_sealed": any(row.sealed for row in rows),
        "exhibits": exhibits_for(rows),
        "as_of": long_date(info.as_of),
        "filing_date": long_date(info.filing_date),
        "authority": AUTHORITY,
    }
    return DocumentSpec(DocumentKind.COVER_SHEET.template_name, context)


NOTICE_TITLE = "Notice of Challenge to Relief Under Health and Safety Code Section 11361.9"


def _challenge_view(number: int, challenge: Challenge, info: PacketInfo) -> ChallengeView:
    return ChallengeView(
        number=number,
        case_number=challenge.court_case_number,
        count=challenge.count,
        ref=challenge.decision_ref,
        court=challenge.court or info.court.name,
        name=challenge.name,
        akas="; ".join(challenge.akas),
        dob=short_date(challenge.dob),
        cii=challenge.cii,
        section=challenge.section,
        severity=severity_label(challenge.severity),
        convicted=short_date(challenge.conviction_date),
        reasons=tuple((reason.text, reason.citation) for reason in challenge.reasons),
        evidence=challenge.evidence,
        attorney_note=challenge.attorney_note,
    )


def notice_of_challenge_spec(info: PacketInfo, challenges: Sequence[Challenge]) -> DocumentSpec:
    """The notice served on the public defender: each challenged count, why, and the record."""
    _require(challenges, "challenges")
    ordered = sorted(challenges, key=conviction_sort_key)
    context = {
        "info": info,
        "doc": _doc(info, title=NOTICE_TITLE, bookmark="Notice of challenge", footer="Notice of challenge to relief"),
        "caption": _bulk_caption(Exhibits(None, None), listed_in="below"),
        "legend": CRIMINAL_HISTORY_LEGEND,
        "summary": counts_in_cases(ordered),
        "challenges": [_challenge_view(number, item, info) for number, item in enumerate(ordered, start=1)],
        "statutes": STATUTES,
    }
    return DocumentSpec(DocumentKind.NOTICE_OF_CHALLENGE.template_name, context)


def proof_of_service_spec(
    info: PacketInfo,
    challenges: Sequence[Challenge],
    *,
    method: ServiceMethod = ServiceMethod.MAIL,
    served_on: datetime.date | None = None,
    declarant: str = "",
) -> DocumentSpec:
    """Proof of service of the notice of challenge on the public defender. No names.

    `served_on` defaults to the filing date; `declarant` (the office employee who served)
    may be left blank for a signature by hand.
    """
    _require(challenges, "challenges")
    method = ServiceMethod(method)
    if method == ServiceMethod.ELECTRONIC and not info.office.public_defender_email:
        raise ValueError("electronic service needs the public defender's email address")
    served = served_on or info.filing_date
    context = {
        "info": info,
        "doc": _doc(info, title="Proof of Service", bookmark="Proof of service", footer="Proof of service"),
        "caption": _bulk_caption(Exhibits(None, None), listed_in="the notice of challenge"),
        "electronic": method == ServiceMethod.ELECTRONIC,
        "served_on": long_date(served),
        "declarant": declarant,
        "served_document": NOTICE_TITLE,
        "summary": counts_in_cases(challenges),
    }
    return DocumentSpec(DocumentKind.PROOF_OF_SERVICE.template_name, context)


# ---------------------------------------------------------------- bytes


_SPECS: dict[DocumentKind, Callable[..., DocumentSpec]] = {
    DocumentKind.BULK_MOTION: bulk_motion_spec,
    DocumentKind.SEALED_EXHIBIT: sealed_exhibit_spec,
    DocumentKind.PUBLIC_EXHIBIT: public_exhibit_spec,
    DocumentKind.PROPOSED_ORDER: proposed_order_spec,
    DocumentKind.PER_CASE_MOTION_AND_ORDER: per_case_motion_and_order_spec,
    DocumentKind.COVER_SHEET: cover_sheet_spec,
    DocumentKind.NOTICE_OF_CHALLENGE: notice_of_challenge_spec,
    DocumentKind.PROOF_OF_SERVICE: proof_of_service_spec,
}


def document_spec(kind: DocumentKind | str, info: PacketInfo, items: object, **options: object) -> DocumentSpec:
    """The spec of any document by kind: rows (or one row, per case) or challenges."""
    return _SPECS[DocumentKind(kind)](info, items, **options)


def render_document(kind: DocumentKind | str, info: PacketInfo, items: object, **options: object) -> bytes:
    """One document's PDF by kind (see `document_spec`)."""
    (document,) = render_documents([document_spec(kind, info, items, **options)])
    return write_single(document)


def bulk_motion(info: PacketInfo, rows: Sequence[CountRow]) -> bytes:
    return render_document(DocumentKind.BULK_MOTION, info, rows)


def sealed_exhibit(info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0) -> bytes:
    return render_document(DocumentKind.SEALED_EXHIBIT, info, rows, part=part)


def public_exhibit(info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0) -> bytes:
    return render_document(DocumentKind.PUBLIC_EXHIBIT, info, rows, part=part)


def proposed_order(info: PacketInfo, rows: Sequence[CountRow], *, list_sealed_cases: bool = False) -> bytes:
    return render_document(DocumentKind.PROPOSED_ORDER, info, rows, list_sealed_cases=list_sealed_cases)


def per_case_motion_and_order(info: PacketInfo, row: CountRow | Sequence[CountRow]) -> bytes:
    return render_document(DocumentKind.PER_CASE_MOTION_AND_ORDER, info, row)


def cover_sheet(info: PacketInfo, rows: Sequence[CountRow], *, documents: Sequence[str] = ()) -> bytes:
    return render_document(DocumentKind.COVER_SHEET, info, rows, documents=documents)


def notice_of_challenge(info: PacketInfo, challenges: Sequence[Challenge]) -> bytes:
    return render_document(DocumentKind.NOTICE_OF_CHALLENGE, info, challenges)


def proof_of_service(
    info: PacketInfo,
    challenges: Sequence[Challenge],
    *,
    method: ServiceMethod = ServiceMethod.MAIL,
    served_on: datetime.date | None = None,
    declarant: str = "",
) -> bytes:
    return render_document(
        DocumentKind.PROOF_OF_SERVICE, info, challenges, method=method, served_on=served_on, declarant=declarant
    )


@dataclass(frozen=True)
class BulkPacket:
    """The documents of one court's bulk filing, split by who may see them.

    `public` (cover sheet, motion, public exhibit, proposed order) can be merged into one PDF;
    `sealed` (the sealed exhibit) must be kept out of it and filed under seal.
    """

    public: tuple[DocumentSpec, ...]
    sealed: tuple[DocumentSpec, ...]


def bulk_packet(info: PacketInfo, rows: Sequence[CountRow], *, list_sealed_cases: bool = False) -> BulkPacket:
    exhibits = exhibits_for(rows)
    public = [cover_sheet_spec(info, rows), bulk_motion_spec(info, rows)]
    if exhibits.public:
        public.append(public_exhibit_spec(info, rows))
    public.append(proposed_order_spec(info, rows, list_sealed_cases=list_sealed_cases))
    sealed = (sealed_exhibit_spec(info, rows),) if exhibits.sealed else ()
    return BulkPacket(public=tuple(public), sealed=sealed)
