"""The site's charts as inline SVG drawn here in Python: bars per agency, an indicator's lines
over periods, a column per month.  No script, nothing fetched, no font or style of their own.

Each chart is a string of SVG that parses as XML: every text from the records is escaped (and
a character XML cannot hold is replaced by U+FFFD).  The `<svg>` is named by its `<title>` and
described by a `<desc>` that gives the numbers in words.  Its ids come from a hash of the
chart's inputs (or `id_prefix`), so equal inputs give byte-identical markup: the site rewrites
only the pages that changed.  Two equal charts on one page need an `id_prefix` each.

The look is that of the rendered documents (templates/_charts.html.j2): text #111, bars and
actuals #1f4e79, targets #9b1c1c, every colour of WCAG AA contrast on white (text 4.5:1,
bars and lines 3:1; tests/test_site_charts.py computes them).  Text inherits the page's font;
the width is a 720-unit viewBox that the page's CSS scales (`svg.chart` in assets/site.css).
Numbers are written as the page's language writes them: `87,5%`, `1.234` in Vietnamese.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from ..i18n import _, current

WIDTH = 720
INK = "#111111"
MUTED = "#4d4d4d"
LINK = "#1d70b8"
GRID = "#8a8a8a"
BAR = "#1f4e79"
#: the lines of a line chart in turn; each is also the colour its values are written in
LINES = ("#1f4e79", "#9b1c1c", "#1b5e20", "#6a3d9a", "#8a4b08")
LABEL_SIZE = 14
SMALL = 13
#: a bar chart's label column (labels wrap by words to fit), and the height of one line in it
LABEL_WIDTH = 272
LINE_HEIGHT = 17
#: a line chart's plot area, left and right (tick labels stand left of it)
LEFT, RIGHT, INSET = 64, WIDTH - 16, 24

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: the full label, the value (None: no figure), a link, a note
    written after the value (`7/8 tasks`)."""

    label: str
    value: float | None
    href: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Series:
    """One line of a line chart: (period label, value) points; dashed for targets."""

    name: str
    points: Sequence[tuple[str, float]]
    dashed: bool = False


# -- the charts ----------------------------------------------------------------------------------


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "%",
              maximum: float | None = 100.0, id_prefix: str | None = None) -> str:  # fmt: skip
    """Horizontal bars, one row per bar: the label in full on the left (wrapped onto more lines
    when long), the bar, its value at the bar's end ("—" and no bar for none).  A bar with an
    `href` is a link.  The scale runs from 0 to `maximum` (None: the largest value, rounded up);
    values beyond it fill the row."""
    ident = _ident(id_prefix, "bars", title, unit, maximum, tuple(bars))
    if not bars:
        return _empty(ident, title)
    ticks = _ticks(0.0, maximum if maximum is not None else _largest(b.value for b in bars))
    shown_values = [_value_text(b, unit) for b in bars]
    value_width = min(260.0, max(60.0, *(_width(t, SMALL) + 10 for t in shown_values)))
    x0 = LABEL_WIDTH + 12
    scale = _Scale(x0, WIDTH - x0 - value_width, ticks[-1])
    rows, y = [], 8.0
    for bar in bars:
        lines = _wrap(bar.label, LABEL_WIDTH, LABEL_SIZE)
        height = max(28.0, len(lines) * LINE_HEIGHT + 10)
        rows.append(_bar_row(bar, lines, y, height, scale, unit))
        y += height
    body = [*_bar_grid(ticks, scale, y, unit), *rows]
    desc = "; ".join(f"{b.label}: {_said(b, t)}" for b, t in zip(bars, shown_values, strict=True))
    role = "group" if any(b.href for b in bars) else "img"
    return _svg(ident, y + 26, title, desc, body, role)


def line_chart(series: Sequence[Series], *, title: str, unit: str | None,
               better: str = "higher", labels: Sequence[str] | None = None,
               id_prefix: str | None = None) -> str:  # fmt: skip
    """Lines over periods: solid with dots for actuals, dashed with squares for targets, each
    point's value written beside it, a legend above.  The x axis is `labels` (default: every
    period in order of first appearance); a series may miss some.  With `better="lower"` (a
    rank) the y axis is upside down, so that up is always better, and a caption says so."""
    if better not in ("higher", "lower"):
        raise ValueError(f"better must be 'higher' or 'lower', not {better!r}")
    periods = list(dict.fromkeys(labels if labels is not None else _periods(series)))
    ident = _ident(id_prefix, "lines", title, unit, better, periods, tuple(series))
    values = [v for s in series for _p, v in _known(s, periods).items()]
    if not values:
        return _empty(ident, title)
    legend, legend_height = _legend(series)
    ticks = _ticks(*_y_range(values))
    top = legend_height + 40
    frame = _Frame(len(periods), ticks[0], ticks[-1], top, top + 200, better == "lower")
    body = [*legend, *_line_grid(frame, ticks, unit)]
    for index, one in enumerate(series):
        body += _series_marks(one, LINES[index % len(LINES)], frame, periods, unit)
    xs = [frame.x(i) for i in range(len(periods))]
    names, used = _axis_labels(xs, periods, frame.bottom + 34, (RIGHT - LEFT) / len(periods))
    height = frame.bottom + 34 + used
    desc = ". ".join(_series_words(s, periods, unit) for s in series)
    if frame.flipped:
        caption = _("Lower is better: the axis is upside down, so that up is always better.")
        names.append(_text(0, height + 6, caption, fill=MUTED, extra=' font-style="italic"'))
        height += 16
        desc += ". " + caption
    return _svg(ident, height + 4, title, desc, body + names)


