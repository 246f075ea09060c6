"""Bad inputs: every malformed record gives exactly the diagnostics the record format asks for.

`tests/corpus/bad/` is a records root: a few valid records that the bad ones refer to, and one
file per rule of the record format (../shared/spec/records.md, sections 2-3) and per code of
`cdsctl.diagnostics.CODES`, each isolating ONE problem.  `EXPECTED` lists every diagnostic of
every file as `(file, code, line)`; valid files and non-records must produce nothing.

Line conventions asserted here (the spec: `line` "points at the offending key or value"):
- a wrong value of a field: the line of that field's key;
- a duplicate key: the line of its SECOND occurrence;
- a reference inside a list: the line of that list item;
- a missing required field, a wrong file as a whole (empty, not a mapping, no front matter):
  line 1, the record mapping's first key (the corpus files start their mapping on line 1);
- a YAML syntax error: the line the parser stops at.
Where two keys could both be "the offending key", the corpus file is written so that the
choice does not matter (both on one line): see the comments in `EXPECTED`.

Files that cannot be committed sensibly (not UTF-8, binary, 10 MB, links, an alias bomb) are
built in `tmp_path` at test time.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.diagnostics import CODES
from cdsctl.validation.pipeline import validate

from .conftest import TASK as TASK_TEXT
from .conftest import build_tree

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
CORPUS = TESTS / "corpus" / "bad"

#: 81 characters: one more than `^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$` allows.
LONG_ID = "bad-id-too-long-" + "x" * 65

# fmt: off
EXPECTED: list[tuple[str, str, int]] = [
    # --- reading the file ---------------------------------------------------------------
    # `[` opened on line 6 and never closed: the parser stops at line 7 (PyYAML, libyaml and
    # yaml-rs agree; at the end of the file they would not, so a key follows)
    ("tasks/bad-yaml-bracket.yaml", "yaml-syntax", 7),
    # a list item indented one space less than the one above it
    ("tasks/bad-yaml-indent.yaml", "yaml-syntax", 8),
    ("tasks/bad-duplicate-key.yaml", "duplicate-key", 6),            # second `title:`
    ("reports/bad-duplicate-key-nested.yaml", "duplicate-key", 9),   # second `status:` of an item
    # anchor and alias on one line: one diagnostic per file or one per `&`/`*` both give line 6;
    # what the alias stands for is not a second problem (no `type` error for `tags`)
    ("tasks/bad-anchor.yaml", "anchor", 6),
    ("tasks/bad-tag-python.yaml", "tag", 6),     # `tags: !!python/object/apply:os.system […]`
    ("tasks/bad-tag-custom.yml", "tag", 4),      # !custom (and a `.yml` file is a record too)
    # the second document starts on line 6 (`--- {…}`: its `---` and its mapping share the line)
    ("tasks/bad-multiple-documents.yaml", "multiple-documents", 6),
    ("tasks/bad-not-a-mapping.yaml", "not-a-mapping", 1),   # a top-level list
    ("tasks/bad-scalar.yaml", "not-a-mapping", 1),          # a top-level string
    ("tasks/bad-empty.yaml", "empty", 1),                   # 0 bytes
    ("tasks/bad-empty-comment.yaml", "empty", 1),           # only a comment
    ("directives/bad-empty-front-matter.md", "empty", 1),   # `---` directly followed by `---`
    ("directives/bad-no-front-matter.md", "front-matter", 1),
    ("directives/bad-unterminated-front-matter.md", "front-matter", 1),  # opened on line 1
    # spec 1.1 §1: extensions in any letter case; an `.MD` file has front matter (a file line)
    ("tasks/bad-extension-upper.YAML", "date-invalid", 6),          # `due: 2022-02-30`
    ("meetings/bad-extension-upper-md.MD", "invalid-value", 6),     # `mode: zoom`
    # --- fields ---------------------------------------------------------------------------
    ("tasks/bad-missing-kind.yaml", "unknown-kind", 1),     # missing: the record's first line
    ("tasks/bad-kind-typo.yaml", "unknown-kind", 2),        # `kind: taks`
    # missing required fields: line 1, the record mapping's first key
    ("tasks/bad-missing-lead.yaml", "missing-field", 1),
    ("meetings/bad-missing-chair.yaml", "missing-field", 1),
    ("reports/bad-missing-tasks.yaml", "missing-field", 1),
    ("directives/bad-missing-issuer.yaml", "missing-field", 1),
    # `every` without `start`: `every:` is the file's first key, so "the record" and "the
    # `every` key that needs `start`" are both line 1
    ("tasks/bad-every-without-start.yaml", "missing-field", 1),
    ("tasks/bad-unknown-field.yaml", "unknown-field", 6),   # `ghi_chu:` (warning)
    ("tasks/bad-title-no.yaml", "type", 4),                 # `title: no` is a YAML 1.1 boolean
    ("tasks/bad-item-number.yaml", "type", 6),              # `item: 3` is a number
    ("tasks/bad-support-string.yaml", "type", 6),           # `support: SCT` is not a list
    ("meetings/bad-start-unquoted.yaml", "type", 5),        # `start: 14:00` is 840 in YAML 1.1
    ("meetings/bad-chair-string.yaml", "type", 5),          # `chair:` is not {name, title}
    ("indicators/bad-actual-value.yaml", "type", 8),        # an actual's `value:` is text
    ("tasks/bad-group.yaml", "invalid-value", 6),           # group not in the list
    ("reports/bad-status.yaml", "invalid-value", 7),        # `status: finished`
    ("reports/bad-progress.yaml", "invalid-value", 8),      # `progress: 150`
    ("reports/bad-period.yaml", "invalid-value", 5),        # `period: 2022-13`
    ("indicators/bad-better.yaml", "invalid-value", 5),     # `better: up`
    ("tasks/bad-every.yaml", "invalid-value", 6),           # `every: weekly`
    ("tasks/bad-due-day.yaml", "invalid-value", 7),         # `due_day: 32`
    ("meetings/bad-mode.yaml", "invalid-value", 5),         # `mode: zoom`
    ("directives/bad-type-code.md", "invalid-value", 4),    # `type: THONGBAO`; file line (.md)
    (f"tasks/{LONG_ID}.yaml", "id-format", 1),              # 81 characters
    ("tasks/bad@id.yaml", "id-format", 1),                  # `@` (it names recurring instances)
    ("tasks/bad-id-filename.yaml", "id-filename", 1),       # `id: TB-128-2022.9`
    # duplicate ids: reported where the id occurs again, files taken in sorted path order, the
    # agencies first: tasks/2022/bad-duplicate-id.yaml (first) is valid
    ("tasks/2023/bad-duplicate-id.yaml", "duplicate-id", 1),
    ("indicators/VPUBND.yaml", "duplicate-id", 1),          # an agency's id
    ("tasks/bad-date-dmy.yaml", "date-format", 6),          # `due: 20/5/2022`
    ("tasks/bad-date-unpadded.yaml", "date-format", 6),     # `due: 2022-5-20`
    ("tasks/bad-date-invalid.yaml", "date-invalid", 6),     # `due: 2022-02-30`
    ("tasks/bad-not-nfc.yaml", "not-nfc", 4),               # decomposed title (warning)
    ("extra/agencies.yaml", "root-file", 1),            # `kind: agencies` in a subfolder
    ("tasks/bad-misspelled-field.yaml", "misspelled-field", 6),   # `dead_line:` means `due`
    ("tasks/bad-task-status.yaml", "misspelled-field", 7),        # `status:` on a task
    ("reports/bad-misspelled-field-nested.yaml", "misspelled-field", 8),  # item's `tien_do:`
    # exact scalars (spec 1.1 §2): a control character at its own line (a BEL in the title)
    ("tasks/bad-control-character.yaml", "control-character", 4),
    # a line break in one-line text: `period: |` puts one after `2022-05`, on the block's line
    ("reports/bad-period-block.yaml", "control-character", 6),
    ("reports/bad-number-escape.yaml", "control-character", 5),   # `number: "45/BC-STTTT\n"`
    ("tasks/bad-date-fullwidth.yaml", "date-format", 6),    # `due: "２０２２-０５-２０"`
    ("indicators/bad-actual-nan.yaml", "invalid-value", 8),  # `value: .nan`
    ("reports/bad-progress-hex.yaml", "invalid-value", 8),   # `progress: 0x1F` (YAML: 31)
    # values the message proposes the right form of (see MESSAGES)
    ("reports/bad-progress-comma.yaml", "type", 8),          # `progress: 42,3`
    ("reports/bad-status-vietnamese.yaml", "invalid-value", 7),  # `status: Hoàn thành`
    ("reports/bad-period-quarter.yaml", "invalid-value", 5),     # `period: quý II/2022`
    # --- documents ------------------------------------------------------------------------
    ("directives/bad-doc-number-space.yaml", "doc-number", 4),   # `128-TB UBND`
    ("directives/bad-doc-number-order.yaml", "doc-number", 4),   # `TB/128`
    # flow style so that `type: KH` and `number: 130/TB-UBND` share line 2 (warning)
    ("directives/bad-doc-type-mismatch.yaml", "doc-type-mismatch", 2),
    # --- references and cross-record rules ------------------------------------------------
    ("tasks/bad-unresolved-lead.yaml", "unresolved-reference", 5),       # `lead: SXYZ`
    ("tasks/bad-unresolved-directive.yaml", "unresolved-reference", 3),  # TB-999-2022
    ("tasks/bad-unresolved-support.yaml", "unresolved-reference", 8),    # item `- SXYZ`
    ("reports/bad-unresolved-task.yaml", "unresolved-reference", 8),     # item `- task: …2022.7`
    # neither a directive in the records nor a number in the `number` format
    ("directives/bad-unresolved-reference.yaml", "unresolved-reference", 10),
    ("tasks/bad-wrong-kind-directive.yaml", "wrong-kind-reference", 3),  # names a task
    ("tasks/bad-wrong-kind-lead.yaml", "wrong-kind-reference", 5),       # names a directive
    # flow style so that `due:` and `every:` share line 2
    ("tasks/bad-due-and-every.yaml", "due-and-every", 2),
    # flow style so that the report's `date:` and its task entry share line 2; dated
    # 2022-05-01, its task's directive TB-128-2022 was issued 2022-05-12
    ("reports/bad-report-before-directive.yaml", "report-before-directive", 2),
    # open (due 2099-12-31), led by SBCVT (until 2020-12-31, successor STTTT); warning
    ("tasks/bad-agency-expired.yaml", "agency-expired", 5),
    # `lead: Sở TTTT`, an alias agencies.yaml declares for STTTT: accepted, write the id (warning)
    ("tasks/bad-alias-lead.yaml", "alias-reference", 5),
    # `lead: Sở Công thương`: names no agency; the message offers SCT (see MESSAGES)
    ("tasks/bad-unresolved-lead-name.yaml", "unresolved-reference", 5),
    # `id: tb-128-2022.1`, in a folder of its own (the two files would collide on a
    # case-insensitive checkout); reported at the later file in path order, as duplicate ids
    ("tasks/case/tb-128-2022.1.yaml", "id-case-collision", 1),
    # a → b → a: reported once, at the `parent:` of the cycle's least id (b is in VALID)
    ("tasks/bad-parent-cycle-a.yaml", "reference-cycle", 6),
    ("directives/bad-reference-cycle.yaml", "reference-cycle", 10),  # `- bad-reference-cycle`
    # TB-128-2022 was issued 2022-05-12
    ("tasks/bad-completed-early.yaml", "date-before-directive", 7),       # `completed: 2022-05-10`
    ("tasks/bad-cancelled-early.yaml", "date-before-directive", 8),       # `date: 2022-04-30`
    ("tasks/bad-extension-granted-early.yaml", "date-before-directive", 9),  # `granted: 2022-05-02`
    # `due: 2022-06-30`, then an extension to 2022-06-15: its item's `- due:` line
    ("tasks/bad-extension-order.yaml", "extension-order", 8),
    # on TB-128-2022.2 (monthly): no `period` / `period: 2022-Q2`; the item's `- task:` line
    ("reports/bad-report-no-period.yaml", "report-period", 6),
    ("reports/bad-report-period-form.yaml", "report-period", 7),
]
# fmt: on

#: Valid records: the ones the bad files refer to, and the first of two duplicate ids.
VALID = [
    "agencies.yaml",
    "directives/KH-45-2022.md",
    "directives/TB-128-2022.yaml",
    "indicators/dti-rank.yaml",
    "meetings/HOP-2022-05-10.yaml",
    "reports/BC-45-STTTT-2022.yaml",
    "reports/BC-52-STTTT-2022.yaml",
    "tasks/2022/bad-duplicate-id.yaml",
    "tasks/TB-128-2022.1.yaml",
    "tasks/TB-128-2022.2.yaml",
    "tasks/bad-parent-cycle-b.yaml",  # its cycle is reported at bad-parent-cycle-a.yaml
]

#: Not records (README.md, folders starting with `_` or `.`), though they would be invalid ones.
NOT_RECORDS = [
    "README.md",
    "_drafts/bad-draft.yaml",
    ".trash/bad-old.yaml",
    "tasks/ReadMe.md",  # README.md in any letter case is no record either
]

ALL_FILES = sorted({path for path, _, _ in EXPECTED} | set(VALID) | set(NOT_RECORDS))

#: Message content the spec requires: (file, code, substring, case-insensitive).
MESSAGES = [
    ("tasks/bad-date-fullwidth.yaml", "date-format", "write 2022-05-20"),
    ("reports/bad-progress-comma.yaml", "type", "use a dot: 42.3"),
    ("reports/bad-status-vietnamese.yaml", "invalid-value", "write done"),
    ("reports/bad-period-quarter.yaml", "invalid-value", "write 2022-Q2"),
    ("reports/bad-progress-hex.yaml", "invalid-value", "write 31"),
    ("tasks/bad-control-character.yaml", "control-character", "U+0007"),
    ("tasks/bad-date-dmy.yaml", "date-format", "2022-05-20"),  # proposes the ISO form
    ("tasks/bad-date-unpadded.yaml", "date-format", "2022-05-20"),
    ("tasks/bad-agency-expired.yaml", "agency-expired", "STTTT"),  # names the successor
    ("tasks/bad-title-no.yaml", "type", "boolean"),  # says YAML read a boolean
    # did-you-mean: by name (case and diacritics aside), with the agency's name
    (
        "tasks/bad-unresolved-lead-name.yaml",
        "unresolved-reference",
        "did you mean SCT (Sở Công Thương)?",
    ),
    ("tasks/bad-alias-lead.yaml", "alias-reference", "write its id: STTTT"),
    (
        "tasks/bad-parent-cycle-a.yaml",
        "reference-cycle",
        "bad-parent-cycle-a → bad-parent-cycle-b → bad-parent-cycle-a",
    ),
    ("tasks/bad-extension-order.yaml", "extension-order", "2022-06-30"),  # the deadline replaced
    ("reports/bad-report-no-period.yaml", "report-period", "period: YYYY-MM"),  # the form to add
    ("reports/bad-report-period-form.yaml", "report-period", "period: YYYY-MM"),
]

Diagnostics = list[dict[str, Any]]


# --------------------------------------------------------------------------------- helpers


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # Click < 8.2
    except TypeError:
        return CliRunner()  # Click >= 8.2 keeps stdout and stderr apart anyway


def _invoke(*args: str) -> Any:
    """Run the CLI in-process and check that it did not crash."""
    result = _runner().invoke(app, list(args))
    try:
        stderr = result.stderr
    except ValueError:  # stderr not captured separately
        stderr = ""
    output = result.stdout + stderr
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{result.exception!r}\n{output}"
    )
    return result


def _validate(root: Path, *extra: str) -> tuple[int, Diagnostics]:
    """`cdsctl validate --records ROOT --format json`: (exit code, diagnostics)."""
    result = _invoke("validate", "--records", str(root), "--format", "json", *extra)
    diagnostics = json.loads(result.stdout)
    assert isinstance(diagnostics, list), result.stdout
    return result.exit_code, diagnostics


def _of_file(diagnostics: Diagnostics, rel: str) -> Diagnostics:
    return [d for d in diagnostics if d["file"] == rel]


def _show(diagnostics: Diagnostics) -> str:
    return "\n".join(f"{d['file']}:{d['line']}: {d['code']}: {d['message']}" for d in diagnostics)


Writer = Callable[[Path], None]


def _records_root(tmp_path: Path, files: dict[str, bytes | Writer]) -> Path:
    """A tiny records root: the corpus's valid `agencies.yaml` plus `files` (bytes, or a
    function that makes the file at the path it is given)."""
    agencies = (CORPUS / "agencies.yaml").read_bytes()
    return build_tree(tmp_path / "records", {"agencies.yaml": agencies, **files})


def _assert_only(code: int, diagnostics: Diagnostics, rel: str, expected: str) -> None:
    assert code == (1 if CODES[expected].severity == "error" else 0), _show(diagnostics)
    assert {d["code"] for d in diagnostics} == {expected}, _show(diagnostics)
    assert all(d["file"] == rel for d in diagnostics), _show(diagnostics)
    assert all(isinstance(d["line"], int) and d["line"] >= 1 for d in diagnostics)


# ---------------------------------------------------------------------------- the corpus


@pytest.fixture(scope="module")
def corpus_diagnostics(tmp_path_factory: pytest.TempPathFactory) -> Diagnostics:
    """One run over the whole corpus, with a cache of its own."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CDSCTL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        env.delenv("CDSCTL_RECORDS", raising=False)
        code, diagnostics = _validate(CORPUS)
    assert code == 1, _show(diagnostics)
    return diagnostics


