"""Table rows as aligned text: one run of text per printed line instead of a box per cell.

WeasyPrint lays out and draws each table cell as a box of its own, and a box costs far more
than the few words in it: an exhibit row of eleven cells took about 10 ms to lay out, the same
row as one line of text takes well under 1 ms.

The columns line up because the advance width of every glyph of the bundled fonts is read
here from the font files: where a cell's text ends is known before WeasyPrint lays it out, and
the gap to the next column's left edge is filled with space characters of known widths (em,
en, thin, hair spaces...) to within `TOLERANCE` font units, a few hundredths of a point. Each
column is aimed at from the exact position reached, so errors do not add up along a line.
(Tab characters would be simpler, but WeasyPrint 66 draws a tab 2.4% wider than it lays it
out, so columns reached by tabs drift to the right.)

That holds under conditions the `.tabbed` rule of `_print.css` sets, and which
`tests/documents/test_columns.py` checks against the PDF WeasyPrint writes:

- `white-space: pre`: no wrapping (cells are wrapped here, to their column's width);
- `font-kerning: none; font-variant-ligatures: none`: a line is as wide as its glyphs' advances;
- the font size in whole CSS px (9pt = 12px, 12pt = 16px), the size given to `TabLayout`.

A character the fonts lack is drawn by a fallback font of unknown width; it is counted as a
full em so that its cell is wrapped early rather than overflowing into the next column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from cases.documents.render import FONTS_DIR

#: The font files behind `font-weight: normal` and `bold` in `_print.css`.
FONT_FILES = {"normal": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf"}

#: Space characters that fill the gaps between columns, widest first: em, en, three-per-em,
#: four-per-em, thin, six-per-em and hair spaces. They are real glyphs of the font.
SPACES = "\u2003\u2002\u2004\u2005\u2009\u2006\u200a"
#: How far (in font units, 1/2048 em) a column may start from its edge: < 0.1pt at 9pt.
TOLERANCE = 20


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font, in font units."""

    advances: Mapping[str, int]
    units_per_em: int
    #: Widths already added up: cells repeat (dates, sections, reliefs), and so do words.
    _known: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def units(self, text: str) -> int:
        """The advance of `text` in font units (a missing character counts as one em)."""
        known = self._known.get(text)
        if known is None:
            advances, em = self.advances, self.units_per_em
            known = sum([advances.get(char, em) for char in text])
            if len(self._known) > 500_000:  # bounded: names and case numbers rarely repeat
                self._known.clear()
            self._known[text] = known
        return known

    @cached_property
    def _space_table(self) -> tuple[tuple[str, int], ...]:
        table = _space_table(tuple(self.advances[char] for char in SPACES))
        return tuple((spaces, self.units(spaces)) for spaces in table)

    def spaces(self, gap: float) -> tuple[str, int]:
        """Space characters as wide as `gap` font units (within `TOLERANCE`), and their width."""
        em = self.advances[SPACES[0]]
        # Whole em spaces for the bulk; the last stretch (one to two ems) from the table.
        bulk = max(0, int(gap // em) - 1)
        spaces, width = self._space_table[round(gap - bulk * em)]
        return SPACES[0] * bulk + spaces, bulk * em + width


@lru_cache(maxsize=4)
def _space_table(widths: tuple[int, ...]) -> tuple[str, ...]:
    """For each width up to two ems, the fewest spaces that come within `TOLERANCE` of it.

    Below an em or two the few sums of spaces leave holes wider than the tolerance; there the
    nearest sum is taken (at most 34 units off with Liberation Serif's spaces: 0.15pt at 9pt).
    """
    unreachable = 1 << 30
    limit = 2 * widths[0] + 2 * widths[-1]
    fewest: list[tuple[int, str]] = [(0, "")] + [(unreachable, "")] * limit
    for total in range(1, limit + 1):
        for char, width in zip(SPACES, widths, strict=True):
            if width <= total and fewest[total - width][0] + 1 < fewest[total][0]:
                fewest[total] = (fewest[total - width][0] + 1, fewest[total - width][1] + char)
    table = []
    for wanted in range(2 * widths[0] + 1):
        for window in (TOLERANCE, widths[-1]):
            candidates = [
                # Within the tolerance, fewer spaces win; beyond it, the nearer sum wins.
                (max(abs(total - wanted), TOLERANCE), fewest[total][0], abs(total - wanted), fewest[total][1])
                for total in range(max(0, wanted - window), wanted + window + 1)
                if fewest[total][0] != unreachable
            ]
            if candidates:
                table.append(min(candidates)[3])
                break
        else:
            table.append("")  # narrower than the narrowest space: nothing to fill
    return tuple(table)


@lru_cache(maxsize=4)
def font_metrics(weight: str = "normal") -> FontMetrics:
    font = TTFont(FONTS_DIR / FONT_FILES[weight], lazy=True)
    try:
        metrics = font["hmtx"].metrics
        advances = {chr(code): metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        if any(char not in advances for char in SPACES):
            raise ValueError(f"{FONT_FILES[weight]} lacks the space characters columns are filled with")
        return FontMetrics(advances=advances, units_per_em=font["head"].unitsPerEm)
    finally:
        font.close()


def clean(text: str) -> str:
    """Text on one line: tabs, newlines and runs of spaces become single spaces."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Column:
    """A column: its heading and its width in `TabLayout.unit_px` (the gap after it included)."""

    heading: str
    units: int


@dataclass(frozen=True)
class TabLayout:
    """Columns of text at `font_px` CSS px, each `units` times `unit_px` wide.

    A cell is wrapped to its column's width less `gap_px`, so that at least that much space
    separates it from the next column.
    """

    columns: tuple[Column, ...]
    font_px: int
    unit_px: int
    gap_px: int
    weight: str = "normal"
    #: Cells already wrapped (dates, sections and reliefs repeat on every row).
    _known: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if self.font_px <= 0:
            raise ValueError("the font size must be a positive number of px")
        if any(column.units * self.unit_px <= self.gap_px for column in self.columns):
            raise ValueError("every column must be wider than the gap")

    @property
    def width_px(self) -> int:
        return sum(column.units for column in self.columns) * self.unit_px

    def bold(self) -> TabLayout:
        """The same columns in bold (for headings)."""
        return TabLayout(self.columns, self.font_px, self.unit_px, self.gap_px, weight="bold")

    def text_width_px(self, text: str) -> float:
        metrics = font_metrics(self.weight)
        return metrics.units(text) * self.font_px / metrics.units_per_em

    def wrap(self, text: str, units: int) -> list[str]:
        """`text` broken into lines that fit `units` less the gap (at least one line).

        A newline in `text` starts a new line; lines also break at spaces, and a word wider
        than the column is broken between characters.
        """
        return list(self._wrapped(text, units))

    def _wrapped(self, text: str, units: int) -> tuple[str, ...]:
        known = self._known.get((text, units))
        if known is None:
            known = tuple(line for paragraph in text.split("\n") for line in self._wrap_paragraph(paragraph, units))
            if len(self._known) > 100_000:  # bounded: most cells that repeat are short and few
                self._known.clear()
            self._known[text, units] = known
        return known

    def _wrap_paragraph(self, text: str, units: int) -> list[str]:
        metrics = font_metrics(self.weight)
        # Compare in font units times px: integers, so no rounding can tip a decision.
        limit = (units * self.unit_px - self.gap_px) * metrics.units_per_em
        text = clean(text)
        if metrics.units(text) * self.font_px <= limit:  # most cells fit on one line
            return [text]
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if metrics.units(candidate) * self.font_px <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while metrics.units(word) * self.font_px > limit:
                cut = 1
                while cut < len(word) and metrics.units(word[: cut + 1]) * self.font_px <= limit:
                    cut += 1
                # Rather after a comma or hyphen ("LAST," / "FIRST M") than inside a name.
                mark = max(word.rfind(",", 0, cut), word.rfind("-", 0, cut))
                cut = mark + 1 if mark > 0 else cut
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
        return lines

    def lines(self, cells: Sequence[str]) -> str:
        """One row: each cell wrapped to its column, the lines joined by newlines.

        Line n of the row holds line n of every cell that has one, each at its column's edge.
        """
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        wrapped = [self._wrapped(cell, column.units) for cell, column in zip(cells, self.columns, strict=True)]
        height = max(len(cell_lines) for cell_lines in wrapped)
        return "\n".join(
            self._line([cell_lines[n] if n < len(cell_lines) else "" for cell_lines in wrapped]) for n in range(height)
        )

    def _line(self, texts: Sequence[str]) -> str:
        metrics = font_metrics(self.weight)
        parts: list[str] = []
        position = 0  # font units
        edge_px = 0
        for text, column in zip(texts, self.columns, strict=True):
            if text:
                gap = edge_px * metrics.units_per_em / self.font_px - position
                if gap < -TOLERANCE:  # wrap() keeps a gap, so this cannot happen
                    raise AssertionError("a cell overflowed its column")
                spaces, width = metrics.spaces(gap) if gap > TOLERANCE else ("", 0)
                parts.append(spaces + text)
                position += width + metrics.units(text)
            edge_px += column.units * self.unit_px
        return "".join(parts)

    def heading(self) -> str:
        """The column headings as a row, in this layout's weight."""
        return self.lines([column.heading for column in self.columns])
