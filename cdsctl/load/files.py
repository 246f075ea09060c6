"""The records root: finding it, listing its record files and telling whether they changed
(a file's text is read in :mod:`.reading`)."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISLNK, S_ISREG, S_ISSOCK
from zlib import adler32 as _adler32
from zlib import crc32 as _crc32

from ..diagnostics import CdsError
from ..i18n import Msg, _

AGENCIES = "agencies.yaml"
RECORD_SUFFIXES = (".yaml", ".yml", ".md")
MAX_BYTES = 2 * 1024 * 1024
ENV_RECORDS = "CDSCTL_RECORDS"


def find_root(
    records: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Path:
    """The records root (spec §1).

    `--records`, else $CDSCTL_RECORDS, else walk up to agencies.yaml, else ./records.
    """
    env = os.environ if env is None else env
    here = Path(cwd or os.getcwd()).resolve()
    if records is not None:
        return _checked_root(Path(records), "--records")
    if env.get(ENV_RECORDS):
        return _checked_root(Path(env[ENV_RECORDS]), ENV_RECORDS)
    for folder in (here, *here.parents):
        if (folder / AGENCIES).is_file():
            return folder
    return _checked_root(here / "records", _("the default ./records"))


def _checked_root(path: Path, source: str) -> Path:
    if not path.is_dir():
        raise CdsError(_("{path}: no such folder (from {source})").format(path=path, source=source))
    if not (path / AGENCIES).is_file():
        raise CdsError(_("{path}: not a records root, it holds no agencies.yaml (from {source}); "
                         "give --records, or run cdsctl init to start one")
                       .format(path=path, source=source))  # fmt: skip
    return path.resolve()


#: what tells a file changed without reading it: (size, mtime_ns, inode, ctime_ns).  The
#: ctime too (git's core.trustctime): a file rewritten at the same size with its mtime put
#: back (`touch -d`) keeps the other three, but not its ctime.
Stamp = tuple[int, int, int, int]
UNKNOWN: Stamp = (-1, 0, 0, 0)  # not looked at yet
BROKEN: Stamp = (-2, 0, 0, 0)  # stat failed: a broken link, a link loop
#: Entries the walk found wrong and the reading never opens (see :func:`walk_problem`): a
#: stamp whose first number is at most NOT_READ.
NOT_READ = -3
SPECIAL: Stamp = (-3, 0, 0, 0)  # a FIFO, a socket or a device: opening one may block
OUTSIDE = -4  # a symbolic link leading out of the root: (-4, the link's mtime, inode, ctime)
BAD_NAME: Stamp = (-5, 0, 0, 0)  # a path that is not UTF-8, keyed by its \xNN-escaped form
FOLDER = -6  # a folder that cannot be listed: (-6, errno, 0, 0), keyed by the folder's path
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def is_record_name(name: str) -> bool:
    """`*.yaml`, `*.yml` and `*.md` in any letter case, except `README.md` (in any case)."""
    if not name.endswith(RECORD_SUFFIXES) and not name.lower().endswith(RECORD_SUFFIXES):
        return False
    return not _is_readme(name)


def _is_readme(name: str) -> bool:
    return name.lower() == "readme.md"


_MARKDOWN = (".md", ".MD", ".Md", ".mD")


def is_markdown(name: str) -> bool:
    return name.endswith(_MARKDOWN)  # (one call: this is on the hot path)


#: a folder's stamp (mtime, inode, ctime): its mtime moves when an entry is added, removed or
#: renamed in it (not when a file in it is written)
FolderStamp = tuple[int, int, int]


def walk(root: Path, stat: bool = True, ordered: bool = True,
         folders: dict[str, FolderStamp] | None = None,
         early: tuple[int, Callable[[], object]] | None = None) -> dict[str, Stamp]:  # fmt: skip
    """Every record file below `root` (relative path with `/`) and its stamp, sorted.

    `ordered=False` skips the sort, for a caller that only compares the map.  `folders`:
    filled with the stamp of each folder listed (relative path, "." for the root), taken
    as it was listed.  `early`: (n, f): f() is called once, as soon as the walk has found n
    entries (after the folder that makes them n), while it goes on.

    With `stat=False` the stamps are left unknown (-1, 0, 0, 0): a run with no cache learns
    them from the files it opens anyway.  What is not a regular file is known without a
    stat, from the entry's type that the folder listing returns (`d_type`: scandir's
    DirEntry objects cost ≈ 0.1 µs a file over listdir's names, 305,061 files); stat is
    relative to the folder's descriptor.  Symbolic links, FIFOs, devices, unreadable
    folders and names that are not UTF-8 get the stamps above (spec §1).
    """
    found: dict[str, Stamp] = {}
    _Walk(os.path.realpath(root), stat, found, folders, early=early).run()
    _rename_undecodable(found)
    # (sorting the paths, not the items: comparing tuples cost a cold run 0.1 s more at
    # 305,061 files)
    return {path: found[path] for path in sorted(found)} if ordered else found


class _Walk:
    """One walk: folders to list, links to folders (followed last), folders listed."""

    __slots__ = ("early", "folders", "found", "links", "listed", "root", "share", "stack",
                 "stat")  # fmt: skip

    def __init__(self, root: str, stat: bool, found: MutableMapping[str, Stamp],
                 folders: dict[str, FolderStamp] | None = None,
                 share: tuple[int, int] | None = None,
                 early: tuple[int, Callable[[], object]] | None = None) -> None:  # fmt: skip
        self.root, self.stat, self.found, self.folders = root, stat, found, folders
        self.share = share  # (this one, of how many): see walk_share
        self.early = early  # (n, f): see walk
        self.stack: list[tuple[str, str]] = [(root, "")]  # (real path, relative prefix)
        self.links: list[tuple[str, str]] = []  # (relative prefix, real path of the target)
        self.listed: set[str] = set()  # real paths: no folder is read twice, links loop not

    def run(self) -> None:
        """Real folders first, then the links to folders in path order, so a folder that
        is read anyway is not read again through a link (nor a loop forever).

        One thread: listing folders in threads was slower, not faster (305,061 files: 1.3 s
        alone, 1.7 s with one thread, 2.0 s with two, 3.4 s with four), as each stat hands
        the interpreter lock back and forth.  A query walks in a process of its own
        instead (cdsctl.repository.Walking)."""
        while self._next():
            self._list(*self._take())
            if self.early is not None and len(self.found) >= self.early[0]:
                call, self.early = self.early[1], None
                call()

    def _take(self) -> tuple[str, str]:
        folder, prefix = self.stack.pop()
        self.listed.add(folder)
        return folder, prefix

    def _next(self) -> bool:
        """Whether a folder not listed yet is next on the stack (a real one, else the first
        link to a folder in path order); the ones listed already are dropped."""
        while self.stack or self.links:
            if not self.stack:
                self.links.sort(reverse=True)
                prefix, target = self.links.pop()
                self.stack.append((target, prefix))
            if self.stack[-1][0] not in self.listed:
                return True
            self.stack.pop()
        return False

    def _list(self, folder: str, prefix: str) -> None:
        mine = self._mine(prefix)
        try:
            fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):  # gone (or replaced) since listed
            return
        except OSError as exc:
            if mine:
                self.found[prefix.rstrip("/") or "."] = (FOLDER, exc.errno or 0, 0, 0)
            return
        try:
            if self.folders is not None:
                st = os.fstat(fd)
                self.folders[prefix.rstrip("/") or "."] = (st.st_mtime_ns, st.st_ino,
                                                           st.st_ctime_ns)  # fmt: skip
            if not mine:
                self._skim(folder, prefix, fd)
            else:
                each = self._stat_each if self.stat else self._type_each
                if isinstance(self.found, _Seeing):
                    each = self._see_each
                each(folder, prefix, fd)
        except OSError as exc:  # the listing failed midway (an I/O error)
            if mine:
                self.found[prefix.rstrip("/") or "."] = (FOLDER, exc.errno or 0, 0, 0)
        finally:
            os.close(fd)

    def _mine(self, prefix: str) -> bool:
        """Whether the folder `prefix` is this share's (by a hash of its path)."""
        share = self.share
        return (
            share is None
            or zlib.crc32(prefix.encode("utf-8", "surrogatepass")) % share[1] == share[0]
        )

    def _skim(self, folder: str, prefix: str, fd: int) -> None:
        """A folder another share looks at: only what the walk goes on to (folders, links
        to folders), from the listing's types; what it holds is the other share's."""
        kept, self.found = self.found, {}
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = entry.name
                    if name[0] not in "._" and not entry.is_file(follow_symlinks=False):
                        self._other(name, folder, prefix, fd)
        finally:
            self.found = kept

    def _stat_each(self, folder: str, prefix: str, fd: int) -> None:
        """Each entry's stamp from lstat: a regular file's is what the cache compares."""
        found = self.found
        for name in os.listdir(fd):
            if name[0] in "._":
                continue
            if name.endswith(RECORD_SUFFIXES) and (len(name) != 9 or not _is_readme(name)):
                try:
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except OSError:  # gone since listed
                    continue
                if S_ISREG(st.st_mode):  # the hot path
                    found[prefix + name] = (st.st_size, st.st_mtime_ns, st.st_ino,
                                            st.st_ctime_ns)  # fmt: skip
                    continue
            self._other(name, folder, prefix, fd)

    def _see_each(self, folder: str, prefix: str, fd: int) -> None:
        """:meth:`_stat_each` for a walk that keeps only hashes (:func:`seen`): each regular
        file's :func:`entry_hash` made here, its path's checksums carried on from the
        folder's (0.2 s less at 305,061 files than through the sink)."""
        if not prefix.isascii() and _undecodable(prefix):  # (the sink renames its files)
            self._stat_each(folder, prefix, fd)
            return
        sink: _Seeing = self.found  # type: ignore[assignment]
        hashes, times = sink.hashes, sink.times
        head = prefix.encode("utf-8", "surrogatepass")
        crc, adler = _crc32(head), _adler32(head)
        stat, suffixes = os.stat, RECORD_SUFFIXES
        for name in os.listdir(fd):
            if name[0] in "._":
                continue
            if name.endswith(suffixes) and (len(name) != 9 or not _is_readme(name)):
                try:
                    st = stat(name, dir_fd=fd, follow_symlinks=False)
                except OSError:  # gone since listed
                    continue
                if S_ISREG(st.st_mode) and name.isascii():  # the hot path
                    tail = name.encode()
                    mtime = st.st_mtime_ns
                    stamp = (st.st_size, mtime, st.st_ino, st.st_ctime_ns)
                    hashes.append(hash((_crc32(tail, crc), _adler32(tail, adler), stamp)))
                    times.append(mtime)
                    continue
            self._other(name, folder, prefix, fd)

    def _type_each(self, folder: str, prefix: str, fd: int) -> None:
        """Each entry by the type the listing gives (`d_type`), without a stat."""
        found = self.found
        with os.scandir(fd) as entries:
            for entry in entries:
                name = entry.name
                if name[0] in "._":
                    continue
                if (name.endswith(RECORD_SUFFIXES) and entry.is_file(follow_symlinks=False)
                        and (len(name) != 9 or not _is_readme(name))):  # fmt: skip
                    found[prefix + name] = UNKNOWN  # the hot path
                else:
                    self._other(name, folder, prefix, fd)

    def _other(self, name: str, folder: str, prefix: str, fd: int) -> None:
        """Anything but a regular `*.yaml`/`*.yml`/`*.md` file: a folder, a link, a name in
        another letter case, a FIFO or device named like a record (a warning)."""
        try:
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
        except OSError:  # gone since listed
            return
        if S_ISLNK(mode):
            self._link(f"{folder}/{name}", prefix + name, is_record_name(name))
        elif S_ISDIR(mode):
            self.stack.append((f"{folder}/{name}", f"{prefix}{name}/"))
        elif is_record_name(name):
            regular = S_ISREG(mode)
            stamp = (stat_stamp(name, fd) if self.stat else UNKNOWN) if regular else SPECIAL
            self.found[prefix + name] = stamp

    def _link(self, path: str, relpath: str, record: bool) -> None:
        """Follow a link whose target is inside the root; one leading out is an error."""
        try:
            target = os.path.realpath(path, strict=True)
            st = os.stat(target)
        except OSError:  # broken, a loop, gone: reading a record says which
            if record:
                self.found[relpath] = BROKEN
            return
        folder = S_ISDIR(st.st_mode)
        if target != self.root and not target.startswith(self.root + os.sep):
            if record or folder:  # (a link to a file that is no record is no concern)
                self.found[relpath] = _outside_stamp(path)
        elif folder:
            self.links.append((relpath + "/", target))
        elif record:
            regular = S_ISREG(st.st_mode)
            self.found[relpath] = (stamp_of(st) if self.stat else UNKNOWN) if regular else SPECIAL