@pytest.mark.parametrize("rel", ALL_FILES)
def test_file_gets_exactly_its_diagnostics(corpus_diagnostics: Diagnostics, rel: str) -> None:
    expected = {(code, line) for path, code, line in EXPECTED if path == rel}
    found = _of_file(corpus_diagnostics, rel)
    assert {(d["code"], d["line"]) for d in found} == expected, _show(found)


def test_no_diagnostic_for_unlisted_files(corpus_diagnostics: Diagnostics) -> None:
    stray = [d for d in corpus_diagnostics if d["file"] not in ALL_FILES]
    assert not stray, _show(stray)


@pytest.mark.parametrize(("rel", "code", "needle"), MESSAGES)
def test_message_says_what_the_spec_requires(
    corpus_diagnostics: Diagnostics, rel: str, code: str, needle: str
) -> None:
    messages = [d["message"] for d in _of_file(corpus_diagnostics, rel) if d["code"] == code]
    assert messages, _show(_of_file(corpus_diagnostics, rel))
    assert all(needle.lower() in m.lower() for m in messages), messages


def test_diagnostics_are_well_formed(corpus_diagnostics: Diagnostics) -> None:
    for d in corpus_diagnostics:
        assert set(d) == {"file", "line", "column", "severity", "code", "message"}, d
        assert d["code"] in CODES, d
        assert d["severity"] == str(CODES[d["code"]].severity), d
        assert isinstance(d["line"], int) and d["line"] >= 1, d
        assert isinstance(d["column"], int) and d["column"] >= 0, d
        assert isinstance(d["message"], str) and d["message"].strip(), d
        assert "\\" not in d["file"] and not Path(d["file"]).is_absolute(), d
        assert "Traceback" not in d["message"], d


