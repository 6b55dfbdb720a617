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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import accumulate, groupby
from typing import cast

from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

from cases.choices import Outcome, Severity
from cases.documents.columns import Column, TabLayout
from cases.documents.data import Challenge, Conviction, CountRow, PacketInfo, ServiceMethod
from cases.documents.render import (
    DocumentSpec,
    PdfPages,
    fewer_collections,
    merge_pdfs,
    render_documents,
    render_html,
    write_single,
)

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

# ---------------------------------------------------------------- aligned tables
#
# Rows of counts are printed as lines of text whose columns are lined up with space
# characters (see cases/documents/columns.py): a box per table cell made exhibits cost about
# 10 ms a row. Widths are in units of 8px (6pt); a column holds its widest usual value in one
# line ("Dismiss and seal", "May 31, 2000", a nine-digit count) and wraps anything longer.

#: 9pt (12px) text in the 6.5in (78 units) of a portrait pleading or the 9.5in (114 units)
#: of a landscape exhibit, at least 6px apart.
_UNIT_PX = 8
_SMALL_PX = 12
_GAP_PX = 6


def _layout(*columns: tuple[str, int]) -> TabLayout:
    return TabLayout(
        tuple(Column(heading, units) for heading, units in columns), font_px=_SMALL_PX, unit_px=_UNIT_PX, gap_px=_GAP_PX
    )


#: "Dated: ..." and "Respectfully submitted," on one 12pt (16px) line, the latter at the middle.
SIGNATURE_LINE = TabLayout((Column("", 39), Column("", 39)), font_px=16, unit_px=_UNIT_PX, gap_px=_GAP_PX)


def _exhibit_layout(*, relief_heading: str, show_court: bool) -> TabLayout:
    """The exhibit's columns; the name takes what the others leave of 114 units."""
    others = [
        ("Case number", 10),
        ("Count", 8),
        ("DOB", 9),
        ("CII", 8),
        ("Section as convicted", 9),
        ("Severity", 9),
        ("Convicted", 9),
        (relief_heading, 11),
        ("Statutory basis", 12),  # "HS 11361.8(e), (f)" on one line
        ("Ref", 7),
    ]
    court = [("Court", 10)] if show_court else []
    name = ("Name and AKAs", 114 - sum(units for _, units in others + court))
    return _layout(*court, *others[:2], name, *others[2:])


#: The counts of a per-case motion (78 units). A row is two lines anyway (the decision's ref
#: under the count), so the court and a long relief may take two; the basis keeps to one.
PER_CASE_LAYOUT = _layout(
    ("Court", 14),
    ("Count", 9),
    ("Section as convicted", 9),
    ("Severity", 9),
    ("Convicted", 9),
    ("Relief", 16),
    ("Statutory basis", 12),
)
#: The counts an order lists by case number, inside its numbered list (0.9in in: 67 units).
ORDER_LAYOUT = _layout(("Case number", 18), ("Count", 11), ("Section as convicted", 16), ("Relief", 22))
#: Lines of an order listing per block: fewer boxes, and a block may break across pages.
ORDER_LINES_PER_BLOCK = 40


@dataclass(frozen=True)
class TabTable:
    """A heading line and rows, each a string of aligned lines, ready for `.tabbed`."""

    head: str
    rows: tuple[str, ...]


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


@lru_cache(maxsize=200_000)
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
        # The PDF's subject (metadata), as the PDF of a batch-rendered document must repeat it.
        "description": f"{footer} · {info.court.display_name} · {info.packet_ref}",
        "created": info.filing_date.isoformat(),
        "filing_date_long": long_date(info.filing_date),
        "as_of_long": long_date(info.as_of),
        "ref_suffix": ref_suffix,
        "dated_line": SIGNATURE_LINE.lines([f"Dated: {long_date(info.filing_date)}", "Respectfully submitted,"]),
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


#: Rows per exhibit part when an exhibit is split (`exhibit_part_specs`). An exhibit row costs
#: WeasyPrint about 1.5 ms and 40 kB while its part is laid out, so a part of 2,000 rows takes
#: about 3 s and 80 MB on top of the worker's own 90 MB.
ROWS_PER_PART = 2000


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


