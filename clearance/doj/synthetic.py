"""Synthetic California DOJ bulk files, for tests, demo data and the ingestion benchmark.

Real DOJ files hold criminal histories of real people and may never leave the office, yet
the loader, the eligibility engine and the benchmark all need files that *look* real: 95
columns, whole statewide histories of about 95 rows a person, dirty cells, odd code-section
spellings and the disqualifying priors the engine looks for. This module writes such a file
from built-in lists of invented names and offenses.

Design choices, and why:

- **Pure and reproducible**: standard library only, no clock, no global random state. Every
  random choice comes from one ``random.Random(seed)``, so the same arguments always give the
  same bytes (tests pin this with a hash, and a demo database can be rebuilt exactly).
- **Fast**: a person's identity cells (columns 0-35) are joined once per person and a step's
  cells (36-48) once per step; each count line only formats its own cells with one
  ``%``-template. One million rows take well under the benchmark's budget on one core.
- **Valid CSV**: cells never hold newlines; cells holding a comma or a double quote are
  quoted as ``csv.writer`` (``QUOTE_MINIMAL``) would, and cells starting with a space are
  quoted too, as in the DOJ samples (``"          "``, ``"         x"``).
- **Every subject qualifies**: a real county file only holds people with at least one
  cannabis conviction in that county, so every generated person gets one (a plain
  HS 11357-11360 section, convicted, in the given county); the rest of the history is random.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, NamedTuple, TypeVar

from clearance.doj.layout import COL, COLUMNS, FIELD_COUNT

__all__ = [
    "CALIFORNIA_COUNTIES",
    "GenerationStats",
    "generate",
    "header_line",
]

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------
# Public result
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationStats:
    """Counts of what :func:`generate` wrote, so tests can check proportions and callers
    can report them.

    Conviction counts are **lines** whose ``DISP_DESCR`` starts with ``CONVICTED``; an extra
    sentence line (a second convicted line with the same subject and ``CNT_ORDER``) is
    counted in ``convictions`` and again in ``extra_sentence_lines``, so distinct convictions
    are ``convictions - extra_sentence_lines``. ``cannabis_convictions`` counts convicted
    lines under HS 11357-11360 in any spelling, including attempts (PC 664) and conspiracies
    (PC 182) with a cannabis target, and charges given only in ``COMMENT_TEXT``; decoys such
    as HS 11357.5 or HS 11361 are not counted.
    """

    rows: int
    subjects: int
    convictions: int
    cannabis_convictions: int
    cannabis_convictions_in_county: int
    extra_sentence_lines: int
    registered_subjects: int
    deceased_subjects: int

    @property
    def distinct_convictions(self) -> int:
        """Convictions without their extra sentence lines."""
        return self.convictions - self.extra_sentence_lines


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _q(cell: str) -> str:
    """Render one cell: quoted when ``QUOTE_MINIMAL`` would, or when it starts with
    whitespace (as the DOJ samples quote space-padded cells)."""
    if "\n" in cell or "\r" in cell:
        raise ValueError(f"a cell may not hold a line break: {cell!r}")
    if "," in cell or '"' in cell or (cell and cell[0] in " \t"):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _weighted(items: Sequence[tuple[_T, int]]) -> tuple[_T, ...]:
    """Expand ``(value, weight)`` pairs into a flat tuple so a pick is one index operation
    (much cheaper than ``random.choices`` in the per-row hot path)."""
    return tuple(value for value, weight in items for _ in range(weight))


def header_line() -> str:
    """The header line written when ``header=True``: the 95 column names and a newline."""
    return ",".join(COLUMNS) + "\n"


def _ord(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


_ORD_1970 = _ord(1970, 1, 1)
_ORD_1975 = _ord(1975, 1, 1)
_ORD_DOB_FIRST = _ord(1935, 1, 1)
_ORD_DOB_LAST = _ord(1999, 12, 31)
_ORD_1998 = _ord(1998, 1, 1)
_ORD_PROP64 = _ord(2016, 11, 9)
_ORD_2020_END = _ord(2020, 12, 31)
_ORD_RECORD_END = _ord(2021, 12, 31)
_ORD_CAP = _ord(2023, 12, 31)
_DAYS_PER_YEAR = 365.25

# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------

#: The 58 counties in alphabetical order; ``STP_ORI_CNTY_CODE`` is the 1-based position.
CALIFORNIA_COUNTIES: tuple[str, ...] = (
    "ALAMEDA", "ALPINE", "AMADOR", "BUTTE", "CALAVERAS", "COLUSA", "CONTRA COSTA",
    "DEL NORTE", "EL DORADO", "FRESNO", "GLENN", "HUMBOLDT", "IMPERIAL", "INYO", "KERN",
    "KINGS", "LAKE", "LASSEN", "LOS ANGELES", "MADERA", "MARIN", "MARIPOSA", "MENDOCINO",
    "MERCED", "MODOC", "MONO", "MONTEREY", "NAPA", "NEVADA", "ORANGE", "PLACER", "PLUMAS",
    "RIVERSIDE", "SACRAMENTO", "SAN BENITO", "SAN BERNARDINO", "SAN DIEGO", "SAN FRANCISCO",
    "SAN JOAQUIN", "SAN LUIS OBISPO", "SAN MATEO", "SANTA BARBARA", "SANTA CLARA",
    "SANTA CRUZ", "SHASTA", "SIERRA", "SISKIYOU", "SOLANO", "SONOMA", "STANISLAUS",
    "SUTTER", "TEHAMA", "TRINITY", "TULARE", "TUOLUMNE", "VENTURA", "YOLO", "YUBA",
)  # fmt: skip
_COUNTY_CODE = {name: f"{i + 1:02d}" for i, name in enumerate(CALIFORNIA_COUNTIES)}

#: Where the rest of a person's history happens (the given county is removed).
_OTHER_COUNTIES: tuple[tuple[str, int], ...] = (
    ("LOS ANGELES", 12), ("SACRAMENTO", 6), ("ALAMEDA", 6), ("SAN JOAQUIN", 4),
    ("YOLO", 2), ("FRESNO", 4), ("SAN DIEGO", 4), ("ORANGE", 3), ("RIVERSIDE", 3),
    ("KERN", 2), ("CONTRA COSTA", 3), ("SANTA CLARA", 3), ("SAN MATEO", 2),
    ("HUMBOLDT", 2), ("MENDOCINO", 2), ("SAN FRANCISCO", 4), ("SONOMA", 1),
)  # fmt: skip

# --------------------------------------------------------------------------------------
# People (fictional: random combinations of common words and names)
# --------------------------------------------------------------------------------------

_LAST_NAMES = (
    "ABARCA", "ALDEN", "ARROYO", "BALDWIN", "BARKER", "BELTRAN", "BISHOP", "BOONE",
    "BRANDT", "CALLOWAY", "CARDENAS", "CHO", "COLLIER", "CORTEZ", "DALTON", "DELGADO",
    "DUNCAN", "ELLISON", "ESPINO", "FAIRLEY", "FENWICK", "FLORES", "GARLAND", "GUZMAN",
    "HALVERSON", "HARGROVE", "HUANG", "IBARRA", "JEFFERSON", "KAPLAN", "KEMP", "LANDRY",
    "LOPEZ", "MACIAS", "MARLOWE", "MEDRANO", "MORRISON", "NAKAMURA", "NGUYEN", "OKAFOR",
    "O'DELL", "PACHECO", "PARRISH", "QUINTERO", "RAMSEY", "REYES", "ROWLAND", "SALAZAR",
    "SHEPHERD", "SOTO", "STRICKLAND", "TALBOT", "TRAN", "UNDERWOOD", "VALDEZ", "VANCE",
    "WASHBURN", "WHITFIELD", "YBARRA", "ZAMORA",
)  # fmt: skip
_MALE_FIRST = (
    "AARON", "ANDRE", "ANTHONY", "CARLOS", "CHARLES", "DARNELL", "DAVID", "DESMOND",
    "EDUARDO", "ERIC", "FRANK", "GREGORY", "HECTOR", "JAMAL", "JAMES", "JOSE", "KEVIN",
    "LAMAR", "LUIS", "MARCUS", "MICHAEL", "MIGUEL", "RAYMOND", "RICARDO", "ROBERT",
    "RONALD", "STEVEN", "TERRELL", "THOMAS", "VICTOR", "WAYNE", "WILLIAM",
)  # fmt: skip
_FEMALE_FIRST = (
    "ALICIA", "ANGELA", "BRENDA", "CARMEN", "DENISE", "DIANA", "ELENA", "GLORIA",
    "JASMINE", "KAREN", "LATOYA", "LINDA", "MARIA", "MONICA", "PATRICIA", "ROSA",
    "SANDRA", "SHANICE", "TERESA", "VANESSA", "YOLANDA",
)  # fmt: skip
_INITIALS = "ABCDEFGHJKLMNPRSTW"

_RACES = _weighted(
    [
        (("H", "HISPANIC"), 35),
        (("W", "WHITE"), 27),
        (("B", "BLACK"), 25),
        (("A", "ASIAN"), 5),
        (("I", "AMERICAN INDIAN"), 2),
        (("O", "OTHER"), 3),
        (("", ""), 2),
        (("x", "x"), 1),
    ]
)
_EYES = (
    ("BRO", "BROWN"),
    ("BLK", "BLACK"),
    ("BLU", "BLUE"),
    ("HAZ", "HAZEL"),
    ("GRN", "GREEN"),
)
_HAIR = (
    ("BLK", "BLACK"),
    ("BRO", "BROWN"),
    ("BLN", "BLOND"),
    ("GRY", "GRAY"),
    ("RED", "RED"),
)
_BIRTHPLACES = _weighted(
    [
        (("CA", "CALIFORNIA", "S", "US"), 70),
        (("MX", "MEXICO", "C", "MX"), 12),
        (("TX", "TEXAS", "S", "US"), 5),
        (("NY", "NEW YORK", "S", "US"), 3),
        (("x", "x", "x", "x"), 10),
    ]
)

# --------------------------------------------------------------------------------------
# Offenses
# --------------------------------------------------------------------------------------

#: Flags of a written line; a person's lines are tallied by flag into the stats.
_F_CONV = 1
_F_CANNABIS = 2
_F_IN_COUNTY = 4
_F_EXTRA = 8
_F_REGISTRATION = 16
_F_DECEASED = 32


class _Offense(NamedTuple):
    """One way a charge can be written.

    ``variants`` pairs every OFFENSE_DESCR rendering with every possible OFFENSE_TOC letter
    (repeated to weight them), so one random pick chooses both; ``number`` is the section
    number the companion-count logic needs; ``cannabis`` says whether a conviction of it is a
    Prop 64 conviction.
    """

    variants: tuple[tuple[str, str], ...]
    comment: str
    number: int
    cannabis: bool


#: One table row: weight, OFFENSE_TOC letters (repeated to weight them), section number
#: (0 when no logic needs it), OFFENSE_DESCR, COMMENT_TEXT.
_Row = tuple[int, str, int, str, str]


def _offense(tocs: str, number: int, descr: str, comment: str, cannabis: bool) -> _Offense:
    """Build an offense with a plain and a fixed-width (trailing-space) rendering of its
    text, as DOJ extracts sometimes pad text cells to their column width."""
    plain = _q(descr)
    padded = _q(descr.ljust(44)) if descr and len(descr) < 44 else plain
    variants = tuple((cell, toc) for cell in (plain,) * 6 + (padded,) for toc in tocs or " ")
    return _Offense(variants, _q(comment), number, cannabis)


def _table(rows: Sequence[_Row], *, cannabis: bool = False) -> tuple[_Offense, ...]:
    """A weighted pick table of offenses (see :func:`_weighted`)."""
    return _weighted(
        [(_offense(tocs, number, descr, comment, cannabis), weight) for weight, tocs, number, descr, comment in rows]
    )


# fmt: off
#: Plain HS 11357-11360 sections as recorded before Prop 64, in the spellings real files use
#: (glued code, letter subdivision, HSC, H&S). The guaranteed in-county conviction of every
#: person is one of these, so every subject is a clear candidate.
_CANNABIS_DIRECT = _table(cannabis=True, rows=(
    (5, "FMM", 11357, "11357(A) HS-POSSESS CONCENTRATED CANNABIS", ""),
    (14, "MMMMI", 11357, "11357(B) HS-POSSESS MARIJUANA", ""),
    (3, "MI", 11357, "11357(B)HS-POSSESS MARIJUANA 28.5 GRAMS OR LESS", ""),
    (1, "MI", 11357, "11357B HS-POSSESS MARIJUANA", ""),
    (6, "MMMF", 11357, "11357(C) HS-POSSESS MARIJUANA OVER 28.5 GRAMS", ""),
    (2, "M", 11357, "11357(C)HS-POSSESS MARIJUANA", ""),
    (2, "M", 11357, "11357(D) HS-POSSESS MARIJUANA ON SCHOOL GROUNDS", ""),
    (4, "MMF", 11357, "11357 HS-POSSESS MARIJUANA", ""),
    (9, "FFFFFM", 11358, "11358 HS-CULTIVATE MARIJUANA", ""),
    (1, "F", 11358, "11358 HSC-CULTIVATE MARIJUANA/HASHISH", ""),
    (14, "FFFFFFM", 11359, "11359 HS-POSSESS MARIJUANA FOR SALE", ""),
    (3, "FFFM", 11359, "11359HS-POSSESS MARIJUANA FOR SALE", ""),
    (1, "F", 11359, "11359 H&S-POSSESS MARIJUANA FOR SALE", ""),
    (9, "FFFFFM", 11360, "11360(A) HS-TRANSPORT/SELL MARIJUANA", ""),
    (4, "MMMI", 11360, "11360(B) HS-GIVE/TRANSPORT 28.5 GRAMS MARIJUANA", ""),
    (4, "FFM", 11360, "11360 HS-TRANSPORT/SELL MARIJUANA", ""),
))

#: Subdivisions that only exist since Prop 64: mostly on post-2016 dates, rarely
#: mis-recorded on older ones (which the engine must send to review).
_CANNABIS_POST2016 = _table(cannabis=True, rows=(
    (3, "I", 11357, "11357(A)(1) HS-POSSESS CANNABIS UNDER 21", ""),
    (3, "M", 11357, "11357(B)(2) HS-POSSESS OVER 28.5 GRAMS CANNABIS", ""),
    (2, "M", 11358, "11358(C) HS-CULTIVATE OVER 6 CANNABIS PLANTS", ""),
    (1, "F", 11358, "11358(D) HS-CULTIVATE CANNABIS W/PRIOR", ""),
    (4, "M", 11359, "11359(B) HS-POSSESS CANNABIS FOR SALE", ""),
    (2, "F", 11359, "11359(C)(1) HS-POSSESS CANNABIS FOR SALE W/PRIOR", ""),
    (3, "M", 11360, "11360(A)(2) HS-TRANSPORT/SELL CANNABIS", ""),
    (2, "F", 11360, "11360(A)(3)(C) HS-SELL CANNABIS W/PRIOR", ""),
))

#: Attempts, conspiracies and charges given only in the comment: still Prop 64
#: convictions, but each needs the engine's special handling.
_CANNABIS_WRAPPED = _table(cannabis=True, rows=(
    (4, "FM", 11359, "664/11359 HS-ATTEMPT POSSESS MARIJUANA FOR SALE", ""),
    (2, "FM", 11360, "664.11360 HS-ATTEMPT TRANSPORT/SELL MARIJUANA", ""),
    (1, "F", 11358, "66411358 HS-ATTEMPT CULTIVATE MARIJUANA", ""),
    (1, "F", 11359, "664 PC-ATTEMPT 11359 HS POSSESS FOR SALE", ""),
    (3, "F", 11359, "182(A)(1) PC-CONSPIRACY", "11359 HS"),
    (1, "F", 11360, "182(A)(1) PC-CONSPIRACY TO COMMIT CRIME", "11360(A) HS-TRANSPORT/SELL MARIJUANA"),
    (1, "F", 11359, "182(A)(1)/11359 HS-CONSPIRACY POSSESS MARIJUANA FOR SALE", ""),
    (3, "FM", 11360, "SEE COMMENT FOR CHARGE", "CHARGE 11360(A) HS"),
    (2, "F", 11358, "SEE COMMENT FOR CHARGE", "11358 HS-CULTIVATE MARIJUANA"),
    (1, "M", 11357, "SEE COMMENT FOR CHARGE", "11357(B) HS-POSSESS MARIJUANA"),
    (1, "F", 11359, "", "11359 HS-POSSESS MARIJUANA FOR SALE"),
    # The comment names another cannabis section than the offense field (a flag).
    (1, "F", 11359, "11359 HS-POSSESS MARIJUANA FOR SALE", "ORIG CHG 11360(A) HS"),
))

#: Look like cannabis or drug charges but are not Prop 64 convictions.
_DECOYS = _table((
    (2, "IM", 0, "11357.5 HS-SYNTHETIC CANNABINOID", ""),
    (1, "F", 0, "11361(A) HS-EMPLOY MINOR TO SELL MARIJUANA", ""),
    (1, "F", 0, "11361(B) HS-FURNISH MARIJUANA TO MINOR", ""),
    (8, "FFFM", 0, "11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE", ""),
    (8, "FMM", 0, "11377(A) HS-POSSESS CONTROLLED SUBSTANCE", ""),
    (3, "F", 0, "11378 HS-POSSESS CONTROLLED SUBSTANCE FOR SALE", ""),
    (2, "F", 0, "11379(A) HS-TRANSPORT/SELL CONTROLLED SUBSTANCE", ""),
    (2, "F", 0, "11351 HS-POSSESS/PURCHASE NARCOTIC FOR SALE", ""),
    (1, "F", 0, "11379.6 HS-MANUFACTURE CONTROLLED SUBSTANCE", ""),
    (1, "F", 0, "4573.6 PC-POSSESS CONTROLLED SUBSTANCE IN JAIL", ""),
    (1, "M", 0, "664 PC-ATTEMPT TO SELL MARIJUANA", ""),  # no section number: no target
    (1, "F", 0, "182(A)(1) PC-CONSPIRACY", "211 PC"),
))

_ORDINARY = _table((
    (8, "FFFM", 0, "459 PC-BURGLARY", ""),
    (3, "FM", 0, "460(B) PC-BURGLARY:SECOND DEGREE", ""),
    (8, "M", 0, "484 PC-PETTY THEFT", ""),
    (4, "MMI", 0, "488 PC-PETTY THEFT", ""),
    (6, "FM", 0, "496 PC-RECEIVE STOLEN PROPERTY", ""),
    (10, "MMMMF", 0, "23152(A) VC-DUI ALCOHOL/DRUGS", ""),
    (5, "M", 0, "23152(B) VC-DUI 0.08 PERCENT", ""),
    (7, "M", 0, "14601.1(A) VC-DRIVE WHILE LIC SUSPENDED", ""),
    (5, "MI", 0, "12500(A) VC-UNLICENSED DRIVER", ""),
    (4, "FM", 0, "10851(A) VC-TAKE VEHICLE W/O OWNER CONSENT", ""),
    (4, "FFM", 0, "245(A)(1) PC-ASSAULT W/DEADLY WEAPON", ""),
    (6, "M", 0, "242 PC-BATTERY", ""),
    (3, "FM", 0, "273.5(A) PC-INFLICT CORPORAL INJ SPOUSE/COHAB", ""),
    (6, "M", 0, "148(A)(1) PC-OBSTRUCT/RESIST PUBLIC OFFICER", ""),
    (6, "M", 0, "647(F) PC-DISORDERLY CONDUCT:INTOX", ""),
    (3, "F", 0, "211 PC-ROBBERY", ""),
    (4, "MMF", 0, "594(A) PC-VANDALISM", ""),
    (3, "MI", 0, "415 PC-DISTURB PEACE", ""),
    (3, "MI", 0, "602 PC-TRESPASSING", ""),
    (2, "M", 0, "466 PC-POSSESS BURGLARY TOOLS", ""),
    (2, "FM", 0, "530.5 PC-IDENTITY THEFT", ""),
    (2, "FM", 0, "12025(A)(1) PC-CARRY CONCEALED WEAPON", ""),
    (2, "F", 0, "29800(A)(1) PC-FELON POSSESS FIREARM", ""),
    (2, "M", 0, "166(A)(4) PC-CONTEMPT:DISOBEY COURT ORDER", ""),
    (1, "F", 0, "32 PC-ACCESSORY", ""),
    (1, "F", 0, "186.22(A) PC-PARTICIPATE CRIMINAL STREET GANG", ""),
    (1, "F", 0, "261.5(C) PC-UNLAWFUL SEX W/MINOR 3+ YRS YOUNGER", ""),  # not a 290(c) offense
    (5, "M", 0, "11364 HS-POSSESS NARCOTIC PARAPHERNALIA", ""),
    (1, "F", 0, "11366 HS-OPEN/MAINTAIN PLACE FOR DRUGS", ""),
    (5, "M", 0, "11550(A) HS-UNDER INFLUENCE CONTROLLED SUBSTANCE", ""),
    (2, "M", 0, "4060 BP-POSSESS CONTROLLED SUBSTANCE W/O PRESCRIPTION", ""),
    (1, "M", 0, "4140 BP-POSSESS HYPODERMIC NEEDLE", ""),
    (2, "M", 0, "148.9(A) PC-FALSE ID TO PEACE OFFICER", ""),
))
_ORDINARY_OR_DECOY = _ORDINARY * 4 + _DECOYS

#: PC 667(e)(2)(C)(iv) offenses ("super strikes"): a prior one bars relief for 11358-11360(a).
_SUPER_STRIKES = _table((
    (1, "F", 187, "187 PC-MURDER", ""),
    (1, "F", 187, "187(A) PC-MURDER", ""),
    (1, "F", 261, "261(A)(2) PC-RAPE BY FORCE/FEAR", ""),
    (1, "F", 187, "664/187(A) PC-ATTEMPTED MURDER", ""),
    (1, "F", 288, "288(A) PC-LEWD ACT WITH CHILD UNDER 14", ""),
    (1, "F", 207, "207(A) PC-KIDNAPPING", ""),
    (1, "F", 209, "209(B)(1) PC-KIDNAP FOR ROBBERY", ""),
))
#: PC 290(c) registrable offenses: a prior one bars relief too.
_PC290 = _table((
    (2, "FM", 0, "243.4(A) PC-SEXUAL BATTERY", ""),
    (1, "FM", 0, "311.11(A) PC-POSSESS CHILD PORN", ""),
    (1, "M", 0, "647.6(A) PC-ANNOY CHILD", ""),
    (1, "M", 0, "314(1) PC-INDECENT EXPOSURE", ""),
))
_REGISTRATION = _offense("", 290, "290 PC-REGISTRATION OF SEX OFFENDER", "", False)
#: Same-case companions that bar relief: HS 11361 for 11359/11360, environmental counts
#: (Water Code, Fish & Game Code) for 11358.
_MINOR_COMPANION = _offense("F", 11361, "11361(A) HS-EMPLOY MINOR TO SELL MARIJUANA", "", False)
_ENV_COMPANIONS = _table((
    (1, "M", 1052, "1052 WC-UNAUTHORIZED WATER DIVERSION", ""),
    (1, "M", 5652, "5652 FG-DEPOSIT LITTER/WASTE IN WATER", ""),
    (1, "M", 1602, "1602 FG-ALTER STREAMBED W/O NOTICE", ""),
))
# fmt: on

# --------------------------------------------------------------------------------------
# Dispositions, severities, sentences, padding
# --------------------------------------------------------------------------------------

_ARREST_DISPS = _weighted(
    [
        ("", 10),
        ("REL/TOT OTHER JURIS/AUTH", 3),
        ("RELEASED/DETENTION ONLY", 1),
        ("x", 1),
    ]
)
_NOT_CONVICTED = _weighted(
    [
        ("DISMISSED/CHARGE DROPPED", 12),
        ("DISMISSED/CHARGE DROPPED  ", 1),
        ("DISMISSED-FURTHERANCE OF JUSTICE", 3),
        ("ACQUITTED", 1),
        ("REL/TOT OTHER JURIS/AUTH", 2),
        ("", 3),
    ]
)
_CONVICTED = (
    "CONVICTED-JAIL",
    "CONVICTED-PROBATION",
    "CONVICTED-PRISON",
    "CONVICTED-FINE",
)


def _convictions(weights: Sequence[tuple[int, int]]) -> tuple[tuple[int, str], ...]:
    """(disposition index, DISP_DESCR cell) picks; one in twenty cells has trailing spaces."""
    return _weighted(
        [((i, _CONVICTED[i]), w * 19) for i, w in weights] + [((i, _CONVICTED[i] + "  "), w) for i, w in weights]
    )


#: By OFFENSE_TOC: felonies may go to prison, infractions mostly end in a fine.
_CONVICTED_BY_TOC = {
    "F": _convictions([(0, 4), (1, 5), (2, 2), (3, 1)]),
    "M": _convictions([(0, 4), (1, 5), (3, 2)]),
    "I": _convictions([(3, 5), (1, 1)]),
}

_STAT_WORD = {"F": "FELONY", "M": "MISDEMEANOR", "I": "INFRACTION"}
_STAT_CELLS = {
    toc: _weighted([(word, 16), (word + " ", 2), (word.ljust(12), 1), ("", 1)]) for toc, word in _STAT_WORD.items()
}
#: On lines that are not convictions the severity cell is filled only half the time.
_STAT_CELLS_OR_BLANK = {toc: cells + ("",) * len(cells) for toc, cells in _STAT_CELLS.items()}
_STAT_CELLS_OR_BLANK[" "] = ("",)
_TIME_UNITS = {
    "D": ("DAYS", "DAYS      "),
    "M": ("MONTHS", "MONTHS   "),
    "Y": ("YEARS", "YEARS"),
}
_NO_SENTENCE = ",,,,,"
_BLANK_PADS = _weighted([("", 6), ('"     "', 1), ('"          "', 1), ('"                        "', 1)])
#: (OFFENSE_QUAL_LST, CONV_STAT_CODE) pairs: blank or space-padded, as fixed-width leftovers.
_PAD_PAIRS = tuple((a, b) for a in _BLANK_PADS for b in _BLANK_PADS)
_GARBAGE_DATES = ("", "{year}0000", "19991345", "ABCDEFGH", "00000000")

# --------------------------------------------------------------------------------------
# Line templates
# --------------------------------------------------------------------------------------


def _count_template() -> str:
    """Columns 49-94 (the count part) as one ``%``-template.

    Constant cells are baked in; the 13 ``%s`` slots are, in order: CNT_ORDER, DISP_DATE,
    OFN, OFFENSE_DESCR, OFFENSE_TOC, OFFENSE_QUAL_LST, FE_NUM_CRT_CASE, DISP_DESCR,
    CONV_STAT_CODE, CONV_STAT_DESCR, the six sentence cells (SENT_ORDER..SENT_TIME_DESCR) as
    one pre-joined slot, CYC_AGE and COMMENT_TEXT.
    """
    dynamic = {
        "CNT_ORDER", "DISP_DATE", "OFN", "OFFENSE_DESCR", "OFFENSE_TOC", "OFFENSE_QUAL_LST",
        "FE_NUM_CRT_CASE", "DISP_DESCR", "CONV_STAT_CODE", "CONV_STAT_DESCR", "CYC_AGE",
        "COMMENT_TEXT",
    }  # fmt: skip
    constants = {
        "CNT_SEG_SEP": "x",
        "OFFENSE_CODE": "x",
        "SENT_SEG_SEP": "#",
        "END_OF_REC": "#",
    }
    parts: list[str] = []
    for name in COLUMNS[COL["CNT_SEG_SEP"] :]:
        if name == "SENT_ORDER":
            parts.append("%s")  # the six sentence cells, pre-joined
        elif name in {
            "SENT_LOC_CODE",
            "SENT_LOC_DESCR",
            "SENT_LENGTH",
            "SENT_TIME_CODE",
            "SENT_TIME_DESCR",
        }:
            continue
        elif name in dynamic:
            parts.append("%s")
        else:
            parts.append(constants.get(name, ""))
    return "," + ",".join(parts) + "\n"


_COUNT_FMT = _count_template()
assert _COUNT_FMT.count("%s") == 13
assert _COUNT_FMT.count(",") + 5 == FIELD_COUNT - COL["CNT_SEG_SEP"]
assert COL["CYC_ORDER"] == 36 and COL["STP_ORI_CNTY_NAME"] == 48 and COL["CNT_SEG_SEP"] == 49

# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------

_MIN_PERSON_ROWS = 40
_MAX_PERSON_ROWS = 150
#: Rows kept free until the person's guaranteed in-county cannabis conviction is written.
_RESERVE = 3
#: Measured mean rows per cycle; used only to spread a person's cycles over their years.
_ROWS_PER_CYCLE = 3.3
_P_CANNABIS_CYCLE = 0.12
_P_DIRTY_STEP_DATE = 0.004
_P_DIRTY_ROW_DATE = 0.006
_FLUSH_LINES = 8192

# Cycle kinds.
_ORDINARY_KIND = 0
_CANNABIS_KIND = 1
_FORCED_KIND = 2
_SUPER_KIND = 3
_PC290_KIND = 4
_REGISTRATION_KIND = 5


class _Generator:
    """State of one :func:`generate` call. Not reusable; all randomness comes from ``rng``."""

    def __init__(self, rng: random.Random, county: str) -> None:
        self.rng = rng
        self.r = rng.random
        self.county = county
        others = tuple((name, weight) for name, weight in _OTHER_COUNTIES if name != county)
        self.other_counties = _weighted(others)
        self.next_subject_id = rng.randrange(10_000_000, 20_000_000)
        self.ymd_cache: dict[int, str] = {}
        # Current person.
        self.lines: list[str] = []
        self.flags: list[int] = []
        self.prefix = ""
        self.prefix_dirty = ""
        self.dob = date(1970, 1, 1)
        self.dob_known = True
        self.registration_pending = False
        self.budget = 0

    # -- small helpers -----------------------------------------------------------------

    def pick(self, table: Sequence[_T]) -> _T:
        return table[int(self.r() * len(table))]

    def ymd(self, ordinal: int) -> str:
        cached = self.ymd_cache.get(ordinal)
        if cached is None:
            d = date.fromordinal(ordinal)
            cached = f"{d.year:04d}{d.month:02d}{d.day:02d}"
            self.ymd_cache[ordinal] = cached
        return cached

    def garbage_date(self, ordinal: int) -> str:
        """An unusable date cell, as real extracts contain (blank, unknown month/day,
        impossible, letters)."""
        return self.pick(_GARBAGE_DATES).format(year=date.fromordinal(ordinal).year)

    def age_on(self, ordinal: int) -> str:
        if not self.dob_known or self.r() < 0.05:
            return ""
        d = date.fromordinal(ordinal)
        dob = self.dob
        return str(d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day)))

    def other_county(self) -> str:
        return self.pick(self.other_counties)

    # -- identity ----------------------------------------------------------------------

    def new_person(self) -> None:
        """Choose a person and render their constant cells (columns 0-35) once."""
        r = self.r
        subject_id = str(self.next_subject_id)
        self.next_subject_id += 1 + int(r() * 97)
        cii = f"A{int(r() * 1e8):08d}" if r() < 0.3 else f"{int(r() * 1e9) + 10**9}"
        x = r()
        gender = "MALE" if x < 0.8 else ("FEMALE" if x < 0.98 else "")
        first = self.pick(_FEMALE_FIRST if gender == "FEMALE" else _MALE_FIRST)
        name = f"{self.pick(_LAST_NAMES)},{first}"
        if r() < 0.6:
            name += " " + self.pick(_INITIALS)
        # Birth years cluster around 1960-1985 (triangular), within 1935-1999.
        span = _ORD_DOB_LAST - _ORD_DOB_FIRST
        dob_ord = _ORD_DOB_FIRST + int(self.rng.triangular(0, span, span * 0.6))
        self.dob = date.fromordinal(dob_ord)
        self.dob_known = r() >= 0.005
        dob_cell = self.ymd(dob_ord) if self.dob_known else ""
        race_code, race = self.pick(_RACES)
        if race and race != "x" and r() < 0.1:
            race = race.ljust(16)
        eye_code, eye = self.pick(_EYES)
        hair_code, hair = self.pick(_HAIR)
        pob = self.pick(_BIRTHPLACES)
        height = f"{5 + int(r() * 1.6)}{int(r() * 12):02d}"
        weight = str(110 + int(r() * 140))
        cdl = f"{self.pick(_INITIALS)}{int(r() * 1e7):07d}" if r() < 0.3 else "x       "
        fbi = f"{int(r() * 1e6):06d}{self.pick(_INITIALS)}{self.pick(_INITIALS)}{int(r() * 10)}" if r() < 0.5 else "x"
        before_dob = [
            "x", "x" if r() < 0.7 else "", subject_id, "#", cii, "", "", "", "", "", "",
            cii, _q(name), gender,
        ]  # fmt: skip
        after_dob = [
            "", cdl, "x", "x", fbi, "x", race_code, _q(race), eye_code, eye, hair_code, hair,
            height, weight, "x", "x", pob[0], pob[1], pob[2], pob[3], "x",
        ]  # fmt: skip
        assert len(before_dob) == COL["PRI_DOB"] and len(after_dob) == COL["CYC_ORDER"] - COL["PRI_DOB"] - 1
        head = ",".join(before_dob)
        tail = ",".join(after_dob)
        self.prefix = f"{head},{dob_cell},{tail},"
        self.prefix_dirty = f"{head},{self.garbage_date(dob_ord)},{tail},"
        self.registration_pending = False

    # -- steps and counts --------------------------------------------------------------

    def step_cells(self, ci: int, si: int, cyc_ord: int, ev_ord: int, kind: str, county: str) -> str:
        """Columns 36-48 of one step, rendered once for all its counts."""
        r = self.r
        cyc_date = self.ymd(cyc_ord)
        ev_date = self.ymd(ev_ord)
        if r() < _P_DIRTY_STEP_DATE:
            if r() < 0.5:
                cyc_date = self.garbage_date(cyc_ord)
            else:
                ev_date = self.garbage_date(ev_ord)
        code = _COUNTY_CODE.get(county, "x")
        if kind == "COURT ACTION":
            type_code, ori_type, ori_type_descr = "CRT", "SC", "SUPERIOR COURT"
            court = "CAMC" if ev_ord < _ORD_1998 and r() < 0.3 else "CASC"
            ori_descr = f"{court}{county}" if r() < 0.05 else f"{court} {county}"
        elif kind == "ARREST/DETAINED/CITED":
            type_code, ori_type, ori_type_descr = "ARR", "PD", "POLICE DEPARTMENT"
            ori_descr = f"CAPD {county}"
            if r() < 0.35:
                ori_type, ori_type_descr, ori_descr = "SO", "SHERIFF", f"CASO {county}"
        elif kind == "PROBATION":
            type_code, ori_type, ori_type_descr = "PRB", "PR", "PROBATION DEPARTMENT"
            ori_descr = f"CAPR {county}"
        elif kind == "REGISTRATION":
            type_code, ori_type, ori_type_descr = "REG", "SO", "SHERIFF"
            ori_descr = f"CASO {county}"
        else:  # DECEASED
            type_code, ori_type, ori_type_descr = "DEC", "CO", "CORONER"
            ori_descr = f"CACO {county}"
        if r() < 0.2:
            ori_type = '"         x"'
        ori_code = f"CA0{code if code != 'x' else '99'}{int(r() * 100):02d}00"
        county_cell = county + " " if r() < 0.05 else county
        code_cell = '"  x"' if r() < 0.05 else code
        return (
            f"{ci},{cyc_date},x,{si},{ev_date},{type_code},{kind},{ori_type},{ori_type_descr},"
            f"{ori_code},{ori_descr},{code_cell},{county_cell}"
        )

    def sentence(self, disp_index: int, heavy: bool) -> str:
        """The six SENT_* cells of a conviction line (sometimes absent)."""
        r = self.r
        if r() < 0.25:
            return _NO_SENTENCE
        if disp_index == 0:
            loc_code, loc = "J", "JAIL"
            unit = "D" if r() < 0.7 else "M"
            length = 1 + int(r() * (365 if unit == "D" else 12))
        elif disp_index == 1:
            loc_code, loc = "P", "PROBATION"
            unit = "Y" if r() < 0.6 else "M"
            length = 1 + int(r() * (5 if unit == "Y" else 36))
        elif disp_index == 2:
            loc_code, loc = "S", "PRISON"
            unit = "Y" if r() < 0.85 else "M"
            length = (15 + int(r() * 20)) if heavy else 1 + int(r() * (8 if unit == "Y" else 36))
            if heavy:
                unit = "Y"
        else:
            return _NO_SENTENCE if r() < 0.6 else f",F,FINE,{1 + int(r() * 3)},M,MONTHS"
        plain, padded = _TIME_UNITS[unit]
        return f",{loc_code},{loc},{length},{unit},{padded if r() < 0.3 else plain}"

    def arrest_step(self, ci: int, cyc_ord: int, county: str, charges: Sequence[_Offense], age: str) -> None:
        r = self.r
        step = self.step_cells(ci, 1, cyc_ord, cyc_ord, "ARREST/DETAINED/CITED", county)
        head = self.prefix + step
        key = f"{100 + ci:03d}001"
        ofn = str(100000 + int(r() * 9_900_000)) if r() < 0.7 else ""
        disp_date = self.ymd(cyc_ord) if r() < 0.7 else ""
        lines, flags = self.lines, self.flags
        n_pads, n_disps = len(_PAD_PAIRS), len(_ARREST_DISPS)
        for k, off in enumerate(charges, 1):
            row_head, row_disp_date = head, disp_date
            if r() < _P_DIRTY_ROW_DATE:
                if r() < 0.5:
                    row_head = self.prefix_dirty + step
                else:
                    row_disp_date = self.garbage_date(cyc_ord)
            variants = off.variants
            descr, toc = variants[int(r() * len(variants))]
            stats = _STAT_CELLS_OR_BLANK[toc]
            qual, stat_code = _PAD_PAIRS[int(r() * n_pads)]
            lines.append(
                row_head
                + _COUNT_FMT
                % (
                    f"{key}{k:03d}000", row_disp_date, ofn, descr, toc, qual, "",
                    _ARREST_DISPS[int(r() * n_disps)], stat_code, stats[int(r() * len(stats))],
                    _NO_SENTENCE, age, off.comment,
                )
            )  # fmt: skip
            flags.append(0)

    def court_step(
        self,
        ci: int,
        si: int,
        cyc_ord: int,
        ev_ord: int,
        county: str,
        charges: Sequence[_Offense],
        conv_probs: Sequence[float],
        age: str,
        heavy: bool = False,
    ) -> bool:
        """Write a COURT ACTION step, one line per charge; returns whether anything was
        convicted (which may lead to a probation step or a sex-offender registration)."""
        r = self.r
        step = self.step_cells(ci, si, cyc_ord, ev_ord, "COURT ACTION", county)
        head = self.prefix + step
        key = f"{100 + ci:03d}{si:03d}"
        x = r()
        case_no = (
            f"SCN{int(r() * 1e6):06d}" if x < 0.3
            else f"F{int(r() * 1e7):07d}" if x < 0.5
            else f"M{int(r() * 1e6):06d}" if x < 0.65
            else f"{int(r() * 1e8):08d}" if x < 0.97
            else "NULL  "
        )  # fmt: skip
        crt_case = case_no if r() < 0.3 and case_no != "NULL  " else ""
        disp_date = self.ymd(ev_ord)
        in_county = county == self.county
        lines, flags = self.lines, self.flags
        any_conv = False
        n_pads, n_not = len(_PAD_PAIRS), len(_NOT_CONVICTED)
        conv_flag = _F_CONV
        for k, off in enumerate(charges, 1):
            variants = off.variants
            descr, toc = variants[int(r() * len(variants))]
            if toc == " ":
                toc = "M"
            cnt_order = f"{key}{k:03d}000"
            convicted = r() < conv_probs[k - 1]
            n_lines = 2 if convicted and r() < 0.04 else 1
            if convicted:
                any_conv = True
                dispositions = _CONVICTED_BY_TOC[toc]
                stats = _STAT_CELLS[toc]
                conv_flag = _F_CONV
                if off.cannabis:
                    conv_flag |= _F_CANNABIS | (_F_IN_COUNTY if in_county else 0)
            else:
                stats = _STAT_CELLS_OR_BLANK[toc]
            for extra in range(n_lines):
                row_head, row_disp_date = head, disp_date
                if r() < _P_DIRTY_ROW_DATE:
                    if r() < 0.5:
                        row_head = self.prefix_dirty + step
                    else:
                        row_disp_date = self.garbage_date(ev_ord)
                if convicted:
                    disp_index, disp = dispositions[int(r() * len(dispositions))]
                    sentence = self.sentence(disp_index, heavy)
                    flag = conv_flag | _F_EXTRA if extra else conv_flag
                else:
                    disp = _NOT_CONVICTED[int(r() * n_not)]
                    sentence = _NO_SENTENCE
                    flag = 0
                qual, stat_code = _PAD_PAIRS[int(r() * n_pads)]
                lines.append(
                    row_head
                    + _COUNT_FMT
                    % (
                        cnt_order, row_disp_date, case_no, descr, toc, qual, crt_case, disp,
                        stat_code, stats[int(r() * len(stats))], sentence, age, off.comment,
                    )
                )  # fmt: skip
                flags.append(flag)
        return any_conv

    def single_step(
        self,
        ci: int,
        ev_ord: int,
        kind: str,
        county: str,
        off: _Offense | None,
        flag: int,
    ) -> None:
        """A one-line step with no disposition: registration, probation or death notice."""
        si = 3 if kind == "PROBATION" else 1
        step = self.step_cells(ci, si, ev_ord, ev_ord, kind, county)
        descr, comment = (off.variants[0][0], off.comment) if off else ("", "")
        self.lines.append(
            self.prefix
            + step
            + _COUNT_FMT
            % (
                f"{100 + ci:03d}{si:03d}001000", self.ymd(ev_ord), "", descr, "",
                self.pick(_BLANK_PADS), "", "", self.pick(_BLANK_PADS), "", _NO_SENTENCE,
                self.age_on(ev_ord), comment,
            )
        )  # fmt: skip
        self.flags.append(flag)

    # -- cycles ------------------------------------------------------------------------

    def cannabis_offense(self, cyc_ord: int) -> _Offense:
        """A cannabis charge as it would be recorded on that date."""
        x = self.r()
        if cyc_ord >= _ORD_PROP64:
            if x < 0.55:
                return self.pick(_CANNABIS_POST2016)
            return self.pick(_CANNABIS_DIRECT) if x < 0.93 else self.pick(_CANNABIS_WRAPPED)
        if x < 0.02:
            return self.pick(_CANNABIS_POST2016)
        return self.pick(_CANNABIS_DIRECT) if x < 0.86 else self.pick(_CANNABIS_WRAPPED)

    def cycle(self, ci: int, cyc_ord: int, kind: int) -> None:
        r = self.r
        county = self.county if kind == _FORCED_KIND or r() < 0.7 else self.other_county()
        age = self.age_on(cyc_ord)
        if kind == _REGISTRATION_KIND:
            self.single_step(ci, cyc_ord, "REGISTRATION", county, _REGISTRATION, _F_REGISTRATION)
            self.registration_pending = False
            return
        charges: list[_Offense]
        heavy = False
        if kind == _FORCED_KIND:
            charges = [self.pick(_CANNABIS_DIRECT)]
            probs = [1.0]
        elif kind == _CANNABIS_KIND:
            charges = [self.cannabis_offense(cyc_ord)]
            probs = [0.8]
        elif kind == _SUPER_KIND:
            charges = [self.pick(_SUPER_STRIKES)]
            probs = [0.92]
            heavy = True
        elif kind == _PC290_KIND:
            charges = [self.pick(_PC290)]
            probs = [0.9]
        else:
            charges = [self.pick(_ORDINARY_OR_DECOY)]
            probs = [0.58]
        x = r()
        extra = 0 if x < 0.55 else (1 if x < 0.85 else (2 if x < 0.96 else 3))
        cannabis_era = _ORD_1975 <= cyc_ord <= _ORD_2020_END
        for _ in range(extra):
            if cannabis_era and r() < 0.2:
                charges.append(self.cannabis_offense(cyc_ord))
            else:
                charges.append(self.pick(_ORDINARY_OR_DECOY))
            probs.append(0.35)
        if kind == _FORCED_KIND and self.budget - len(self.lines) < 2:
            # Almost out of rows: a lone court line keeps the guaranteed conviction.
            self.court_step(
                ci,
                1,
                cyc_ord,
                cyc_ord + 1 + int(r() * 60),
                county,
                charges[:1],
                probs,
                age,
            )
            return
        arrest = charges if r() < 0.85 else charges[:1]
        self.arrest_step(ci, cyc_ord, county, arrest[:1] if kind == _FORCED_KIND else arrest, age)
        if kind != _FORCED_KIND and r() < 0.12:
            return  # no court action recorded for this arrest
        court = list(charges)
        court_probs = list(probs)
        first = court[0]
        if first.cannabis and r() < 0.06:
            if first.number in (11359, 11360):
                court.append(_MINOR_COMPANION)
                court_probs.append(0.9)
            elif first.number == 11358:
                court.append(self.pick(_ENV_COMPANIONS))
                court_probs.append(0.9)
        ev_ord = min(cyc_ord + 1 + int(r() * r() * 400), _ORD_CAP)
        convicted = self.court_step(ci, 2, cyc_ord, ev_ord, county, court, court_probs, age, heavy)
        if convicted:
            if kind == _PC290_KIND and r() < 0.85:
                self.registration_pending = True
            if r() < 0.1:
                self.single_step(ci, ev_ord + 30 + int(r() * 300), "PROBATION", county, court[0], 0)

    def person(self, budget: int) -> None:
        """Write one person's history of exactly ``budget`` lines into ``self.lines``."""
        r = self.r
        self.new_person()
        self.lines = []
        self.flags = []
        dob_ord = self.dob.toordinal()
        age_start = 14 + r() * 4 if r() < 0.08 else 18 + r() * 12
        start = max(dob_ord + int(age_start * _DAYS_PER_YEAR), _ORD_1970 + int(r() * 1500))
        end = min(_ORD_RECORD_END, dob_ord + int(75 * _DAYS_PER_YEAR))
        start = max(min(start, end - 3 * 365), dob_ord + 14 * 365)
        deceased = budget >= 12 and r() < 0.02
        self.budget = budget - (1 if deceased else 0)
        # The guaranteed in-county cannabis conviction is written at the first cycle on or
        # after ``forced_at`` (mostly before Prop 64), or when rows run short.
        lo, hi = max(start, _ORD_1975), min(end, _ORD_2020_END)
        if lo < _ORD_PROP64 and r() < 0.9:
            hi = min(hi, _ORD_PROP64 - 1)
        forced_at = lo + int(r() * max(hi - lo, 1))
        super_at = start + int(r() * (end - start)) if r() < 0.03 else None
        pc290_at = start + int(r() * (end - start)) if r() < 0.03 else None
        reg_only_at = start + int(r() * (end - start)) if r() < 0.01 else None
        expected_cycles = max(self.budget / _ROWS_PER_CYCLE * 1.2, 1.0)
        mean_gap = max((end - start) / expected_cycles, 1.0)
        cyc_ord = start - int(mean_gap * r())
        forced_done = False
        ci = 0
        lines, flags = self.lines, self.flags
        while len(lines) < self.budget:
            ci += 1
            cyc_ord = min(cyc_ord + 1 + int(mean_gap * (0.2 + 1.6 * r())), _ORD_CAP)
            remaining = self.budget - len(lines)
            limit = remaining if forced_done else remaining - _RESERVE
            if not forced_done and (cyc_ord >= forced_at or limit <= 0):
                kind = _FORCED_KIND
                limit = remaining
                forced_done = True
                cyc_ord = max(cyc_ord, _ORD_1975 + int(r() * 365))
            elif self.registration_pending:
                kind = _REGISTRATION_KIND
            elif super_at is not None and cyc_ord >= super_at:
                kind, super_at = _SUPER_KIND, None
            elif pc290_at is not None and cyc_ord >= pc290_at:
                kind, pc290_at = _PC290_KIND, None
            elif reg_only_at is not None and cyc_ord >= reg_only_at:
                kind, reg_only_at = _REGISTRATION_KIND, None
            elif _ORD_1975 <= cyc_ord <= _ORD_2020_END and r() < _P_CANNABIS_CYCLE:
                kind = _CANNABIS_KIND
            else:
                kind = _ORDINARY_KIND
            before = len(lines)
            self.cycle(ci, cyc_ord, kind)
            if len(lines) - before > limit:
                del lines[before + limit :]
                del flags[before + limit :]
        if deceased:
            death = min(cyc_ord + 30 + int(r() * 3000), _ORD_CAP)
            self.single_step(
                ci + 1,
                death,
                "DECEASED",
                self.county if r() < 0.7 else self.other_county(),
                None,
                _F_DECEASED,
            )


