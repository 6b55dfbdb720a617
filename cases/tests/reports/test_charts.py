"""Server-side SVG charts (UX.md, Reports): valid, accessible, escaped, proportional, deterministic. No database."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.choices import Outcome
from cases.reports import charts
from cases.reports.charts import (
    MIN_TEXT_CONTRAST,
    NO_DATA,
    OUTCOME_COLORS,
    Chart,
    bar_chart,
    contrast_ratio,
    rate_chart,
    stacked_bar_chart,
    text_color_on,
)

SVG = "{http://www.w3.org/2000/svg}"
ORDER = [o.value for o in Outcome]
_fast = settings(max_examples=150, deadline=None)

labels = st.text(max_size=80)
values = st.floats(min_value=0, max_value=1e7, allow_nan=False)


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def attr(element: ET.Element | None, name: str) -> str:
    assert element is not None
    value = element.get(name)
    assert value is not None, f"{element.tag} has no {name}"
    return value


def bars(root: ET.Element) -> list[float]:
    """The drawn length of each row's bar, in row order (0 where nothing is drawn)."""
    found = []
    for row in root.iter(f"{SVG}g"):
        if row.get("class") == "bar-row":
            rect = row.find(f"{SVG}rect")
            found.append(float(attr(rect, "width")) if rect is not None else 0.0)
    return found


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def stacked(rows, **options):
    return stacked_bar_chart(
        "By court",
        [(label, list(zip(ORDER, counts, strict=False))) for label, counts in rows],
        series_order=ORDER,
        colors=OUTCOME_COLORS,
        **options,
    )


def every_kind() -> list[Chart]:
    return [
        bar_chart("Recommendations", [("Dismiss and seal", 120), ("Not eligible", 30)], unit="convictions"),
        rate_chart("Relief rate by gender", [("Female", 62.5), ("Male", 58.1)]),
        stacked([("Alameda", [40, 10, 2, 5, 1]), ("Oakland", [12, 3, 0, 0, 4])]),
        stacked([("2010", [40, 10, 2, 5, 1])], percent=True),
    ]


# Valid, accessible, self-contained ----------------------------------------------------------


@pytest.mark.parametrize("chart", every_kind(), ids=["bar", "rate", "stacked", "stacked-percent"])
def test_each_chart_is_an_accessible_svg_labelled_by_its_own_title_and_description(chart):
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", attr(root, "viewBox"))
    title_id, desc_id = attr(root, "aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text


@pytest.mark.parametrize("chart", every_kind(), ids=["bar", "rate", "stacked", "stacked-percent"])
def test_a_chart_has_no_script_and_loads_nothing(chart):
    root = parse(chart)
    assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("foreignObject")]
    assert not [name for e in root.iter() for name in e.attrib if name.endswith("href") or name.startswith("on")]
    assert "url(" not in str(chart.svg)
    assert "style" not in str(chart.svg)  # the page's Content-Security-Policy refuses inline styles


def test_a_label_like_a_script_tag_is_escaped_never_raw():
    label = '<script>alert("x")</script> & Sons'
    for chart in (
        bar_chart("Courts", [(label, 5)]),
        rate_chart("Rates", [(label, 50)]),
        stacked([(label, [1, 2, 3, 4, 5])]),
        bar_chart(label, [("A", 1)]),
    ):
        assert "<script" not in chart.svg
        assert "&lt;script&gt;" in chart.svg
        root = parse(chart)
        assert any(t.startswith(label) for t in titles(root))  # the reader sees the text itself


@_fast
@given(st.lists(st.tuples(labels, values), max_size=8), labels)
def test_any_labels_and_values_give_a_parseable_svg(rows, title):
    """Even control characters, which XML forbids and DOJ fields can hold."""
    for chart in (bar_chart(title, rows), rate_chart(title, [(label, value % 100) for label, value in rows])):
        root = parse(chart)
        written = root.find(f"{SVG}title").text or ""
        assert [ch for ch in title if ch.isalnum()] == [ch for ch in written if ch.isalnum()]


# Bars ---------------------------------------------------------------------------------------


@_fast
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any))
def test_bar_lengths_are_proportional_to_the_values(counts):
    root = parse(bar_chart("Counts", [(f"Row {n}", value) for n, value in enumerate(counts)]))
    lengths = bars(root)
    full = max(lengths)
    for value, length in zip(counts, lengths, strict=True):
        assert length == pytest.approx(full * value / max(counts), abs=0.01)


def test_each_bar_has_its_value_written_at_its_end():
    root = parse(bar_chart("Recommendations", [("Dismiss and seal", 1834), ("Not eligible", 311.5)]))
    assert "1,834" in texts(root)
    assert "311.5" in texts(root)


