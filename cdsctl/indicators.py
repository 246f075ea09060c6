"""Where each indicator stands as of a date D: latest actual, its target, on track, trend.

Periods (spec §3: ``2022``, ``2022-Q2``, ``2022-H1``, ``2022-05``) are ordered by their
END date, and periods ending on the same day by form, shortest first: month < quarter <
half-year < year.  So ``2023-05`` < ``2023-06`` < ``2023-Q2`` < ``2023-H1`` < ``2023-Q3``
and ``2023-Q4`` < ``2023-H2`` < ``2023``: of two figures covering the same end date, the
one over the longer period (the year's) is the later, more complete word.

Readings the spec leaves open, settled here:

* an actual counts on D once it is known (spec 1.1): from its ``date`` (when it was measured
  or published) if it has one, else once its period has ended — on the period's last day
  (a 2024-Q1 rate is not known on 2024-02-15; it is on 2024-03-31);
* the target of an actual is the target for the same period, else the next later target
  (``2025`` for an actual of ``2023``); targets are plans, so they all count whatever D is;
* with no actual yet, the target shown is the first one whose period has not ended by D;
* when a period is listed twice, the later entry wins (a corrected figure or a revised target)
  — of the actuals known on D: a correction published after D does not hide the first figure;
* on track: ``better: lower`` (a rank) means actual ≤ target, ``higher`` actual ≥ target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from .dates.iso import period_span
from .model import Indicator, Measure, Records

#: tie-break between periods ending on the same day: the longer period is the later word
_FORM_RANK = {"month": 0, "quarter": 1, "half-year": 2, "year": 3}


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A reporting period; instances compare by (end date, form rank), see the module doc."""

    end: date
    rank: int
    start: date
    text: str


def parse_period(text: str) -> Period:
    """``2022``, ``2022-Q2``, ``2022-H1`` or ``2022-05`` as a :class:`Period`."""
    span = period_span(text)
    if span is None:
        raise ValueError(f"not a period: {text!r} (2022, 2022-Q2, 2022-H1 or 2022-05; "
                         "years run from 0001 to 9999)")  # fmt: skip
    form, start, end = span
    return Period(end, _FORM_RANK[form], start, text)


def _placed(measures: Iterable[Measure]) -> Iterator[tuple[Period, Measure]]:
    """Each measure with its period; one whose period is not in the calendar (year 0000) is
    left out: it has no place in time."""
    for measure in measures:
        try:
            yield parse_period(measure.period), measure
        except ValueError:
            continue


def _by_period(placed: Iterable[tuple[Period, Measure]]) -> list[tuple[Period, Measure]]:
    """Measures in period order, one per period (the later entry of a repeated period wins)."""
    latest: dict[Period, Measure] = dict(placed)
    return sorted(latest.items(), key=lambda item: item[0])


@dataclass(frozen=True, slots=True)
class Standing:
    """One indicator as of D: its latest and previous actual and the target that applies."""

    indicator: Indicator
    actual: tuple[Period, Measure] | None
    previous: tuple[Period, Measure] | None
    target: tuple[Period, Measure] | None

    @property
    def on_track(self) -> bool | None:
        """Actual against target, respecting `better`; None without both."""
        if self.actual is None or self.target is None:
            return None
        return _at_least_as_good(self.indicator.better, self.actual[1].value, self.target[1].value)

    @property
    def change(self) -> float | None:
        """Latest actual minus the previous one (rounded off float noise)."""
        if self.actual is None or self.previous is None:
            return None
        return _tidy(self.actual[1].value - self.previous[1].value)

    @property
    def trend(self) -> str | None:
        """``better``, ``worse`` or ``same`` than the previous actual, respecting `better`."""
        change = self.change
        if change is None:
            return None
        if change == 0:
            return "same"
        improved = change < 0 if self.indicator.better == "lower" else change > 0
        return "better" if improved else "worse"


def _at_least_as_good(better: str, value: float, target: float) -> bool:
    return value <= target if better == "lower" else value >= target


def _tidy(number: float) -> float:
    """52.1 - 27.8 is 24.300000000000004 in binary floats; show 24.3."""
    rounded = round(number, 9)
    return int(rounded) if rounded == int(rounded) else rounded


def standing(indicator: Indicator, as_of: date) -> Standing:
    """Where one indicator stands on `as_of` (see the module doc for the rules)."""
    actuals = _by_period((p, m) for p, m in _placed(indicator.actuals) if known(p, m, as_of))
    targets = _by_period(_placed(indicator.targets))
    actual = actuals[-1] if actuals else None
    previous = actuals[-2] if len(actuals) > 1 else None
    return Standing(indicator, actual, previous, _target_for(targets, actual, as_of))


def known(period: Period, actual: Measure, as_of: date) -> bool:
    """Whether an actual is known on `as_of`: dated by then, or, undated, its period ended."""
    return (actual.date if actual.date is not None else period.end) <= as_of


def _target_for(targets: list[tuple[Period, Measure]], actual: tuple[Period, Measure] | None,
                as_of: date) -> tuple[Period, Measure] | None:  # fmt: skip
    """The target of the actual's period, else the next later one; with no actual, the
    first target whose period has not ended by D."""
    if actual is None:
        return next(((p, m) for p, m in targets if p.end >= as_of), None)
    return next(((p, m) for p, m in targets if p >= actual[0]), None)


def standings(records: Records, as_of: date) -> list[Standing]:
    """Every indicator's standing on `as_of`, by indicator id."""
    return [standing(records.indicators[i], as_of) for i in sorted(records.indicators)]


def indicator_row(s: Standing) -> dict[str, Any]:
    """One item of `cdsctl indicators --format json`."""
    ind = s.indicator
    return {"id": ind.id, "name": ind.name, "unit": ind.unit, "better": ind.better,
            "period": s.actual[0].text if s.actual else None,
            "actual": s.actual[1].value if s.actual else None,
            "target": s.target[1].value if s.target else None,
            "target_period": s.target[0].text if s.target else None,
            "on_track": s.on_track,
            "previous_period": s.previous[0].text if s.previous else None,
            "previous": s.previous[1].value if s.previous else None,
            "change": s.change, "trend": s.trend}  # fmt: skip


def indicator_rows(records: Records, as_of: date) -> list[dict[str, Any]]:
    """The rows of `cdsctl indicators`, sorted by indicator id."""
    return [indicator_row(s) for s in standings(records, as_of)]
