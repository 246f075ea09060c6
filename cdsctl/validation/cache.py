"""The validation cache: per-file results keyed by each file's stamp (size, mtime, inode,
ctime).

Stored outside the records (``$CDSCTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/cdsctl``), one
folder per records root.  It is trusted only when it proves itself:

* every file carries the length and CRC-32 of its payload and a format/code fingerprint, so a
  truncated, corrupt or foreign file, or one written by another cdsctl, is ignored;
* an entry serves only a file whose stamp is unchanged *and* whose mtime is older than the
  cache's writing by more than the file-system's timestamp granularity (git's "racily
  clean" rule), since a file edited in the same tick as the cache was written would
  otherwise keep its old stamp;
* writes go to a temporary file renamed into place, so a crash leaves the old cache; a
  temporary file is removed when its write fails, and one left by a killed run is removed
  by a later run once it is an hour old.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # (not on Windows: there nothing waits)
    fcntl = None  # type: ignore[assignment]

from .. import __version__
from ..load.files import Seen, Stamp, digest, newest_times

try:  # hashlib's own BLAKE2: importing hashlib loads OpenSSL too (2.4 ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover  (a Python without it)
    from hashlib import blake2b


FORMAT = 9  # 2: references by kinds, without paths; 3: stamps hold ctime; 4: wider cross views;
# 5: messages as (template, arguments), shown in the reader's language; 6: an answer per file;
# 7: the digest of the stamps is a sum of hashes; 8: CRC-32 and length, not BLAKE2 (the
# checksum of the 1,223 shards of 305,061 files took 0.27 s, now 0.05 s); 9: the digest's
# entries hashed as tuples of ints (load.files.entry_hash)
STALE_SECONDS = 3600  # a temporary file this old is left over from a killed run
RACY_NS = 2_000_000_000  # a stamp this close to the cache's writing is not trusted
#: the same, for a time with digits below the millisecond (a file system keeping fine times)
#: and a run that says when it began reading (`started_ns`): see :func:`racy_bounds`
FINE_RACY_NS = 100_000_000
_MAGIC = b"cdsctl-cache\n"
#: what a lookup found when there is nothing stored to give (answers.Answers.find)
MISSING: Any = object()


def cache_home(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    if env.get("CDSCTL_CACHE_DIR"):
        return Path(env["CDSCTL_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cdsctl"


#: the cdsctl package, all of whose code the fingerprint covers (this module is one level down)
PACKAGE = Path(__file__).resolve().parent.parent


def code_files() -> list[Path]:
    """Every module of cdsctl: a change to any of them (a rule, a query, a template's
    context) makes stored results and answers those of other code."""
    return [PACKAGE.joinpath(*parts) for parts, _ in sorted(_code_stats(str(PACKAGE), ()))]


def code_fingerprint() -> bytes:
    """Changes whenever cdsctl's code does, so results of other rules are never reused.

    Of each module in :func:`code_files`' order, its path in the package, size and time;
    made with os.scandir (a command makes it for each cache it opens: 2.2 ms with pathlib's
    rglob and a Path per module, 0.5 ms so)."""
    h = blake2b(f"{FORMAT}:{__version__}".encode(), digest_size=16)
    for parts, st in sorted(_code_stats(str(PACKAGE), ())):
        h.update(f"{'/'.join(parts)}:{st[0]}:{st[1]}".encode())
    return h.digest()


def _code_stats(
    folder: str, parts: tuple[str, ...]
) -> list[tuple[tuple[str, ...], tuple[int, int]]]:
    """(path in the package as parts, (size, mtime_ns)) of every module below `folder`."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                st = entry.stat()
                found.append(((*parts, entry.name), (st.st_size, st.st_mtime_ns)))
            elif entry.is_dir():
                found += _code_stats(entry.path, (*parts, entry.name))
    return found


