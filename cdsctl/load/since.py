"""Which record files may have changed since a moment, without a stamp of every file kept:
a walk that stats each file as the full one does (load.files.walk) but reports only those
whose inode changed (its ctime) since then, and every file below a folder whose entries did
(one added, removed or renamed: the folder's ctime).

A file's ctime is set by the kernel from its clock at every change of its content or its
stamp, and no program can set it back (`touch -d`, `cp -p`, `tar`, `rsync -t` set mtimes,
never ctimes).  The moment is itself a ctime (:func:`moment`: a file the cache keeps for
it, touched), so it is read from the clock the files are stamped with, not from the
process's (which `faketime` may fake).  On a local file system, whose times come from this
machine's clock, a file not reported is then as it was at the moment, as long as that clock
was not set back in between: the moment keeps, with the time, the boot and how far the
clock stood from the time since boot, and :func:`trusted` gives way (a full walk) after a
reboot, a clock set back or forward, or on a file system whose times may come from another
machine's clock (NFS, SMB, FUSE, a virtual machine's shared folder) or are kept coarser than
the margin (FAT).  Anything else unusual on the way (a symbolic link, a FIFO named like a
record, a folder that cannot be listed, a name that is not UTF-8) gives way as well: the
full walk knows what to do with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

from .files import (
    _O_DIRECTORY,
    RECORD_SUFFIXES,
    Stamp,
    _is_readme,
    _undecodable,
    _Walk,
    is_record_name,
)

#: a change this long before the moment is reported too: a file system may keep whole
#: seconds (ext3) where the cache's keeps nanoseconds.  What is reported and unchanged
#: costs a comparison, no more.
MARGIN_NS = 2_000_000_000
#: the clock moved by more than this against the time since boot: it was set
STEP_NS = 500_000_000

#: file systems whose times are this machine's clock, at least as fine as the margin
LOCAL_TYPES = frozenset({
    "ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "zfs", "overlay", "jfs",
    "reiserfs", "bcachefs", "nilfs2",
})  # fmt: skip

_BOOT_ID = "/proc/sys/kernel/random/boot_id"
_UPTIME = "/proc/uptime"
_MOUNTS = "/proc/self/mountinfo"
_PROBE = "since.probe"

#: (the moment as a ctime in ns, this boot's id, the moment less the time since boot)
Moment = tuple[int, str, int]


def moment(folder: Path) -> Moment | None:
    """Now, as the kernel stamps files: the ctime of a file in `folder` (the cache's, on a
    local file system) touched now; with this boot and the clock's distance from the time
    since boot, which stay the same until the machine restarts or its clock is set.  None
    where these cannot be read (not Linux, the folder not writable or not local)."""
    probe = folder / _PROBE
    try:
        with open(_BOOT_ID, encoding="ascii") as f:
            boot = f.read().strip()
        try:
            os.utime(probe)
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            probe.touch()
        now = os.stat(probe).st_ctime_ns
        with open(_UPTIME, encoding="ascii") as f:
            up = round(float(f.read().split()[0]) * 1e9)
    except (OSError, ValueError, IndexError):
        return None
    return now, boot, now - up


def trusted(root: Path, cache: Path, then: object, now: Moment | None) -> bool:
    """Whether a walk of `root` reporting what changed since the moment `then` (as kept)
    misses no change, `now` being this one's (the module's docstring)."""
    if now is None or not isinstance(then, (tuple, list)) or len(then) != 3:
        return False
    since, boot, offset = then
    if boot != now[1] or not isinstance(since, int) or not isinstance(offset, int):
        return False
    if abs(now[2] - offset) > STEP_NS or now[0] < since:
        return False  # (NTP slews a clock by far less than this between two commands)
    return file_system(root) in LOCAL_TYPES and file_system(cache) in LOCAL_TYPES


def file_system(path: Path) -> str | None:
    """The type of the file system `path` is on (Linux's mount table), or None."""
    real = os.path.realpath(path)
    best, found = -1, None
    try:
        with open(_MOUNTS, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                fields = line.split()
                if "-" not in fields[6:]:
                    continue
                point = _unescaped(fields[4])
                inside = real == point or real.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= best:  # (the last of equals: mounted over)
                    best, found = len(point), fields[fields.index("-", 6) + 1]
    except (OSError, IndexError):
        return None
    return found


def _unescaped(field: str) -> str:
    """A mount point as the mount table writes it (space, tab, newline, backslash octal)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


@dataclass(slots=True)
class Since:
    """What one share of the walk found: the stamps of the files it reports, the folders
    reported whole (relative path with a final `/`, "" for the root: every file below is
    reported, and a file kept from before below it and not reported is gone), and how many
    record files its folders hold in all."""

    files: dict[str, Stamp]
    whole: list[str]
    count: int

    def to_wire(self) -> tuple[dict[str, Stamp], list[str], int]:
        return self.files, self.whole, self.count


def since_share(root: Path, since_ns: int, share: int = 0, shares: int = 1) -> Since | None:
    """Share `share` of `shares` of the walk (as load.files.walk_share shares it out): what
    changed since `since_ns`, less :data:`MARGIN_NS`; None when something on the way needs
    the full walk (the module's docstring)."""
    walk = _SinceWalk(os.path.realpath(root), since_ns - MARGIN_NS, (share, shares))
    walk.run()
    names = walk.found
    if walk.odd or (not all(map(str.isascii, names)) and any(map(_undecodable, names))):
        return None
    return Since(walk.found, walk.whole, walk.count)  # type: ignore[arg-type]


class _SinceWalk(_Walk):
    """The walk with stat, keeping only what changed since `since` (ns)."""

    __slots__ = ("count", "flagged", "odd", "since", "whole")

    def __init__(self, root: str, since: int, share: tuple[int, int]) -> None:
        super().__init__(root, True, {}, share=share)
        self.since, self.count, self.odd = since, 0, False
        self.whole: list[str] = []  # the folders reported whole whose parent is not
        self.flagged: set[str] = set()  # every folder reported whole (prefixes)

    def _list(self, folder: str, prefix: str) -> None:
        mine = self._mine(prefix)
        try:
            fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY)
        except OSError:  # (gone since listed, or unreadable: the full walk says which)
            self.odd = True
            return
        try:
            parent = prefix[: prefix.rstrip("/").rfind("/") + 1]
            st = os.fstat(fd)
            if st.st_ctime_ns >= self.since or (prefix and parent in self.flagged):
                self.flagged.add(prefix)
                if mine and (not prefix or parent not in self.flagged):
                    self.whole.append(prefix)
            if mine:
                self._each(folder, prefix, fd, prefix in self.flagged)
            elif st.st_nlink != 2:  # (2: no folder inside, where links count them: ext4)
                self._skim(folder, prefix, fd)
        except OSError:
            self.odd = True
        finally:
            os.close(fd)

    def _each(self, folder: str, prefix: str, fd: int, whole: bool) -> None:
        found, since, count = self.found, self.since, 0
        stat, suffixes = os.stat, RECORD_SUFFIXES
        for name in os.listdir(fd):
            if name[0] in "._":
                continue
            if name.endswith(suffixes) and (len(name) != 9 or not _is_readme(name)):
                try:
                    st = stat(name, dir_fd=fd, follow_symlinks=False)
                except OSError:  # gone since listed (the count then tells)
                    continue
                if S_ISREG(st.st_mode):  # the hot path
                    count += 1
                    if whole or st.st_ctime_ns >= since:
                        found[prefix + name] = (st.st_size, st.st_mtime_ns, st.st_ino,
                                                st.st_ctime_ns)  # fmt: skip
                    continue
            self._odd_one(name, folder, prefix, fd, whole)
        self.count += count

    def _odd_one(self, name: str, folder: str, prefix: str, fd: int, whole: bool) -> None:
        """Not a regular `*.yaml`/`*.yml`/`*.md` file: a folder is walked, a file that is no
        record skipped, a record named in another letter case taken as one; a link (it may
        lead to a folder) or anything else named like a record gives way to the full walk."""
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return
        if S_ISDIR(st.st_mode):
            self.stack.append((f"{folder}/{name}", f"{prefix}{name}/"))
        elif S_ISLNK(st.st_mode) or (not S_ISREG(st.st_mode) and is_record_name(name)):
            self.odd = True
        elif S_ISREG(st.st_mode) and is_record_name(name):
            self.count += 1
            if whole or st.st_ctime_ns >= self.since:
                self.found[prefix + name] = (st.st_size, st.st_mtime_ns, st.st_ino,
                                             st.st_ctime_ns)  # fmt: skip

    def _other(self, name: str, folder: str, prefix: str, fd: int) -> None:
        """(From _skim, in another share's folder: only a folder is gone on to.)"""
        try:
            if S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                self.stack.append((f"{folder}/{name}", f"{prefix}{name}/"))
        except OSError:
            pass