def test_corpus_on_disk_is_exactly_the_listed_files() -> None:
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert on_disk == set(ALL_FILES)


def test_corpus_bytes_are_as_intended() -> None:
    """Guard the deliberate oddities against editors and pre-commit hooks that "fix" them."""
    for rel in ALL_FILES:
        text = (CORPUS / rel).read_bytes().decode("utf-8")
        normalized = unicodedata.is_normalized("NFC", text)
        assert normalized == (rel != "tasks/bad-not-nfc.yaml"), rel
    assert (CORPUS / "tasks/bad-empty.yaml").read_bytes() == b""
    assert len(LONG_ID) == 81
    for rel, _, line in EXPECTED:
        lines = (CORPUS / rel).read_text(encoding="utf-8").splitlines()
        assert 1 <= line <= max(1, len(lines)), (rel, line)


def test_every_code_is_exercised() -> None:
    exercised = {code for _, code, _ in EXPECTED} | {case[2] for case in GENERATED.values()}
    exercised.add("anchor")  # the alias bomb
    assert exercised == set(CODES)


# ---------------------------------------------------------------- generated bad files

_MEETING = (
    "id: {id}\nkind: meeting\ntitle: Thông báo\ndate: 2022-08-10\n"
    "chair:\n  name: Nguyen Van An\n  title: Chanh Van phong\n"
)