def payload_check(payload: bytes | memoryview) -> bytes:
    """What a cache file carries to tell it whole: its payload's length and CRC-32 (a
    truncated or damaged file, not a forged one: the folder is the user's own)."""
    return len(payload).to_bytes(8) + zlib.crc32(payload).to_bytes(4)


_HEAD = len(_MAGIC) + 16 + 12  # the magic, the code's fingerprint, the payload's check


class Store:
    """Reads and writes named values (builtins, via marshal) in one root's cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fingerprint = code_fingerprint()

    @classmethod
    def for_root(cls, cache_dir: Path, root: Path) -> Store:
        key = blake2b(os.fsencode(root.resolve()), digest_size=10).hexdigest()
        return cls(cache_dir / f"{root.name}-{key}")

    def read(self, name: str) -> Any:
        """The stored object, or None when missing, corrupt, or from other code."""
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        payload = memoryview(blob)[_HEAD:]  # (no copy: a snapshot's payload is 50 MB)
        check = self._check_in(blob)
        if check is None or payload_check(payload) != check:
            return None
        try:
            return marshal.loads(payload)  # builtins only: loading runs no code
        except (EOFError, ValueError, TypeError):  # checksummed yet unreadable: absent
            return None

    def check_of(self, name: str) -> bytes | None:
        """The payload's check `name` carries (:func:`payload_check`), its payload unread;
        None when missing or from other code."""
        try:
            with open(self.folder / name, "rb") as handle:
                head = handle.read(_HEAD)
        except OSError:
            return None
        return self._check_in(head)

    def _check_in(self, blob: bytes) -> bytes | None:
        """The payload's check a stored file's bytes (`blob`, or its head) carry, if it is
        whole enough to tell and of this code (its magic and fingerprint)."""
        if len(blob) < _HEAD or not blob.startswith(_MAGIC):
            return None
        if blob[len(_MAGIC) : len(_MAGIC) + 16] != self.fingerprint:
            return None
        return blob[len(_MAGIC) + 16 : _HEAD]

    def remove_except(self, keep: list[str], prefix: str) -> None:
        """Delete this folder's files named `prefix…` that are not in `keep` (old shards),
        and temporary files that a killed run left (`.name…`, an hour old)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if (name.startswith(prefix) and name not in keep) or self._left_over(name):
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / name)

    def _left_over(self, name: str) -> bool:
        if not name.startswith("."):  # (temporary files: see write_marshalled)
            return False
        try:
            return (self.folder / name).stat().st_mtime < time.time() - STALE_SECONDS
        except OSError:
            return False

    def write(self, name: str, value: Any) -> bool:
        """Atomically replace `name`; a cache that cannot be written is just not written
        (False)."""
        return self.write_marshalled(name, marshal.dumps(value))

    def write_marshalled(self, name: str, payload: bytes) -> bool:
        """:meth:`write` of a value already marshalled (`payload`), as workers have it."""
        import tempfile

        head = _MAGIC + self.fingerprint + payload_check(payload)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(head)  # (not joined to the payload: no copy of 50 MB)
                handle.write(payload)
            os.replace(tmp, self.folder / name)
        except BaseException as exc:  # a full disk, Ctrl-C: the old cache stays, no half file
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                return False
            raise
        return True


def now_ns() -> int:
    return time.time_ns()


# -- whether stamps still describe the files -------------------------------------------------


def stamps_digest(stamps: dict[str, Stamp]) -> bytes:
    """One value for the whole map of stamps (order-independent): load.files.digest."""
    return digest(stamps.items())


def racy_bounds(cached: dict[str, Any]) -> tuple[int, int]:
    """(fine, coarse): a stamp of `cached`'s files is racy (a change made after its file was
    read could keep it) when its modification time is `fine` or later, or `coarse` or later
    for a time in whole milliseconds (:func:`is_racy`).

    A run that says when it began (`started_ns`, before its walk: every file it read was
    read after) knows that a file changed since has a time at least that, less the step of
    the clock the file system keeps: 2 s at worst (FAT), within 10 ms where times have
    digits below the millisecond (the kernel's coarse clock; 100 ms taken).  So a file
    saved and checked a moment after is not racy, as it was when the window ran back
    from the time the cache was written (`written_ns`, seconds later at 305,061 files:
    what a run that does not say when it began is still judged by)."""
    started = cached.get("started_ns")
    if isinstance(started, int):
        return started - FINE_RACY_NS, started - RACY_NS
    written = cached.get("written_ns", 0)
    return written - RACY_NS, written - RACY_NS


