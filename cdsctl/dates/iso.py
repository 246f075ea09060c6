"""Reading dates as the record format writes them (ISO), and explaining the ones it does not.

Dates are exactly `YYYY-MM-DD` in ASCII digits: Python's `\\d` and `int()` also take
full-width `２０２２` and other scripts' digits, and `$` matches before a final line break,
so the patterns here spell `[0-9]` and match whole strings.  A date written otherwise gets
a message proposing its ISO form (day-first, unpadded, full-width digits, a period such as
`quý I/2024` whose end is meant); :func:`period_proposal` does the same for periods.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..i18n import N_, Msg
from ..messages.hints import plain_form, shown
from ..text import fold

ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")
_WITH_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9].*")


class DateError(ValueError):
    """A date that is not usable; `code` is `date-format` or `date-invalid`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def parse_iso(text: str) -> date:
    """The date written `text` (`YYYY-MM-DD`), or :class:`DateError` saying how to fix it."""
    m = ISO.fullmatch(text)
    if m:
        return _make(text, int(m[1]), int(m[2]), int(m[3]))
    raise DateError("date-format", _format_hint(text))


def _make(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            "date-invalid", Msg("'{date}' is not a date that exists", date=text)
        ) from None


def _format_hint(text: str) -> str:
    return Msg("{value} is not an ISO date (YYYY-MM-DD){hint}", value=shown(text),
               hint=_proposal(text))  # fmt: skip


#: the kinds of period (:func:`period_span`) as messages name them
PERIOD_WORDS = {"month": N_("month"), "quarter": N_("quarter"), "half-year": N_("half-year"),
                "year": N_("year")}  # fmt: skip


def _proposal(text: str) -> str:
    """The ISO form of a day-first (`20/5/2022`), unpadded (`2022-5-20`), full-width or
    spaced date, or the end of a period written where a date belongs; "" if none."""
    plain = plain_form(text)
    day = _read(plain, _DAY_FIRST, (3, 2, 1))
    if day is not None:
        return Msg("; read day-first it is {date}", date=day)
    day = _read(plain, _YEAR_FIRST, (1, 2, 3))
    if day is not None:
        return (Msg("; write {date}", date=day) if plain != text
                else Msg("; read day-first it is {date}", date=day))  # fmt: skip
    m = _WITH_TIME.fullmatch(plain)
    if m:
        return Msg("; write {date} (a date carries no time)", date=m[1])
    span = period_span(period_proposal(text) or plain)
    if span is not None:
        what, _, last = span
        return Msg("; end of {period}: {date}", period=Msg(PERIOD_WORDS[what]),
                   date=last.isoformat())  # fmt: skip
    return ""


def _read(text: str, pattern: re.Pattern[str], order: tuple[int, int, int]) -> str | None:
    m = pattern.fullmatch(text)
    if not m:
        return None
    year, month, day = (int(m[i]) for i in order)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# -- periods ---------------------------------------------------------------------------------

#: a period as records write it: 2024, 2024-05, 2024-Q2, 2024-H1 (groups: year, month,
#: quarter, half)
PERIOD = re.compile(r"([0-9]{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Y = r"(?P<y>[0-9]{4})"
_SEP = r"\s*(?:[/.\-]|\s|nam)\s*"
#: how people write periods (folded: lower case, no diacritics), each to a canonical form
_PERIOD_FORMS = [
    (re.compile(rf"(?:thang\s*)?(?P<m>[0-9]{{1,2}}){_SEP}{_Y}"), "{y}-{m:02d}"),
    (re.compile(rf"{_Y}\s*[/.\-]\s*(?P<m>[0-9]{{1,2}})"), "{y}-{m:02d}"),
    (re.compile(rf"(?:quy|q)\s*(?P<q>[1-4]|i{{1,3}}|iv){_SEP}{_Y}"), "{y}-Q{q}"),
    (re.compile(rf"(?P<q>i{{1,3}}|iv){_SEP}{_Y}"), "{y}-Q{q}"),
    (re.compile(rf"{_Y}\s*[/.\-]?\s*q(?:uy)?\s*(?P<q>[1-4])"), "{y}-Q{q}"),
    (re.compile(rf"(?:6|sau) thang (?P<h>dau|cuoi)(?: nam)?\s*{_Y}"), "{y}-H{h}"),
    (re.compile(rf"nua (?P<h>dau|cuoi)(?: nam)?\s*{_Y}"), "{y}-H{h}"),
    (re.compile(rf"h\s*(?P<h>[12]){_SEP}{_Y}"), "{y}-H{h}"),
    (re.compile(rf"{_Y}\s*[/.\-]?\s*h\s*(?P<h>[12])"), "{y}-H{h}"),
    (re.compile(rf"nam\s*{_Y}"), "{y}"),
]


def period_proposal(text: str) -> str | None:
    """The period (`2024-01`, `2024-Q1`, `2024-H1`, `2024`) that `text` writes another way:
    `01/2024`, `tháng 1/2024`, `quý I/2024`, `Q1-2024`, `I/2024`, `6 tháng đầu năm 2024`,
    `năm 2024`, or with full-width digits; None when it is not sure."""
    folded = fold(plain_form(text))
    for pattern, form in _PERIOD_FORMS:
        m = pattern.fullmatch(folded)
        if m:
            parts = m.groupdict()
            found = form.format(
                y=parts["y"],
                m=int(parts.get("m") or 0),
                q=_ROMAN.get(parts.get("q") or "") or parts.get("q"),
                h={"dau": 1, "cuoi": 2}.get(parts.get("h") or "", parts.get("h")),
            )
            return found if PERIOD.fullmatch(found) and found != text else None
    return None


def period_span(text: str) -> tuple[str, date, date] | None:
    """What kind of period `text` is (month, quarter, half-year, year), its first and its
    last day; None when it is not a period of the calendar (another form, or year 0000)."""
    m = PERIOD.fullmatch(text)
    if m is None or m[1] == "0000":
        return None
    year = int(m[1])
    if m[2] is not None:
        what, first, months = "month", int(m[2]), 1
    elif m[3] is not None:
        what, first, months = "quarter", int(m[3]) * 3 - 2, 3
    elif m[4] is not None:
        what, first, months = "half-year", int(m[4]) * 6 - 5, 6
    else:
        what, first, months = "year", 1, 12
    last = first + months - 1
    return what, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


_TIME_FORMS = re.compile(r"([0-9]{1,2})\s*(?:h|g|gio|:|\.)\s*([0-9]{2})?\s*(?:phut|p)?")


def time_proposal(text: str) -> str | None:
    """`14:00` for `14h`, `14g30` → `14:30`, `14 giờ 30`, `14.30`; None if it is no time."""
    m = _TIME_FORMS.fullmatch(fold(plain_form(text)))
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        return None
    found = f"{int(m[1]):02d}:{m[2] or '00'}"
    return found if found != text else None