def _normalise_county(county: str) -> str:
    name = " ".join(county.split()).upper()
    if not name:
        raise ValueError("county must not be blank")
    if not name.isascii() or any(c in name for c in ',"'):
        raise ValueError(f"county must be plain ASCII without commas or quotes: {county!r}")
    return name


def generate(out: BinaryIO, *, rows: int, seed: int, county: str, header: bool = True) -> GenerationStats:
    """Write a synthetic DOJ bulk file of exactly ``rows`` data lines to ``out``.

    ``county`` is the office's county (any case; ``"San Francisco"`` → ``SAN FRANCISCO``):
    every subject has at least one cannabis conviction there, as in a real county file.
    With ``header`` the 95 column names come first. Lines end with ``\\n``; the text is
    ASCII. The same arguments always write the same bytes. People get 40-150 lines each
    (the last one takes whatever is left, so a very small ``rows`` gives one short person).
    """
    if rows < 0:
        raise ValueError("rows must be zero or more")
    office = _normalise_county(county)
    gen = _Generator(random.Random(seed), office)
    r = gen.r
    tally = [0] * 64
    subjects = registered = deceased = 0
    buffer: list[str] = [header_line()] if header else []
    left = rows
    while left > 0:
        budget = _MIN_PERSON_ROWS + int(r() * (_MAX_PERSON_ROWS - _MIN_PERSON_ROWS + 1))
        if left - budget < _MIN_PERSON_ROWS:
            budget = left
        gen.person(budget)
        assert len(gen.lines) == budget
        left -= budget
        subjects += 1
        person_flags = 0
        for flag in gen.flags:
            tally[flag] += 1
            person_flags |= flag
        registered += bool(person_flags & _F_REGISTRATION)
        deceased += bool(person_flags & _F_DECEASED)
        buffer.extend(gen.lines)
        if len(buffer) >= _FLUSH_LINES:
            out.write("".join(buffer).encode("ascii"))
            buffer.clear()
    if buffer:
        out.write("".join(buffer).encode("ascii"))

    def count(mask: int) -> int:
        return sum(n for flag, n in enumerate(tally) if flag & mask == mask)

    return GenerationStats(
        rows=rows,
        subjects=subjects,
        convictions=count(_F_CONV),
        cannabis_convictions=count(_F_CONV | _F_CANNABIS),
        cannabis_convictions_in_county=count(_F_CONV | _F_CANNABIS | _F_IN_COUNTY),
        extra_sentence_lines=count(_F_CONV | _F_EXTRA),
        registered_subjects=registered,
        deceased_subjects=deceased,
    )
