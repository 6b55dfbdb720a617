"""Small-cell suppression (UX.md, Reports): "<11" for 1 to 10, totals never give a cell back. No database.

The central property is checked independently of the implementation's graph reasoning: the shown
figures and the totals' equations form a linear system, and no suppressed count may be one of its
determined unknowns (exact rational elimination).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.reports.suppression import (
    RATE,
    RATE_WITHHELD,
    SHARE,
    SUPPRESS_BELOW,
    SUPPRESSED,
    WITHHELD,
    exact_value,
    suppress_count,
    suppress_group_figures,
    suppress_rate,
    suppress_table,
)

_fast = settings(max_examples=300, deadline=None)

# Zeros, small counts and large ones in about equal measure, so suppression has work to do.
counts = st.one_of(st.just(0), st.integers(1, SUPPRESS_BELOW - 1), st.integers(SUPPRESS_BELOW, 400))


@st.composite
def tables(draw, *, row_totals: bool | None = None, column_totals: bool | None = None):
    """A body of counts with, on request or at random, a total column and a total row."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    body = [[draw(counts) for _ in range(width)] for _ in range(height)]
    with_row_totals = draw(st.booleans()) if row_totals is None else row_totals
    with_column_totals = draw(st.booleans()) if column_totals is None else column_totals
    grid = [[*row, sum(row)] for row in body] if with_row_totals else [list(row) for row in body]
    if with_column_totals:
        grid.append([sum(row[j] for row in grid) for j in range(len(grid[0]))])
    return grid, with_row_totals, with_column_totals


def shown_for(grid, row_totals, column_totals):
    return suppress_table(
        grid,
        numeric_columns=list(range(len(grid[0]))),
        total_row=column_totals,
        total_column=len(grid[0]) - 1 if row_totals else None,
    )


def equations(grid, row_totals, column_totals):
    """Each line with a total: its cells with +1, its total with -1, summing to zero."""
    height, width = len(grid), len(grid[0])
    lines = []
    if row_totals:
        lines += [[((i, j), -1 if j == width - 1 else 1) for j in range(width)] for i in range(height)]
    if column_totals:
        lines += [[((i, j), -1 if i == height - 1 else 1) for i in range(height)] for j in range(width)]
    return lines


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(r) for r in matrix]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column] != 0:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def recoverable(grid, shown, lines) -> set[tuple[int, int]]:
    """Hidden cells whose value the shown figures and the totals' equations fix exactly."""
    hidden = [(i, j) for i, row in enumerate(shown) for j, text in enumerate(row) if exact_value(text) is None]
    position = {cell: k for k, cell in enumerate(hidden)}
    system = []
    for line in lines:
        vector = [Fraction(0)] * len(hidden)
        for cell, sign in line:
            if cell in position:
                vector[position[cell]] += sign
        if any(vector):
            system.append(vector)
    base = rank(system)
    found = set()
    for cell, k in position.items():
        unit = [Fraction(int(n == k)) for n in range(len(hidden))]
        if rank([*system, unit]) == base:
            found.add(cell)
    return found


def bounds(text: str) -> tuple[float, float]:
    """What a reader knows of a hidden count: "<11" is 1 to 10, "*" is 11 or more."""
    return (1, SUPPRESS_BELOW - 1) if text == SUPPRESSED else (SUPPRESS_BELOW, float("inf"))


def pinned_by_bounds(grid, shown, lines) -> set[tuple[int, int]]:
    """Hidden cells of a line that its equation and the bounds allow no other value than the true one.

    For a hidden cell with sign s in a line whose shown cells add up (signed) to K, a value v is
    possible when v is within the cell's bounds and -K - s*v is a sum the line's other hidden
    cells can make. Being one integer more or less than the truth, when possible, leaves doubt.
    """
    found = set()
    for line in lines:
        hidden = [(cell, sign, bounds(shown[cell[0]][cell[1]])) for cell, sign in line if not exact(shown, cell)]
        known = sum(sign * grid[i][j] for (i, j), sign in line if exact(shown, (i, j)))
        for cell, sign, (own_low, own_high) in hidden:
            others = [(s, b) for c, s, b in hidden if c != cell]
            low = sum(b[0] if s > 0 else -b[1] for s, b in others)
            high = sum(b[1] if s > 0 else -b[0] for s, b in others)
            true = grid[cell[0]][cell[1]]
            alternatives = [
                v for v in (true - 1, true + 1) if own_low <= v <= own_high and low <= -known - sign * v <= high
            ]
            if not alternatives:
                found.add(cell)
    return found