def trend(values: Sequence[tuple[str, int]], *, title: str, id_prefix: str | None = None) -> str:
    """A small column chart: one column per label (a month), its count written above it."""
    ident = _ident(id_prefix, "trend", title, tuple(values))
    if not values:
        return _empty(ident, title)
    high = max(1, *(count for _label, count in values))
    slot = (WIDTH - 16) / len(values)
    column = min(slot * 0.6, 48)
    top, bottom = 22.0, 150.0
    xs = [8 + slot * (i + 0.5) for i in range(len(values))]
    body = [_line(8, bottom, WIDTH - 8, bottom, MUTED)]
    for x, (_label, count) in zip(xs, values, strict=True):
        height = (bottom - top) * max(count, 0) / high
        if height > 0:
            body.append(_rect(x - column / 2, bottom - height, column, height, BAR))
        body.append(_text(x, bottom - height - 6, _number(count), anchor="middle"))
    names, used = _axis_labels(xs, [label for label, _n in values], bottom + 18, slot)
    desc = "; ".join(f"{label}: {_number(count)}" for label, count in values)
    return _svg(ident, bottom + 18 + used, title, desc, body + names)


# -- numbers as the page's language writes them --------------------------------------------------


def shown(value: float | None, unit: str | None = None) -> str:
    """A value as the charts write it: `87,5%`, `1.234 hồ sơ` in Vietnamese, `87.5%` in
    English; "—" for none (or a value that is not a finite number)."""
    if value is None or not math.isfinite(value):
        return "—"
    text = _number(value)
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def _number(value: float) -> str:
    """Two decimals below 10, one from 10 up, no trailing zeros; thousands grouped."""
    digits = 2 if abs(value) < 10 else 1
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if current() == "vi":  # 1,234.5 → 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _said(bar: Bar, text: str) -> str:
    """A bar's value in the chart's description: "no figure" in words rather than "—"."""
    if bar.value is None or not math.isfinite(bar.value):
        none = _("no figure")
        return f"{none} · {bar.note}" if bar.note else none
    return text


def _value_text(bar: Bar, unit: str) -> str:
    text = shown(bar.value, unit)
    return f"{text} · {bar.note}" if bar.note else text


# -- the parts of the bar chart ------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    """Where a bar chart's bars start, how long the longest may be, and the value it means."""

    x0: float
    span: float
    top: float

    def x(self, value: float) -> float:
        return self.x0 + self.span * min(max(value, 0.0), self.top) / self.top


def _bar_grid(ticks: Sequence[float], scale: _Scale, bottom: float, unit: str) -> list[str]:
    """Dashed lines at the ticks across every row, and the ticks' values under them."""
    parts = [_line(scale.x(t), 4, scale.x(t), bottom, GRID, ' stroke-dasharray="2 3"')
             for t in ticks]  # fmt: skip
    for t in ticks:
        label = shown(t, unit if unit == "%" else None)
        parts.append(_text(scale.x(t), bottom + 16, label, anchor="middle"))
    return parts


