"""The one diagnostic type, the catalogue of codes, and exit codes.

Every problem cdsctl finds — in the loader, in a per-file check or in a cross-file
check — is a :class:`Diagnostic`.  Every output format (text, JSON, GitHub
annotations) prints the same objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from .i18n import from_wire, localized, to_wire

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of the catalogue: a stable name, its severity and what it means."""

    name: str
    severity: Severity
    title: str


def _catalogue(*entries: tuple[str, Severity, str]) -> dict[str, Code]:
    return {name: Code(name, sev, title) for name, sev, title in entries}


E, W = Severity.ERROR, Severity.WARNING

#: Every code cdsctl can emit.  docs/diagnostics.md is checked against this table by a test.
CODES: dict[str, Code] = _catalogue(
    # reading the file
    ("unreadable", E, "A file or a folder cannot be read (permissions, a broken link)."),
    ("encoding", E, "The file is not valid UTF-8."),
    ("binary", E, "The file holds NUL bytes: it is binary, not text."),
    ("too-large", E, "The file is larger than a record can be (2 MiB)."),
    ("empty", E, "The file (or a Markdown file's front matter) holds no data."),
    ("front-matter", E, "A `.md` record does not start with `---` front matter closed by `---`."),
    ("yaml-syntax", E, "The YAML cannot be parsed."),
    ("multiple-documents", E, "A record file holds more than one YAML document."),
    ("not-a-mapping", E, "The file's top level is not a mapping (e.g. a list or a scalar)."),
    ("duplicate-key", E, "A mapping has the same key twice."),
    ("anchor", E, "YAML anchors and aliases (`&a`, `*a`) are not allowed in records."),
    ("tag", E, "Explicit YAML tags (`!!python/…`, `!custom`) are not allowed in records."),
    ("link-outside-root", E, "A symbolic link to a record or a folder leads out of the root."),
    ("special-file", W, "A FIFO, socket or device named like a record: skipped, never opened."),
    ("file-name", E, "A file or folder name that is not UTF-8: it cannot be read as a record."),
    # fields
    ("unknown-kind", E, "`kind` is missing or is not one of the six record kinds."),
    ("missing-field", E, "A required field is missing."),
    ("unknown-field", W, "A field the record format does not define (a typo?)."),
    ("type", E, "A field holds the wrong type (e.g. YAML read `no` as a boolean)."),
    ("invalid-value", E, "A value is outside what the field allows (enum, range, pattern)."),
    ("id-format", E, "An id does not match `^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$`."),
    ("id-filename", E, "A record's id differs from its file name."),
    ("duplicate-id", E, "Two records (agencies included) share an id."),
    ("date-format", E, "A date is not ISO `YYYY-MM-DD`; the message proposes the ISO form."),
    ("date-invalid", E, "A date that does not exist (`2022-02-30`)."),
    ("not-nfc", W, "Text is not in Unicode NFC (decomposed diacritics)."),
    (
        "root-file",
        E,
        "`agencies`/`calendar` outside the root's `agencies.yaml`/`calendar.yaml`, "
        "or another kind in those files.",
    ),
    (
        "misspelled-field",
        E,
        "An unknown field whose name is a near miss or a synonym of a real one (`deadline`).",
    ),
    (
        "control-character",
        E,
        "Text holds a control character or a Unicode non-character, or one-line text a line break.",
    ),
    # documents
    ("doc-number", E, "A document number does not follow Nghị định 30/2020's format."),
    ("doc-type-mismatch", W, "A directive's `type` differs from the type code in its number."),
    # references and cross-record rules
    ("unresolved-reference", E, "A reference names no record."),
    ("wrong-kind-reference", E, "A reference names a record of the wrong kind."),
    ("due-and-every", E, "A task has both `due` and `every`."),
    ("report-before-directive", E, "A report is dated before its task's directive was issued."),
    ("agency-expired", W, "An open task's lead agency no longer exists; names its successor."),
    ("alias-reference", W, "An agency is named by a declared alias instead of its id."),
    ("id-case-collision", E, "Two ids differ only by letter case (`ubnd`, `UBND`)."),
    ("reference-cycle", E, "A `parent` chain or directive `references` come back to the start."),
    ("date-before-directive", E, "A task closed or extended before its directive was issued."),
    ("extension-order", E, "An extension's `due` is not after the deadline it replaces."),
    ("report-period", E, "A report on a recurring task has no `period`, or one of another form."),
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at a place: `file` is relative to the records root, `line` is 1-based.

    `message` is English, usually a :class:`cdsctl.i18n.Msg` that :meth:`text` shows in
    the current language; the wire form keeps it one."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    @classmethod
    def make(cls, file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
        return cls(file, line, column, CODES[code].severity, code, message)

    def text(self) -> str:
        """The message in the current language."""
        return localized(self.message)

    def to_dict(self) -> dict[str, object]:
        """For JSON: the message in the current language, everything else as it is."""
        d = asdict(self)
        d["severity"] = str(self.severity)
        d["message"] = self.text()
        return d

    def to_wire(self) -> tuple[Any, ...]:
        wire = to_wire(self.message)
        return (self.file, self.line, self.column, str(self.severity), self.code, wire)

    @classmethod
    def from_wire(cls, wire: tuple[Any, ...]) -> Diagnostic:
        file, line, column, severity, code, message = wire
        return cls(file, line, column, Severity(severity), code, from_wire(message))

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


def has_errors(diagnostics: list[Diagnostic], strict: bool = False) -> bool:
    """True when the run should fail: any error, or (with `strict`) any warning."""
    return any(strict or d.severity is Severity.ERROR for d in diagnostics)


class CdsError(Exception):
    """A user-facing failure that stops a command (exit 2): no records root, bad option…"""
