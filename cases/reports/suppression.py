"""Small-cell suppression for every table of counts that leaves the office.

The rule (UX.md, Reports): cells under 11 are suppressed in exports and the summary report, shown
as "<11", never in the signed-in staff dashboard; suppression is applied in every export and
never loses a total.

Primary suppression. A count from 1 to 10 is shown as "<11" (the threshold of CDPH's Data
De-identification Guidelines, which DA offices publishing Prop 64 figures follow). Zero is
shown as "0": a true zero contains no one, so it identifies no one, and hiding zeros would hide
the finding a clearance report most often needs to state ("no one in this group was left
without relief"). Rules that also hide zeros do so for tables of rare conditions over small
populations, where a zero reveals something about everyone in the group; this module cannot
know that, so a caller with such a table must leave it out.

Complementary suppression. Suppressed cells must not be recoverable from the totals a reader
can see. Think of the table as a graph: one node per row with a total, one per column with a
total, and every line without a total merged into one free node; each suppressed cell is an
edge between its row and its column. A suppressed value can be worked out exactly from the
shown figures if and only if its edge is a bridge of that graph (for a row or column with a
single suppressed cell, the edge is a pendant bridge: the classic "total minus the others").
While there is a bridge, one more non-zero shown cell is withheld from those leaving either
side of it (for a lone suppressed cell: the other cells of its row or column), chosen in this
order: never the grand total while anything else will do; a cell that joins the two sides
first (it closes a cycle and ends the exposure at once, where another starts a chain of
withholding); body cells before row or column totals; then the smallest. The loop ends with
no bridge, so every row and column with a shown total has none or at least two suppressed
cells, and no linear combination of shown figures gives a suppressed one.

Withheld cells are shown as "*", not "<11": they are 11 or more, and a published table must
not say otherwise. Because a reader can therefore tell that "<11" means 1 to 10 and "*" means
11 or more, a row or column is also checked with those bounds (``[<11, *]`` adding up to 12
pins both cells at 1 and 11) and given another withheld cell when its bounds pin one.

Totals. A total is shown exactly unless it is itself from 1 to 10, or unless withholding it is
the only way to protect a small cell: in a table with both row and column totals, one row
total under 11 would otherwise be the grand total minus the other row totals. The grand total
is withheld only if nothing else can protect a cell, which happens only in tiny tables. Totals
are recognised whether or not the caller says so (a last column or row that is the sum of the
others is a total: a reader can add as well as we can), and a total the caller declares is
checked.

Rates. A rate is shown only when its numerator, its denominator and their difference are all 0
or 11 and more: otherwise the rate and one shown count give the small one back. A rate drawn
from a cell withheld by the table must be hidden as well; ``suppress_group_figures`` does both.

What this does not cover: figures published in another table or on another page (a headline
tile repeating a total) are unknown here; a caller publishing a total elsewhere must publish
the same total in the table. Bounds are checked line by line, not across the whole table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

SUPPRESS_BELOW = 11
#: A count from 1 to SUPPRESS_BELOW - 1.
SUPPRESSED = f"<{SUPPRESS_BELOW}"
#: A count of SUPPRESS_BELOW or more, withheld so that a suppressed count cannot be worked out.
WITHHELD = "*"
#: A rate that is not shown (its counts are suppressed or withheld, or it has no denominator).
RATE_WITHHELD = "—"
FOOTNOTE = (
    f"{SUPPRESSED}: a count from 1 to {SUPPRESS_BELOW - 1}, not shown so that no one can be identified. "
    f"{WITHHELD}: a count of {SUPPRESS_BELOW} or more, withheld so that a small count cannot be worked out "
    f"from the totals. {RATE_WITHHELD}: a rate not shown for the same reasons."
)
RATE = "rate"
SHARE = "share"

_DIGITS = re.compile(r"[0-9]+")
_PERCENT_PLACES = Decimal("0.1")


class _Hidden(Enum):
    PRIMARY = "primary"  # 1 to 10
    WITHHELD = "withheld"  # complementary: 11 or more


Cell = tuple[int, int]  # (row, numeric column) in the grid of counts
Node = tuple[str, int]
FREE: Node = ("free", 0)  # every row or column without a total: no equation binds it


def suppress_count(value: int) -> str:
    """One count on its own (a headline figure): "<11" for 1 to 10, else the number."""
    return SUPPRESSED if 1 <= _checked_count(value) < SUPPRESS_BELOW else str(value)


def suppress_rate(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a percentage with one decimal, or "—".

    "—" when the denominator is 0 (there is no rate), or when the numerator, the denominator or
    the part of the denominator outside the numerator is from 1 to 10: with either count shown,
    the rate would give the small one back. This knows nothing of complementary suppression:
    if the table withheld either count, hide the rate too (``suppress_group_figures`` does).
    """
    part, whole = _checked_count(numerator), _checked_count(denominator)
    if part > whole:
        raise ValueError(f"A rate's numerator ({part}) cannot exceed its denominator ({whole})")
    if whole == 0 or any(1 <= n < SUPPRESS_BELOW for n in (part, whole, whole - part)):
        return RATE_WITHHELD
    return _percent(part, whole)


