"""Server-side SVG charts for the Reports screen and the printed summary report.

A chart is a string of SVG and the same figures as table rows; ``cases/partials/_chart.html``
shows both, so neither colour nor bar length is ever the only way to read a figure (UX.md,
"Everywhere"). The SVG carries no script, no external resource and no inline CSS (the page's
Content-Security-Policy allows none of them); it scales to its container through ``viewBox``.

Labels come from DOJ data (court names, race descriptions), so every label and value is escaped
with ``django.utils.html.escape`` before the string is marked safe, after characters that XML
forbids are dropped. Output is deterministic: the same input gives the same string.

Charts draw exact figures. A published report, whose tables are suppressed, must chart only the
cells its tables show exactly (``suppression.exact_value``): a bar's length would reveal a
suppressed count.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.choices import Outcome

#: The recommendation colours used across the app (review queue, case page, packets).
OUTCOME_COLORS: Mapping[str, str] = MappingProxyType(
    {
        Outcome.DISMISS_AND_SEAL.value: "#1d6b3a",
        Outcome.REDUCE_TO_MISDEMEANOR.value: "#1f4e8c",
        # Lighter than misdemeanor so the two reductions stay apart when stacked side by side.
        Outcome.REDUCE_TO_INFRACTION.value: "#5b84c4",
        Outcome.NOT_ELIGIBLE.value: "#6b7280",
        Outcome.NEEDS_REVIEW.value: "#8a5a00",
    }
)
#: Plain-language names for the legend when a stacked chart's series are outcome codes.
OUTCOME_LABELS: Mapping[str, str] = MappingProxyType({o.value: str(o.label) for o in Outcome})

# Geometry, in viewBox units (the SVG is drawn WIDTH wide and scaled to its container).
WIDTH = 640
PAD = 8
GAP = 6  # between a label and the thing it labels
ROW_HEIGHT = 26
BAR_HEIGHT = 16
MAX_LABEL_WIDTH = 200  # a longer category label is cut with an ellipsis
AXIS_HEIGHT = 24
LEGEND_ROW_HEIGHT = 22
LEGEND_SWATCH = 12
LEGEND_ITEM_GAP = 18
NOTE_HEIGHT = 22
NO_DATA_HEIGHT = 40
FONT_SIZE = 13
SMALL_FONT_SIZE = 12
# Moves a text's baseline down from the row's middle so the glyphs look centred; SVG's
# dominant-baseline is not honoured by every renderer (WeasyPrint ignores it).
BASELINE_SHIFT = 0.35
SEGMENT_TEXT_PADDING = 3  # each side of a value written inside a stacked segment
FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
PERCENT_TICKS = (0, 25, 50, 75, 100)

# Colours: text ones meet WCAG AA (4.5:1) on white; BAR_COLOR is the app's accent.
INK = "#1d2430"
MUTED = "#5b6472"
GRID = "#e3e7ec"
BASELINE = "#9aa3af"
BAR_COLOR = "#1f4e8c"
WHITE = "#ffffff"
BLACK = "#000000"
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.1 AA, normal-size text

ELLIPSIS = "…"
NO_DATA = "No data to show"
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF): a DOJ
# field can hold them, and one would make the whole SVG unparseable.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Advance widths of printable ASCII (U+0020 to U+007E) in DejaVu Sans, in thousandths of an em,
# read from DejaVuSans.ttf. It is the widest font of FONT_FAMILY, so a label that fits in it fits
# in the others. There is no font to measure with on the server; this estimate is enough to cut
# labels and to leave room for values.
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER_WIDTH = 1000  # anything else: assume a full em (CJK glyphs are), erring on the safe side


@dataclass(frozen=True)
class Chart:
    """A chart and its accessible table: ``table_rows`` hold the same figures, formatted."""

    title: str
    svg: SafeString
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    max_bars: int = 30,
    label_header: str = "",
    chart_id: str | None = None,
) -> Chart:
    """Horizontal bars scaled to the largest value, the value written at each bar's end.

    ``unit`` is either a word naming what is counted ("convictions": it heads the table's value
    column and bars show bare numbers) or a symbol written after each value ("%"). Only the
    first ``max_bars`` rows are drawn, in the order given; the table lists them all.
    """
    data = _checked_rows(rows)
    if max_bars < 1:
        raise ValueError("max_bars must be at least 1")
    is_word = unit[:1].isalpha()
    suffix = "" if is_word else unit
    texts = [format_number(value) + suffix for _label, value in data]
    table = tuple((label, text) for (label, _value), text in zip(data, texts, strict=True))
    headers = (label_header or title, unit[:1].upper() + unit[1:] if is_word else "Value")
    ident = _chart_id(chart_id, "bar", title, data, unit, max_bars)

    largest = max((value for _label, value in data), default=0.0)
    if largest == 0:
        desc = f"{NO_DATA}: {'every value is zero' if data else 'there are no categories'}."
        return Chart(title, _no_data_svg(ident, title, desc), headers, table)

    shown = data[:max_bars]
    biggest = max(data, key=lambda row: row[1])
    desc = (
        f"Horizontal bar chart of {_count(len(data), 'category', 'categories')}. "
        f"Largest: {biggest[0]}, {format_number(biggest[1])}{' ' + unit if is_word else suffix}. "
        "The table with this chart lists every value."
    )
    layout = _Layout.for_rows([label for label, _value in shown], texts[: len(shown)], top=PAD)
    body = [layout.baseline(len(shown))]
    for index, ((label, value), text) in enumerate(zip(shown, texts, strict=False)):
        body.append(layout.bar_row(index, label, value / largest, text, BAR_COLOR))
    height = layout.bottom(len(shown))
    if len(data) > len(shown):
        note = f"Showing the first {len(shown)} of {len(data)}; the table lists all."
        body.append(_note(note, height))
        height += NOTE_HEIGHT
    return Chart(title, _svg(ident, title, desc, height + PAD, body), headers, table)


def rate_chart(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    max_bars: int = 30,
    label_header: str = "",
    chart_id: str | None = None,
) -> Chart:
    """Percentages from 0 to 100 (relief rate by race, gender, age band) on a 0 to 100% axis.

    Unlike ``bar_chart`` a rate of zero is drawn: the scale is fixed, and 0% is a finding.
    """
    data = _checked_rows(rows)
    if max_bars < 1:
        raise ValueError("max_bars must be at least 1")
    for label, value in data:
        if value > 100:
            raise ValueError(f"A rate is a percentage from 0 to 100; {label!r} has {value}")
    texts = [f"{value:.1f}%" for _label, value in data]
    table = tuple((label, text) for (label, _value), text in zip(data, texts, strict=True))
    headers = (label_header or title, "Rate")
    ident = _chart_id(chart_id, "rate", title, data, max_bars)
    if not data:
        return Chart(title, _no_data_svg(ident, title, f"{NO_DATA}: there are no groups."), headers, table)

    shown = data[:max_bars]
    highest = max(data, key=lambda row: row[1])
    lowest = min(data, key=lambda row: row[1])
    desc = (
        f"Horizontal bars on a scale from 0 to 100 percent, {_count(len(data), 'group', 'groups')}. "
        f"Highest: {highest[0]}, {highest[1]:.1f}%. Lowest: {lowest[0]}, {lowest[1]:.1f}%. "
        "The table with this chart lists every rate."
    )
    layout = _Layout.for_rows([label for label, _value in shown], [*texts[: len(shown)], "100%"], top=PAD)
    body = [layout.grid(len(shown)), layout.baseline(len(shown))]
    for index, ((label, value), text) in enumerate(zip(shown, texts, strict=False)):
        body.append(layout.bar_row(index, label, value / 100, text, BAR_COLOR))
    height = layout.bottom(len(shown))
    body.append(layout.axis(height))
    height += AXIS_HEIGHT
    if len(data) > len(shown):
        body.append(_note(f"Showing the first {len(shown)} of {len(data)}; the table lists all.", height))
        height += NOTE_HEIGHT
    return Chart(title, _svg(ident, title, desc, height + PAD, body), headers, table)


def stacked_bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    *,
    series_order: Sequence[str],
    colors: Mapping[str, str],
    percent: bool = False,
    series_labels: Mapping[str, str] | None = None,
    label_header: str = "",
    chart_id: str | None = None,
) -> Chart:
    """One horizontal bar per row, split into series (outcomes by court, by conviction year).

    Absolute by default: bars are scaled to the largest row total, which is written at the end.
    With ``percent=True`` every bar is full width and shows each series' share, on a 0 to 100% axis.
    Segments are stacked in ``series_order``, the legend lists the series in that order, and a
    segment wide enough for it carries its value. Series keys are shown through
    ``series_labels``, then ``OUTCOME_LABELS``, else as they are.
    """
    order = tuple(series_order)
    if not order or len(set(order)) != len(order):
        raise ValueError("series_order must name each series once")
    names = {key: _series_label(key, series_labels) for key in order}
    fills: dict[str, str] = {}
    for key in order:
        color = colors.get(key)
        if color is None or not _HEX_COLOR.fullmatch(color):
            raise ValueError(f"Series {key!r} needs a colour written #rrggbb, not {color!r}")
        fills[key] = color.lower()

    matrix: list[tuple[str, tuple[float, ...]]] = []
    for label, series in rows:
        by_key = dict.fromkeys(order, 0.0)
        seen: set[str] = set()
        for key, value in series:
            if key not in by_key or key in seen:
                raise ValueError(f"Row {label!r}: series {key!r} is unknown or given twice")
            seen.add(key)
            by_key[key] = _checked_value(label, value)
        matrix.append((str(label), tuple(by_key[key] for key in order)))

    totals = [sum(values) for _label, values in matrix]
    headers = (label_header or title, *(names[key] for key in order), "Total")
    table = tuple(
        (
            label,
            *(_share_text(value, total) if percent else format_number(value) for value in values),
            format_number(total),
        )
        for (label, values), total in zip(matrix, totals, strict=True)
    )
    ident = _chart_id(chart_id, "stacked", title, matrix, order, sorted(fills.items()), percent, sorted(names.items()))
    top_total = max(totals, default=0.0)
    if top_total == 0:
        desc = f"{NO_DATA}: {'every value is zero' if matrix else 'there are no rows'}."
        return Chart(title, _no_data_svg(ident, title, desc), headers, table)

    legend, legend_height = _legend([(names[key], fills[key]) for key in order])
    desc = (
        f"Stacked horizontal bars, {_count(len(matrix), 'row', 'rows')}, each split into "
        f"{', '.join(names[key] for key in order)}"
        f"{', as shares of the row total' if percent else ''}. "
        "The table with this chart lists every value."
    )
    total_texts = [format_number(total) for total in totals]
    layout = _Layout.for_rows([label for label, _values in matrix], total_texts, top=PAD + legend_height)
    body = [*legend]
    if percent:
        body.append(layout.grid(len(matrix)))
    body.append(layout.baseline(len(matrix)))
    for index, ((label, values), total, total_text) in enumerate(zip(matrix, totals, total_texts, strict=True)):
        scale = total if percent else top_total
        segments = []
        offset = 0.0
        for key, value in zip(order, values, strict=True):
            if value == 0:
                continue
            share = 100 * value / total
            inside = f"{share:.0f}%" if percent else format_number(value)
            tooltip = f"{label}: {names[key]}, {format_number(value)} ({share:.1f}%)"
            segments.append((offset / scale, value / scale, fills[key], inside, tooltip))
            offset += value
        body.append(layout.stacked_row(index, label, segments, f"{total_text} total", total_text))
    height = layout.bottom(len(matrix))
    if percent:
        body.append(layout.axis(height))
        height += AXIS_HEIGHT
    return Chart(title, _svg(ident, title, desc, height + PAD, body), headers, table)


def format_number(value: float) -> str:
    """Whole numbers with thousands separators; anything else to one decimal place."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of ``text``'s width at ``size`` in the widest font of FONT_FAMILY."""
    return size * sum(_char_width(ch) for ch in text) / 1000


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio between two #rrggbb colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_color_on(fill: str) -> str | None:
    """White, the app's ink or black, whichever first meets AA on ``fill``; None if none does."""
    for candidate in (WHITE, INK, BLACK):
        if contrast_ratio(candidate, fill) >= MIN_TEXT_CONTRAST:
            return candidate
    return None