def times(written_ns: int, started_ns: int | None) -> dict[str, int]:
    """The head of a cache file: when it was written, and when the run that made it began
    reading the files (when it knows: :func:`racy_bounds`)."""
    return {"written_ns": written_ns} if started_ns is None else {
        "written_ns": written_ns, "started_ns": started_ns}  # fmt: skip


def is_racy(mtime: int, bounds: tuple[int, int]) -> bool:
    """Whether a stamp with this modification time is racy (:func:`racy_bounds`)."""
    return mtime >= bounds[0] or (mtime >= bounds[1] and not mtime % 1_000_000)


def unchanged(stamps: dict[str, Stamp] | Seen, cached: dict[str, Any]) -> bool:
    """Whether `cached` (with its `digest`, `written_ns` and perhaps `started_ns`) still
    describes these files (their stamps, or a walk's :class:`Seen`): the same stamps, and
    none so close to its reading that a change could hide (racy: :func:`racy_bounds`)."""
    if isinstance(stamps, Seen):
        newest, coarse = stamps.newest, stamps.coarse
    else:  # (the digest only if no stamp is racy: right after an edit, it is not needed)
        newest, coarse = newest_times(stamp[1] for stamp in stamps.values())
    fine_from, coarse_from = racy_bounds(cached)
    if newest >= fine_from or coarse >= coarse_from:
        return False
    found = stamps.digest if isinstance(stamps, Seen) else digest(stamps.items())
    return cached.get("digest") == found


# -- what is kept after the output is out, and waiting for it -------------------------------

#: what a command may leave until its output is out: keeping the snapshot, where each
#: record is (4–5 s at 305,061 files, on the first query after a change), the account of
#: the rules across files (checks.partial, after a full validation).  The CLI sets a list
#: here and, once it has printed, runs it in a child process of its own
#: (cli/process.in_background); None (the library's default): done at once.
later: list[Callable[[], object]] | None = None
#: whether this process is the child left to do the after-output work
#: (cli/process.in_background): a step may then become another program (:class:`Last`)
disposable = False


@dataclass(frozen=True, slots=True)
class Last:
    """An after-output step done after every other (:func:`done_later`): one that may
    become another program (os.execv), so that nothing asked after it is lost."""

    work: Callable[[], object]

    def __call__(self) -> object:
        return self.work()


@dataclass(frozen=True, slots=True)
class Quick:
    """An after-output step that needs no memory (an answer written, or a wait for the next
    command: validation.shards.give_way): done first, before what the command held is let
    go of (:func:`done_later`)."""

    work: Callable[[], object]

    def __call__(self) -> object:
        return self.work()


def soon(work: Callable[[], object], first: bool = False) -> None:
    """`work` now, or after the command's output when the caller asked so (:data:`later`;
    `first`: before what was asked till now, when it is quick and the next command may
    want it at once (:class:`Quick`); a :class:`Last` step stays after every other)."""
    if later is None:
        work()
    elif first:
        later.insert(0, Quick(work))
    else:
        later.append(work)