def exact_value(shown: str) -> int | None:
    """The count a suppressed table shows exactly, or None for "<11", "*" and anything else."""
    return int(shown) if _DIGITS.fullmatch(shown) else None


def suppress_table(
    rows: Sequence[Sequence[object]],
    *,
    numeric_columns: Sequence[int],
    total_row: bool = False,
    total_column: int | None = None,
) -> list[list[str]]:
    """Every cell as display text: counts suppressed (see the module docstring), others as str.

    A cell of a numeric column must be an int (a bool or a str is refused); other cells can be
    anything with a ``str``.

    ``total_row`` says the last row holds the column totals; ``total_column`` names the column
    holding the row totals (an index into each row, one of ``numeric_columns``). Both are
    checked against the sums. Without them, a last row or last numeric column (of three or
    more) that is the sum of the others is treated as a total all the same.
    """
    table = [list(row) for row in rows]
    columns = sorted(set(numeric_columns))
    if len(columns) != len(numeric_columns):
        raise ValueError("numeric_columns names a column twice")
    for number, row in enumerate(table):
        if columns and not 0 <= columns[0] <= columns[-1] < len(row):
            raise ValueError(f"Row {number} has {len(row)} cells; numeric_columns are {list(numeric_columns)}")
    grid = [[_checked_count(row[column]) for column in columns] for row in table]
    sum_column = _sum_column(grid, columns, total_column)
    sum_row = _sum_row(grid, declared=total_row)
    hidden = _suppress(grid, sum_row=sum_row, sum_column=sum_column)

    shown = [[str(cell) for cell in row] for row in table]
    for i, counts in enumerate(grid):
        for j, value in enumerate(counts):
            state = hidden.get((i, j))
            shown[i][columns[j]] = (
                SUPPRESSED if state is _Hidden.PRIMARY else WITHHELD if state is _Hidden.WITHHELD else str(value)
            )
    return shown


def suppress_group_figures(
    figures: Mapping[str, Mapping[str, int]],
    *,
    part: str = "relief",
    whole: str = "candidates",
    total_label: str | None = "Total",
) -> dict[str, dict[str, str]]:
    """Per group, ``part`` and ``whole`` as display text with the rate and the share of all ``part``.

    ``{"White": {"candidates": 120, "relief": 9}, ...}`` gives
    ``{"White": {"candidates": "120", "relief": "<11", "rate": "—", "share": "—"}, ...}``.

    The groups form one table whose column totals (all candidates, all relief) are taken to be
    published, as the headline figures are; each group's ``whole - part`` (here: not relieved)
    is a count too, so it is protected like the others. A rate or share is shown only when the
    counts it is made from are shown exactly. With ``total_label``, the totals over all groups
    come last under that key. Other keys of ``figures`` are ignored.
    """
    names = list(figures)
    if total_label is not None and total_label in figures:
        raise ValueError(f"A group is called {total_label!r}; pass another total_label")
    body: list[list[int]] = []
    for name in names:
        counts = figures[name]
        got, of = _checked_count(counts[part]), _checked_count(counts[whole])
        if got > of:
            raise ValueError(f"{name!r}: {part} ({got}) exceeds {whole} ({of})")
        body.append([got, of - got, of])
    totals = [sum(row[k] for row in body) for k in range(3)]
    shown = suppress_table([*body, totals], numeric_columns=[0, 1, 2], total_row=True, total_column=2)
    all_part = totals[0]

    result: dict[str, dict[str, str]] = {}
    labelled = [*names, total_label] if total_label is not None else names
    for name, row, line in zip(labelled, [*body, totals], shown, strict=False):
        got, of = row[0], row[2]
        part_shown = exact_value(line[0]) is not None
        both_shown = part_shown and exact_value(line[2]) is not None
        result[name] = {
            part: line[0],
            whole: line[2],
            RATE: suppress_rate(got, of) if both_shown else RATE_WITHHELD,
            SHARE: _percent(got, all_part) if part_shown and all_part else RATE_WITHHELD,
        }
    return result


