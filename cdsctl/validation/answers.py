"""Stored answers of queries over a records root (:class:`Answers`): the same question asked
again of unchanged files is answered without reading a record.  Kept in the root's cache
folder (:mod:`.cache`), trusted by the same rules."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..load.files import Seen, Stamp
from .cache import MISSING, Store, blake2b, cache_home, now_ns, times, unchanged

QUERIES = "queries"
ANSWER = "answer."  # each answer's own file: answer.<hash of its key>
#: the bound of stored answers per records root: at most this many, and this many bytes
#: (an answer over a quarter of it is not kept: the snapshot computes it again in a blink)
KEEP_ANSWERS = 16
ANSWER_BYTES = 64 * 2**20


class Answers:
    """Answers of queries over a records root, each stored under a key (the command, the
    as-of date, its options) with the digest of every record file's stamp.

    An answer is given back only while the digest is the same and no stamp is in the racy
    window: an unchanged repository answers the same question without reading a record.
    The `holidays` version (it decides working days) is part of every key; the code
    fingerprint is part of every stored file (:class:`Store`).

    Each answer is a file of its own, named in a small index (``queries``) with its size:
    a lookup reads the index and that one answer.  Bounded by :data:`KEEP_ANSWERS` and
    :data:`ANSWER_BYTES`: the oldest are dropped first (16 dates of `overdue` at 100,000
    tasks held 178 MB in one file, read and written whole on every new date).
    """

    def __init__(self, root: Path, cache_dir: Path | None = None) -> None:
        self.store = Store.for_root(cache_dir or cache_home(), root)
        self.root = root
        self._stored: dict[str, Any] | None = None

    def _key(self, key: str) -> str:
        from ..dates.workdays import package_version

        return f"{key}|holidays={package_version()}"

    def _read(self) -> dict[str, Any]:
        if self._stored is None:
            found = self.store.read(QUERIES)
            ok = isinstance(found, dict) and isinstance(found.get("answers"), dict)
            self._stored = found if ok else {}
        return self._stored

    def holds(self, key: str) -> bool:
        """Whether an answer to `key` is stored (over whatever files: :meth:`find` tells)."""
        return self._key(key) in self._read().get("answers", {})

    def find(self, key: str, walk: Callable[[], dict[str, Stamp] | Seen]) -> Any:
        """The stored answer to `key`, or MISSING.  `walk()` (what tells whether the files
        changed) is called only when an answer to `key` is stored."""
        stored = self._read()
        entry = stored.get("answers", {}).get(self._key(key))
        if entry is None or not unchanged(walk(), stored):
            return MISSING
        found = self.store.read(entry[0])
        if not isinstance(found, dict) or found.get("digest") != stored["digest"]:
            return MISSING  # gone or damaged: computed again
        return found["value"]

    def save(self, key: str, value: Any, digest: bytes, started_ns: int | None = None) -> None:
        """Store `value` as the answer to `key` over the records whose stamps have `digest`
        (a validation's :attr:`~cdsctl.validation.pipeline.Validation.digest`); answers over
        other stamps are dropped, and the oldest beyond the bound.  `started_ns`: when the
        walk that vouched for those records began (the racy window is counted from it, so
        the answer may be kept after the output: :func:`racy_bounds`)."""
        stored = self._read()
        key = self._key(key)
        try:
            payload = marshal.dumps({"digest": digest, "value": value})
        except ValueError:  # a value marshal cannot hold: answered, but not kept
            return
        if len(payload) > ANSWER_BYTES // 4:
            return
        name = ANSWER + blake2b(key.encode(), digest_size=12).hexdigest()
        kept = dict(stored.get("answers", {})) if stored.get("digest") == digest else {}
        kept.pop(key, None)
        kept[key] = (name, len(payload))
        while len(kept) > KEEP_ANSWERS or sum(size for _, size in kept.values()) > ANSWER_BYTES:
            del kept[next(iter(kept))]  # the oldest first
        if not self.store.write_marshalled(name, payload):
            return
        stored = {"digest": digest, **times(now_ns(), started_ns), "answers": kept}
        self._stored = stored
        if self.store.write(QUERIES, stored):
            self.store.remove_except([name for name, _ in kept.values()], prefix=ANSWER)
