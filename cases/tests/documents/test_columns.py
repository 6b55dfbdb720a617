"""Aligned columns without table cells: the arithmetic, and where WeasyPrint really draws them."""

from __future__ import annotations

import random
import re
import subprocess
from html import unescape
from typing import Any

import pytest

from cases.documents import DocumentKind, document_spec, render_pdf
from cases.documents.columns import SPACES, TOLERANCE, Column, TabLayout, font_metrics
from cases.documents.paperwork import PER_CASE_LAYOUT, ExhibitTable, TabTable, _exhibit_layout
from cases.tests.documents import samples

_RUN = re.compile(f"[{SPACES}]+")


def _cells(line: str, layout: TabLayout) -> list[tuple[float, str]]:
    """(x in px from the line's start, text) of each cell of a composed line."""
    metrics = font_metrics(layout.weight)
    result = []
    position = 0
    for index, part in enumerate(_RUN.split(line)):
        if index:
            position += metrics.units(_RUN.findall(line)[index - 1])
        result.append((position * layout.font_px / metrics.units_per_em, part))
        position += metrics.units(part)
    return result


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_every_cell_starts_at_its_column_edge(weight):
    layout = TabLayout(
        tuple(Column(f"c{n}", units) for n, units in enumerate((10, 8, 22, 9, 8, 9, 9, 9, 11, 11, 8))),
        font_px=12,
        unit_px=8,
        gap_px=6,
        weight=weight,
    )
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz0123456789,.;:()-'/&§—"
    rng = random.Random(7)
    edges = [sum(column.units for column in layout.columns[:n]) * layout.unit_px for n in range(len(layout.columns))]
    tolerance_px = 34 * layout.font_px / 2048  # the widest miss of the space table (see _space_table)
    for _ in range(300):
        cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in layout.columns]
        for line in layout.lines(cells).split("\n"):
            for x, text in _cells(line, layout):
                nearest = min(edges, key=lambda edge: abs(edge - x))
                assert abs(nearest - x) <= tolerance_px, (line, text)
                assert layout.text_width_px(text) <= layout.columns[edges.index(nearest)].units * 8 - 6


def test_a_cell_wraps_inside_its_column_and_breaks_names_after_a_comma_or_hyphen():
    layout = _exhibit_layout(relief_heading="Relief", show_court=True)  # the name column is narrow here

    lines = layout.wrap("HERNANDEZ-GUTIERREZ,MARIA DEL CARMEN\nAKA GUTIERREZ,MARIA; CRUZ,MARIA E", 12)

    assert lines == ["HERNANDEZ-", "GUTIERREZ,", "MARIA DEL", "CARMEN", "AKA", "GUTIERREZ,", "MARIA;", "CRUZ,MARIA E"]
    # Nothing is lost, and a word with no comma or hyphen is broken between letters.
    assert layout.wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF", 12) == ["ABCDEFGHIJKL", "MNOPQRSTUV", "WXYZABCDEF"]
    assert all(layout.text_width_px(line) <= 12 * 8 - 6 for line in lines)


def test_the_space_table_misses_by_a_fraction_of_a_point():
    metrics = font_metrics()
    worst = 0
    for gap in range(700, 9000, 7):
        spaces, width = metrics.spaces(gap)
        assert metrics.units(spaces) == width
        worst = max(worst, abs(width - gap))
    assert worst <= 34  # font units: 0.15pt at 9pt
    assert metrics.spaces(10 * 2048 + 5)[1] == pytest.approx(10 * 2048 + 5, abs=TOLERANCE)


def _words(pdf: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x, y, word) of every word pdftotext finds, x and y of the glyph origin in pt."""
    xml = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = []
    for page, body in enumerate(xml.split("<page ")[1:], start=1):
        for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', body):
            words.append((page, float(x), float(y), unescape(text)))
    return words


def _assert_drawn_where_composed(pdf: bytes, lines: list[str], layout: TabLayout, left_pt: float) -> None:
    """Each cell of each composed line is drawn at the x the composition says.

    To 0.3pt: WeasyPrint truncates each advance to 1/1000 em as it writes it, a few hundredths
    of a point along a line (a tab, by contrast, is written 2.4% too wide, which puts columns
    points off).
    """
    words = _words(pdf)
    by_first_word: dict[str, list[float]] = {}
    for _, x, _, text in words:
        by_first_word.setdefault(text, []).append(x)
    checked = 0
    for line in lines:
        for x_px, text in _cells(line, layout):
            if not text:
                continue
            first = text.split(" ")[0]
            expected = left_pt + x_px * 0.75
            assert any(abs(x - expected) < 0.3 for x in by_first_word.get(first, [])), (first, expected, line)
            checked += 1
    assert checked > len(lines)


def test_the_exhibit_columns_are_drawn_where_they_were_composed():
    rows = [row for row in samples.many_rows(150) if row.sealed]
    spec = document_spec(DocumentKind.SEALED_EXHIBIT, samples.INFO, rows)
    table = spec.context["table"]
    assert isinstance(table, ExhibitTable)
    layout = _exhibit_layout(relief_heading="Relief", show_court=False)
    lines = [line for row in table.rows for line in row.split("\n")]

    pdf = render_pdf(*spec)

    # Landscape exhibit: 0.75in margin plus the rows' 2pt padding.
    _assert_drawn_where_composed(pdf, lines, layout, left_pt=54 + 2)
    _assert_drawn_where_composed(pdf, table.head.split("\n"), layout.bold(), left_pt=54 + 2)


def test_the_per_case_listing_is_drawn_where_it_was_composed():
    case = [row for row in samples.mixed_rows() if row.court_case_number == "F10"]
    spec = document_spec(DocumentKind.PER_CASE_MOTION_AND_ORDER, samples.INFO, case)
    cases: Any = spec.context["cases"]
    listing = cases[0]["listing"]
    assert isinstance(listing, TabTable)

    pdf = render_pdf(*spec)

    _assert_drawn_where_composed(pdf, [line for row in listing.rows for line in row.split("\n")], PER_CASE_LAYOUT, 72)
    _assert_drawn_where_composed(pdf, listing.head.split("\n"), PER_CASE_LAYOUT.bold(), 72)