def test_a_chart_of_zeros_or_of_nothing_draws_no_bar_but_says_so():
    for chart in (bar_chart("Review", [("Pending", 0), ("Approved", 0)]), bar_chart("Review", [])):
        root = parse(chart)
        assert root.find(f".//{SVG}rect") is None
        assert NO_DATA in texts(root)
    assert bar_chart("Review", [("Pending", 0)]).table_rows == (("Pending", "0"),)


def test_a_long_label_is_cut_with_an_ellipsis_and_kept_whole_in_a_title():
    court = "SUPERIOR COURT OF CALIFORNIA, COUNTY OF LOS ANGELES - CLARA SHORTRIDGE FOLTZ CRIMINAL JUSTICE CENTER"
    root = parse(bar_chart("By court", [(court, 12), ("SF", 3)]))
    written = [t for t in texts(root) if t.startswith("SUPERIOR")]
    assert len(written) == 1 and written[0].endswith("…") and len(written[0]) < len(court)
    assert court in titles(root)
    assert "SF" in texts(root)  # a short label is left alone


def test_only_the_first_max_bars_are_drawn_and_the_table_lists_all():
    rows = [(f"Court {n}", n + 1) for n in range(40)]
    chart = bar_chart("By court", rows, max_bars=30)
    assert len(bars(parse(chart))) == 30
    assert len(chart.table_rows) == 40
    assert any("first 30 of 40" in t for t in texts(parse(chart)))


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        bar_chart("Counts", [("A", -1)])
    with pytest.raises(ValueError):
        bar_chart("Counts", [("A", float("nan"))])
    with pytest.raises(ValueError):
        rate_chart("Rates", [("A", 100.1)])


# Rates --------------------------------------------------------------------------------------


def test_a_rate_chart_has_a_0_to_100_axis_and_scales_to_100_not_to_the_largest_rate():
    root = parse(rate_chart("Relief rate by race", [("Black", 50.0), ("White", 25.0), ("Unknown", 0.0)]))
    assert [t for t in texts(root) if t.endswith("%") and t[:-1].isdigit()] == ["0%", "25%", "50%", "75%", "100%"]
    half, quarter, zero = bars(root)
    axis = root.find(f".//{SVG}g[@class='axis']/{SVG}line")
    assert half == pytest.approx((float(attr(axis, "x2")) - float(attr(axis, "x1"))) / 2, abs=0.01)
    assert quarter == pytest.approx(half / 2, abs=0.01)
    assert zero == 0
    assert "0.0%" in texts(root)  # a zero rate is a finding, written


# Stacked bars -------------------------------------------------------------------------------


def segments(root: ET.Element) -> list[list[tuple[float, str]]]:
    """Per row: (width, fill) of each segment, left to right."""
    found = []
    for row in root.iter(f"{SVG}g"):
        if row.get("class") == "bar-row":
            found.append(
                [
                    (float(attr(g.find(f"{SVG}rect"), "width")), attr(g.find(f"{SVG}rect"), "fill"))
                    for g in row.iter(f"{SVG}g")
                    if g.get("class") == "segment"
                ]
            )
    return found


def test_stacked_segments_follow_the_series_order_in_outcome_colours_and_in_proportion():
    root = parse(stacked([("Alameda", [40, 10, 0, 20, 10]), ("Oakland", [20, 0, 0, 0, 0])]))
    alameda, oakland = segments(root)
    assert [fill for _w, fill in alameda] == [OUTCOME_COLORS[o] for o in ORDER if o != Outcome.REDUCE_TO_INFRACTION]
    unit = oakland[0][0] / 20
    assert [w for w, _f in alameda] == pytest.approx([40 * unit, 10 * unit, 20 * unit, 10 * unit], abs=0.01)


def test_the_legend_names_each_outcome_in_plain_language():
    root = parse(stacked([("Alameda", [1, 2, 3, 4, 5])]))
    legend = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for t in g.iter(f"{SVG}text")]
    assert legend == [
        "Dismiss and seal",
        "Reduce to misdemeanor",
        "Reduce to infraction",
        "Not eligible",
        "Needs review",
    ]


def test_percent_bars_are_all_full_width_and_label_shares():
    chart = stacked([("2010", [30, 10, 0, 0, 0]), ("2011", [5, 5, 0, 0, 0])], percent=True)
    root = parse(chart)
    widths = [sum(w for w, _f in row) for row in segments(root)]
    assert widths[0] == pytest.approx(widths[1], abs=0.02)
    assert "75%" in texts(root)
    assert chart.table_rows[0] == ("2010", "30 (75.0%)", "10 (25.0%)", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)", "40")