def exhibit_table(lines: Sequence[ExhibitLine], *, sealed: bool, show_court: bool) -> TabTable:
    """The exhibit's heading and rows as aligned text; AKAs go on a line under the name."""
    layout = _exhibit_layout(relief_heading="Relief" if sealed else "Redesignate as", show_court=show_court)
    rows = tuple(
        layout.lines(
            [
                *([line.court] if show_court else []),
                line.case_number,
                line.count,
                line.name + (f"\nAKA {line.akas}" if line.akas else ""),
                line.dob,
                line.cii,
                line.section,
                line.severity,
                line.convicted,
                line.relief,
                line.basis,
                line.ref,
            ]
        )
        for line in lines
    )
    return TabTable(head=layout.bold().heading(), rows=rows)


@dataclass(frozen=True)
class ExhibitTable:
    """An exhibit's lines, laid out as aligned text (`exhibit_table`) when first read.

    Planning a packet only splits the rows into parts; the worker that renders a part pays
    for its layout (about 0.1 ms a line), so 66,000 lines are laid out on every core at once.
    Equal when the lines are: the layout follows from them.
    """

    lines: tuple[ExhibitLine, ...]
    sealed: bool
    show_court: bool

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def _table(self) -> TabTable:
        return exhibit_table(self.lines, sealed=self.sealed, show_court=self.show_court)

    @property
    def head(self) -> str:
        return self._table.head

    @property
    def rows(self) -> tuple[str, ...]:
        return self._table.rows


def _exhibit_selection(rows: Sequence[CountRow], *, sealed: bool) -> list[CountRow]:
    if sealed:
        selected = sealed_rows(rows)
        _require(selected, "dismiss-and-seal counts")
    else:
        selected = public_rows(rows)
        _require(selected, "redesignation counts")
    return selected


def _exhibit_specs(
    info: PacketInfo, all_rows: Sequence[CountRow], *, sealed: bool, parts: Sequence[int] | None, rows_per_part: int
) -> list[DocumentSpec]:
    """The exhibit whole (`parts=None`) or the given parts of it (numbered from 1)."""
    selected = _exhibit_selection(all_rows, sealed=sealed)
    exhibits = exhibits_for(all_rows)
    letter = exhibits.sealed if sealed else exhibits.public
    description = (
        "Counts to be dismissed and sealed" if sealed else "Counts to be redesignated as misdemeanors or infractions"
    )
    motion_title = _motion_title(all_rows)
    caption = _bulk_caption(exhibits)
    split: list[list[CountRow]] = []
    whole = counts_in_cases(selected)
    if parts is None:
        chosen: list[tuple[int, list[CountRow]]] = [(0, selected)]
    else:
        # Each part is its own document (own "Page X of Y"), so parts can be rendered by
        # separate tasks and a huge exhibit never has to sit in one worker's memory.
        split = exhibit_parts(selected, rows_per_part=rows_per_part)
        for part in parts:
            if not 1 <= part <= len(split):
                raise ValueError(f"exhibit {letter} has {len(split)} parts, not {part}")
        chosen = [(part, split[part - 1]) for part in parts]
    specs = []
    for part, rows in chosen:
        title = f"Exhibit {letter}" + (f", part {part} of {len(split)}" if part else "")
        # A court column that repeats the packet's court on every line is noise; it appears
        # only when some count was entered by another court.
        show_court = any(row.court and row.court != info.court.name for row in rows)
        context = {
            "info": info,
            "doc": _doc(
                info,
                title=title,
                bookmark=f"{title}: {description}{' (under seal)' if sealed else ''}",
                footer=f"{title} to {motion_title}",
            ),
            "caption": caption,
            "sealed": sealed,
            "legend": SEALING_LEGEND if sealed else "",
            "motion_title": motion_title,
            "description": description,
            "summary": counts_in_cases(rows) + (f" of {whole}" if part else ""),
            "show_court": show_court,
            "table": ExhibitTable(tuple(exhibit_line(row, info) for row in rows), sealed=sealed, show_court=show_court),
        }
        template = DocumentKind.SEALED_EXHIBIT if sealed else DocumentKind.PUBLIC_EXHIBIT
        specs.append(DocumentSpec(template.template_name, context))
    return specs


def sealed_exhibit_spec(
    info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0, rows_per_part: int = ROWS_PER_PART
) -> DocumentSpec:
    """The dismiss-and-seal rows (other rows are left out), one line per count.

    `part=0` renders the whole exhibit; `part=n` renders only the n-th of
    `exhibit_part_count(rows, sealed=True)` parts.
    """
    (spec,) = _exhibit_specs(info, rows, sealed=True, parts=[part] if part else None, rows_per_part=rows_per_part)
    return spec


