"""The site's SVG charts (cdsctl/site/charts.py): valid XML whatever the labels, every label
and value shown, escaping, byte-identical output for equal inputs, the axis turned upside
down for `better="lower"`, and every colour of WCAG AA contrast on white (the formula is
written out here, not taken from the code)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl import i18n
from cdsctl.site.charts import BAR, LINES, Bar, Series, bar_chart, line_chart, shown, trend

SVG = "{http://www.w3.org/2000/svg}"

AGENCIES = [
    Bar("Sở Thông tin và Truyền thông", 87.5, "agencies/STTTT.html"),
    Bar("Ủy ban nhân dân huyện Krông Pắc và các đơn vị sự nghiệp trực thuộc huyện", 45.25, None,
        "7/8 nhiệm vụ"),
    Bar("Sở Nội vụ", None),
    Bar("Sở Tài chính", 100),
    Bar("Công an tỉnh", 0),
]  # fmt: skip
DTI = [Series("Thực hiện", [("2021", 45), ("2022", 30), ("2023", 22)]),
       Series("Mục tiêu", [("2022", 35), ("2025", 10)], dashed=True)]  # fmt: skip


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    before = i18n.chosen()
    i18n.use("vi")
    yield
    i18n.use(*before)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    """The text of each <text> element (its tspans joined by a space, as lines are read)."""
    found = []
    for element in root.iter(f"{SVG}text"):
        spans = element.findall(f"{SVG}tspan")
        if spans and all(s.get("x") is not None for s in spans):  # lines of a label
            found.append(" ".join(s.text or "" for s in spans))
        else:
            found.append("".join(element.itertext()))
    return found


def title_and_desc(root: ET.Element) -> tuple[str, str]:
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    return title.text or "", desc.text or ""


# -- the bar chart -------------------------------------------------------------------------------


def test_bars_show_every_label_in_full_and_every_value() -> None:
    root = parse(bar_chart(AGENCIES, title="Tỷ lệ đúng hạn"))
    shown_texts = texts(root)
    for bar in AGENCIES:
        assert bar.label in shown_texts  # never cut: long labels are wrapped, whole
    for value in ("87,5%", "45,2% · 7/8 nhiệm vụ", "—", "100%", "0%"):
        assert value in shown_texts, value
    title, desc = title_and_desc(root)
    assert title == "Tỷ lệ đúng hạn"
    assert "Sở Nội vụ: chưa có số liệu" in desc or "Sở Nội vụ: no figure" in desc
    assert "Sở Thông tin và Truyền thông: 87,5%" in desc


def test_a_long_label_wraps_onto_lines_of_whole_words() -> None:
    root = parse(bar_chart(AGENCIES, title="t"))
    lines = [[s.text for s in t.findall(f"{SVG}tspan")] for t in root.iter(f"{SVG}text")]
    long = next(spans for spans in lines if len(spans) > 1)
    assert 2 <= len(long) <= 3
    assert " ".join(long) == AGENCIES[1].label


def test_no_figure_draws_no_bar_and_bars_scale_to_the_maximum() -> None:
    root = parse(bar_chart(AGENCIES, title="t"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == BAR]
    assert len(bars) == 3  # 87.5, 45.25, 100: none for None, none for 0
    widths = sorted(float(r.get("width", 0)) for r in bars)
    assert widths[-1] / widths[0] == pytest.approx(100 / 45.25, rel=0.01)
    over = parse(bar_chart([Bar("a", 250), Bar("b", 100)], title="t"))
    a, b = (float(r.get("width", 0)) for r in over.iter(f"{SVG}rect") if r.get("fill") == BAR)
    assert a == b  # beyond the maximum: the whole row, and the value says how much
    assert "250%" in texts(over)


def test_without_a_maximum_the_largest_value_sets_the_scale() -> None:
    root = parse(bar_chart([Bar("a", 1234), Bar("b", 617)], title="t", unit="hồ sơ",
                           maximum=None))  # fmt: skip
    assert {"1.234 hồ sơ", "617 hồ sơ"} <= set(texts(root))


def test_rows_with_a_page_are_links() -> None:
    root = parse(bar_chart(AGENCIES, title="t"))
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["agencies/STTTT.html"]
    assert "Sở Thông tin và Truyền thông" in texts(links[0])
    assert root.get("role") == "group"  # (an img's children are hidden: its links would be)
    assert parse(bar_chart([Bar("x", 1)], title="t")).get("role") == "img"


def test_labels_are_escaped() -> None:
    evil = '<script>alert("x")</script> & "Sở"'
    svg = bar_chart([Bar(evil, 50, href='a.html?x="1"&y=<2>', note="<b>")], title=evil)
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert evil in texts(root) and title_and_desc(root)[0] == evil
    assert next(root.iter(f"{SVG}a")).get("href") == 'a.html?x="1"&y=<2>'


def test_characters_xml_cannot_hold_are_replaced() -> None:
    root = parse(bar_chart([Bar("a\x00b\x08c\ud800", 1)], title="t\x1b"))
    assert "a\ufffdb\ufffdc\ufffd" in texts(root)


def test_english_numbers() -> None:
    i18n.use("en")
    root = parse(bar_chart([Bar("a", 87.5), Bar("b", None)], title="t"))
    assert {"87.5%", "—"} <= set(texts(root))
    assert "a: 87.5%; b: no figure" in title_and_desc(root)[1]


def test_equal_inputs_give_the_same_bytes_and_ids_differ_between_charts() -> None:
    first = bar_chart(AGENCIES, title="Tỷ lệ")
    assert first == bar_chart(list(AGENCIES), title="Tỷ lệ")
    other = bar_chart(AGENCIES, title="Tỷ lệ khác")
    ids = re.findall(r' id="([^"]+)"', first + other + line_chart(DTI, title="x", unit=None))
    assert len(ids) == len(set(ids)) == 6
    assert 'id="mine-title"' in bar_chart(AGENCIES, title="Tỷ lệ", id_prefix="mine")


def test_no_bars() -> None:
    root = parse(bar_chart([], title="t"))
    assert title_and_desc(root)[1] == i18n._("Nothing to show.")
    assert texts(root) == [i18n._("Nothing to show.")]


# -- the line chart ------------------------------------------------------------------------------


def _points(root: ET.Element) -> dict[str, float]:
    """Each actual's value (written just above its dot) → its height on the page (y grows
    downwards)."""
    values = [t for t in root.iter(f"{SVG}text") if t.get("fill") == LINES[0]
              and t.get("text-anchor") == "middle"]  # fmt: skip
    return {(v.text or ""): float(v.get("y", 0)) for v in values}


def test_better_lower_turns_the_axis_so_that_up_is_better() -> None:
    lower = parse(line_chart(DTI, title="DTI", unit=None, better="lower"))
    higher = parse(line_chart(DTI, title="DTI", unit=None, better="higher"))
    down, up = _points(lower), _points(higher)
    assert down["22"] < down["30"] < down["45"]  # rank 22 is best: highest on the page
    assert up["45"] < up["30"] < up["22"]
    caption = "Lower is better: the axis is upside down, so that up is always better."
    said = [caption, i18n._(caption)]
    assert any(c in texts(lower) for c in said) and not any(c in texts(higher) for c in said)
    assert any(c in title_and_desc(lower)[1] for c in said)


def test_line_chart_shows_names_periods_and_values() -> None:
    labels = ["2021", "2022", "2023", "2024", "2025"]
    root = parse(line_chart(DTI, title="DTI", unit=None, labels=labels))
    shown_texts = texts(root)
    assert {"Thực hiện", "Mục tiêu", *labels, "45", "30", "22", "35", "10"} <= set(shown_texts)
    xs = [float(t.get("x", 0)) for t in root.iter(f"{SVG}text") if t.text in labels]
    assert xs == sorted(xs) and len(xs) == 5
    dashed = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == 1 and dashed[0].get("stroke") == LINES[1]
    assert "Thực hiện: 2021: 45, 2022: 30, 2023: 22" in title_and_desc(root)[1]


def test_periods_default_to_their_first_appearance() -> None:
    series = [Series("a", [("2024-Q2", 1.5)]), Series("b", [("2024-Q1", 2), ("2024-Q2", 3)])]
    root = parse(line_chart(series, title="t", unit="%"))
    order = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").startswith("2024")]
    assert order == ["2024-Q2", "2024-Q1"]
    assert {"1,5%", "2%", "3%"} <= set(texts(root))


EDGES = {
    "one point": [Series("one", [("2023", 5.0)])],
    "equal values": [Series("flat", [("2021", 50.0), ("2022", 50.0), ("2023", 50.0)])],
    "zeros": [Series("zero", [("2021", 0.0), ("2022", 0.0)])],
    "missing points": [Series("gaps", [("2021", 1.0), ("2023", 3.0)]),
                       Series("t", [("2022", 2.0)], dashed=True)],
    "no points": [Series("none", [])],
    "no series": [],
}  # fmt: skip


@pytest.mark.parametrize("series", EDGES.values(), ids=EDGES.keys())
def test_line_chart_edge_cases(series: list[Series]) -> None:
    root = parse(line_chart(series, title="t", unit="%", labels=["2021", "2022", "2023"]))
    title_and_desc(root)
    for y in (float(c.get("cy", 0)) for c in root.iter(f"{SVG}circle")):
        assert 0 < y < float((root.get("viewBox") or "").split()[3])


def test_better_must_be_higher_or_lower() -> None:
    with pytest.raises(ValueError, match="better"):
        line_chart(DTI, title="t", unit=None, better="up")


# -- the trend -----------------------------------------------------------------------------------


def test_trend_has_a_column_per_month_with_its_count_and_label() -> None:
    months = [(f"{m}/2023", n) for m, n in zip(range(1, 13), [3, 5, 8, 13, 0, 21, 1234, 20, 10,
                                                               7, 2, 1], strict=True)]  # fmt: skip
    root = parse(trend([*months, ("30/6/2024", 4)], title="Quá hạn"))
    shown_texts = texts(root)
    for label, count in months:
        assert label in shown_texts and shown(count) in shown_texts
    assert "1.234" in shown_texts and "30/6/2024" in shown_texts
    columns = [r for r in root.iter(f"{SVG}rect")]
    assert len(columns) == 12  # the 0 has no column
    assert "1/2023: 3; 2/2023: 5" in title_and_desc(root)[1]
    assert parse(trend([], title="t")) is not None


# -- contrast ------------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str = "#ffffff") -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula() -> None:
    assert contrast("#000000") == pytest.approx(21)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)


def test_every_colour_has_aa_contrast_on_white() -> None:
    many = [Series(f"s{i}", [("2021", i), ("2022", i + 1)], dashed=i % 2 == 1) for i in range(6)]
    svg = "".join([bar_chart(AGENCIES, title="a"), line_chart(many, title="b", unit="%",
                   better="lower"), trend([("1/2023", 2), ("2/2023", 0)], title="c")])  # fmt: skip
    checked = 0
    for root in (parse(part + "</svg>") for part in svg.split("</svg>")[:-1]):
        for element in root.iter():
            is_text = element.tag in (f"{SVG}text", f"{SVG}tspan")
            for attribute in ("fill", "stroke"):
                colour = element.get(attribute)
                if colour in (None, "none"):
                    continue
                assert re.fullmatch(r"#[0-9a-f]{6}", colour or ""), colour
                if colour == "#ffffff":  # the paper, inside a marker drawn by its stroke
                    assert contrast(element.get("stroke", "#ffffff")) >= 3
                    continue
                need = 4.5 if is_text else 3.0
                assert contrast(colour or "") >= need, (element.tag, attribute, colour)
                checked += 1
    assert checked > 50


def test_text_takes_the_page_font_and_nothing_is_fetched() -> None:
    svg = bar_chart(AGENCIES, title="t") + line_chart(DTI, title="t", unit=None)
    assert svg.count('font-family="inherit"') == 2
    assert not re.search(r"(?:src|xlink:href|url)\s*[=(]", svg)
    assert "<script" not in svg and "<style" not in svg


# -- any input -----------------------------------------------------------------------------------

XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_shown(text: str) -> str:
    """What a label becomes on the chart: one line, what XML cannot hold replaced."""
    return XML_CHAR.sub("\ufffd", " ".join(text.split()))


values = st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**9), 10**9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(Bar, st.text(), values, st.none() | st.text(), st.none() | st.text()),
                max_size=12),
       st.none() | st.floats(min_value=0.001, max_value=1e9))  # fmt: skip
def test_any_bars_give_valid_svg_with_each_label(bars: list[Bar], maximum: float | None) -> None:
    root = parse(bar_chart(bars, title="t", maximum=maximum))
    shown_texts = texts(root)
    for bar in bars:
        assert as_shown(bar.label) in shown_texts


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False) | st.integers(-(10**6), 10**6)
period = st.text(min_size=1, max_size=12)


series_lists = st.lists(
    st.builds(Series, st.text(max_size=20), st.lists(st.tuples(period, finite), max_size=8),
              st.booleans()),
    max_size=5,
)  # fmt: skip
units = st.none() | st.sampled_from(["%", "hạng"])


@settings(max_examples=150, deadline=None)
@given(series_lists, st.sampled_from(["higher", "lower"]), units)
def test_any_series_give_valid_svg_with_each_name_and_period(
    series: list[Series], better: str, unit: str | None
) -> None:
    root = parse(line_chart(series, title="t", unit=unit, better=better))
    shown_texts = texts(root)
    if any(s.points for s in series):
        for one in series:
            assert as_shown(one.name) in shown_texts
            for label, _value in one.points:
                assert as_shown(label) in shown_texts


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=10), st.integers(-5, 10**7)), max_size=24))
def test_any_trend_gives_valid_svg_with_each_label(values: list[tuple[str, int]]) -> None:
    root = parse(trend(values, title="t"))
    shown_texts = texts(root)
    for label, count in values:
        assert as_shown(label) in shown_texts and shown(count) in shown_texts
