"""The account of a root that the rules across files start from after an edit
(:mod:`.partial`): each record's kind, id, file and the few values a rule reads of a record
it names, who names each id, the links that may close a cycle, and the days the
day-dependent rule turns on.

It is kept in columns, not a tuple per record, and what an edit asks of it is answered
from them without a map of every record: after one edited file, at 305,061 records, the
account and the files kept beside it are read back in 0.11 s rather than 0.19 (a record's
file is its place among those files, not its path again), and the holders of the ids an
edit concerns are found by one pass in C over the column of ids (a few ms each) rather
than from maps of every id and file made first (0.1 s).  Who names an id is kept as
places in one array (:class:`Referrers`), resolved for the ids asked only.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, compress
from typing import Any

from .cycles import RawLink, raw_links
from .index import AGENCY_KINDS, AnySummary, Holder, stub_of

#: at most this many changed files are taken out and put back one by one (each a move in
#: C of the columns after it); more, and the columns are made anew in one pass
_IN_PLACE = 64


@dataclass(slots=True)
class CrossState:
    """What the rules across files need to know of the records they do not read again."""

    #: every record's kind, id, file and :func:`~.index.stub_of` values (a
    #: :data:`~.index.Holder`, one column each), in path order
    kinds: list[str]
    ids: list[str | None]
    files: list[str]
    stubs: list[dict[str, Any]]
    #: id → the files whose references name it (references to agencies left out: a
    #: change to agencies.yaml is checked over every record)
    referrers: Referrers
    #: file → its record's task `parent` or directive references (:func:`.cycles.raw_links`)
    links: dict[str, list[RawLink]]
    #: file → the days its task or report adds (:func:`.crossdates.lead_days_by_file`)
    lead_days: dict[str, list[str]]
    #: the ids held more than once when folded for case (casefold), or None until asked
    twins: frozenset[str] | None = None

    def to_wire(self, names: list[str]) -> tuple[Any, ...]:
        """As kept beside `names`, every file of the root in path order (those of the
        records among them): each record's file as its place there, not a string again."""
        place = {name: i for i, name in enumerate(names)}
        at = array("i", map(place.__getitem__, self.files))
        return (self.kinds, self.ids, at.tobytes(), self.stubs, self.referrers.to_wire(self.files),
                self.links, self.lead_days, sorted(self.case_twins()))  # fmt: skip

    @classmethod
    def from_wire(cls, wire: Any, names: list[str]) -> CrossState:
        """As :meth:`to_wire` kept it beside `names`."""
        kinds, ids, at, stubs, referrers, links, days, twins = wire
        files = list(map(names.__getitem__, array("i", at)))
        return cls(kinds, ids, files, stubs, Referrers.from_wire(referrers, files), links, days,
                   frozenset(twins))  # fmt: skip

    @property
    def holders(self) -> list[Holder]:
        """Every record as a :data:`~.index.Holder`, in path order."""
        return list(zip(self.kinds, self.ids, self.files, self.stubs, strict=True))

    def naming(self, ids: Iterable[str]) -> set[str]:
        """The files whose references name one of `ids`."""
        of = self.referrers.of
        return {f for i in ids for f in of(i)}

    def files_of(self, ids: Iterable[str]) -> set[str]:
        """The files of the records holding one of `ids` (every holder of an id held twice)."""
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return set()
        return set(compress(self.files, map(wanted.__contains__, self.ids)))

    def files_of_kinds(self, kinds: frozenset[str]) -> list[str]:
        """The files of the records of `kinds`, in path order."""
        return list(compress(self.files, map(kinds.__contains__, self.kinds)))

    def at(self, file: str) -> int | None:
        """The place of `file`'s record, or None when it holds none."""
        i = bisect.bisect_left(self.files, file)
        return i if i < len(self.files) and self.files[i] == file else None

    def ids_of(self, files: Iterable[str]) -> set[str]:
        """The ids the records of `files` hold."""
        ids, at = self.ids, self.at
        return {i for f in files if (n := at(f)) is not None and (i := ids[n]) is not None}

    def holders_of(self, files: Iterable[str]) -> list[Holder]:
        """The records of `files` (those that have one), in path order."""
        places = sorted(n for f in set(files) if (n := self.at(f)) is not None)
        return [(self.kinds[n], self.ids[n], self.files[n], self.stubs[n]) for n in places]

    def case_twins(self) -> frozenset[str]:
        """The ids held more than once when folded for case, folded (0.06 s at 305,061
        records: worked out when the account is kept, after a command's output)."""
        if self.twins is None:
            folded = Counter(i.casefold() for i in self.ids if i is not None)
            self.twins = frozenset(f for f, n in folded.items() if n > 1)
        return self.twins

    def take_out(self, gone: set[str]) -> None:
        """Drop the records of the files `gone`."""
        columns: tuple[list[Any], ...] = (self.kinds, self.ids, self.files, self.stubs)
        if len(gone) <= _IN_PLACE:
            for n in sorted((n for f in gone if (n := self.at(f)) is not None), reverse=True):
                for column in columns:
                    del column[n]
            return
        keep = [f not in gone for f in self.files]
        for column in columns:
            column[:] = compress(column, keep)

    def put(self, holder: Holder) -> None:
        """Add a record (its file holding none now)."""
        n = bisect.bisect_left(self.files, holder[2])
        columns: tuple[list[Any], ...] = (self.kinds, self.ids, self.files, self.stubs)
        for column, value in zip(columns, holder, strict=True):
            column.insert(n, value)

    def add_referrers(self, summaries: Iterable[AnySummary]) -> None:
        """Count the references of `summaries` in :attr:`referrers`."""
        referrers = self.referrers
        for name, files in _referrers(summaries).items():
            referrers.put(name, [*referrers.of(name), *files])

    def drop_referrers(self, summaries: Iterable[AnySummary]) -> None:
        """Take the references of `summaries` out of :attr:`referrers`, once per naming."""
        referrers = self.referrers
        for summary in summaries:
            for kinds, names in summary.reference_items():
                for name in names if kinds != AGENCY_KINDS else ():
                    files = referrers.of(name)
                    if summary.file in files:
                        files.remove(summary.file)
                        referrers.put(name, files)


