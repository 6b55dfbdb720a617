"""What every CSV or spreadsheet export shares: cells a spreadsheet never evaluates, and a
writer that hands lines back for streaming."""

from __future__ import annotations

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV Injection"):
# a username or detail typed by an outsider, e.g. a failed sign-in as "=HYPERLINK(...)", would
# run when an administrator opens the export in Excel. Tab and carriage return are included
# because some spreadsheets strip them and then read the formula that follows.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (see FORMULA_STARTS)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class CsvLine:
    """A file-like object whose write() hands the formatted line back instead of storing it,
    so ``csv.writer(CsvLine()).writerow(...)`` returns one CSV line to stream."""

    def write(self, value: str) -> str:
        return value
