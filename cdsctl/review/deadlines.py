"""The deadline rules of a review, on one task as BASE and HEAD write it.

How the record format reads (records.md): a task's `due` is the deadline its directive set;
`extensions` is a list of `{due, granted, by, reason}`, and the deadline in force on a date
D is the `due` of the last extension granted on or before D, else the task's `due` (§3, §4).
Each extension's `due` must be after the deadline it replaces, the first one replacing the
task's `due` (§3): so the task's `due` is never the place of a new deadline — a `due` moved
to the new date together with its extension is itself an error (`extension-order`).  And
"records dated after D are ignored, so a past D answers what was knowable then" (§4) holds
only while `due` and the extensions already granted stay as written.  Hence:

- `due-moved-without-extension`: a task of BASE whose `due` HEAD changes or removes.  The
  way to move a deadline is to append an extension with the new date in its `due` (what
  `cdsctl extend` writes); a new extension in the same range does not make a rewritten
  `due` right, its message then says to put the `due` back.  Setting a `due` on a task that
  had none is no move, and a task new in HEAD is not judged.
- `extension-rewritten`: an extension of BASE that HEAD changes (its `due` or `granted`:
  the dates §4 reads) or removes.  Extensions are matched by those two dates, wherever they
  stand in the list; an edit of `by` or `reason` alone is listed as an edit, not a breach.

Values are the record as written (ISO dates as text); nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import Msg

DUE_MOVED, EXTENSION_REWRITTEN = "due-moved-without-extension", "extension-rewritten"
#: what an extension says about deadlines (spec §4): it is matched across sides by these
FACTS = ("due", "granted")

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule broken in a task: the rule, where in HEAD's record, and why."""

    code: str
    path: KeyPath
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the range did to a task's deadlines: the HEAD indexes of the extensions it
    added, and the rules it broke."""

    added: tuple[int, ...]
    findings: tuple[Finding, ...]


def judge(old: Mapping[str, Any], new: Mapping[str, Any]) -> Verdict:
    """The deadline rules on a task as BASE (`old`) and HEAD (`new`) write it."""
    before, after = extensions(old), extensions(new)
    lost, added = match(before, after)
    findings = [*_rewritten(before, after, lost), *_due(old, new, bool(added))]
    return Verdict(tuple(added), tuple(findings))


def extensions(values: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = values.get("extensions")
    if not isinstance(found, list):
        return []
    return [e if isinstance(e, Mapping) else {} for e in found]


def facts(extension: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(extension.get(key)) for key in FACTS)


def match(before: list[Mapping[str, Any]], after: list[Mapping[str, Any]]
          ) -> tuple[list[tuple[int, int | None]], list[int]]:  # fmt: skip
    """(each extension of `before` not in `after`, with the one at its place in `after`
    when that one is new too: its rewritten form; the indexes of the new ones in `after`).

    An extension is in `after` when one there has the same dates (at its own place first)."""
    free, unmatched = list(range(len(after))), []
    for i, extension in enumerate(before):
        j = _same(facts(extension), after, free, i)
        if j is None:
            unmatched.append(i)
        else:
            free.remove(j)
    lost = [(i, i if i in free else None) for i in unmatched]
    paired = {j for _, j in lost}
    return lost, [j for j in free if j not in paired]


def _same(wanted: tuple[str, ...], after: list[Mapping[str, Any]], free: list[int],
          at: int) -> int | None:  # fmt: skip
    if at in free and facts(after[at]) == wanted:
        return at
    return next((j for j in free if facts(after[j]) == wanted), None)


def _rewritten(before: list[Mapping[str, Any]], after: list[Mapping[str, Any]],
               lost: list[tuple[int, int | None]]) -> list[Finding]:  # fmt: skip
    found = []
    for i, j in lost:
        old = before[i]
        dates = {"n": i + 1, "due": old.get("due"), "granted": old.get("granted")}
        if j is None:
            msg = Msg("extension {n} (due {due}, granted {granted}) was removed: an extension "
                      "granted stays in the record; add a new one to move the deadline again",
                      **dates)  # fmt: skip
            found.append(Finding(EXTENSION_REWRITTEN, ("extensions",), msg))
            continue
        new = after[j]
        changed = [k for k in FACTS if str(old.get(k)) != str(new.get(k))]
        what = "; ".join(f"{k} {old.get(k)} → {new.get(k)}" for k in changed)
        msg = Msg("extension {n} (due {due}, granted {granted}) was rewritten: {what}; an "
                  "extension stays as it was granted: add a new one to move the deadline "
                  "again", what=what, **dates)  # fmt: skip
        found.append(Finding(EXTENSION_REWRITTEN, ("extensions", j, changed[0]), msg))
    return found


def _due(old: Mapping[str, Any], new: Mapping[str, Any], extended: bool) -> list[Finding]:
    if old.get("due") is None or old.get("due") == new.get("due"):
        return []
    before = shown(old["due"])
    if new.get("due") is None:
        msg = Msg("due {old} was removed: a task's due is the deadline its directive set and "
                  "stays; a later deadline goes in an extension", old=before)  # fmt: skip
        return [Finding(DUE_MOVED, ("id",), msg)]
    after = shown(new["due"])
    if extended:
        msg = Msg("due moved from {old} to {new}: an extension was added too, but the due it "
                  "replaces is the deadline the directive set and stays {old}; put it back",
                  old=before, new=after)  # fmt: skip
    else:
        msg = Msg("due moved from {old} to {new} without an extension: keep due {old} and "
                  "append an extension with due {new}, granted, by and reason (cdsctl extend)",
                  old=before, new=after)  # fmt: skip
    return [Finding(DUE_MOVED, ("due",), msg)]


def shown(due: Any) -> str:
    """A `due` as written: `2022-05-20`, or `10 working days`."""
    if isinstance(due, Mapping) and "working_days" in due:
        return Msg("{n} working days", n=due["working_days"])
    return str(due)
