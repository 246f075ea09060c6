"""As-of date expressions (`--as-of 20/5/2022`, `--as-of eoq`) and spans (`--within 14d`).

:func:`parse_when` reads, case-insensitively and ignoring surrounding spaces:

- ISO dates, `2022-05-20`;
- Vietnamese day-first dates with a 4-digit year: `20/5/2022`, `20-5-2022`, `20.5.2022`;
- `today`, `yesterday`, `tomorrow`;
- offsets from today: `+7d`, `-3d`, `-2w`, `+1m`, `+1y` (a month or year later is clipped to
  the month's length: 31 January + 1m is 28 or 29 February);
- the start or end of today's month, quarter or year: `som`, `eom`, `soq`, `eoq`, `soy`, `eoy`.

:func:`parse_span` reads a duration: `14d`, `2w`, `1m`, `1y`; :func:`span_end` adds one to a
date, stopping at 9999-12-31 (`--within 99999y` means "everything to come").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..i18n import N_, _

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)")
_OFFSET = re.compile(r"([+-])(\d+)([dwmy])")
_SPAN = re.compile(r"(\d+)([dwmy])")

#: what a date may be written as, and a span (messages: `_(FORMS)` in the current language)
FORMS = N_(
    "YYYY-MM-DD, D/M/YYYY, today, yesterday, tomorrow, +7d, -2w, +1m, +1y, "
    "som, eom, soq, eoq, soy or eoy"
)
SPAN_FORMS = N_("a number and a unit: 14d (days), 2w (weeks), 1m (months), 1y (years)")


class WhenError(ValueError):
    """A date or span expression that cannot be read; the message says what to write."""


def _start_of_quarter(today: date) -> date:
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


_NAMED: dict[str, Callable[[date], date]] = {
    "today": lambda today: today,
    "yesterday": lambda today: today - timedelta(days=1),
    "tomorrow": lambda today: today + timedelta(days=1),
    "som": lambda today: today.replace(day=1),
    "eom": _end_of_month,
    "soq": _start_of_quarter,
    "eoq": lambda today: _end_of_month(_start_of_quarter(today) + relativedelta(months=2)),
    "soy": lambda today: date(today.year, 1, 1),
    "eoy": lambda today: date(today.year, 12, 31),
}


def _delta(count: int, unit: str) -> relativedelta:
    """`count` days, weeks, months or years (`unit` is d, w, m or y)."""
    if unit in "dw":
        return relativedelta(days=count * (7 if unit == "w" else 1))
    return relativedelta(months=count * (12 if unit == "y" else 1))


def parse_span(text: str) -> relativedelta:
    """The duration written `text` (`14d`, `2w`, `1m`, `1y`), or :class:`WhenError`."""
    m = _SPAN.fullmatch(text.strip().lower())
    if not m:
        raise WhenError(_("'{text}' is not a span; write {forms}").format(
            text=text, forms=_(SPAN_FORMS)))  # fmt: skip
    return _delta(int(m[1]), m[2])


def span_end(day: date, span: relativedelta) -> date:
    """`day` + `span`, or 9999-12-31 when that falls after the calendar's last day."""
    try:
        return day + span
    except (OverflowError, ValueError):
        return date.max


def parse_when(text: str, today: date) -> date:
    """The date `text` names, reading relative forms from `today`; :class:`WhenError` if none.

    >>> parse_when("eoq", date(2022, 5, 20))
    datetime.date(2022, 6, 30)
    """
    word = text.strip().lower()
    if word in _NAMED:
        return _NAMED[word](today)
    if m := _OFFSET.fullmatch(word):
        return _offset(text, today, m)
    if m := _ISO.fullmatch(word):
        return _make(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST.fullmatch(word):
        if len(m[4]) != 4:
            raise WhenError(_("'{text}': write the year with 4 digits (D/M/YYYY)").format(
                text=text))  # fmt: skip
        return _make(text, int(m[4]), int(m[3]), int(m[1]), day_first=True)
    if _SPAN.fullmatch(word):
        raise WhenError(_("'{text}' needs a sign: +{span} (after today) or -{span} (before)")
                        .format(text=text, span=word))  # fmt: skip
    raise WhenError(_("'{text}' is not a date; write one of {forms}").format(
        text=text, forms=_(FORMS)))  # fmt: skip


def _offset(text: str, today: date, m: re.Match[str]) -> date:
    count = int(m[2]) if m[1] == "+" else -int(m[2])
    try:
        return today + _delta(count, m[3])
    except (OverflowError, ValueError):
        raise WhenError(_("'{text}' from {today} is out of the calendar").format(
            text=text, today=today.isoformat())) from None  # fmt: skip


def _make(text: str, year: int, month: int, day: int, day_first: bool = False) -> date:
    """The date, or a :class:`WhenError` saying why it does not exist (`day_first`: it was
    written D/M/YYYY)."""
    try:
        return date(year, month, day)
    except ValueError:
        why = _why(year, month, day_first)
        raise WhenError(_("'{text}': that date does not exist ({why})").format(
            text=text, why=why)) from None  # fmt: skip


def _why(year: int, month: int, day_first: bool) -> str:
    if not 1 <= year <= 9999:
        return _("years run from 1 to 9999")
    if not 1 <= month <= 12 and day_first:
        return _("there is no month {month}; dates are written day first, D/M/YYYY").format(
            month=month)  # fmt: skip
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    days = calendar.monthrange(year, month)[1]
    return _("month {month}/{year} has {days} days").format(month=month, year=year, days=days)
