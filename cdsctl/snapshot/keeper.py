"""The snapshot of the last validation, kept from its shards after the output of `validate`
(or of the first query after one) by a program of its own: a fresh interpreter, not a fork.

A child forked from the command holds what the command held: at 100,000 tasks and 200,000
reports the one forked from the first query after `validate` peaked at 688 MB, 305 MB of it
the query's.  Here the child left to do the after-output work becomes, as its last step
(cache.Last), `cdsctl` again with :data:`KEEP` (os.execv: the same interpreter and
program; the snapshot's lock passed on open), which makes the snapshot's files one pass
over the shards at a time, letting go of each before the next (:func:`build`):

1. a walk without a map of the stamps: the files still have the stamps the validation read
   them with, none racy (else nothing is kept: the next query validates);
2. the tasks' descriptions (`snapshot.text`), the most memory, first;
3. what each file holds: where each record is and the files it was made of
   (`snapshot.where`, `.names`, `.files`), once their stamps' digest is the validation's;
4. the query view (fromshards.made, lean; columns.encode), written (`snapshot`, then
   `snapshot.digest`) once the shards are still the files read in 2–4 (each shard file's
   identity); then the lock is let go, and where each record is for `show` is kept
   (snapshot.keeping.keep_index_of: a walk of its own).

Before the walk, and every few dozen shards of each pass, it gives way to a command reading
the shards beside it (a query started while a pass runs has the cores to itself: the second
of two queries run back to back after `validate`).

Without fork or exec the same passes run in the command's process, after its output.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import sys
from pathlib import Path

from ..validation import cache
from ..validation.cache import Store, now_ns
from ..validation.shards import give_way

#: the argument `cdsctl` is started with to keep a snapshot (cdsctl.__main__):
#: `cdsctl __keep-snapshot ROOT CACHE-FOLDER LOCK-FD`
KEEP = "__keep-snapshot"


def later(root: Path, store: Store) -> None:
    """Keep the snapshot of the last validation of `root` after the output: its lock taken
    now, with the note that it is made from the shards (store.from_shards: a command
    started meanwhile makes its records from them too rather than wait)."""
    from .store import LOCK, SHARDS

    cache.soon_holding(store, LOCK, functools.partial(_become_keeper, root, store), SHARDS,
                       last=True)  # fmt: skip


def after_validate(root: Path, digest: bytes | None, checked: int) -> None:
    """After `validate` (`digest`: the stamps of the files it validated; `checked`: how many
    it read again), keep the snapshot of those files, unless one is kept for them or one
    kept for other files is patched by the next query for less (a few files changed:
    cdsctl.snapshot.patch)."""
    from ..validation.incremental import MOST
    from .store import DIGEST

    if digest is None:
        return
    store = Store.for_root(cache.cache_home(), root)
    kept = store.read(DIGEST)
    if kept == digest or (isinstance(kept, bytes) and checked <= MOST):
        return
    later(root, store)


def _become_keeper(root: Path, store: Store) -> None:
    """In the child doing the after-output work: become the keeper (os.execv), with the
    lock's file kept open through it; where that cannot be, keep it here."""
    from .store import LOCK

    fd = cache.handed(LOCK)
    if cache.disposable:
        with contextlib.suppress(OSError, ValueError):
            if fd is not None:
                os.set_inheritable(fd, True)
            argv = [*_this_program(), KEEP, os.fsdecode(root), os.fsdecode(store.folder),
                    str(-1 if fd is None else fd)]  # fmt: skip
            os.execv(sys.executable, argv)
    build(root, store)


def _this_program() -> list[str]:
    """How this cdsctl was started: its interpreter (with the flags it was given) and the
    script, so that the keeper runs the same code and is seen as cdsctl (`ps`, the bench)."""
    import subprocess

    flags = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]
    script = sys.argv[0] if sys.argv else ""
    if not script or not os.path.isfile(script) or script.endswith("__main__.py"):
        return [sys.executable, *flags, "-m", "cdsctl"]  # (python -m cdsctl)
    return [sys.executable, *flags, script]


