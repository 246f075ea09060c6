"""What a user typed in a query filter, resolved to what the records call it — or refused.

A filter that names nothing would print an empty table and exit 0, so a scheduled
`overdue --fail-if-any` would pass for ever on a typo.  Every value is therefore resolved
here, by one function per kind, and a value that names nothing is a :class:`FilterError`
(the CLI's exit 2) that says what it could have meant:

* an agency: its id, or — diacritics, case and spacing aside — its id, name, short name or
  an alias (`"so noi vu tinh quang ninh"` is `QN-SNV`); a name several agencies share is
  refused with their ids;
* a directive: its id or its document number (`128/TB-UBND`), case aside;
* a group: one of the record format's groups, also written with spaces or diacritics
  (`"chính phủ số"` is `chinh-phu-so`);
* a state: one of spec §4's states.

Ids that tasks use but no record defines (a broken `agencies.yaml` is left out of queries)
still resolve to themselves, so a filter never refuses what a task holds.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from .diagnostics import CdsError
from .i18n import N_, STATES_VI, _, localized
from .messages.suggest import Suggester, either
from .model import GROUPS, Records
from .state import State
from .text import fold

#: what to say of a kind of record when a text names several, none but some near, or none
_AGENCY = (
    N_("{option}: '{text}' names {count} agencies: {ids}; give one id"),
    N_("{option}: '{text}' names no agency — did you mean {ids}?"),
    N_("{option}: '{text}' names no agency; no agency has that id, name, short name or alias "
       "or one near it"),
)  # fmt: skip
_DIRECTIVE = (
    N_("{option}: '{text}' names {count} directives: {ids}; give one id"),
    N_("{option}: '{text}' names no directive — did you mean {ids}?"),
    N_("{option}: '{text}' names no directive; no directive has that id or number or one "
       "near it"),
)  # fmt: skip
#: what to say of a group or a state that is none, with close ones or without
_GROUP = (
    N_("{option}: '{text}' is not a group — did you mean {close}? (groups: {choices})"),
    N_("{option}: '{text}' is not a group (groups: {choices})"),
)
_STATE = (
    N_("{option}: '{text}' is not a state — did you mean {close}? (states: {choices})"),
    N_("{option}: '{text}' is not a state (states: {choices})"),
)


class FilterError(CdsError):
    """A filter value that names nothing (or several things); the message says what to write."""


Names = Mapping[str, Iterable[str | None]]  # id → its other spellings


def _resolve(option: str, what: tuple[str, str, str], text: str, names: Names,
             label: Mapping[str, str]) -> str:  # fmt: skip
    """The id `text` is, or names once folded; else a :class:`FilterError` with the ids
    it could mean.  `what`: the messages for several, near ones and none (:data:`_AGENCY`)."""
    if text in names:
        return text
    known = Suggester(((n, i) for i, spellings in names.items()
                       for n in (i, *spellings) if n), fold)  # fmt: skip
    found = sorted(known.ids.get(fold(text), ()))
    if len(found) == 1:
        return found[0]
    if found:
        raise FilterError(_(what[0]).format(option=option, text=text, count=len(found),
                                            ids=_labelled(found, label)))  # fmt: skip
    near = known.closest(text) or known.words(text)
    if near:
        ids = _labelled(near, label, " or ")
        raise FilterError(_(what[1]).format(option=option, text=text, ids=ids))
    raise FilterError(_(what[2]).format(option=option, text=text))


def _labelled(ids: Iterable[str], label: Mapping[str, str], last: str = ", ") -> str:
    shown = [f"{i} ({label[i]})" if label.get(i) else i for i in ids]
    return localized(either(shown)) if last == " or " else ", ".join(shown)


def agency_id(records: Records, text: str, option: str = "--agency") -> str:
    """The id of the agency `text` names: an id, name, short name or alias."""
    if text in records.agencies:
        return text
    names: dict[str, list[str | None]] = {
        a.id: [a.name, a.short, *a.aliases] for a in records.agencies.values()
    }
    for task in records.tasks.values():
        for ident in (task.lead, *task.support):
            names.setdefault(ident, [])
    label = {a.id: a.name for a in records.agencies.values()}
    return _resolve(option, _AGENCY, text, names, label)


def directive_id(records: Records, text: str, option: str = "--directive") -> str:
    """The id of the directive `text` names: its id or its document number."""
    if text in records.directives:
        return text
    names: dict[str, list[str | None]] = {d.id: [d.number] for d in records.directives.values()}
    for task in records.tasks.values():
        names.setdefault(task.directive, [])
    label = {d.id: d.number or "" for d in records.directives.values()}
    return _resolve(option, _DIRECTIVE, text, names, label)


def _choice(option: str, what: tuple[str, str], text: str, choices: Iterable[str]) -> str:
    """One of `choices`, written as it is or with spaces and diacritics; else the list
    (`what`: the messages with close ones and without, :data:`_GROUP`)."""
    choices = list(choices)
    folded = _folded(text)
    if folded in choices:
        return folded
    close = difflib.get_close_matches(folded, choices, n=3, cutoff=0.5)
    close += [c for c in choices if folded and folded in c and c not in close]
    listed = ", ".join(choices)
    if close:
        raise FilterError(_(what[0]).format(option=option, text=text, choices=listed,
                                            close=localized(either(close[:3]))))  # fmt: skip
    raise FilterError(_(what[1]).format(option=option, text=text, choices=listed))


def group(text: str, option: str = "--group") -> str:
    """The task group `text` names (spec §3's list)."""
    return _choice(option, _GROUP, text, GROUPS)


def states(texts: Iterable[str], option: str = "--state") -> frozenset[State]:
    """The task states `texts` name (spec §4): by id (`overdue`) or by the Vietnamese name
    reports use (`quá hạn`, `qua-han`, `Hoàn thành đúng hạn`), diacritics optional."""
    return frozenset(State(_state(option, t)) for t in texts)


def _folded(text: str) -> str:
    return "-".join(fold(text).replace("-", " ").split())


#: each state's Vietnamese name, folded (`qua-han`) → its id
_STATES_VI = {_folded(name): state for state, name in STATES_VI.items()}


def _state(option: str, text: str) -> str:
    found = _STATES_VI.get(_folded(text))
    return found if found is not None else _choice(option, _STATE, text, [str(s) for s in State])
