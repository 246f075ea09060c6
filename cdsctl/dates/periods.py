"""The periods of recurring tasks and of indicator figures (spec §3): their lengths in
months, and how a period of each length is written (2022-05, 2022-Q2, 2022-H1, 2022)."""

from __future__ import annotations

from ..i18n import N_

#: every → the months one of its periods spans
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}

#: every → (what one of its periods is, how a period of it is written)
PERIOD_FORMS = {
    "monthly": (N_("a month"), "YYYY-MM"),
    "quarterly": (N_("a quarter"), "YYYY-Qn"),
    "half-yearly": (N_("a half-year"), "YYYY-Hn"),
    "yearly": (N_("a year"), "YYYY"),
}

#: every → what a report on it reports on, for messages
THE_PERIOD = {"monthly": N_("the month"), "quarterly": N_("the quarter"),
              "half-yearly": N_("the half-year"), "yearly": N_("the year")}  # fmt: skip


def period_form(period: str) -> str:
    """The `every` whose periods look like `period` (2022-05, 2022-Q2, 2022-H1, 2022)."""
    if len(period) == 4:
        return "yearly"
    return {"Q": "quarterly", "H": "half-yearly"}.get(period[5:6], "monthly")


def example_period(every: str, day: str) -> str:
    """The period of `every` holding the ISO date `day`: an example for messages."""
    year, month = day[:4], int(day[5:7])
    return {"monthly": f"{year}-{month:02d}", "quarterly": f"{year}-Q{(month + 2) // 3}",
            "half-yearly": f"{year}-H{(month + 5) // 6}", "yearly": year}[every]  # fmt: skip