def main(argv: list[str]) -> None:
    """The keeper's program: `argv` is (root, cache folder, the lock's file or -1)."""
    from .store import LOCK

    root, folder, fd = argv
    if int(fd) >= 0:
        cache.adopt(LOCK, int(fd))
    with contextlib.suppress(Exception):  # (a cache not kept: only a slower next query)
        build(Path(root), Store(Path(folder)))


def build(root: Path, store: Store) -> bool:
    """Keep the snapshot of the last validation kept in `store`, a pass over the shards for
    each of its files (see above), then where each record is for `show`.  Whether the
    snapshot was kept now.  Its lock is held meanwhile (taken here unless this process was
    handed it): a keeper started while another works waits, then finds it kept."""
    from . import store as snapshots
    from .keeping import keep_index_of

    with snapshots.keeping(store):
        kept = _kept(root, store)
    cache.release(snapshots.LOCK)  # (a query waits for the snapshot, not for the index)
    if kept is None:
        return False
    digest, on = kept
    give_back()  # (the view's bytes, just written)
    keep_index_of(root, store, lambda: snapshots.where_of(store, digest),
                  lambda: marshal.loads(on), digest, None)  # fmt: skip
    return True


def _kept(root: Path, store: Store) -> tuple[bytes, bytes] | None:
    """The passes: the digest of the snapshot kept and the reports on each task (for the
    index, marshalled), or None when nothing was kept."""
    from ..load.files import seen
    from ..validation.gcpause import gc_paused
    from . import columns, fromshards
    from . import store as snapshots

    last = fromshards.last(store)
    if last is None or store.read(snapshots.DIGEST) == last.digest:
        return None
    digest, errors, shards = last.digest, last.errors, last.shards
    before = _identity(store, shards)
    pause = functools.partial(give_way, store)  # (within each pass too: one takes seconds)
    pause()
    began = now_ns()  # (before the walk: a file changed after it has a later time)
    if before is None or not last.holds(seen(root)):
        return None
    head = {"digest": digest, "written_ns": began}
    # the descriptions first: the most memory (100 MB of text at 100,000 tasks), given back
    # before the records are made (each pass gives way as it begins, and as it goes)
    texts = fromshards.descriptions(store, shards, errors, pause)
    if texts is None or not store.write(snapshots.TEXT, {**head, "texts": texts}):
        return None
    del texts
    give_back()
    of_files = fromshards.files_of(store, shards, errors, pause)
    if of_files is None or of_files.digest() != digest:  # (not the files validated)
        return None
    if not snapshots.save_where(store, head, of_files.where(errors), of_files.files(errors)):
        return None
    del of_files
    give_back()
    made = fromshards.made(store, lean=True, pause=pause)
    if made is None or made.digest != digest or made.shards != shards:
        return None
    with gc_paused():
        entries = made.records.report_entries or {}
        # the reports on each task, for the index: held marshalled, not as lists of the
        # records' own strings (which would hold more of their memory: 10 MB at 100,000)
        on = marshal.dumps({task: [e[1] for e in items] for task, items in entries.items()})
        view, _ = columns.encode(made.records)
        del made.records, entries  # (the columns hold what the view needs of them)
        blob = marshal.dumps({**head, "skipped": made.skipped, "view": view})
    del made, view
    give_back()
    if _identity(store, shards) != before:  # (written again since: not the files read)
        return None
    if not (store.write_marshalled(snapshots.VIEW, blob) and store.write(snapshots.DIGEST, digest)):
        return None
    return digest, on


def give_back() -> None:
    """Hand the memory freed by a pass back to the system.  glibc's malloc keeps what was
    freed in the middle of its heap (each description, each shard's blobs), so that each
    pass would peak over the residue of those before it: at 100,000 tasks, 130 MB held
    after the descriptions were let go, 18 MB once trimmed (malloc_trim, in 8 ms).
    Elsewhere than glibc, nothing."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _identity(store: Store, shards: list[str]) -> list[tuple[int, int, int]] | None:
    """Each shard file's inode, size and time: a shard written again (atomically, by a
    validation after an edit) has another."""
    found = []
    for name in shards:
        try:
            st = os.stat(store.folder / name)
        except OSError:
            return None
        found.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return found