# The complementary suppression ----------------------------------------------------------------


def _suppress(grid: list[list[int]], *, sum_row: bool, sum_column: int | None) -> dict[Cell, _Hidden]:
    hidden = {
        (i, j): _Hidden.PRIMARY
        for i, row in enumerate(grid)
        for j, value in enumerate(row)
        if 1 <= value < SUPPRESS_BELOW
    }
    if not sum_row and sum_column is None:
        return hidden  # no total anywhere: nothing to subtract from
    table = _Table(grid, sum_row=sum_row, sum_column=sum_column)
    settled: set[int] = set()  # lines whose pinned cell nothing more in the line can protect
    while True:
        choice = table.fix_bridge(hidden)
        if choice is None:
            choice = table.fix_bounds(hidden, settled)
        if choice is None:
            return hidden
        hidden[choice] = _Hidden.WITHHELD


class _Table:
    """The counts, which lines carry totals, and how a reader can combine what is shown."""

    def __init__(self, grid: list[list[int]], *, sum_row: bool, sum_column: int | None) -> None:
        self.grid = grid
        self.last_row = len(grid) - 1 if sum_row else None
        self.sum_column = sum_column
        self.cells = [(i, j) for i, row in enumerate(grid) for j in range(len(row))]
        # Each line with a total is an equation: the parts minus the total make zero.
        self.lines: list[list[tuple[Cell, int]]] = []
        if sum_column is not None:
            for i, row in enumerate(grid):
                self.lines.append([((i, j), -1 if j == sum_column else 1) for j in range(len(row))])
        if self.last_row is not None:
            for j in range(len(grid[0]) if grid else 0):
                self.lines.append([((i, j), -1 if i == self.last_row else 1) for i in range(len(grid))])

    def value(self, cell: Cell) -> int:
        return self.grid[cell[0]][cell[1]]

    def ends(self, cell: Cell) -> tuple[Node, Node]:
        i, j = cell
        row: Node = ("row", i) if self.sum_column is not None else FREE
        column: Node = ("column", j) if self.last_row is not None else FREE
        return row, column

    def rank(self, cell: Cell, *, closes: bool = False) -> tuple[bool, bool, int, int, int, int]:
        """The order of choice: the grand total last of all; first a cell that closes a cycle
        through the bridge (it ends the exposure at once, where any other starts a chain that
        can end in a withheld total); body cells before totals; then the smallest."""
        i, j = cell
        totals = (i == self.last_row) + (j == self.sum_column)
        return (totals == 2, not closes, totals, self.value(cell), i, j)

    def fix_bridge(self, hidden: Mapping[Cell, _Hidden]) -> Cell | None:
        """The cell to withhold for the first suppressed cell the shown totals give back, if any."""
        edges = sorted(hidden)
        adjacency: dict[Node, list[tuple[Node, Cell]]] = {}
        for cell in edges:
            row, column = self.ends(cell)
            adjacency.setdefault(row, []).append((column, cell))
            adjacency.setdefault(column, []).append((row, cell))
        for cell in edges:
            row, column = self.ends(cell)
            if row == column:
                continue  # a cell with neither a row nor a column total: nothing binds it
            row_side = _reachable(adjacency, row, without=cell)
            if column in row_side:
                continue
            column_side = _reachable(adjacency, column, without=cell)
            # Adding up the equations of a side with no free node gives the bridge's value as a
            # signed sum of the shown cells leaving that side; withholding one of them breaks it.
            sides = [side for side in (row_side, column_side) if FREE not in side]
            boundary = [
                other
                for other in self.cells
                if other not in hidden
                and self.value(other) > 0
                and any(len(set(self.ends(other)) & side) == 1 for side in sides)
            ]
            if boundary:
                return min(
                    boundary, key=lambda other: self.rank(other, closes=_joins(self.ends(other), row_side, column_side))
                )
            # Only reachable with totals that do not add up, which _sum_row and _sum_column refuse.
            raise AssertionError(f"No shown cell can protect suppressed cell {cell}")
        return None

    def fix_bounds(self, hidden: Mapping[Cell, _Hidden], settled: set[int]) -> Cell | None:
        """The cell to withhold in the first line whose shown total and bounds pin a hidden cell."""
        for number, line in enumerate(self.lines):
            if number in settled or not _pinned(line, self.grid, hidden):
                continue
            shown = [cell for cell, _sign in line if cell not in hidden and self.value(cell) > 0]
            if shown:
                return min(shown, key=self.rank)
            settled.add(number)
        return None