def exact(shown, cell) -> bool:
    return exact_value(shown[cell[0]][cell[1]]) is not None


# Properties ---------------------------------------------------------------------------------


@_fast
@given(tables())
def test_no_suppressed_count_can_be_worked_out_from_the_totals(case):
    grid, row_totals, column_totals = case
    shown = shown_for(grid, row_totals, column_totals)
    assert recoverable(grid, shown, equations(grid, row_totals, column_totals)) == set()


@_fast
@given(tables())
def test_every_line_with_a_shown_total_hides_none_or_at_least_two_cells(case):
    grid, row_totals, column_totals = case
    shown = shown_for(grid, row_totals, column_totals)
    for line in equations(grid, row_totals, column_totals):
        (ti, tj) = next(cell for cell, sign in line if sign < 0)
        if exact_value(shown[ti][tj]) is None:
            continue
        hidden = sum(exact_value(shown[i][j]) is None for (i, j), sign in line if sign > 0)
        assert hidden != 1


@_fast
@given(tables())
def test_no_line_pins_a_hidden_count_by_its_bounds(case):
    grid, row_totals, column_totals = case
    shown = shown_for(grid, row_totals, column_totals)
    assert pinned_by_bounds(grid, shown, equations(grid, row_totals, column_totals)) == set()


@_fast
@given(tables())
def test_each_count_is_shown_exactly_as_under_11_or_withheld_by_its_size(case):
    grid, row_totals, column_totals = case
    shown = shown_for(grid, row_totals, column_totals)
    for row, texts in zip(grid, shown, strict=True):
        for value, text in zip(row, texts, strict=True):
            if value == 0:
                assert text == "0"  # a true zero identifies no one
            elif value < SUPPRESS_BELOW:
                assert text == SUPPRESSED
            else:
                assert text in (str(value), WITHHELD)


@_fast
@given(tables(row_totals=False, column_totals=True))
def test_totals_of_a_table_with_a_total_row_are_exact_unless_small_or_pinned(case):
    """One-way totals, the shape of most exports: a total is lost only when a column's last
    two non-zero counts are "<11" and "*" adding up to it, a bound the reader could close."""
    grid, _row_totals, _column_totals = case
    shown = shown_for(grid, False, True)
    for j, total in enumerate(grid[-1]):
        if exact_value(shown[-1][j]) is not None or total < SUPPRESS_BELOW:
            continue
        column = [row[j] for row in grid[:-1]]
        others_hidden = [v for v, row in zip(column, shown, strict=False) if v and exact_value(row[j]) is None]
        assert [v for v in column if v] == others_hidden  # nothing else in the column was left to withhold


@_fast
@given(tables(row_totals=True, column_totals=True))
def test_the_grand_total_is_withheld_only_when_every_other_count_is_hidden(case):
    """It is the last resort: in a tiny table such as [[1, 11], [11, 0]] nothing else is left."""
    grid, _row_totals, _column_totals = case
    shown = shown_for(grid, True, True)
    if grid[-1][-1] >= SUPPRESS_BELOW and shown[-1][-1] == WITHHELD:
        others = [
            (i, j)
            for i, row in enumerate(grid)
            for j, v in enumerate(row)
            if v and (i, j) != (len(grid) - 1, len(row) - 1)
        ]
        assert all(exact_value(shown[i][j]) is None for i, j in others)


@_fast
@given(tables())
def test_suppression_is_deterministic(case):
    grid, row_totals, column_totals = case
    assert shown_for(grid, row_totals, column_totals) == shown_for([list(r) for r in grid], row_totals, column_totals)


@_fast
@given(tables(row_totals=True, column_totals=True))
def test_totals_that_add_up_count_as_totals_whether_declared_or_not(case):
    grid, _row_totals, _column_totals = case
    if len(grid) >= 3 and len(grid[0]) >= 3:  # two parts at least, in each direction
        undeclared = suppress_table(grid, numeric_columns=list(range(len(grid[0]))))
        assert undeclared == shown_for(grid, True, True)