def done_later(work: list[Callable[[], object]],
               let_go: Callable[[], object] | None = None) -> None:  # fmt: skip
    """The after-output `work` (:data:`later`), each step in turn and let go of once done:
    what only it held (a stored answer's rows) is freed before the next one (a snapshot's)
    takes more; :class:`Last` steps at the end.  `let_go`: frees what the command held,
    called before the first step that may need the memory, any but a :class:`Quick` one (a
    :class:`Last` one too: it becomes another program only where it can, and keeps the
    snapshot here otherwise): after a query that only stores its answer, nothing is freed
    (at 100,000 tasks that was 0.2 s of the child's 0.45 s, and every page freed in a fork
    is a page copied).  A step that fails is passed over: a cache not kept is only a
    slower next run."""
    output_out()
    work.sort(key=lambda step: isinstance(step, Last))  # (stable: the rest keep their order)
    heavy = next((i for i, step in enumerate(work) if not isinstance(step, Quick)), None)
    if let_go is not None and heavy is not None:
        work.insert(heavy, let_go)
    while work:
        step = work.pop(0)
        with contextlib.suppress(Exception):
            step()


_held: dict[str, int] = {}  # locks held by this process
#: the locks :func:`soon_holding` took, by name: their files (:func:`release` lets go early)
_handed: dict[str, int] = {}


def soon_holding(store: Store, lock: str, work: Callable[[], object], note: bytes = b"",
                 last: bool = False) -> None:  # fmt: skip
    """`work` after the output (:func:`soon`), with `lock` taken now, before the output,
    and held until `work` is done (or :func:`release`): a command started in between waits
    for what `work` keeps (:func:`settled`) rather than reading what it replaces and then
    what it kept, both at once (a site's next build, started right after one, held two
    snapshots: 1.3 GB).  The lock passes to the child that does the work: a flock belongs
    to the open file, which the fork shares.  Taken only if free at once (else `work` takes
    it).  `note`: written in the lock's file, for another command to read while the lock is
    held (:func:`held_for`): what is being kept.  `last`: a :class:`Last` step (the lock's
    file stays open in the program it becomes: :func:`handed`, :func:`adopt`)."""
    if later is None or fcntl is None or _held.get(lock):
        soon(Last(work) if last else work)
        return
    fd = _lock_file(store, lock)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)  # (a note of a keeper before is not this one's)
        os.pwrite(fd, note, 0)
    except OSError:  # (another command's keeper holds it: `work` waits for it, as before)
        os.close(fd)
        soon(Last(work) if last else work)
        return
    _held[lock] = _held.get(lock, 0) + 1

    def run() -> None:
        _handed[lock] = fd
        try:
            work()
        finally:
            if _handed.pop(lock, None) is not None:
                _held[lock] = max(0, _held.get(lock, 0) - 1)
            os.close(fd)

    soon(Last(run) if last else run)


def handed(lock: str) -> int | None:
    """The file of `lock` that :func:`soon_holding` took for the step under way (None: not
    taken for it)."""
    return _handed.get(lock)


def adopt(lock: str, fd: int) -> None:
    """Hold `lock` through `fd`, the file another program took it with before becoming
    this one (:func:`handed`): :func:`release` and :func:`keeping` treat it as taken here."""
    _handed[lock] = fd
    _held[lock] = _held.get(lock, 0) + 1


def release(lock: str) -> None:
    """Let go of `lock` before the work :func:`soon_holding` took it for is done: what the
    commands waiting for it want is kept, and the rest of the work is not theirs to wait for
    (where each record is, for `show`: 2.6 s at 100,000 tasks)."""
    fd = _handed.pop(lock, None)
    if fd is not None and fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        _held[lock] = max(0, _held.get(lock, 0) - 1)


def held_for(store: Store, lock: str) -> bytes | None:
    """The note of `lock` (:func:`soon_holding`) while another process holds it; None
    when nobody does (or this process)."""
    if fcntl is None or _held.get(lock):
        return None
    try:
        fd = os.open(store.folder / lock, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # (let go as the file is closed)
        return None
    except BlockingIOError:
        return os.pread(fd, 64, 0)
    finally:
        os.close(fd)


@contextmanager
def keeping(store: Store, lock: str) -> Iterator[None]:
    """Hold `lock` (a file in the store's folder) while something is being kept that
    another process would rather wait for than make again (nested holds are one)."""
    if fcntl is None or _held.get(lock):
        _held[lock] = _held.get(lock, 0) + 1
        try:
            yield
        finally:
            _held[lock] -= 1
        return
    fd = _lock_file(store, lock)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)  # (no note: what a keeper before noted is not what this keeps)
        _held[lock] = _held.get(lock, 0) + 1
        yield
    finally:
        _held[lock] = max(0, _held.get(lock, 0) - 1)
        os.close(fd)


