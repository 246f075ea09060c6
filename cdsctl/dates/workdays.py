"""The working-day calendar behind `due: {working_days: N}` (N working days after `issued`).

A working day is a Monday to Friday that is not a Vietnamese public holiday, or a weekend day
the government has swapped into a working day. Holidays and swaps come from the `holidays`
package (country VN, names in Vietnamese), which follows the Labour Code: Tết Dương lịch (1/1),
Tết Nguyên Đán by the lunar calendar (the civil-service days, e.g. 20–26/1/2023 and
8–14/2/2024), Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, 2/9 and the day beside it (from 2021),
and substitute days (nghỉ bù) when one of these falls on a weekend.

Swaps it knows (holidays 0.109), a weekday off and the Saturday worked for it:
2010, 2012, 2013, 2014, 27/12/2014 ↔ 2/1/2015, 2015, 5/1/2019 ↔ 31/12/2018, 2019,
2024 (29/4 off, Saturday 4/5 worked), 2025 (2/5 off, Saturday 26/4 worked) and
2026 (31/8 off, Saturday 22/8 worked). Other years' decisions, and the ones the
package does not know yet, are given to :class:`WorkCalendar` by the records repository.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache, partial
from typing import Any

# The name holiday_name gives a day off that only the records repository declares.
EXTRA_DAY_OFF = "Ngày nghỉ (theo lịch của kho hồ sơ)"

_SATURDAY = 5


#: each year's public holidays (by name) and weekend days worked, as the package gave them
#: (or as a snapshot kept them: :func:`preload`)
_YEARS: dict[int, tuple[dict[date, str], frozenset[date]]] = {}


def _public_holidays(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Vietnam's public holidays in `year` (by name) and its weekend days worked instead."""
    found = _YEARS.get(year)
    if found is None:
        days = _vietnam()(years=year, language="vi")
        worked = frozenset(d for d in days.weekend_workdays if d.year == year)
        found = _YEARS[year] = ({d: days[d] for d in days if d.year == year}, worked)
    return found


@cache
def _vietnam() -> Any:
    """The package's calendar of Vietnam (``holidays.country_holidays("VN", …)`` makes the
    same), loaded from its own module alone.

    ``country_holidays`` imports ``holidays.countries``, whose ``__init__`` imports the
    modules of every country the package knows (279 of them: 0.11 s, against 4 ms for
    Vietnam's); the package itself is imported either way (0.05 s), only when a deadline
    is counted in working days for a year not kept yet.  Where the module is not where
    this version of the package keeps it, the public way is taken.
    tests/test_workdays.py holds the two equal, holidays and names, year by year.
    """
    import holidays

    try:
        from importlib.util import module_from_spec, spec_from_file_location
        from pathlib import Path

        path = Path(holidays.__file__).parent / "countries" / "vietnam.py"
        spec = spec_from_file_location("cdsctl._holidays_vietnam", path)
        if spec is None or spec.loader is None:
            raise ImportError(path)
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Vietnam
    except Exception:  # another layout of the package: its public way
        return partial(holidays.country_holidays, "VN")


@cache
def package_version() -> str:
    """The `holidays` package's version: what it knows decides working days.

    Read from the name of its installed metadata folder (``holidays-0.109.dist-info``)
    beside the package, without importing it: every query's stored answers are keyed to
    it, and importing importlib.metadata to ask it cost 15 ms of each (5% of a query at
    10,000 tasks).  Asked of importlib.metadata where no one such folder is there."""
    import os
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return "?"
    folder = os.path.dirname(os.path.dirname(spec.origin))
    prefix, suffix = "holidays-", ".dist-info"
    try:
        found = [e.name for e in os.scandir(folder)
                 if e.name.startswith(prefix) and e.name.endswith(suffix)]  # fmt: skip
    except OSError:
        found = []
    if len(found) == 1:
        return found[0][len(prefix) : -len(suffix)]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return "?"


def known_years() -> dict[str, Any]:
    """The years worked out so far, as builtins to keep (a snapshot does), with the
    package's version: :func:`preload` takes them back."""
    years = {year: ([(d.isoformat(), name) for d, name in days.items()],
                    [d.isoformat() for d in worked])
             for year, (days, worked) in _YEARS.items()}  # fmt: skip
    return {"version": package_version(), "years": years}


def years_to_keep(before: Any = None) -> dict[str, Any] | None:
    """:func:`known_years` with the years `before` held (an earlier :func:`known_years`,
    taken if of the same package version), or None when there are none: what a validation
    keeps beside its result (cdsctl.checks.crossdates.count_working_days says why)."""
    if isinstance(before, dict):
        preload(before)
    return known_years() if _YEARS else None


def preload(kept: Any) -> None:
    """Years :func:`known_years` gave, if the same version of the package gave them (a
    query then neither imports the package nor asks it: 0.05 s, and 4 ms for Vietnam's
    calendar, :func:`_vietnam`)."""
    if not isinstance(kept, dict) or kept.get("version") != package_version():
        return
    for year, (days, worked) in kept["years"].items():
        _YEARS.setdefault(year, ({date.fromisoformat(d): name for d, name in days},
                                 frozenset(map(date.fromisoformat, worked))))  # fmt: skip


class WorkCalendar:
    """Vietnamese working days, with a records repository's own days off and days worked.

    `days_off` are extra days off (a province's own decision, a swap the package does not
    know); `working_days` are weekend days or holidays worked all the same (a swapped
    Saturday such as 4/5/2024). A day cannot be both.
    """

    def __init__(self, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> None:
        self._days_off = frozenset(days_off)
        self._working = frozenset(working_days)
        both = sorted(self._days_off & self._working)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"days both off and worked: {listed}")
        self._years: dict[int, list[int]] = {}

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is worked: a weekday that is not a day off, or a weekend day worked."""
        if day in self._working:
            return True
        if day in self._days_off:
            return False
        holiday, worked = _public_holidays(day.year)
        if day.weekday() >= _SATURDAY:
            return day in worked
        return day not in holiday

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday that makes `day` a day off; None on working days and on
        plain weekends."""
        if day in self._working:
            return None
        name = _public_holidays(day.year)[0].get(day)
        if name is None and day in self._days_off:
            return EXTRA_DAY_OFF
        return name

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start` (`start` itself not counted; `n` ≥ 1).

        :class:`OverflowError` when that day would fall after 9999-12-31.
        """
        if n < 1:
            raise ValueError(f"a number of working days is at least 1, not {n}")
        year = start.year
        ordinals = self._working_ordinals(year)
        index = bisect_right(ordinals, start.toordinal()) + n - 1
        while index >= len(ordinals):
            index -= len(ordinals)
            year += 1
            if year > date.max.year:
                raise OverflowError(f"{n} working days after {start} fall after 9999-12-31")
            ordinals = self._working_ordinals(year)
        return date.fromordinal(ordinals[index])

    def _working_ordinals(self, year: int) -> list[int]:
        """The working days of `year` as sorted ordinals, computed once per year."""
        if year not in self._years:
            first = date(year, 1, 1)
            days = (first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1))
            self._years[year] = [d.toordinal() for d in days if self.is_working_day(d)]
        return self._years[year]
