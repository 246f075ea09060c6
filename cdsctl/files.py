"""The records root: finding it, listing its record files, reading one file's YAML text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import CdsError
from .gcpause import gc_paused

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
    return _checked_root(here / "records", "the default ./records")


def _checked_root(path: Path, source: str) -> Path:
    if not path.is_dir():
        raise CdsError(f"{path}: no such folder (from {source})")
    if not (path / AGENCIES).is_file():
        raise CdsError(f"{path}: not a records root, it holds no {AGENCIES} (from {source})")
    return path.resolve()


#: what tells a file changed without reading it: (size, mtime_ns, inode)
Stamp = tuple[int, int, int]
UNKNOWN: Stamp = (-1, 0, 0)  # not looked at yet
BROKEN: Stamp = (-2, 0, 0)  # stat failed: a broken link, a link loop


def is_record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIXES) and name != "README.md"


def walk(root: Path, stat: bool = True, ordered: bool = True) -> dict[str, Stamp]:
    """Every record file below `root` (relative path with `/`) and its stamp, sorted.

    `ordered=False` skips the sort, for a caller that only compares the map.

    With `stat=False` the stamps are left unknown (-1, 0, 0): a run with no cache learns
    them from the files it opens anyway.  (listdir and stat relative to the folder's
    descriptor: measured ~40% faster than scandir's DirEntry objects on 20,000 files.)
    """
    found: dict[str, Stamp] = {}
    stack = [(str(root), "")]
    with gc_paused():  # many small tuples, no cycles: the collector would only cost time
        _scan_folders(stack, found, stat)
    return dict(sorted(found.items())) if ordered else found


def _scan_folders(stack: list[tuple[str, str]], found: dict[str, Stamp], stat: bool) -> None:
    while stack:
        folder, prefix = stack.pop()
        fd = os.open(folder, os.O_RDONLY)
        try:
            for name in os.listdir(fd):
                if name[0] in "._":
                    continue
                if name.endswith(RECORD_SUFFIXES) and name != "README.md":
                    # broken links too: reading them says why
                    found[prefix + name] = stat_stamp(name, fd) if stat else UNKNOWN
                elif os.path.isdir(path := os.path.join(folder, name)) and not os.path.islink(path):
                    stack.append((path, f"{prefix}{name}/"))
        finally:
            os.close(fd)


def stat_stamp(path: str, dir_fd: int | None = None) -> Stamp:
    """A file's stamp from stat (BROKEN for a broken link or a link loop)."""
    try:
        return stamp_of(os.stat(path, dir_fd=dir_fd))
    except OSError:
        return BROKEN


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def relative_record_path(root: Path, path: Path) -> str | None:
    """`path` relative to `root` if it is a record file there, else None."""
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        return None
    parts = rel.parts
    if not parts or any(p[0] in "._" for p in parts) or not is_record_name(parts[-1]):
        return None
    return "/".join(parts)


@dataclass(slots=True)
class Source:
    """The YAML text of one record file; `offset` lines precede it (front matter)."""

    yaml: str
    offset: int = 0
    body: str | None = None  # a Markdown file's body
    body_line: int = 0


class ReadProblem(Exception):
    def __init__(self, code: str, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.code, self.line = code, line


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read a record file as text; :class:`ReadProblem` when it cannot be a record."""
    return source_of(read_bytes(path)[0], os.fspath(path).endswith(".md"))


def read_bytes(path: str | os.PathLike[str]) -> tuple[bytes, Stamp]:
    """A file's bytes and its stamp, from one open (os-level calls: this is the hot path)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        if st.st_size > MAX_BYTES:
            mib = st.st_size / 1024 / 1024
            raise ReadProblem("too-large", f"the file is {mib:.1f} MiB; a record is at most 2 MiB")
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # the file grew since fstat: read on, within the limit
            data += os.read(fd, MAX_BYTES)
            if len(data) > MAX_BYTES:
                raise ReadProblem("too-large", "the file is over 2 MiB; a record is at most that")
    finally:
        os.close(fd)
    return data, stamp_of(st)


def source_of(data: bytes, markdown: bool) -> Source:
    """The YAML text (and Markdown body) of a record file's bytes."""
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise ReadProblem("binary", "the file holds NUL bytes: it is binary, not a record", line)
    text = _decode(data)
    if markdown:
        return _front_matter(text)
    if not text or text.isspace():
        raise ReadProblem("empty", "the file is empty")
    return Source(text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark; utf-8-sig's codec is slow
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        msg = f"the file is not UTF-8 (byte 0x{byte}); save it as UTF-8"
        raise ReadProblem("encoding", msg, line) from None


def _front_matter(text: str) -> Source:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise ReadProblem("front-matter", "a .md record starts with a line '---' (front matter)")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            yaml_text = "".join(lines[1:i])
            if not yaml_text.strip():
                raise ReadProblem("empty", "the front matter is empty")
            return Source(yaml_text, 1, "".join(lines[i + 1 :]), i + 2)
    raise ReadProblem("front-matter", "the front matter opened on line 1 is never closed by '---'")
