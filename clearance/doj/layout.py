"""The California DOJ bulk criminal-history layout: 95 comma-separated columns.

Positions follow DOMAIN.md section 3; segment separators (``*_SEG_SEP``) are kept so that
positions stay exact. This module is pure: no Django, no clock.
"""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "RECORD_ID", "SUBJECT_STATUS", "SUBJECT_ID", "REQ_SEG_SEP",
    "REQ_CII_NUMBER", "REQ_NAME", "REQ_GENDER", "REQ_DOB",
    "REQ_CDL", "REQ_SSN", "PII_SEG_SEP", "CII_NUMBER",
    "PRI_NAME", "GENDER", "PRI_DOB", "PRI_SSN",
    "PRI_CDL", "PRI_IDN", "PRI_INN", "FBI_NUMBER",
    "PDR_SEG_SEP", "RACE_CODE", "RACE_DESCR", "EYE_COLOR_CODE",
    "EYE_COLOR_DESCR", "HAIR_COLOR_CODE", "HAIR_COLOR_DESCR", "HEIGHT",
    "WEIGHT", "SINGLE_SOURCE", "MULTI_SOURCE", "POB_CODE",
    "POB_NAME", "POB_TYPE", "CITIZENSHIP_LIST", "CYC_SEG_SEP",
    "CYC_ORDER", "CYC_DATE", "STP_SEG_SEP", "STP_ORDER",
    "STP_EVENT_DATE", "STP_TYPE_CODE", "STP_TYPE_DESCR", "STP_ORI_TYPE",
    "STP_ORI_TYPE_DESCR", "STP_ORI_CODE", "STP_ORI_DESCR", "STP_ORI_CNTY_CODE",
    "STP_ORI_CNTY_NAME", "CNT_SEG_SEP", "CNT_ORDER", "DISP_DATE",
    "OFN", "OFFENSE_CODE", "OFFENSE_DESCR", "OFFENSE_TOC",
    "OFFENSE_QUAL_LST", "DISP_OFFENSE_CODE", "DISP_OFFENSE_DESCR", "DISP_OFFENSE_TOC",
    "DISP_OFFENSE_QUAL_LST", "CONV_OFFENSE_ORDER", "CONV_OFFENSE_CODE", "CONV_OFFENSE_DESCR",
    "CONV_OFFENSE_TOC", "CONV_OFFENSE_QUAL_LST", "FE_NUM_ORDER", "FE_NUM_ARR_AGY",
    "FE_NUM_BNCH_WARR", "FE_NUM_CITE", "FE_NUM_DOCKET", "FE_NUM_INCIDENT",
    "FE_NUM_BOOKING", "FE_NUM_NUMBER", "FE_NUM_REMAND", "FE_NUM_OOS_INN",
    "FE_NUM_CRT_CASE", "FE_NUM_WARRANT", "DISP_ORDER", "DISP_CODE",
    "DISP_DESCR", "CONV_STAT_CODE", "CONV_STAT_DESCR", "SENT_SEG_SEP",
    "SENT_ORDER", "SENT_LOC_CODE", "SENT_LOC_DESCR", "SENT_LENGTH",
    "SENT_TIME_CODE", "SENT_TIME_DESCR", "CYC_AGE", "CII_TYPE",
    "CII_TYPE_ALPHA", "COMMENT_TEXT", "END_OF_REC",
)
FIELD_COUNT = len(COLUMNS)
assert FIELD_COUNT == 95

#: Position of each column by name, e.g. ``COL["SUBJECT_ID"] == 2``.
COL: dict[str, int] = {name: index for index, name in enumerate(COLUMNS)}

#: After trimming, these cells mean "no value" (DOMAIN.md section 10).
PLACEHOLDERS = frozenset({"", "x", "X", "#", "NULL"})