def public_exhibit_spec(
    info: PacketInfo, rows: Sequence[CountRow], *, part: int = 0, rows_per_part: int = ROWS_PER_PART
) -> DocumentSpec:
    """The redesignation rows; a dismiss-and-seal row never gets in. Parts as for the sealed one."""
    (spec,) = _exhibit_specs(info, rows, sealed=False, parts=[part] if part else None, rows_per_part=rows_per_part)
    return spec


def exhibit_part_specs(
    info: PacketInfo, rows: Sequence[CountRow], *, sealed: bool, rows_per_part: int = ROWS_PER_PART
) -> list[DocumentSpec]:
    """The sealed or public exhibit as specs of at most `rows_per_part` rows each, in order.

    One spec (the whole exhibit, titled "Exhibit A") when the rows fit in one part; otherwise
    "Exhibit A, part 1 of n" and so on, never splitting a case. Each spec renders on its own
    (`render_pdf(*spec)`), in any process, within bounded memory; `merge_pdfs` joins the PDFs
    in this order. Each part numbers its own pages.
    """
    count = exhibit_part_count(rows, sealed=sealed, rows_per_part=rows_per_part)
    parts = None if count == 1 else list(range(1, count + 1))
    return _exhibit_specs(info, rows, sealed=sealed, parts=parts, rows_per_part=rows_per_part)


@dataclass(frozen=True)
class OrderListing:
    """Counts an order lists: a heading line and blocks of aligned lines, one per count."""

    head: str
    chunks: tuple[str, ...]
    counts: int

    def __bool__(self) -> bool:
        return self.counts > 0


def order_listing(rows: Sequence[CountRow]) -> OrderListing:
    """Case number, count, section and relief of each row, in the order given; never names."""
    lines = [
        ORDER_LAYOUT.lines([row.court_case_number, row.count, row.section, RELIEF_LABELS[row.relief]]) for row in rows
    ]
    chunks = tuple(
        "\n".join(lines[start : start + ORDER_LINES_PER_BLOCK]) for start in range(0, len(lines), ORDER_LINES_PER_BLOCK)
    )
    return OrderListing(head=ORDER_LAYOUT.bold().heading(), chunks=chunks, counts=len(lines))


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

    def listing(relief: Outcome) -> OrderListing:
        return order_listing([row for row in ordered if row.relief == relief])

    context = {
        "info": info,
        "doc": _doc(info, title=title, bookmark="[Proposed] order", footer=title),
        "caption": _bulk_caption(exhibits),
        "exhibits": exhibits,
        "tally": {item.relief.value: item for item in tally(rows)},
        "sealed_listing": listing(Outcome.DISMISS_AND_SEAL) if list_sealed_cases else order_listing([]),
        "misdemeanor_listing": listing(Outcome.REDUCE_TO_MISDEMEANOR),
        "infraction_listing": listing(Outcome.REDUCE_TO_INFRACTION),
        "total": counts_in_cases(rows),
        "statutes": STATUTES,
    }
    return DocumentSpec(DocumentKind.PROPOSED_ORDER.template_name, context)


def _per_case_rows(row: CountRow | Sequence[CountRow]) -> list[CountRow]:
    rows = sorted([row] if isinstance(row, CountRow) else list(row), key=conviction_sort_key)
    _require(rows, "counts")
    first = rows[0]
    if any(other.court_case_number != first.court_case_number for other in rows):
        raise ValueError("a per-case motion covers one case number")
    if any((other.cii, other.name) != (first.cii, first.name) for other in rows):
        raise ValueError("a per-case motion covers one defendant")
    return rows


def per_case_view(info: PacketInfo, row: CountRow | Sequence[CountRow]) -> dict[str, object]:
    """What the per-case template prints for one case (one entry of its `cases`)."""
    rows = _per_case_rows(row)
    first = rows[0]
    sealed = any(other.sealed for other in rows)
    title = _motion_title(rows).replace("Motion", "Motion and [Proposed] Order", 1)
    if len(rows) == 1:
        title = title.replace("Convictions", "Conviction")
    # Each row may carry the AKAs DOJ printed on its own line; the caption names them all.
    akas = "; ".join(dict.fromkeys(aka for other in rows for aka in other.akas))
    lines = [exhibit_line(other, info) for other in rows]
    return {
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
        "defendant": lines[0],
        "akas": akas,
        "counts_word": "count" if len(rows) == 1 else "counts",
        "listing": TabTable(
            head=PER_CASE_LAYOUT.bold().heading(),
            rows=tuple(
                PER_CASE_LAYOUT.lines(
                    [
                        line.court,
                        line.count + (f"\nref {line.ref}" if line.ref else ""),
                        line.section,
                        line.severity,
                        line.convicted,
                        line.relief_long,
                        line.basis,
                    ]
                )
                for line in lines
            ),
        ),
    }