class Referrers:
    """id → the files whose references name it, once per naming: the ids in order, and
    for each, the places of those files among the records (:attr:`CrossState.files` as
    they were when this was made), all in one array with where each id's end; read back
    without a string per file named (at 101,711 ids: 15 MB and 0.1 s as a map of lists of
    paths, 4 MB and 0.02 s so) and resolved for the ids asked only.  What an edit changes
    is kept beside them until they are made anew (:meth:`to_wire`, after a command's
    output)."""

    __slots__ = ("base", "changed", "ends", "names", "places")

    def __init__(self, names: list[str], ends: array[int], places: array[int],
                 base: list[str]) -> None:  # fmt: skip
        self.names, self.ends, self.places, self.base = names, ends, places, base
        self.changed: dict[str, list[str]] = {}

    @classmethod
    def of_map(cls, found: dict[str, list[str]], files: list[str]) -> Referrers:
        """Of `found` (id → files naming it), each one of `files` (a copy is kept)."""
        place = {f: i for i, f in enumerate(files)}
        return cls.of_places({name: [place[f] for f in named] for name, named in found.items()},
                             files)  # fmt: skip

    @classmethod
    def of_places(cls, found: dict[str, list[int]], files: list[str]) -> Referrers:
        """Of `found` (id → the places in `files` of the files naming it; a copy of `files`
        is kept)."""
        names = sorted(found)
        lists = list(map(found.__getitem__, names))
        places = array("i", chain.from_iterable(lists))
        return cls(names, array("i", accumulate(map(len, lists))), places, list(files))

    def of(self, name: str) -> list[str]:
        """The files naming `name` (a new list), or none."""
        if name in self.changed:
            return list(self.changed[name])
        names = self.names
        i = bisect.bisect_left(names, name)
        if i == len(names) or names[i] != name:
            return []
        start = self.ends[i - 1] if i else 0
        return list(map(self.base.__getitem__, self.places[start : self.ends[i]]))

    def put(self, name: str, files: list[str]) -> None:
        """`name` is named by `files` now (none: it is named no more)."""
        self.changed[name] = files

    def as_map(self) -> dict[str, list[str]]:
        """Every id named, with the files naming it."""
        found = {name: self.of(name) for name in self.names if name not in self.changed}
        found.update((name, files) for name, files in self.changed.items() if files)
        return found

    def to_wire(self, files: list[str]) -> tuple[list[str], bytes, bytes]:
        """As kept beside `files` (the records' files now)."""
        same = not self.changed and files == self.base
        made = self if same else Referrers.of_map(self.as_map(), files)
        return made.names, made.ends.tobytes(), made.places.tobytes()

    @classmethod
    def from_wire(cls, wire: Any, files: list[str]) -> Referrers:
        """As :meth:`to_wire` kept it beside `files` (a copy is kept)."""
        names, ends, places = wire
        return cls(names, array("i", ends), array("i", places), list(files))


def account(summaries: Iterable[AnySummary], lead_days: dict[str, list[str]]) -> CrossState:
    """The account a later :func:`.partial.recheck` starts from, of the records of a full
    run (:func:`.crossfile.full_checks`; made once its index is gone: at 305,061 files both
    at once cost 200 MB more)."""
    summaries = list(summaries)
    rows = [stub_of(s) for s in summaries]
    files = [r[2] for r in rows]
    referrers = Referrers.of_places(_referrers(summaries, by_place=True), files)
    return CrossState([r[0] for r in rows], [r[1] for r in rows], files,
                      [r[3] for r in rows], referrers, links_of(summaries), lead_days)  # fmt: skip


def _referrers(summaries: Iterable[AnySummary], by_place: bool = False) -> dict[str, list[Any]]:
    """Id → the files of `summaries` naming it, once per naming (`by_place`: their places
    among `summaries` rather than their files)."""
    found: dict[str, list[Any]] = {}
    for place, summary in enumerate(summaries):
        mark = place if by_place else summary.file
        for kinds, names in summary.reference_items():
            if kinds != AGENCY_KINDS:
                for name in names:
                    found.setdefault(name, []).append(mark)
    return found


def links_of(summaries: Iterable[AnySummary]) -> dict[str, list[RawLink]]:
    """File → the links of its record that may close a cycle (those that have some)."""
    return {s.file: links for s in summaries if (links := raw_links(s))}
