"""Reading one record file: its bytes within the size bound (never blocking on what is not
a regular file), as UTF-8 text, and a Markdown record's front matter and body; what
cannot be a record is a :class:`ReadProblem`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from stat import S_ISREG

from ..i18n import Msg
from .files import MAX_BYTES, Stamp, is_markdown, stamp_of, what_file


@dataclass(slots=True)
class RecordText:
    """The YAML text of one record file; `offset` lines precede it (front matter)."""

    yaml: str
    offset: int = 0
    body: str | None = None  # a Markdown file's body
    body_line: int = 0


class ReadProblem(Exception):
    def __init__(self, code: str, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.line = code, message, line


def read_source(path: str | os.PathLike[str]) -> RecordText:
    """Read a record file as text; :class:`ReadProblem` when it cannot be a record."""
    return source_of(read_bytes(path)[0], is_markdown(os.fspath(path)))


#: non-blocking: a FIFO put in place of a record since the walk must not hang the run
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)


def read_bytes(path: str | os.PathLike[str]) -> tuple[bytes, Stamp]:
    """A file's bytes and its stamp, from one open (os-level calls: this is the hot path)."""
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not S_ISREG(st.st_mode):
            raise ReadProblem(
                "special-file", Msg("{what}: skipped", what=what_file(os.fspath(path)))
            )
        if st.st_size > MAX_BYTES:
            size = format(st.st_size / 1024 / 1024, ".1f")
            msg = Msg("the file is {size} MiB; a record is at most 2 MiB", size=size)
            raise ReadProblem("too-large", msg)
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # the file grew since fstat: read on, within the limit
            data += os.read(fd, MAX_BYTES)
            if len(data) > MAX_BYTES:
                raise ReadProblem(
                    "too-large", Msg("the file is over 2 MiB; a record is at most that")
                )
    finally:
        os.close(fd)
    return data, stamp_of(st)


def source_of(data: bytes, markdown: bool) -> RecordText:
    """The YAML text (and Markdown body) of a record file's bytes."""
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        msg = Msg("the file holds NUL bytes: it is binary, not a record")
        raise ReadProblem("binary", msg, line)
    text = _decode(data)
    if markdown:
        return _front_matter(text)
    if not text or text.isspace():
        raise ReadProblem("empty", Msg("the file is empty"))
    return RecordText(text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark; utf-8-sig's codec is slow
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        msg = Msg("the file is not UTF-8 (byte 0x{byte}); save it as UTF-8", byte=byte)
        raise ReadProblem("encoding", msg, line) from None


def _front_matter(text: str) -> RecordText:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise ReadProblem(
            "front-matter", Msg("a .md record starts with a line '---' (front matter)")
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            yaml_text = "".join(lines[1:i])
            if not yaml_text.strip():
                raise ReadProblem("empty", Msg("the front matter is empty"))
            return RecordText(yaml_text, 1, "".join(lines[i + 1 :]), i + 2)
    msg = Msg("the front matter opened on line 1 is never closed by '---'")
    raise ReadProblem("front-matter", msg)