def _per_case_context(info: PacketInfo, cases: Sequence[dict[str, object]], *, batch: bool) -> dict[str, object]:
    return {"info": info, "doc": cases[0]["doc"], "cases": cases, "statutes": STATUTES, "batch": batch}


def per_case_motion_and_order_spec(info: PacketInfo, row: CountRow | Sequence[CountRow]) -> DocumentSpec:
    """One motion with its order for one case of one person (all its relieved counts).

    Accepts one row or several rows of the same case and person: a court that wants a motion
    per case wants one for the case, not one per count. Rendered on its own, the spec gives the
    same bytes as `per_case_documents` gives for the same rows.
    """
    view = per_case_view(info, row)
    return DocumentSpec(
        DocumentKind.PER_CASE_MOTION_AND_ORDER.template_name, _per_case_context(info, [view], batch=False)
    )


#: Cases laid out together by `per_case_documents` unless told otherwise. Batching saves a
#: fifth of the time (57 against 45 ms a case here); batches of 10 to 200 are as fast as each
#: other, and 50 cases take about 70 MB while laid out.
PER_CASE_BATCH = 50


@dataclass(frozen=True)
class PerCaseBatch:
    """The per-case motions of one batch.

    `documents` holds each case's own PDF as `(index in groups, PDF bytes)`, in order; `public`
    the cases not to be sealed, in the same order and one bookmark each, as one PDF for a
    court's public filing: the same pages as those cases' own files, with the batch's fonts
    embedded once instead of once a case (None when every case of the batch is to be sealed).
    """

    documents: list[tuple[int, bytes]]
    public: bytes | None


def per_case_documents(
    info: PacketInfo, groups: Sequence[CountRow | Sequence[CountRow]], *, batch: int = PER_CASE_BATCH
) -> Iterator[tuple[int, bytes]]:
    """The per-case motion and order of each group of rows, as `(index in groups, PDF bytes)`.

    Yields in the order of `groups`; see `per_case_batches`.
    """
    for done in per_case_batches(info, groups, batch=batch):
        yield from done.documents


def per_case_batches(
    info: PacketInfo, groups: Sequence[CountRow | Sequence[CountRow]], *, batch: int = PER_CASE_BATCH
) -> Iterator[PerCaseBatch]:
    """The per-case motions and orders of `groups`, `batch` cases at a time.

    Up to `batch` cases are laid out as one HTML document (one stylesheet, one layout), each
    case starting a new page group that restarts "Page X of Y" and shows only its own caption
    and reference; the batch is written as one PDF and cut into one PDF per case. Each reads
    exactly as the one `per_case_motion_and_order` gives for its rows; only its embedded font
    subsets hold the glyphs of the whole batch, so the bytes depend on the batch too, and equal
    groups in equal batches give equal bytes. Memory is bounded by the batch, not by `groups`.

    A page footer cannot ask the layout how many pages one case of a batch took, so each case
    carries a guess (the usual count so far); a case that took another number of pages is laid
    out again, with the right count, in a second round.
    """
    if batch < 1:
        raise ValueError("batch must be positive")
    font_config = FontConfiguration()
    seen: Counter[int] = Counter()
    for start in range(0, len(groups), batch):
        indexes = range(start, min(start + batch, len(groups)))
        # One batch at a time: its layout is released before the next one is made.
        with fewer_collections():
            done = _per_case_batch(info, {index: groups[index] for index in indexes}, font_config, seen)
        # Yielded outside the block: the caller's own work runs with the usual collector thresholds.
        yield done