# Layout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where labels end, where bars start and how wide they may grow, for one chart."""

    x0: float  # the bars' left edge; category labels end GAP before it
    span: float  # the width of a full-length bar
    top: float  # the first row's top edge

    @classmethod
    def for_rows(cls, labels: Sequence[str], end_texts: Sequence[str], *, top: float) -> _Layout:
        label_width = min(MAX_LABEL_WIDTH, max((text_width(_clean(label)) for label in labels), default=0))
        x0 = PAD + math.ceil(label_width) + GAP
        # Capped so that an absurdly long value cannot squeeze the bars out; it would run off the edge.
        end_width = GAP + math.ceil(min(WIDTH / 3, max((text_width(text) for text in end_texts), default=0)))
        return cls(x0=x0, span=WIDTH - PAD - end_width - x0, top=top)

    def bottom(self, rows: int) -> float:
        return self.top + rows * ROW_HEIGHT

    def _text_y(self, index: int) -> float:
        return self.top + index * ROW_HEIGHT + ROW_HEIGHT / 2 + FONT_SIZE * BASELINE_SHIFT

    def _bar_y(self, index: int) -> float:
        return self.top + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2

    def _label(self, index: int, label: str) -> str:
        shown = fit_text(_clean(label), self.x0 - GAP - PAD)
        return (
            f'<g class="label"><title>{_esc(label)}</title>'
            f'<text x="{_n(self.x0 - GAP)}" y="{_n(self._text_y(index))}" text-anchor="end">{_esc(shown)}</text></g>'
        )

    def baseline(self, rows: int) -> str:
        return (
            f'<line x1="{_n(self.x0)}" y1="{_n(self.top)}" x2="{_n(self.x0)}" y2="{_n(self.bottom(rows))}" '
            f'stroke="{BASELINE}" stroke-width="1"/>'
        )

    def bar_row(self, index: int, label: str, fraction: float, text: str, color: str) -> str:
        length = self.span * fraction
        parts = [f'<g class="bar-row"><title>{_esc(label)}: {_esc(text)}</title>', self._label(index, label)]
        if length > 0:
            parts.append(
                f'<rect class="bar" x="{_n(self.x0)}" y="{_n(self._bar_y(index))}" width="{_n(length)}" '
                f'height="{BAR_HEIGHT}" fill="{color}"/>'
            )
        parts.append(
            f'<text class="value" x="{_n(self.x0 + length + GAP)}" y="{_n(self._text_y(index))}">{_esc(text)}</text>'
        )
        parts.append("</g>")
        return "".join(parts)

    def stacked_row(
        self,
        index: int,
        label: str,
        segments: Sequence[tuple[float, float, str, str, str]],
        end_tooltip: str,
        end_text: str,
    ) -> str:
        """``segments`` are (start, length) as fractions of a full bar, fill, inside text, tooltip."""
        bar_y = self._bar_y(index)
        parts = ['<g class="bar-row">', self._label(index, label)]
        end = 0.0
        for start, length, fill, inside, tooltip in segments:
            x, width = self.x0 + self.span * start, self.span * length
            end = max(end, start + length)
            parts.append(f'<g class="segment"><title>{_esc(tooltip)}</title>')
            # A white hairline between segments keeps neighbours apart without relying on hue.
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(bar_y)}" width="{_n(width)}" height="{BAR_HEIGHT}" fill="{fill}" '
                f'stroke="{WHITE}" stroke-width="1"/>'
            )
            ink = text_color_on(fill)
            if ink is not None and text_width(inside, SMALL_FONT_SIZE) + 2 * SEGMENT_TEXT_PADDING <= width:
                parts.append(
                    f'<text x="{_n(x + width / 2)}" y="{_n(self._text_y(index))}" text-anchor="middle" '
                    f'font-size="{SMALL_FONT_SIZE}" fill="{ink}">{_esc(inside)}</text>'
                )
            parts.append("</g>")
        parts.append(
            f'<g class="total"><title>{_esc(label)}: {_esc(end_tooltip)}</title>'
            f'<text class="value" x="{_n(self.x0 + self.span * end + GAP)}" y="{_n(self._text_y(index))}">'
            f"{_esc(end_text)}</text></g>"
        )
        parts.append("</g>")
        return "".join(parts)

    def grid(self, rows: int) -> str:
        lines = [
            f'<line x1="{_n(x)}" y1="{_n(self.top)}" x2="{_n(x)}" y2="{_n(self.bottom(rows))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            for x in (self.x0 + self.span * tick / 100 for tick in PERCENT_TICKS[1:])
        ]
        return f'<g class="grid">{"".join(lines)}</g>'

    def axis(self, y: float) -> str:
        ticks = [
            f'<text x="{_n(self.x0 + self.span * tick / 100)}" y="{_n(y + SMALL_FONT_SIZE + 2)}" '
            f'text-anchor="middle" font-size="{SMALL_FONT_SIZE}" fill="{MUTED}">{tick}%</text>'
            for tick in PERCENT_TICKS
        ]
        return (
            f'<g class="axis"><line x1="{_n(self.x0)}" y1="{_n(y)}" x2="{_n(self.x0 + self.span)}" y2="{_n(y)}" '
            f'stroke="{BASELINE}" stroke-width="1"/>{"".join(ticks)}</g>'
        )