def _bar_row(bar: Bar, lines: Sequence[str], top: float, height: float, scale: _Scale,
             unit: str) -> str:  # fmt: skip
    """One row: its label's lines, its bar and its value; all inside a link when it has one."""
    middle = top + height / 2
    first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 4.5
    look = f' fill="{LINK}" text-decoration="underline"' if bar.href else f' fill="{INK}"'
    spans = "".join(f'<tspan x="0" y="{_n(first + i * LINE_HEIGHT)}">{_esc(line)}</tspan>'
                    for i, line in enumerate(lines))  # fmt: skip
    parts = [f'<text font-size="{LABEL_SIZE}"{look}>{spans}</text>']
    value = bar.value if bar.value is not None and math.isfinite(bar.value) else None
    end = scale.x0 if value is None else scale.x(value)
    if end > scale.x0:
        parts.append(_rect(scale.x0, middle - 8, end - scale.x0, 16, BAR))
    note = f'<tspan fill="{MUTED}"> · {_esc(bar.note)}</tspan>' if bar.note else ""
    parts.append(f'<text x="{_n(end + 6)}" y="{_n(middle + 4.5)}" font-size="{SMALL}" '
                 f'fill="{INK}">{_esc(shown(value, unit))}{note}</text>')  # fmt: skip
    if not bar.href:
        return "\n".join(parts)
    area = (f'<rect x="0" y="{_n(top)}" width="{WIDTH}" height="{_n(height)}" fill="none" '
            f'pointer-events="all"/>')  # fmt: skip
    return "\n".join([f'<a href="{_attr(bar.href)}">', area, *parts, "</a>"])


def _largest(values: Iterable[float | None]) -> float:
    known = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    return max(known, default=1.0)


# -- the parts of the line chart -----------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """A line chart's plot area: where period `index` and value `value` stand."""

    count: int
    low: float
    high: float
    top: float
    bottom: float
    flipped: bool  # lower is better: the lowest value at the top

    def x(self, index: int) -> float:
        if self.count == 1:
            return (LEFT + RIGHT) / 2
        return LEFT + INSET + index * (RIGHT - LEFT - 2 * INSET) / (self.count - 1)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.top + share * (self.bottom - self.top) if self.flipped else \
            self.bottom - share * (self.bottom - self.top)  # fmt: skip


def _periods(series: Sequence[Series]) -> list[str]:
    """Every period of the series, in the order they first appear."""
    return list(dict.fromkeys(p for s in series for p, _v in s.points))


def _known(series: Series, periods: Sequence[str]) -> dict[str, float]:
    """The series' finite values at the chart's periods (the last one given for a period)."""
    wanted = set(periods)
    return {p: float(v) for p, v in series.points if p in wanted and math.isfinite(v)}


def _y_range(values: Sequence[float]) -> tuple[float, float]:
    """The values' range, from 0 when they are all well above it; never empty."""
    low, high = min(values), max(values)
    if 0 <= low <= 0.6 * high:
        low = 0.0
    if high - low <= 1e-9 * max(1.0, abs(high)):
        pad = abs(high) * 0.1 or 1.0
        low, high = (max(0.0, low - pad) if low >= 0 else low - pad), high + pad
    return low, high


def _legend(series: Sequence[Series]) -> tuple[list[str], float]:
    """Each series' line, marker and name, left to right (on more rows when wide)."""
    parts, x, y = [], 0.0, 14.0
    for index, one in enumerate(series):
        colour = LINES[index % len(LINES)]
        width = 36 + _width(one.name, SMALL) + 24
        if x > 0 and x + width > WIDTH:
            x, y = 0.0, y + 20
        dash = ' stroke-dasharray="6 4"' if one.dashed else ""
        parts.append(_line(x, y - 4, x + 28, y - 4, colour, f' stroke-width="2.5"{dash}'))
        parts.append(_marker(x + 14, y - 4, colour, one.dashed))
        parts.append(_text(x + 36, y, one.name))
        x += width
    return parts, y


def _line_grid(frame: _Frame, ticks: Sequence[float], unit: str | None) -> list[str]:
    """Dashed lines at the ticks, their values on the left, the unit above them."""
    parts = []
    if unit:
        parts.append(_text(0, frame.top - 20, unit, fill=MUTED))
    for t in ticks:
        y = frame.y(t)
        parts.append(_line(LEFT, y, RIGHT, y, GRID, ' stroke-dasharray="2 3"'))
        parts.append(_text(LEFT - 8, y + 4, _number(t), anchor="end"))
    return parts