def _latin1() -> bytes:
    data = _MEETING.format(id="latin1").encode("latin-1")  # "Thông báo" as b"Th\xf4ng b\xe1o"
    assert b"Th\xf4ng b\xe1o" in data
    return data


def _ten_megabytes() -> bytes:
    return (_MEETING.format(id="big") + "body: " + "x" * (10 * 1024 * 1024) + "\n").encode()


def _binary() -> bytes:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(20220512).randbytes(4096)
    assert b"\x00" in data
    return data


def _bytes(make: Callable[[], bytes]) -> Writer:
    return lambda path: path.write_bytes(make())


def _symlink(target: str) -> Writer:
    def write(path: Path) -> None:
        try:
            path.symlink_to(target)
        except (OSError, NotImplementedError):
            pytest.skip("this system cannot make symbolic links")

    return write


def _link_outside(path: Path) -> None:
    outside = path.parents[2] / "outside.yaml"  # beside the records root
    outside.write_text(_MEETING.format(id="outside"), encoding="utf-8")
    _symlink(str(outside))(path)


def _fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("this system has no FIFOs")
    os.mkfifo(path)
    timer = threading.Timer(30, _unblock, [path])  # a run that opened it fails, not hangs
    timer.daemon = True
    timer.start()


def _unblock(fifo: Path) -> None:
    """Open the FIFO's writing end and close it: a reader waiting on it reads nothing."""
    with contextlib.suppress(OSError):  # nobody reads it: the test did not hang
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _bytes_name(name: bytes) -> Writer:
    """A file named `name` (bytes) beside `path`, which is its shown form."""

    def write(path: Path) -> None:
        try:
            (path.parent / os.fsdecode(name)).write_bytes(b"kind: meeting\n")
        except (OSError, UnicodeError):
            pytest.skip("this file system takes only UTF-8 names")

    return write


