"""The JSON Schema holds in editors (issue 7 §8): every pattern means the same in ECMA-262.

Editors (VS Code's YAML extension) and `check-jsonschema`'s default mode evaluate a schema's
`pattern` as an ECMA-262 regex, where `\\d`, `\\w` and `\\W` are ASCII only; cdsctl checks the
same patterns with Python's `re` (and msgspec, which uses it), where they are Unicode-wide.  So:

- a property test: each pattern finds a match in exactly the same generated strings in
  Python and in ECMA-262 (the `regress` engine check-jsonschema uses, with and without the
  `u` flag, and node's V8 when node is installed);
- the Vietnamese letter class holds every letter of Vietnamese and nothing else;
- the real `check-jsonschema` CLI, in its default regex mode, accepts every bundled record and
  rejects the bad-input corpus files whose problem a JSON Schema can express.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl import schema
from cdsctl.checks import fast as fastcheck
from cdsctl.load.files import walk
from cdsctl.load.reading import read_source
from cdsctl.schema import KINDS, SCHEMAS, json_schema

from .conftest import SAMPLE
from .test_bad_inputs import CORPUS, EXPECTED, VALID

regress = pytest.importorskip("regress")
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def _patterns_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns_in(value)


#: the fast path's guards of free text: never in a JSON Schema, they mirror Python's own
#: `str.strip` and `str.isspace` (what the exact path asks), not ECMA-262
PYTHON_ONLY = {fastcheck.NOT_BLANK, getattr(fastcheck, "ONE_LINE", fastcheck.NOT_BLANK)}


def _fast_path_patterns() -> set[str]:
    """The patterns msgspec checks on the fast path, but for :data:`PYTHON_ONLY`."""
    found: set[str] = set()

    def visit(t: schema.Type) -> None:
        if isinstance(t, schema.Text):
            found.add(fastcheck._text_pattern(t))
        elif isinstance(t, schema.ListOf):
            visit(t.item)
        elif isinstance(t, schema.Struct):
            for f in t.fields.values():
                visit(f.type)
        elif isinstance(t, schema.DateOrWorkingDays):
            visit(schema.WORKING_DAYS)

    for struct in SCHEMAS.values():
        visit(struct)
    return found - PYTHON_ONLY


#: every pattern a JSON Schema or the fast path holds, and the constants at schema.py's top
PATTERNS = sorted(
    {p for kind in KINDS for p in _patterns_in(json_schema(kind))}
    | _fast_path_patterns()
    | {schema.ID_PATTERN, schema.NUMBER_PATTERN, schema.PERIOD_PATTERN, schema.TIME_PATTERN}
    | {schema.DATE_PATTERN}
)

#: values each pattern is meant for: the generator mutates these, so near misses are common
VALID_VALUES = [
    "128/TB-UBND", "09-NQ/TU", "27/QĐ-UBQGCĐS", "09/2019/NĐ-CP", "411/QĐ-TTg", "45/BC-STTTT",
    "86549/UBND-NCKS", "12/KH-SỞTT&TT", "2022-05-20", "2022-Q2", "2022-H1", "2022-05", "2022",
    "14:00", "9:30", "TB-128-2022.1", "dti-rank", "BC_45",
]  # fmt: skip

#: characters where Python and ECMA-262 classes disagree, and the ones the patterns name
TRICKY = (
    "０１２９٠٣۵१௫"  # full-width, Arabic-Indic, Devanagari, Tamil digits: Python's \d
    " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2028\u2029\u3000\ufeff"  # Python's/ECMA's \s
    "ĐđĂăÂâÊêÔôƠơƯưÀÁẠẢÃàáạảãẤầẫỰựỸỹỵ"  # Vietnamese
    "çñßüÄÆŒıİſKÅǅǄﬁＡａ"  # other Latin letters, Kelvin sign, ligatures, full-width letters
    "e\u0301\u0323\u0300"  # combining marks (a decomposed é)
    "日本Ωπж😀\U0001d7ce"  # other scripts, an emoji and a mathematical digit (astral)
    "/-&._:Q H$^()[]\\"
)
CHARS = st.sampled_from(sorted(set(TRICKY + "0123456789ABCDHNQTUVXYZabcgtu")))


@st.composite
def _strings(draw: st.DrawFn) -> str:
    """Free text from tricky characters, or a valid value with a few characters changed."""
    if draw(st.booleans()):
        return draw(st.text(CHARS, max_size=16))
    text = draw(st.sampled_from(VALID_VALUES))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 1))
        text = text[:i] + draw(st.text(CHARS, max_size=2)) + text[i + cut :]
    return text


def _python(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _ecma(pattern: str, text: str, flags: str | None) -> bool:
    compiled = regress.Regex(pattern, flags) if flags else regress.Regex(pattern)
    return compiled.find(text) is not None


def test_the_patterns_are_found() -> None:
    """Guard the property tests below against testing nothing."""
    assert {schema.NUMBER_PATTERN, schema.ID_PATTERN, schema.PERIOD_PATTERN} <= set(PATTERNS)
    assert len(PATTERNS) >= 5


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=150, deadline=None)
@given(text=_strings())
def test_each_pattern_matches_the_same_in_python_and_ecma262(pattern: str, text: str) -> None:
    want = _python(pattern, text)
    assert _ecma(pattern, text, "u") == want, (pattern, text)  # check-jsonschema's default
    assert _ecma(pattern, text, None) == want, (pattern, text)  # no `u` flag


#: (pattern, text, should match): what the issue names, and the Unicode traps
CASES = [
    (schema.NUMBER_PATTERN, "27/QĐ-UBQGCĐS", True),
    (schema.NUMBER_PATTERN, "128/QĐ-UBND", True),
    (schema.NUMBER_PATTERN, "09-NQ/TU", True),
    (schema.NUMBER_PATTERN, "09/2019/NĐ-CP", True),
    (schema.NUMBER_PATTERN, "12/KH-SỞTT&TT", True),
    (schema.NUMBER_PATTERN, "１２８/TB-UBND", False),  # full-width digits
    (schema.NUMBER_PATTERN, "7/BC-STTTT\n", False),  # a block scalar's line break
    (schema.NUMBER_PATTERN, "128/TB_UBND", False),
    (schema.NUMBER_PATTERN, "128/TB-日本", False),
    (schema.DATE_PATTERN, "2022-05-20", True),
    (schema.DATE_PATTERN, "２０２２-０５-２０", False),
    (schema.DATE_PATTERN, "2022-05-20\n", False),
    (schema.PERIOD_PATTERN, "2023-07\n", False),
    (schema.PERIOD_PATTERN, "2023-Q3", True),
    (schema.TIME_PATTERN, "14:00", True),
    (schema.TIME_PATTERN, "１４:００", False),
    (schema.ID_PATTERN, "TB-128-2022.1", True),
    (schema.ID_PATTERN, "TB-128-2022.1\n", False),
]


@pytest.mark.parametrize(("pattern", "text", "match"), CASES)
def test_named_cases_in_every_engine(pattern: str, text: str, match: bool) -> None:
    assert _python(pattern, text) == match
    assert _ecma(pattern, text, "u") == match
    assert _ecma(pattern, text, None) == match


_NODE_SCRIPT = """
const [patterns, texts] = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = patterns.map(p => [new RegExp(p, "u"), new RegExp(p)].map(
  r => texts.map(t => r.test(t))));
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_v8_agrees_with_python_on_a_batch() -> None:
    """A second ECMA-262 engine (V8), on the named cases and a fixed batch of strings."""
    texts = sorted({t for _, t, _ in CASES} | set(VALID_VALUES) | set(TRICKY)
                   | {v + c for v in VALID_VALUES[:6] for c in TRICKY})  # fmt: skip
    payload = json.dumps([PATTERNS, texts])
    script = ["node", "-e", _NODE_SCRIPT]
    done = subprocess.run(script, input=payload, capture_output=True, text=True, check=True)
    for pattern, (unicode, plain) in zip(PATTERNS, json.loads(done.stdout), strict=True):
        want = [_python(pattern, t) for t in texts]
        assert unicode == want, pattern
        assert plain == want, pattern


