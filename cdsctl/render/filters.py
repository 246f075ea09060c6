"""Jinja filters for the forms Vietnamese administrative documents write (docs/templates.md).

Dates follow Nghị định 30/2020/NĐ-CP (`../shared/spec/documents.md`): in the place-and-date
line, days below 10 and the months 1 and 2 take a leading zero ("Nam Định, ngày 05 tháng 01
năm 2020"); in running text a deadline reads "20/5/2022".  Numbers use a comma for the
decimal mark and a dot between thousands ("52,1%", "1.234").  Every filter takes a value as
the context holds it (an ISO date is text there) and returns text; a value it cannot read is
an error naming the filter, never an empty string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ..i18n import STATES_VI, _
from ..state import State

#: each task state as government reports name it (the interface's own words, cdsctl.i18n)
STATE_NAMES = {State(state): name for state, name in STATES_VI.items()}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class FilterError(ValueError):
    """A value a filter cannot read (the message names the filter and the value)."""


def _day(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FilterError(_("{filter}: {value} is not a date (YYYY-MM-DD)").format(
        filter=name, value=repr(value)))  # fmt: skip


def vn_date(value: Any) -> str:
    """`2022-05-12` → "ngày 12 tháng 5 năm 2022" (running text: no leading zeros)."""
    d = _day(value, "vn_date")
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def vn_date_line(value: Any) -> str:
    """The date of a place-and-date line: "ngày 05 tháng 01 năm 2020" (Nghị định 30:
    a leading zero for days below 10 and for the months 1 and 2)."""
    d = _day(value, "vn_date_line")
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_date(value: Any, place: str) -> str:
    """`{{ directive.issued | place_date("Nam Định") }}` → "Nam Định, ngày 12 tháng 5 năm 2022"."""
    return f"{place}, {vn_date_line(value)}"


def short_date(value: Any) -> str:
    """`2022-05-20` → "20/5/2022", as a deadline reads in running text."""
    d = _day(value, "short_date")
    return f"{d.day}/{d.month}/{d.year}"


def vn_time(value: Any) -> str:
    """`"14:00"` → "14 giờ 00"."""
    text = str(value)
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        raise FilterError(_("{filter}: {value} is not a time (HH:MM)").format(
            filter="vn_time", value=repr(value)))  # fmt: skip
    return f"{int(hours)} giờ {minutes}"


def doc_number(value: Any) -> str:
    """`128/TB-UBND` → "Số: 128/TB-UBND"; no number → "Số:      /" left blank to fill in."""
    return f"Số: {value}" if value else "Số:      /"


def vn_number(value: Any, digits: int = 1) -> str:
    """`52.14` → "52,1"; `1234` → "1.234"; `4.0` → "4" (no trailing zeros)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FilterError(_("{filter}: {value} is not a number").format(
            filter="vn_number", value=repr(value)))  # fmt: skip
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vn_percent(value: Any, digits: int = 1) -> str:
    """`52.1` (already a percentage) → "52,1%"; no value → "—"."""
    return "—" if value is None else f"{vn_number(value, digits)}%"


def period_name(value: Any) -> str:
    """`2023-05` → "tháng 5 năm 2023"; `2023-Q2` → "quý II năm 2023"; `2023-H1` → "6 tháng
    đầu năm 2023"; `2023-H2` → "6 tháng cuối năm 2023"; `2023` → "năm 2023"."""
    text = str(value)
    year, _, part = text.partition("-")
    if not (len(year) == 4 and year.isdigit()):
        raise _not_a_period(value)
    if not part:
        return f"năm {year}"
    if part in ("Q1", "Q2", "Q3", "Q4"):
        return f"quý {ROMAN[int(part[1])]} năm {year}"
    if part in ("H1", "H2"):
        return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
    if part.isdigit() and 1 <= int(part) <= 12:
        return f"tháng {int(part)} năm {year}"
    raise _not_a_period(value)


def _not_a_period(value: Any) -> FilterError:
    return FilterError(_("{filter}: {value} is not a period (2023, 2023-Q2, 2023-05)").format(
        filter="period_name", value=repr(value)))  # fmt: skip


def state_name(value: Any) -> str:
    """`overdue` → "quá hạn" (each state's name in government reports)."""
    try:
        return STATE_NAMES[State(value)]
    except ValueError:
        raise FilterError(_("{filter}: {value} is not a task state").format(
            filter="state_name", value=repr(value))) from None  # fmt: skip


def make_agency_filters(agencies: Mapping[str, Mapping[str, Any]]) -> dict[str, Callable[..., str]]:
    """`agency_name` (the full name) and `agency_short` (the short name, else the full one)
    of an agency id; an id no agency has is shown as it is."""

    def agency_name(value: Any) -> str:
        found = agencies.get(str(value))
        return str(found["name"]) if found else str(value)

    def agency_short(value: Any) -> str:
        found = agencies.get(str(value))
        return str(found.get("short") or found["name"]) if found else str(value)

    return {"agency_name": agency_name, "agency_short": agency_short}


FILTERS: dict[str, Callable[..., str]] = {
    "vn_date": vn_date,
    "vn_date_line": vn_date_line,
    "place_date": place_date,
    "short_date": short_date,
    "vn_time": vn_time,
    "doc_number": doc_number,
    "vn_number": vn_number,
    "vn_percent": vn_percent,
    "period_name": period_name,
    "state_name": state_name,
}
