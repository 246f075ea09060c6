"""Indicator rows as people read them: units, a target of another period in brackets, the
trend with its sign, on track as yes/no; and the columns each format shows."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _, shown_number
from .tables import Column


def indicator_columns(fmt: str) -> list[Column]:
    """CSV: every field.  Table and Markdown: a few combined cells; the table (80 columns)
    leaves the long names out, they would be cut to a few letters."""
    if fmt == "csv":
        keys = ["id", "name", "unit", "better", "period", "actual", "target", "target_period",
                "on_track", "previous_period", "previous", "change", "trend"]  # fmt: skip
        return [Column(k, k) for k in keys]
    name = [] if fmt == "table" else [Column(N_("name"), "name")]
    return [Column(N_("id"), "id"), *name, Column(N_("period"), "period"),
            Column(N_("actual"), "actual_shown", right=True),
            Column(N_("target"), "target_shown", right=True),
            Column(N_("on track"), "on_track_shown"),
            Column(N_("trend"), "trend_shown")]  # fmt: skip


#: the words of the shown columns, in the chosen language when shown
_WORDS = {True: N_("yes"), False: N_("no"), "better": N_("better"), "worse": N_("worse"),
          "same": N_("same")}  # fmt: skip


def shown_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row for people: ``47.9%`` (``47,9%`` in Vietnamese), ``20 (2022)`` for a target of
    another period, ``+6.6 better``, on track as yes/no; CSV gets ``true``/``false``."""
    on_track, unit, change = row["on_track"], row["unit"], row["change"]
    actual = None if row["actual"] is None else _with_unit(row["actual"], unit)
    target = None if row["target"] is None else shown_number(row["target"])
    if target is not None and row["target_period"] != row["period"]:
        target = f"{target} ({row['target_period']})"
    trend = None
    if change is not None:
        sign = "-" if change < 0 else "+"
        trend = f"{sign}{shown_number(abs(change))} {_(_WORDS.get(row['trend'], row['trend']))}"
    return {**row, "on_track": None if on_track is None else str(on_track).lower(),
            "on_track_shown": None if on_track is None else _(_WORDS[bool(on_track)]),
            "actual_shown": actual, "target_shown": target, "trend_shown": trend}  # fmt: skip


def _with_unit(value: float, unit: str | None) -> str:
    number = shown_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"