# ------------------------------------------------------------- the Vietnamese letter class


def _is_vietnamese_letter(char: str) -> bool:
    """An oracle independent of schema.vietnamese_letters: a letter is Vietnamese when it is
    đ/Đ, or its decomposition is a Latin base letter with at most one of the marks that make
    a letter (breve on a, circumflex on a e o, horn on o u) and at most one of the five
    tones, on a vowel."""
    if char in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    lower = base.lower()
    if not (base.isascii() and base.isalpha()) or not marks or len(char) != 1:
        return False
    shapes = {"\u0306": "a", "\u0302": "aeo", "\u031b": "ou"}
    tones = "\u0300\u0301\u0303\u0309\u0323"
    shape = [m for m in marks if m in shapes]
    tone = [m for m in marks if m in tones]
    if len(shape) + len(tone) != len(marks) or len(shape) > 1 or len(tone) > 1:
        return False
    return all(lower in shapes[m] for m in shape) and (not tone or lower in "aeiouy")


def test_the_letter_class_is_exactly_the_vietnamese_letters() -> None:
    letter = re.compile(f"[{schema.VI_LETTERS}]")
    in_class = {chr(c) for c in range(0x80, 0x3000) if letter.fullmatch(chr(c))}
    oracle = {chr(c) for c in range(0x80, 0x3000) if _is_vietnamese_letter(chr(c))}
    assert in_class == oracle
    assert len(oracle) == 134  # ă â đ ê ô ơ ư, and 12 vowels × 5 tones; in both cases