def _per_case_batch(
    info: PacketInfo,
    groups: dict[int, CountRow | Sequence[CountRow]],
    font_config: FontConfiguration,
    seen: Counter[int],
) -> PerCaseBatch:
    views = {index: per_case_view(info, group) for index, group in groups.items()}
    guess = dict.fromkeys(views, seen.most_common(1)[0][0] if seen else 2)
    done: dict[int, bytes] = {}
    public_pieces: list[bytes] = []
    pending = sorted(views)
    for _round in range(3):
        cases = [{**views[index], "pages": guess[index]} for index in pending]
        html = render_to_string(
            DocumentKind.PER_CASE_MOTION_AND_ORDER.template_name, _per_case_context(info, cases, batch=True)
        )
        document = render_html(html, font_config=font_config)
        retry = []
        settled: list[tuple[int, list[object]]] = []
        for index, pages in zip(pending, _pages_by_document(document, len(pending)), strict=True):
            seen[len(pages)] += 1
            if len(pages) != guess[index]:
                guess[index] = len(pages)
                retry.append(index)
            else:
                settled.append((index, pages))
        if settled:
            # Written once and cut apart: far cheaper than writing each case's pages on their own.
            written = PdfPages(write_single(document.copy([page for _index, pages in settled for page in pages])))
            starts = list(accumulate((len(pages) for _index, pages in settled), initial=0))
            public_pages: list[int] = []
            for (index, pages), first in zip(settled, starts, strict=False):
                doc = cast(dict[str, str], views[index]["doc"])
                own = range(first, first + len(pages))
                done[index] = written.extract(own, title=doc["title"], description=doc["description"])
                if not views[index]["sealed"]:
                    public_pages.extend(own)
            if public_pages:
                # Its own title and description: the batch's are its first case's, maybe a sealed one.
                public_pieces.append(
                    written.extract(
                        public_pages,
                        title=PER_CASE_PUBLIC_TITLE,
                        description=f"{PER_CASE_PUBLIC_TITLE} · {info.court.display_name} · {info.packet_ref}",
                    )
                )
        del document
        pending = retry
        if not pending:
            return PerCaseBatch(documents=sorted(done.items()), public=_in_case_order(public_pieces, views, done))
    raise RuntimeError(f"page counts did not settle for groups {pending}")


#: The title of a batch's public motions as one file (a court's filing PDF is titled anew).
PER_CASE_PUBLIC_TITLE = "Motions and [proposed] orders, one per case"


def _in_case_order(pieces: list[bytes], views: dict[int, dict[str, object]], done: dict[int, bytes]) -> bytes | None:
    """The batch's public cases as one file, in case order.

    Cases laid out again (a page count guessed wrong) come in a later piece, out of order: then
    the public cases' own files are merged instead, which costs their fonts once a case.
    """
    if len(pieces) <= 1:
        return pieces[0] if pieces else None
    public = [pdf for index, pdf in sorted(done.items()) if not views[index]["sealed"]]
    return merge_pdfs(public, title=PER_CASE_PUBLIC_TITLE)


def _pages_by_document(document: object, expected: int) -> list[list[object]]:
    """The pages of a batch split by document: each document's first page has its one bookmark."""
    split: list[list[object]] = []
    for page in document.pages:  # type: ignore[attr-defined]
        if page.bookmarks:
            split.append([])
        if not split:
            raise RuntimeError("a batch must start with a document's first page")
        split[-1].append(page)
    if len(split) != expected:
        raise RuntimeError(f"{expected} documents laid out as {len(split)}")
    return split


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
    """One case's motion and order; for many cases, `per_case_documents` is far cheaper."""
    ((_, pdf),) = per_case_documents(info, [row], batch=1)
    return pdf


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
    `sealed` (the sealed exhibit) must be kept out of it and filed under seal. With
    `rows_per_part`, an exhibit may be several specs in a row (its parts), to be rendered
    separately and merged in order (`merge_pdfs`).
    """

    public: tuple[DocumentSpec, ...]
    sealed: tuple[DocumentSpec, ...]


def bulk_packet(
    info: PacketInfo,
    rows: Sequence[CountRow],
    *,
    list_sealed_cases: bool = False,
    rows_per_part: int | None = None,
) -> BulkPacket:
    """The specs of a bulk filing. `rows_per_part` splits big exhibits (`exhibit_part_specs`)."""
    exhibits = exhibits_for(rows)

    def exhibit(sealed: bool) -> list[DocumentSpec]:
        if rows_per_part is None:
            return [sealed_exhibit_spec(info, rows) if sealed else public_exhibit_spec(info, rows)]
        return exhibit_part_specs(info, rows, sealed=sealed, rows_per_part=rows_per_part)

    public = [cover_sheet_spec(info, rows), bulk_motion_spec(info, rows)]
    if exhibits.public:
        public.extend(exhibit(sealed=False))
    public.append(proposed_order_spec(info, rows, list_sealed_cases=list_sealed_cases))
    sealed = tuple(exhibit(sealed=True)) if exhibits.sealed else ()
    return BulkPacket(public=tuple(public), sealed=sealed)