def _joins(ends: tuple[Node, Node], one: set[Node], other: set[Node]) -> bool:
    first, second = ends
    return (first in one and second in other) or (first in other and second in one)


def _reachable(adjacency: Mapping[Node, list[tuple[Node, Cell]]], start: Node, *, without: Cell) -> set[Node]:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for other, cell in adjacency.get(node, []):
            if cell != without and other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _pinned(line: Sequence[tuple[Cell, int]], grid: list[list[int]], hidden: Mapping[Cell, _Hidden]) -> bool:
    """Whether the line's equation and what a reader knows of each hidden cell fix one of them.

    A reader knows "<11" is 1 to 10 and "*" is 11 or more; the shown cells and the equation
    (parts minus total make zero) leave each hidden cell an interval, pinned when it is a point.
    """
    known = 0
    unknown: list[tuple[int, float, float]] = []
    for (i, j), sign in line:
        state = hidden.get((i, j))
        if state is None:
            known += sign * grid[i][j]
        elif state is _Hidden.PRIMARY:
            unknown.append((sign, 1, SUPPRESS_BELOW - 1))
        else:
            unknown.append((sign, SUPPRESS_BELOW, math.inf))
    for index, (sign, low, high) in enumerate(unknown):
        others = [u for k, u in enumerate(unknown) if k != index]
        # The other hidden terms (sign times value) range over [rest_low, rest_high] ...
        rest_low = sum(low_k if sign_k > 0 else -high_k for sign_k, low_k, high_k in others)
        rest_high = sum(high_k if sign_k > 0 else -low_k for sign_k, low_k, high_k in others)
        # ... and sign * value = -(known + rest).
        if sign > 0:
            low, high = max(low, -known - rest_high), min(high, -known - rest_low)
        else:
            low, high = max(low, known + rest_low), min(high, known + rest_high)
        if low >= high:
            return True
    return False


# Checks and formatting ------------------------------------------------------------------------


def _sum_column(grid: list[list[int]], columns: list[int], declared: int | None) -> int | None:
    """The position in ``columns`` of the row totals, if any (checked when declared)."""
    if declared is not None:
        if declared not in columns:
            raise ValueError(f"total_column {declared} is not one of the numeric columns {columns}")
        j = columns.index(declared)
        for i, row in enumerate(grid):
            if row[j] != sum(row) - row[j]:
                added = sum(row) - row[j]
                raise ValueError(f"Row {i}: the total {row[j]} is not the sum of the other counts ({added})")
        return j
    # Two parts at least: with one, "the total" would only be a copy of the other column.
    if len(columns) >= 3 and grid and all(row[-1] == sum(row[:-1]) for row in grid):
        return len(columns) - 1
    return None


def _sum_row(grid: list[list[int]], *, declared: bool) -> bool:
    """Whether the last row holds the column totals (checked when declared)."""
    if not grid:
        if declared:
            raise ValueError("total_row=True but the table has no rows")
        return False
    body, last = grid[:-1], grid[-1]
    sums = [sum(row[j] for row in body) for j in range(len(last))]
    if declared:
        for j, (total, added) in enumerate(zip(last, sums, strict=True)):
            if total != added:
                raise ValueError(f"Numeric column {j}: the total row says {total}, the rows add up to {added}")
        return True
    # Two rows at least above it, for the same reason as columns.
    return len(body) >= 2 and last == sums


def _checked_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"A count is an int, not {value!r}")
    if value < 0:
        raise ValueError(f"A count cannot be negative: {value}")
    return value


def _percent(part: int, whole: int) -> str:
    share = (Decimal(100 * part) / Decimal(whole)).quantize(_PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return f"{share}%"