def _outside_stamp(path: str) -> Stamp:
    try:
        st = os.lstat(path)
    except OSError:
        return BROKEN
    return (OUTSIDE, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


# -- whether the files are the ones seen before ------------------------------------------------


def entry_hash(path: str, stamp: Stamp) -> int:
    """One file's part of :func:`digest`: a 64-bit hash of the path's CRC-32 and Adler-32
    and the stamp (0.36 µs a file, against 1.1 µs for BLAKE2 of them as text: 0.2 s less
    for every walk of 305,061 files).  The hash of a tuple of ints is the same in every
    process (only text is hashed with a random key), and a change to one number of the
    stamp always changes it (each step of the tuple hash is one-to-one in its element);
    the sum of the entries' hashes misses two changes only by a chance of 2**-64."""
    # (surrogatepass: a name that is not UTF-8 must not stop the run; the walk renames them)
    data = path.encode("utf-8", "surrogatepass")
    return hash((_crc32(data), _adler32(data), tuple(stamp)))  # (a list, as marshal may give)


def digest(entries: Iterable[tuple[str, Stamp]]) -> bytes:
    """One value for a set of (path, stamp): each hashed on its own and summed, so the
    order does not matter and a walk can make it as it goes, without a map of every stamp
    (105 MB at 305,061 files).  A change to one entry always changes it, two or more but for
    a chance of 2**-64 (:func:`entry_hash`); the count is part of it too."""
    hashes = [entry_hash(path, stamp) for path, stamp in entries]
    return _summed(sum(hashes), len(hashes))


def patched_digest(before: bytes, gone: Iterable[tuple[str, Stamp]],
                   added: Iterable[tuple[str, Stamp]], count: int) -> bytes:  # fmt: skip
    """:func:`digest` of a set of entries, from the digest `before` of another: `gone`
    taken out, `added` put in, `count` entries in all (a sum: no entry is hashed again)."""
    total = int.from_bytes(before[:16]) - sum(entry_hash(p, s) for p, s in gone)
    total += sum(entry_hash(p, s) for p, s in added)
    return _summed(total, count)


def digest_count(found: bytes) -> int:
    """How many entries a :func:`digest` is of."""
    return int.from_bytes(found[16:24])


def _summed(total: int, count: int) -> bytes:
    """The digest of `count` entries whose hashes add up to `total`."""
    return (total % 2**128).to_bytes(16) + count.to_bytes(8)


@dataclass(frozen=True, slots=True)
class Seen:
    """What a walk found, in short: the :func:`digest` of every stamp, the newest
    modification time, and the newest of those in whole milliseconds (`coarse`: a file
    system that keeps times no finer has a wider racy window: cache.racy_bounds)."""

    digest: bytes
    newest: int
    coarse: int = 0


def newest_times(times: Iterable[int]) -> tuple[int, int]:
    """(the newest of these modification times, the newest in whole milliseconds)."""
    times = list(times)
    return max(times, default=0), max((t for t in times if not t % 1_000_000), default=0)


class _Seeing:
    """A walk's sink that keeps only each entry's hash and time."""

    def __init__(self) -> None:
        self.hashes: list[int] = []
        self.times: list[int] = []

    def __setitem__(self, path: str, stamp: Stamp) -> None:
        if not path.isascii() and _undecodable(path):  # as _rename_undecodable names it
            path, stamp = shown_path(path), BAD_NAME
        self.hashes.append(entry_hash(path, stamp))
        self.times.append(stamp[1])


def walk_share(root: Path, share: int, shares: int, hash_before: int | None = None
               ) -> tuple[dict[str, Stamp], int | None, int, int]:  # fmt: skip
    """Share `share` of `shares` of :func:`walk` with stat (unordered): every share lists
    every folder, and stats the files of the folders that are its own (by a hash of the
    folder's path); with the sum of its entries' hashes and their newest times (all, in
    whole milliseconds), for :func:`seen_of_shares`.  The shares of one root at one moment
    make the walk.

    `hash_before`: no sum (None) when an entry is that new or newer: a digest is compared
    only when no entry is (validation.cache.unchanged), so it would not be read."""
    found: dict[str, Stamp] = {}
    _Walk(os.path.realpath(root), True, found, share=(share, shares)).run()
    _rename_undecodable(found)
    newest, coarse = newest_times(stamp[1] for stamp in found.values())
    if hash_before is not None and newest >= hash_before:
        return found, None, newest, coarse
    return found, sum(entry_hash(path, stamp) for path, stamp in found.items()), newest, coarse


def seen_of_shares(shares: Iterable[tuple[dict[str, Stamp], int | None, int, int]]
                   ) -> tuple[dict[str, Stamp], Seen]:  # fmt: skip
    """The whole walk of :func:`walk_share`'s shares, and its :class:`Seen` (whose digest
    is empty when a share made no sum: then its newest time is as new as it said)."""
    stamps: dict[str, Stamp] = {}
    total: int | None = 0
    newest = coarse = 0
    for found, hashed, new, new_coarse in shares:
        stamps.update(found)
        total = None if total is None or hashed is None else total + hashed
        newest, coarse = max(newest, new), max(coarse, new_coarse)
    if total is None:
        return stamps, Seen(b"", newest, coarse)
    return stamps, Seen(_summed(total, len(stamps)), newest, coarse)


def seen(root: Path) -> Seen:
    """:func:`walk` with stat, in short: the same :class:`Seen` as ``seen_in(walk(root))``."""
    return seen_of_parts([seen_part(root, 0, 1)])


#: what one share of a walk saw: (the sum of its entries' hashes, their count, the newest
#: modification time, the newest in whole milliseconds)
SeenPart = tuple[int, int, int, int]


def seen_part(root: Path, share: int, shares: int) -> SeenPart:
    """Share `share` of `shares` of :func:`seen` (the files of its folders, as
    :func:`walk_share` shares them out): :func:`seen_of_parts` adds the shares up."""
    sink = _Seeing()
    _Walk(os.path.realpath(root), True, sink,  # type: ignore[arg-type]
          share=(share, shares) if shares > 1 else None).run()  # fmt: skip
    return (sum(sink.hashes), len(sink.hashes), *newest_times(sink.times))


def seen_of_parts(parts: Iterable[SeenPart]) -> Seen:
    """The :class:`Seen` of a walk from :func:`seen_part`'s shares of it."""
    total = count = newest = coarse = 0
    for hashed, many, new, new_coarse in parts:
        total, count = total + hashed, count + many
        newest, coarse = max(newest, new), max(coarse, new_coarse)
    return Seen(_summed(total, count), newest, coarse)


def seen_in(stamps: Mapping[str, Stamp]) -> Seen:
    return Seen(digest(stamps.items()), *newest_times(s[1] for s in stamps.values()))


def _rename_undecodable(found: dict[str, Stamp]) -> None:
    """Key a path that is not UTF-8 (bytes Python holds as surrogate escapes) by its shown
    form, `\\xff`, with the BAD_NAME stamp: every place that encodes paths can take it."""
    if all(map(str.isascii, found)):  # 5 ms at 305,061 files
        return
    for relpath in [p for p in found if not p.isascii() and _undecodable(p)]:
        del found[relpath]
        found[shown_path(relpath)] = BAD_NAME


def _undecodable(path: str) -> bool:
    """Whether `path` holds bytes that are not UTF-8 (surrogate escapes)."""
    try:
        path.encode()
    except UnicodeEncodeError:
        return True
    return False


def shown_path(path: str) -> str:
    """`path` with the bytes that are not UTF-8 shown as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def stat_stamp(path: str, dir_fd: int | None = None) -> Stamp:
    """A file's stamp from stat (BROKEN for a broken link or a link loop)."""
    try:
        return stamp_of(os.stat(path, dir_fd=dir_fd))
    except OSError:
        return BROKEN


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def walk_problem(root: str, relpath: str, stamp: Stamp) -> tuple[str, str]:
    """The diagnostic code and message of an entry the walk marked NOT_READ."""
    path = f"{root}/{relpath}"
    if stamp[0] == OUTSIDE:
        return "link-outside-root", Msg(
            "a symbolic link to {target}, outside the records root: records are read only "
            "inside it; copy the record into the root, or remove the link",
            target=_link_target(path))  # fmt: skip
    if stamp[0] == BAD_NAME[0]:
        return "file-name", Msg(
            "the name is not UTF-8 text (its other bytes are shown as \\xNN), so the file "
            "cannot be read as a record; rename it")  # fmt: skip
    if stamp[0] == FOLDER:
        return "unreadable", Msg("cannot read the folder: {reason}", reason=os.strerror(stamp[1]))
    return "special-file", Msg(
        "{what}: skipped, never opened; move it out of the records root", what=what_file(path)
    )


def _link_target(path: str) -> str:
    try:
        return shown_path(os.readlink(path))
    except OSError:
        return Msg("a file")


_KINDS = ((S_ISFIFO, Msg("a FIFO (named pipe)")), (S_ISSOCK, Msg("a socket")),
          (S_ISCHR, Msg("a character device")), (S_ISBLK, Msg("a block device")),
          (S_ISDIR, Msg("a folder")))  # fmt: skip


def what_file(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    kind = next((text for test, text in _KINDS if test(mode)), Msg("a special file"))
    return Msg("{kind}, not a regular file", kind=kind)


def relative_record_path(root: Path, path: Path) -> str | None:
    """`path` relative to `root` if it is a record file there, else None."""
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        return None
    relpath = "/".join(rel.parts)
    return relpath if is_record_path(relpath) else None


def is_record_path(relpath: str) -> bool:
    """Whether the file at `relpath` ("/"-separated, below the root) is a record (spec §1):
    no part of it starts with `.` or `_`, and its name is a record's."""
    parts = relpath.split("/")
    return bool(relpath) and all(p[:1] not in "._" for p in parts) and is_record_name(parts[-1])