@st.composite
def group_figures(draw):
    names = draw(st.lists(st.sampled_from(["White", "Black", "Hispanic", "Asian", "Other", "Unknown"]), unique=True))
    figures = {}
    for name in names:
        relief = draw(counts)
        figures[name] = {"relief": relief, "candidates": relief + draw(counts)}
    return figures


@_fast
@given(group_figures())
def test_group_figures_never_give_back_a_small_count_or_rate(figures):
    shown = suppress_group_figures(figures)
    names = list(figures)
    # The table a reader can rebuild: relief, not relieved (hidden, but candidates - relief), candidates.
    grid = [
        [figures[n]["relief"], figures[n]["candidates"] - figures[n]["relief"], figures[n]["candidates"]] for n in names
    ]
    grid.append([sum(row[k] for row in grid) for k in range(3)])
    texts = [[shown[n]["relief"], "?", shown[n]["candidates"]] for n in names]
    texts.append([shown["Total"]["relief"], "?", shown["Total"]["candidates"]])
    for n in names:
        if shown[n][RATE] != RATE_WITHHELD:  # a rate is shown only beside the counts it is made from
            assert exact_value(shown[n]["relief"]) is not None and exact_value(shown[n]["candidates"]) is not None
        if shown[n][SHARE] != RATE_WITHHELD:
            assert exact_value(shown[n]["relief"]) is not None
    exposed = recoverable(grid, texts, equations(grid, True, True))
    assert not any(1 <= grid[i][j] < SUPPRESS_BELOW for i, j in exposed)
    for n in names:
        relief, candidates = figures[n]["relief"], figures[n]["candidates"]
        if 1 <= relief < SUPPRESS_BELOW or 1 <= candidates - relief < SUPPRESS_BELOW:
            assert shown[n][RATE] == RATE_WITHHELD
        if 1 <= relief < SUPPRESS_BELOW:
            assert shown[n]["relief"] == SUPPRESSED
            assert shown[n][SHARE] == RATE_WITHHELD
    if shown["Total"]["candidates"] == WITHHELD:  # the last resort: nothing else was left to withhold
        assert all(
            exact_value(shown[n][key]) is None for n in names for key in ("relief", "candidates") if figures[n][key]
        )


# Examples -----------------------------------------------------------------------------------


def test_counts_from_1_to_10_are_shown_as_under_11_and_zero_stays_zero():
    shown = suppress_table([["Dismiss and seal", 0, 1, 10, 11, 250]], numeric_columns=[1, 2, 3, 4, 5])
    assert shown == [["Dismiss and seal", "0", "<11", "<11", "11", "250"]]


def test_labels_and_columns_that_are_not_counts_are_left_as_text():
    shown = suppress_table([["HS 11357", 2019, 4, "note"]], numeric_columns=[2])
    assert shown == [["HS 11357", "2019", "<11", "note"]]


def test_a_lone_small_count_in_a_column_with_a_total_takes_the_next_smallest_with_it():
    table = [["Dismiss and seal", 240], ["Reduce to misdemeanor", 31], ["Needs review", 4], ["Total", 275]]
    shown = suppress_table(table, numeric_columns=[1], total_row=True)
    assert shown == [
        ["Dismiss and seal", "240"],
        ["Reduce to misdemeanor", "*"],
        ["Needs review", "<11"],
        ["Total", "275"],
    ]


def test_two_small_counts_in_a_column_protect_each_other():
    table = [["A", 240], ["B", 7], ["C", 4], ["Total", 251]]
    assert suppress_table(table, numeric_columns=[1], total_row=True) == [
        ["A", "240"],
        ["B", "<11"],
        ["C", "<11"],
        ["Total", "251"],
    ]


def test_outcomes_by_court_keep_the_totals_and_hide_no_recoverable_cell():
    courts = ["Alameda", "Hayward", "Oakland", "San Leandro"]
    counts = [[410, 150, 3, 60, 10], [300, 90, 12, 50, 14], [120, 40, 0, 30, 6], [95, 22, 15, 8, 0]]
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(row[k] for row in grid) for k in range(6)])
    table = [[court, *row] for court, row in zip([*courts, "Total"], grid, strict=True)]
    shown = suppress_table(table, numeric_columns=list(range(1, 7)), total_row=True)
    texts = [row[1:] for row in shown]
    assert recoverable(grid, texts, equations(grid, True, True)) == set()
    assert [row[-1] for row in shown] == [str(row[-1]) for row in table]  # every row total exact
    assert shown[-1] == ["Total", *[str(v) for v in table[-1][1:]]]  # every column total exact
    assert sum(text == WITHHELD for row in shown for text in row) <= 6


