"""Reading dates as the record format writes them (ISO), and explaining the ones it does not."""

from __future__ import annotations

import re
from datetime import date

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")


class DateError(ValueError):
    """A date that is not usable; `code` is `date-format` or `date-invalid`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_iso(text: str) -> date:
    """The date written `text` (`YYYY-MM-DD`), or :class:`DateError` saying how to fix it."""
    m = ISO.match(text)
    if m:
        return _make(text, int(m[1]), int(m[2]), int(m[3]))
    raise DateError("date-format", _format_hint(text))


def _make(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("date-invalid", f"'{text}' is not a date that exists") from None


def _format_hint(text: str) -> str:
    proposal = _proposal(text)
    if proposal:
        return f"'{text}' is not an ISO date (YYYY-MM-DD); read day-first it is {proposal}"
    return f"'{text}' is not an ISO date (YYYY-MM-DD)"


def _proposal(text: str) -> str | None:
    """The ISO form of a day-first (`20/5/2022`) or unpadded (`2022-5-20`) date, if valid."""
    for pattern, order in ((_DAY_FIRST, (3, 2, 1)), (_YEAR_FIRST, (1, 2, 3))):
        m = pattern.match(text.strip())
        if m:
            year, month, day = (int(m[i]) for i in order)
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return None
    m = _WITH_TIME.match(text)
    return f"{m[1]} (a date carries no time)" if m else None