def _legend(items: Sequence[tuple[str, str]]) -> tuple[list[str], float]:
    """A swatch and a name per series, left to right, wrapping; returns the parts and height."""
    parts = []
    x, row = float(PAD), 0
    for name, fill in items:
        width = LEGEND_SWATCH + GAP + text_width(_clean(name))
        if x > PAD and x + width > WIDTH - PAD:
            x, row = float(PAD), row + 1
        y = PAD + row * LEGEND_ROW_HEIGHT
        parts.append(
            f'<g class="legend-item"><rect x="{_n(x)}" y="{_n(y + (LEGEND_ROW_HEIGHT - LEGEND_SWATCH) / 2)}" '
            f'width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}" fill="{fill}"/>'
            f'<text x="{_n(x + LEGEND_SWATCH + GAP)}" y="{_n(y + LEGEND_ROW_HEIGHT / 2 + FONT_SIZE * BASELINE_SHIFT)}">'
            f"{_esc(name)}</text></g>"
        )
        x += width + LEGEND_ITEM_GAP
    height = (row + 1) * LEGEND_ROW_HEIGHT if items else 0
    return [f'<g class="legend">{"".join(parts)}</g>'], height


def _note(text: str, y: float) -> str:
    return (
        f'<text class="note" x="{PAD}" y="{_n(y + NOTE_HEIGHT / 2 + SMALL_FONT_SIZE * BASELINE_SHIFT)}" '
        f'font-size="{SMALL_FONT_SIZE}" fill="{MUTED}">{_esc(text)}</text>'
    )