@contextmanager
def sharing(store: Store, lock: str) -> Iterator[Callable[[], None]]:
    """Hold `lock` shared while reading what a process in the background reads too: it
    gives way (:func:`unshared`).  What it gives (`hold_on`), called inside, keeps the lock
    held in a command with after-output work (:data:`later`) until its output is out
    (:func:`output_out`): the work a command before it left behind waits for the whole
    answer.  Without locks (Windows), nothing."""
    held: list[bool] = []

    def hold_on() -> None:
        held.append(later is not None)

    if fcntl is None:
        yield hold_on
        return
    try:
        fd = _lock_file(store, lock)
    except OSError:  # (a cache folder this user cannot write: nothing to share)
        yield hold_on
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield hold_on
    except BaseException:
        os.close(fd)
        raise
    if any(held):
        _until_output.append(fd)
    else:
        os.close(fd)


#: the files of the locks held shared until the output is out (:func:`sharing`)
_until_output: list[int] = []


def output_out() -> None:
    """The command's output is out: let go of the locks held until then (:func:`sharing`),
    before any after-output work begins (its child would hold them too)."""
    while _until_output:
        with contextlib.suppress(OSError):
            os.close(_until_output.pop())


def unshared(store: Store, lock: str, timeout: float) -> None:
    """Return once no process holds `lock` shared (:func:`sharing`), or after `timeout`:
    work in the background waits so for a command reading beside it.  Once it waited for
    one, it waits for none to come in :data:`GRACE_SECONDS` too: the next command of a
    script, started at that one's output (two queries after `validate`: the second one
    shared the cores with the account of the rules, 2.1 s against 1.5 at 100,000 tasks)."""
    deadline = time.monotonic() + timeout
    while _free(store, lock, True, deadline - time.monotonic(), 0.05):
        if time.monotonic() + GRACE_SECONDS > deadline:
            return
        time.sleep(GRACE_SECONDS)


#: how long the child left to do the after-output work waits before it first looks whether
#: a command reads beside it (:func:`give_way`): one started right after the output (a
#: query after `validate`, in a script) takes its lock about 0.1 s after it starts
GRACE_SECONDS = 0.25


def give_way(store: Store, lock: str, timeout: float) -> None:
    """:func:`unshared`, in the child left to do the after-output work (:data:`disposable`)
    once :data:`GRACE_SECONDS` have passed: it began before the next command could."""
    if disposable:
        time.sleep(GRACE_SECONDS)
    unshared(store, lock, timeout)


def _lock_file(store: Store, lock: str) -> int:
    """The lock's file in the store's folder, opened to be locked (made if missing)."""
    store.folder.mkdir(parents=True, exist_ok=True)
    return os.open(store.folder / lock, os.O_RDWR | os.O_CREAT, 0o666)


def settled(store: Store, lock: str, timeout: float) -> None:
    """Return once no other process holds `lock` (:func:`keeping`), or after `timeout`."""
    if not _held.get(lock):
        _free(store, lock, False, timeout, 0.02)


def _free(store: Store, lock: str, exclusive: bool, timeout: float, step: float) -> bool:
    """Return once `lock` could be taken (`exclusive`: by this process alone; else shared),
    looking every `step` seconds, or after `timeout`: whether it was held when first looked
    at.  Nothing to wait for where there are no locks, or the lock's file was never made
    (or cannot be read)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(store.folder / lock, os.O_RDONLY)
    except OSError:
        return False
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    waited = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode)  # (let go as the file is closed)
                return waited
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return waited
                waited = True
                time.sleep(step)
    finally:
        os.close(fd)