def test_every_letter_of_the_sample_records_is_in_the_class() -> None:
    letter = re.compile(f"[{schema.VI_LETTERS}]")
    text = "".join(p.read_text(encoding="utf-8") for p in SAMPLE.rglob("*.yaml"))
    letters = {c for c in unicodedata.normalize("NFC", text) if c.isalpha()}
    assert len(letters) > 60
    assert {c for c in letters if not letter.fullmatch(c)} == set()


# ------------------------------------------------------------- check-jsonschema, for real

pytestmark_cli = pytest.mark.skipif(
    not CHECK_JSONSCHEMA.exists(), reason="check-jsonschema is not installed (the dev extra)"
)


def _as_yaml_files(root: Path, relpaths: list[str], out: Path) -> dict[str, list[Path]]:
    """Each record as a plain YAML file under `out` (a Markdown file's front matter), by
    kind: what an editor's language server sees."""
    by_kind: dict[str, list[Path]] = {}
    for relpath in relpaths:
        text = read_source(root / relpath).yaml
        data = yaml.load(text, Loader=yaml.BaseLoader)  # (every scalar as text)
        target = out / (relpath.rsplit(".", 1)[0] + ".yaml")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        by_kind.setdefault(str(data["kind"]), []).append(target)
    return by_kind


def _check_jsonschema(kind: str, files: list[Path], tmp: Path) -> dict[str, Any]:
    """Run the real CLI in its default mode (no --regex-variant): its JSON report."""
    schema_file = tmp / f"{kind}.schema.json"
    schema_file.write_text(json.dumps(json_schema(kind), ensure_ascii=False), encoding="utf-8")
    args = [str(CHECK_JSONSCHEMA), "-o", "json", "--schemafile", str(schema_file)]
    done = subprocess.run([*args, *map(str, files)], capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    assert report.get("parse_errors", []) == [], report
    assert done.returncode == (0 if report["status"] == "ok" else 1), done.stderr
    return report


@pytestmark_cli
def test_check_jsonschema_accepts_every_bundled_record(tmp_path: Path) -> None:
    by_kind = _as_yaml_files(SAMPLE, list(walk(SAMPLE)), tmp_path / "records")
    assert set(by_kind) >= {"agencies", "directive", "task", "report", "meeting", "indicator"}
    for kind, files in by_kind.items():
        report = _check_jsonschema(kind, files, tmp_path)
        assert report["errors"] == [], json.dumps(report["errors"], ensure_ascii=False)[:2000]


#: codes of problems one record's JSON Schema can express (cross-file rules and YAML syntax
#: it cannot)
SCHEMA_CODES = {
    "missing-field", "unknown-field", "misspelled-field", "type", "invalid-value", "id-format",
    "date-format", "date-invalid", "doc-number",
}  # fmt: skip

#: corpus files with such a code that a JSON Schema cannot catch, and why
NOT_EXPRESSIBLE = {
    # check-jsonschema reads YAML 1.2, where a bare `no` and `14:00` are text
    "tasks/bad-title-no.yaml": "YAML 1.2 reads `no` as text",
    "meetings/bad-start-unquoted.yaml": "YAML 1.2 reads 14:00 as text",
    # a rule across two fields, not a field's own shape
    "tasks/bad-every-without-start.yaml": "`every` needs `start`",
    # the value is a number to a JSON Schema; only its spelling in YAML is wrong
    "reports/bad-progress-hex.yaml": "`0x1F` is the number 31",
    "indicators/bad-actual-nan.yaml": "`.nan` is a number to check-jsonschema",
}


def _schema_expressible() -> list[str]:
    files = {f for f, code, _ in EXPECTED if code in SCHEMA_CODES}
    files -= {f for f, code, _ in EXPECTED if code not in SCHEMA_CODES}  # one problem each
    return sorted(files - set(NOT_EXPRESSIBLE))


@pytestmark_cli
def test_check_jsonschema_rejects_the_bad_files_a_schema_can_express(tmp_path: Path) -> None:
    bad = _schema_expressible()
    assert len(bad) >= 20
    by_kind = _as_yaml_files(CORPUS, bad + VALID, tmp_path / "corpus")
    failed: set[str] = set()
    for kind, files in by_kind.items():
        report = _check_jsonschema(kind, files, tmp_path)
        found = (Path(e["filename"]).relative_to(tmp_path / "corpus") for e in report["errors"])
        failed |= {p.as_posix() for p in found}
    stem = {f.rsplit(".", 1)[0] + ".yaml": f for f in bad + VALID}
    assert {stem[f] for f in failed} == set(bad)


@pytestmark_cli
def test_check_jsonschema_reads_document_numbers_as_cdsctl_does(tmp_path: Path) -> None:
    """The issue's 2,168 false errors: every `…/QĐ-UBND` failed `[^\\W_]` in ECMA-262."""
    numbers = ["411/QĐ-TTg", "27/QĐ-UBQGCĐS", "09/2019/NĐ-CP", "09-NQ/TU", "12/KH-SỞTT&TT",
               "１２８/TB-UBND", "128/TB-UBND\n", "128/TB UBND"]  # fmt: skip
    files = []
    for i, number in enumerate(numbers):
        record = {"kind": "directive", "id": f"D{i}", "type": "QĐ", "number": number,
                  "issuer": "UBND", "issued": "2022-05-12", "title": "Quyết định"}  # fmt: skip
        files.append(tmp_path / f"D{i}.yaml")
        files[-1].write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    report = _check_jsonschema("directive", files, tmp_path)
    failed = {Path(e["filename"]).name for e in report["errors"]}
    want = {f.name for f, n in zip(files, numbers, strict=True) if not schema.NUMBER_RE.match(n)}
    assert want == {"D5.yaml", "D6.yaml", "D7.yaml"}
    assert failed == want