def _series_marks(series: Series, colour: str, frame: _Frame, periods: Sequence[str],
                  unit: str | None) -> list[str]:  # fmt: skip
    """A series' line through its points, a marker at each, and each value: above an actual,
    below a target."""
    at = _known(series, periods)
    points = [(frame.x(i), frame.y(at[p]), at[p]) for i, p in enumerate(periods) if p in at]
    parts = []
    if len(points) > 1:
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        line = " ".join(f"{_n(x)},{_n(y)}" for x, y, _v in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.5"{dash}/>')  # fmt: skip
    for x, y, value in points:
        parts.append(_marker(x, y, colour, series.dashed))
        label = shown(value, unit if unit == "%" else None)
        parts.append(_text(x, y + (18 if series.dashed else -9), label, fill=colour,
                           anchor="middle"))  # fmt: skip
    return parts


def _marker(x: float, y: float, colour: str, hollow: bool) -> str:
    """A dot for an actual, a hollow square for a target."""
    if not hollow:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}"/>'
    return (f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2"/>')  # fmt: skip


def _series_words(series: Series, periods: Sequence[str], unit: str | None) -> str:
    at = _known(series, periods)
    points = ", ".join(f"{p}: {shown(at[p], unit)}" for p in periods if p in at)
    return f"{series.name}: {points or '—'}"


# -- shared parts --------------------------------------------------------------------------------


def _ticks(low: float, high: float) -> list[float]:
    """Round values (steps of 1, 2, 2.5 or 5 × 10ⁿ) from at or below `low` to at or above
    `high`: 4 to 6 of them."""
    if not high - low > 1e-9 * max(1.0, abs(low)):  # (equal, to the digits shown)
        high = low + 1
    spread = high - low
    if not math.isfinite(spread):
        return [low, high]
    power = 10.0 ** math.floor(math.log10(spread / 4))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= spread / 4)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round((first + i) * step, 10) for i in range(last - first + 1)]


def _axis_labels(xs: Sequence[float], labels: Sequence[str], y: float,
                 slot: float) -> tuple[list[str], float]:  # fmt: skip
    """Labels centred under their x (kept inside the chart); on two staggered rows when two
    neighbours would touch.  Also the height they take."""
    widths = [_width(label, SMALL) for label in labels]
    stagger = any(a + b > 2 * slot - 8 for a, b in pairwise(widths))
    parts = []
    for i, (x, label) in enumerate(zip(xs, labels, strict=True)):
        x = min(max(x, widths[i] / 2), WIDTH - widths[i] / 2)
        parts.append(_text(x, y + (16 if stagger and i % 2 else 0), label, anchor="middle"))
    return parts, (32.0 if stagger else 16.0)


def _svg(ident: str, height: float, title: str, desc: str, body: Sequence[str],
         role: str = "img") -> str:  # fmt: skip
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
            f'viewBox="0 0 {WIDTH} {math.ceil(height)}" role="{role}" '
            f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
            f'font-family="inherit">')  # fmt: skip
    return "\n".join([head, f'<title id="{ident}-title">{_esc(title)}</title>',
                      f'<desc id="{ident}-desc">{_esc(desc)}</desc>', *body, "</svg>"])  # fmt: skip


def _empty(ident: str, title: str) -> str:
    """A chart with nothing to draw: says so."""
    nothing = _("Nothing to show.")
    return _svg(ident, 28, title, nothing, [_text(0, 18, nothing, fill=MUTED)])


def _ident(id_prefix: str | None, *inputs: object) -> str:
    """The chart's ids' prefix: `id_prefix`, else a hash of what the chart is drawn from."""
    if id_prefix:
        return _attr(id_prefix)
    digest = hashlib.sha256(repr(inputs).encode("utf-8", "backslashreplace")).hexdigest()
    return f"chart-{digest[:12]}"


def _text(x: float, y: float, text: str, *, fill: str = INK, anchor: str = "start",
          extra: str = "") -> str:  # fmt: skip
    align = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{SMALL}" fill="{fill}"{align}{extra}>'
            f"{_esc(text)}</text>")  # fmt: skip


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}"'
            f"{extra}/>")  # fmt: skip


def _rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{colour}"/>')  # fmt: skip


def _n(value: float) -> str:
    """A coordinate: at most one decimal, none when it is 0 (`12`, `12.5`)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _esc(text: object) -> str:
    """Text for SVG on one line: white space runs made one space, what XML cannot hold
    replaced by U+FFFD, the rest escaped (quotes too)."""
    return _attr(" ".join(str(text).split()))


def _attr(text: str) -> str:
    """An attribute's value, as it is (a link): escaped, what XML cannot hold replaced."""
    return escape(_NOT_XML.sub("\ufffd", text))


# -- laying out text without a font: widths in em, by the kind of letter ---------------------------

_NARROW = frozenset("iljtfrI.,:;!|'()[]/-·")
_WIDE = frozenset("mwMW%")


def _width(text: str, size: float) -> float:
    """About how wide `text` is at `size` px in a sans-serif font (Vietnamese letters count
    as their base letter)."""
    return size * sum(_em(unicodedata.normalize("NFD", c)[:1] or " ") for c in text)


def _em(char: str) -> float:
    if char.isspace():
        return 0.28
    if char in _NARROW:
        return 0.3
    if char in _WIDE:
        return 0.85
    if char.isupper():
        return 0.68
    return 0.56


def _wrap(text: str, width: float, size: float) -> list[str]:
    """`text` in lines no wider than `width`, broken between words.  Nothing is cut: a word
    wider than a line stands on a line of its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
