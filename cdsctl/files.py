"""The records root: finding it, listing its record files, reading one file's YAML text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import CdsError

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


def is_record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIXES) and name != "README.md"


def walk(root: Path) -> dict[str, Stamp]:
    """Every record file below `root` (relative path with `/`) and its stamp, sorted."""
    found: dict[str, Stamp] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name[0] in "._":
                    continue
                if name.endswith(RECORD_SUFFIXES) and name != "README.md":
                    found[prefix + name] = _stamp(entry)  # broken links too: reading says why
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{name}/"))
    return dict(sorted(found.items()))


def _stamp(entry: os.DirEntry[str]) -> Stamp:
    try:
        st = entry.stat()
    except OSError:  # a broken link or a link loop
        return (-1, 0, 0)
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
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_BYTES:  # (read(MAX_BYTES + 1) would allocate 2 MiB for every file)
            mib = size / 1024 / 1024
            raise ReadProblem("too-large", f"the file is {mib:.1f} MiB; a record is at most 2 MiB")
        data = handle.read()
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise ReadProblem("binary", "the file holds NUL bytes: it is binary, not a record", line)
    text = _decode(data)
    if os.fspath(path).endswith(".md"):
        return _front_matter(text)
    if not text.strip():
        raise ReadProblem("empty", "the file is empty")
    return Source(text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
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