def _svg(ident: str, title: str, desc: str, height: float, body: Sequence[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart-svg" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{ident}-title">{_esc(title)}</title><desc id="{ident}-desc">{_esc(desc)}</desc>'
    )
    # Every piece of text in head and body went through _esc (escape); numbers and colours are ours.
    return mark_safe("\n".join([head, *body, "</svg>"]))


def _no_data_svg(ident: str, title: str, desc: str) -> SafeString:
    text = (
        f'<text x="{WIDTH // 2}" y="{_n(NO_DATA_HEIGHT / 2 + FONT_SIZE * BASELINE_SHIFT)}" text-anchor="middle" '
        f'fill="{MUTED}">{_esc(NO_DATA)}</text>'
    )
    return _svg(ident, title, desc, NO_DATA_HEIGHT, [text])


# Small helpers ------------------------------------------------------------------------------


def fit_text(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` itself if it fits in ``width``, else as much as fits followed by an ellipsis."""
    if text_width(text, size) <= width:
        return text
    budget = width - text_width(ELLIPSIS, size)
    kept, used = [], 0.0
    for ch in text:
        used += text_width(ch, size)
        if used > budget:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + ELLIPSIS


def _checked_rows(rows: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(str(label), _checked_value(label, value)) for label, value in rows]


def _checked_value(label: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"Chart values must be finite and not negative; {label!r} has {value!r}")
    return number


def _series_label(key: str, labels: Mapping[str, str] | None) -> str:
    if labels is not None and key in labels:
        return labels[key]
    return OUTCOME_LABELS.get(key, key)


def _share_text(value: float, total: float) -> str:
    if total == 0:
        return format_number(value)
    return f"{format_number(value)} ({100 * value / total:.1f}%)"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _chart_id(given: str | None, *parts: object) -> str:
    """The caller's id, or one derived from the chart's content: stable, and distinct per chart."""
    if given is not None:
        if not _CHART_ID.fullmatch(given):
            raise ValueError(f"A chart id is a letter then letters, digits, '-' or '_'; not {given!r}")
        return given
    return "chart-" + hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _clean(text: str) -> str:
    """Drop characters XML forbids and fold runs of whitespace (a newline in a court name)."""
    return " ".join(_XML_ILLEGAL.sub("", text).split())


def _esc(text: str) -> str:
    return str(escape(_clean(text)))


def _n(value: float) -> str:
    """A coordinate, rounded to hundredths and written without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _char_width(ch: str) -> int:
    code = ord(ch)
    if 0x20 <= code <= 0x7E:
        return _ASCII_WIDTHS[code - 0x20]
    return _OTHER_WIDTH


def _luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
