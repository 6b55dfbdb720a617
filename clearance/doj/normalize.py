"""Turn one DOJ record into the values Clearance stores (DOMAIN.md section 3).

Pure and fast: the loader calls ``normalize`` once per row of files with millions of rows,
so it touches only the ~25 cells it needs and caches date parsing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from clearance.doj.layout import COL, PLACEHOLDERS
from clearance.doj.reader import clean, parse_date

SEE_COMMENT = "SEE COMMENT FOR CHARGE"
SEVERITY_WORDS = {"FELONY": "felony", "MISDEMEANOR": "misdemeanor", "INFRACTION": "infraction"}
SEVERITY_TOC = {"F": "felony", "M": "misdemeanor", "I": "infraction"}
SENTENCE_UNITS = frozenset({"D", "M", "Y"})

_SUBJECT = COL["SUBJECT_ID"]
_CII = COL["CII_NUMBER"]
_NAME = COL["PRI_NAME"]
_GENDER = COL["GENDER"]
_DOB = COL["PRI_DOB"]
_RACE = COL["RACE_DESCR"]
_CYC_DATE = COL["CYC_DATE"]
_STP_DATE = COL["STP_EVENT_DATE"]
_STP_TYPE = COL["STP_TYPE_DESCR"]
_COURT = COL["STP_ORI_DESCR"]
_COUNTY = COL["STP_ORI_CNTY_NAME"]
_CNT_ORDER = COL["CNT_ORDER"]
_DISP_DATE = COL["DISP_DATE"]
_OFN = COL["OFN"]
_OFFENSE = COL["OFFENSE_DESCR"]
_TOC = COL["OFFENSE_TOC"]
_CRT_CASE = COL["FE_NUM_CRT_CASE"]
_DISP = COL["DISP_DESCR"]
_CONV_STAT = COL["CONV_STAT_DESCR"]
_SENT_LOC = COL["SENT_LOC_DESCR"]
_SENT_LEN = COL["SENT_LENGTH"]
_SENT_CODE = COL["SENT_TIME_CODE"]
_COMMENT = COL["COMMENT_TEXT"]


class Subject(NamedTuple):
    subject_id: str
    cii: str
    name: str
    dob: dt.date | None
    gender: str
    race: str


_new_event = tuple.__new__  # an Event from a tuple of its fields, in order (event_of, the hot path)


class Event(NamedTuple):
    cnt_order: str
    case_key: str
    step_type: str
    court: str
    county: str
    offense_date: dt.date | None
    step_date: dt.date | None
    disposition_date: dt.date | None
    ofn: str
    court_case_number: str
    offense_text: str
    code_section: str
    offense_toc: str
    severity: str
    disposition: str
    is_conviction: bool
    sentence_location: str
    sentence_length: int | None
    sentence_unit: str
    sentence_end: dt.date | None
    dob: dt.date | None
    comment: str


def subject_of(fields: list[str]) -> Subject:
    return Subject(
        clean(fields[_SUBJECT]),
        clean(fields[_CII]),
        clean(fields[_NAME]),
        parse_date(fields[_DOB]),
        clean(fields[_GENDER]),
        clean(fields[_RACE]),
    )


def section_text(text: str) -> str:
    """The code section is the text before the first '-' (``11357(C)HS-POSSESS`` → ``11357(C)HS``)."""
    return text.split("-", 1)[0].strip()


def code_section(offense_text: str, comment: str) -> str:
    section = section_text(offense_text)
    if not section or section.upper() == SEE_COMMENT:
        section = section_text(comment)
    return section


def severity_of(conv_stat: str, toc: str) -> str:
    """CONV_STAT_DESCR when it is one of the three words, else OFFENSE_TOC; infraction stays distinct."""
    return SEVERITY_WORDS.get(conv_stat.upper()) or SEVERITY_TOC.get(toc.upper(), "")


def add_sentence(start: dt.date, length: int, unit: str) -> dt.date | None:
    """Calendar arithmetic: a month from Jan 31 ends on the last day of February."""
    try:
        if unit == "D":
            return start + dt.timedelta(days=length)
        months = length * 12 if unit == "Y" else length
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)
    except (OverflowError, ValueError):
        return None  # a nonsense length (e.g. 99999 years) is kept as unknown, not an error


# Files repeat a few thousand offense texts and status words across millions of rows.
_code_section = lru_cache(maxsize=1 << 16)(code_section)
_severity_of = lru_cache(maxsize=1 << 10)(severity_of)


def event_of(fields: list[str]) -> Event:
    # The hot path of ingestion (millions of calls): ``clean`` is inlined as strip + placeholder
    # check, which halves the time of this function.
    placeholders = PLACEHOLDERS
    cnt_order = fields[_CNT_ORDER].strip()
    if cnt_order in placeholders:
        cnt_order = ""
    offense_text = fields[_OFFENSE].strip()
    if offense_text in placeholders:
        offense_text = ""
    comment = fields[_COMMENT].strip()
    if comment in placeholders:
        comment = ""
    disposition = fields[_DISP].strip()
    if disposition in placeholders:
        disposition = ""
    is_conviction = disposition[:9].upper() == "CONVICTED"
    step_date = parse_date(fields[_STP_DATE])
    disposition_date = parse_date(fields[_DISP_DATE])
    length: int | None = None
    unit = ""
    end: dt.date | None = None
    length_text = fields[_SENT_LEN].strip()
    if length_text:
        # isascii(): str.isdigit() is also true for superscript, Arabic-Indic and full-width digits;
        # int("\u00b2") raised ValueError and crashed the row, the others were read as lengths.
        length = int(length_text) if length_text.isascii() and length_text.isdigit() and len(length_text) < 7 else None
        unit = fields[_SENT_CODE].strip().upper()
        if unit not in SENTENCE_UNITS:
            unit = ""
        start = step_date or disposition_date
        if is_conviction and start and length is not None and unit:
            end = add_sentence(start, length, unit)
    toc = fields[_TOC].strip()
    if toc in placeholders:
        toc = ""
    conv_stat = fields[_CONV_STAT].strip()
    county = fields[_COUNTY].strip()
    if county in placeholders:
        county = ""
    elif "  " in county or not county.isupper() or not county.isprintable():
        # isprintable(): a tab or other non-space whitespace ("SAN\tJOAQUIN") must be collapsed
        # too, as " ".join(split()) does; the fast path let it through unchanged.
        county = " ".join(county.upper().split())
    return _new_event(
        Event,
        (  # Event's fields in order, without its __new__ call: the hot path
            cnt_order,
            cnt_order[:6],
            clean(fields[_STP_TYPE]),
            clean(fields[_COURT]),
            county,
            parse_date(fields[_CYC_DATE]),
            step_date,
            disposition_date,
            clean(fields[_OFN]),
            clean(fields[_CRT_CASE]),
            offense_text,
            _code_section(offense_text, comment),
            toc,
            _severity_of(conv_stat, toc),
            disposition,
            is_conviction,
            clean(fields[_SENT_LOC]),
            length,
            unit,
            end,
            parse_date(fields[_DOB]),
            comment,
        ),
    )