def test_a_small_row_total_takes_another_row_total_with_it():
    """Otherwise it would be the grand total minus the other row totals."""
    table = [["A", 5, 2, 7], ["B", 100, 50, 150], ["C", 200, 80, 280], ["Total", 305, 132, 437]]
    shown = suppress_table(table, numeric_columns=[1, 2, 3], total_row=True, total_column=3)
    assert shown[0] == ["A", "<11", "<11", "<11"]
    assert shown[-1][-1] == "437"
    grid = [row[1:] for row in table]
    assert recoverable(grid, [row[1:] for row in shown], equations(grid, True, True)) == set()


def test_a_total_pinned_by_the_bounds_is_withheld():
    """ "<11" and "*" adding up to 12 can only be 1 and 11."""
    shown = suppress_table([["A", 1], ["B", 11], ["Total", 12]], numeric_columns=[1], total_row=True)
    assert shown == [["A", "<11"], ["B", "*"], ["Total", "*"]]


def test_a_declared_total_that_does_not_add_up_is_refused():
    with pytest.raises(ValueError, match="total row"):
        suppress_table([["A", 5], ["B", 20], ["Total", 26]], numeric_columns=[1], total_row=True)
    with pytest.raises(ValueError, match="not the sum"):
        suppress_table([["A", 5, 20, 24]], numeric_columns=[1, 2, 3], total_column=3)


def test_a_count_must_be_a_whole_number_not_below_zero():
    with pytest.raises(TypeError):
        suppress_table([["A", "12"]], numeric_columns=[1])
    with pytest.raises(TypeError):
        suppress_table([["A", True]], numeric_columns=[1])
    with pytest.raises(ValueError):
        suppress_table([["A", -1]], numeric_columns=[1])


def test_a_lone_count_is_suppressed_like_a_cell():
    assert [suppress_count(n) for n in (0, 1, 10, 11, 4200)] == ["0", "<11", "<11", "11", "4200"]


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (60, 120, "50.0%"),
        (0, 200, "0.0%"),
        (200, 200, "100.0%"),
        (11, 176, "6.3%"),  # 6.25 rounds half up
        (0, 0, "—"),  # no one: no rate
        (9, 120, "—"),  # the numerator is small
        (115, 120, "—"),  # 5 not relieved: the rest is small
        (3, 7, "—"),  # the denominator is small
    ],
)
def test_a_rate_is_hidden_when_any_count_it_reveals_is_small(numerator, denominator, expected):
    assert suppress_rate(numerator, denominator) == expected


def test_a_rate_cannot_exceed_its_whole():
    with pytest.raises(ValueError):
        suppress_rate(12, 11)


def test_group_figures_show_counts_rates_and_shares_only_where_safe():
    figures = {
        "White": {"candidates": 120, "relief": 9},
        "Black": {"candidates": 300, "relief": 150},
        "Hispanic": {"candidates": 400, "relief": 395},
    }
    assert suppress_group_figures(figures) == {
        "White": {"relief": "<11", "candidates": "120", RATE: "—", SHARE: "—"},
        "Black": {"relief": "150", "candidates": "300", RATE: "50.0%", SHARE: "27.1%"},
        # 5 not relieved is small, so relief is withheld and, with it, the not relieved of White
        "Hispanic": {"relief": "*", "candidates": "400", RATE: "—", SHARE: "—"},
        "Total": {"relief": "554", "candidates": "820", RATE: "67.6%", SHARE: "100.0%"},
    }


def test_group_figures_refuse_a_group_named_like_the_total_row():
    with pytest.raises(ValueError, match="total_label"):
        suppress_group_figures({"Total": {"candidates": 30, "relief": 20}})
    assert "Total" in suppress_group_figures({"Total": {"candidates": 30, "relief": 20}}, total_label="All groups")


def test_exact_value_reads_back_only_what_is_shown_exactly():
    assert [exact_value(t) for t in ("120", "0", "<11", "*", "—", "1,200", "²")] == [
        120,
        0,
        None,
        None,
        None,
        None,
        None,
    ]