#: name: (file, what makes it, the one code expected)
GENERATED: dict[str, tuple[str, Writer, str]] = {
    "not-utf8": ("meetings/latin1.yaml", _bytes(_latin1), "encoding"),
    "empty": ("tasks/empty.yaml", _bytes(lambda: b""), "empty"),
    "list": ("tasks/list.yaml", _bytes("- Thông báo\n- Kế hoạch\n".encode), "not-a-mapping"),
    "10MB": ("meetings/big.yaml", _bytes(_ten_megabytes), "too-large"),
    "binary": ("tasks/scan.yaml", _bytes(_binary), "binary"),
    # a record file that cannot be read: a broken link, a link to itself
    "broken-link": ("tasks/gone.yaml", _symlink("missing.yaml"), "unreadable"),
    "link-loop": ("tasks/loop.yaml", _symlink("loop.yaml"), "unreadable"),
    # spec 1.1 §1: a link out of the root, a FIFO (never opened: it would block), a name
    # that is not UTF-8 (shown with \\x escapes); tests/test_filesystem.py generates more
    "link-outside": ("tasks/outside.yaml", _link_outside, "link-outside-root"),
    "fifo": ("tasks/pipe.yaml", _fifo, "special-file"),
    "name-not-utf8": ("tasks/\\xff.yaml", _bytes_name(b"\xff.yaml"), "file-name"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_file(tmp_path: Path, name: str) -> None:
    rel, make, expected = GENERATED[name]
    root = _records_root(tmp_path, {rel: make})
    code, diagnostics = _validate(root)
    _assert_only(code, diagnostics, rel, expected)


def _billion_laughs() -> str:
    lol = ", ".join(['"lol"'] * 9)
    lines = [f"a: &a [{lol}]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        refs = ", ".join([f"*{prev}"] * 9)
        lines.append(f"{name}: &{name} [{refs}]")
    return "\n".join(lines) + "\n"  # 9 levels: 9**9 "lol" if anything expanded it


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    rel = "tasks/lol.yaml"
    root = _records_root(tmp_path, {rel: _billion_laughs().encode()})
    env = dict(os.environ, PYTHONUTF8="1", CDSCTL_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "cdsctl", "validate", "--records", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,  # generous: it must take seconds, an expanded bomb takes forever
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    diagnostics = json.loads(proc.stdout)
    codes = {d["code"] for d in diagnostics}
    # the classic bomb has no `kind` either: saying so too is right, anything else is not
    assert "anchor" in codes and codes <= {"anchor", "unknown-kind"}, _show(diagnostics)
    assert all(d["file"] == rel and d["line"] >= 1 for d in diagnostics), _show(diagnostics)


# ------------------------------------------------------------ output format and --strict

_TYPO = (
    "id: kpi-typo\nkind: indicator\nname: Tỷ lệ hồ sơ nộp trực tuyến\nbetter: higher\n"
    "ghi_chu: Số liệu của Cục Thống kê\n"  # a field the format does not define: a warning
)

_GITHUB = re.compile(r"^::(error|warning) (?P<params>.*?)::(?P<message>.+)$")


def test_github_format_prints_one_annotation_per_diagnostic(tmp_path: Path) -> None:
    root = _records_root(
        tmp_path,
        {
            "indicators/bad-better.yaml": (CORPUS / "indicators/bad-better.yaml").read_bytes(),
            "indicators/kpi-typo.yaml": _TYPO.encode(),
        },
    )
    code, diagnostics = _validate(root)
    assert code == 1
    assert {(d["code"], d["severity"]) for d in diagnostics} == {
        ("invalid-value", "error"),
        ("unknown-field", "warning"),
    }, _show(diagnostics)

    result = _invoke("validate", "--records", str(root), "--format", "github")
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(diagnostics), result.stdout
    found = []
    for line in annotations:
        match = _GITHUB.match(line)
        assert match, line
        params = dict(p.split("=", 1) for p in match["params"].split(","))
        assert {"file", "line"} <= params.keys(), line
        file = unquote(params["file"]).replace("\\", "/")  # GitHub escapes `%`, `:` and `,`
        found.append((match[1], file, int(params["line"])))
    for d in diagnostics:
        assert any(
            severity == d["severity"] and file.endswith(d["file"]) and line == d["line"]
            for severity, file, line in found
        ), (d, found)


def test_strict_fails_on_warnings_only(tmp_path: Path) -> None:
    root = _records_root(tmp_path, {"indicators/kpi-typo.yaml": _TYPO.encode()})
    code, diagnostics = _validate(root)
    assert code == 0, _show(diagnostics)
    assert [(d["code"], d["severity"], d["line"]) for d in diagnostics] == [
        ("unknown-field", "warning", 5)
    ]
    strict_code, _ = _validate(root, "--strict")
    assert strict_code == 1


def test_each_use_of_a_broken_reference_is_reported_at_its_own_line(records) -> None:  # type: ignore[no-untyped-def]
    """References travel without their paths; a broken one is found again in its file."""
    task = TASK_TEXT.replace("lead: STTTT", "lead: SXYZ").replace(
        "support: [SCT]", "support:\n  - SCT\n  - SXYZ\n  - TB-128-2022\n  - SXYZ"
    )
    root = records({"tasks/TB-128-2022.1.yaml": task})
    found = validate(root, cache_dir=False).diagnostics
    assert [(d.code, d.line, d.column) for d in found] == [
        ("unresolved-reference", 6, 7),  # lead: SXYZ
        ("unresolved-reference", 9, 5),  # - SXYZ
        ("wrong-kind-reference", 10, 5),  # - TB-128-2022 (a directive)
        ("unresolved-reference", 11, 5),  # - SXYZ again
    ]