def test_a_stacked_chart_refuses_an_unknown_series_or_a_missing_colour():
    with pytest.raises(ValueError, match="unknown"):
        stacked_bar_chart("X", [("A", [("typo", 1.0)])], series_order=ORDER, colors=OUTCOME_COLORS)
    with pytest.raises(ValueError, match="colour"):
        stacked_bar_chart("X", [("A", [("a", 1.0)])], series_order=["a"], colors={"a": "green"})


def test_a_stacked_chart_of_zeros_says_there_is_no_data():
    root = parse(stacked([("Alameda", [0, 0, 0, 0, 0])]))
    assert root.find(f".//{SVG}rect") is None
    assert NO_DATA in texts(root)


# Colours ------------------------------------------------------------------------------------


def test_the_outcome_colours_are_the_apps():
    assert dict(OUTCOME_COLORS) == {
        "dismiss_and_seal": "#1d6b3a",
        "reduce_to_misdemeanor": "#1f4e8c",
        "reduce_to_infraction": "#5b84c4",
        "not_eligible": "#6b7280",
        "needs_review": "#8a5a00",
    }
    assert set(OUTCOME_COLORS) == set(ORDER)


def test_every_text_colour_meets_wcag_aa_on_what_it_is_written_on():
    for text in (charts.INK, charts.MUTED):
        assert contrast_ratio(text, charts.WHITE) >= MIN_TEXT_CONTRAST
    for background in OUTCOME_COLORS.values():
        chosen = text_color_on(background)
        assert chosen is not None and contrast_ratio(chosen, background) >= MIN_TEXT_CONTRAST
    root = parse(stacked([("Alameda", [400, 300, 200, 300, 200])]))
    for segment in root.iter(f"{SVG}g"):
        if segment.get("class") == "segment" and segment.find(f"{SVG}text") is not None:
            fill, ink = attr(segment.find(f"{SVG}rect"), "fill"), attr(segment.find(f"{SVG}text"), "fill")
            assert contrast_ratio(ink, fill) >= MIN_TEXT_CONTRAST


# Same data, same string; the table is the data -----------------------------------------------


@_fast
@given(st.lists(st.tuples(labels, values), max_size=6))
def test_the_same_input_gives_the_same_string(rows):
    assert bar_chart("A", rows).svg == bar_chart("A", list(rows)).svg
    assert (
        rate_chart("A", [(lb, v % 100) for lb, v in rows]).svg == rate_chart("A", [(lb, v % 100) for lb, v in rows]).svg
    )


def test_two_different_charts_have_different_ids():
    first, second = parse(bar_chart("Race", [("A", 1)])), parse(bar_chart("Gender", [("A", 1)]))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    assert parse(bar_chart("Race", [("A", 1)], chart_id="race")).get("aria-labelledby") == "race-title race-desc"


def test_the_table_rows_are_the_data():
    rows = [("Dismiss and seal", 1834.0), ("Not eligible", 0.0), ("Needs review", 12.5)]
    chart = bar_chart("Recommendations", rows, unit="convictions", label_header="Recommendation")
    assert chart.table_headers == ("Recommendation", "Convictions")
    assert chart.table_rows == (("Dismiss and seal", "1,834"), ("Not eligible", "0"), ("Needs review", "12.5"))
    assert rate_chart("Rates", [("Female", 62.5)]).table_rows == (("Female", "62.5%"),)
    assert bar_chart("Share", [("A", 40)], unit="%").table_rows == (("A", "40%"),)
    chart = stacked([("Alameda", [40, 10, 2, 5, 1])])
    assert chart.table_headers == (
        "By court",
        "Dismiss and seal",
        "Reduce to misdemeanor",
        "Reduce to infraction",
        "Not eligible",
        "Needs review",
        "Total",
    )
    assert chart.table_rows == (("Alameda", "40", "10", "2", "5", "1", "58"),)


# The partial ----------------------------------------------------------------------------------


def test_the_partial_shows_the_chart_with_a_caption_and_an_accessible_table():
    chart = bar_chart("Courts", [("<b>Oakland</b>", 12)], label_header="Court")
    html = render_to_string("cases/partials/_chart.html", {"chart": chart})
    assert '<figure class="chart">' in html
    assert "<figcaption><strong>Courts</strong></figcaption>" in html
    assert str(chart.svg) in html  # once, as SVG, not escaped again
    assert "<details open>" in html
    assert '<caption class="visually-hidden">Courts</caption>' in html
    assert '<th scope="col">Court</th>' in html
    assert '<th scope="row">&lt;b&gt;Oakland&lt;/b&gt;</th>' in html
    assert '<td class="num">12</td>' in html
    assert "<b>Oakland" not in html
