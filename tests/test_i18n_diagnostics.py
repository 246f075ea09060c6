"""Every diagnostic in Vietnamese (issue 10): a message is a :class:`cdsctl.i18n.Msg` whose
every template — its own and its arguments' — has a Vietnamese translation, through a worker,
the cache and the command line; English stays as it was.

The class: any diagnostic of any record.  The bad-input corpus (`tests/corpus/bad/`) holds one
file per code; generated records (tests/test_scalars.py's strategy) try the other members;
tests/test_bad_inputs.py's files that cannot be committed run in both languages there.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given

from cdsctl import i18n
from cdsctl.diagnostics import Diagnostic
from cdsctl.i18n import Msg, from_wire, templates
from cdsctl.validation.onefile import check_file_wire
from cdsctl.validation.pipeline import validate

from .conftest import REPO
from .test_scalars import SLOW, _write, record_file

CORPUS = REPO / "tests" / "corpus" / "bad"
PO = REPO / "cdsctl" / "i18n" / "locale" / "vi" / "LC_MESSAGES" / "cdsctl.po"
CDSCTL = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "cdsctl"


def _translations() -> dict[str, str]:
    with PO.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="vi") if isinstance(m.id, str)}


VI = _translations()


def untranslated(message: str) -> list[str]:
    """What of `message` would stay English in Vietnamese: [] when nothing."""
    if not isinstance(message, Msg):
        return [f"a plain str, not a Msg: {message!r}"]
    return [t for t in templates(message) if not VI.get(t)]


@pytest.fixture
def vietnamese() -> Iterator[None]:
    before = i18n.chosen()
    i18n.use("vi")
    try:
        yield
    finally:
        i18n.use(*before)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The corpus's diagnostics from a cold run (workers' wire) and from the cache."""
    cache = tmp_path_factory.mktemp("cache")
    cold = validate(CORPUS, cache_dir=cache).diagnostics
    warm = validate(CORPUS, cache_dir=cache).diagnostics
    return cold, warm


def test_the_corpus_covers_many_codes(corpus: tuple[list[Diagnostic], list[Diagnostic]]) -> None:
    assert len({d.code for d in corpus[0]}) >= 35


def test_every_corpus_diagnostic_has_vietnamese(
    corpus: tuple[list[Diagnostic], list[Diagnostic]],
) -> None:
    for run in corpus:
        missing = {d.code: untranslated(d.message) for d in run if untranslated(d.message)}
        assert not missing


def test_the_cache_gives_the_same_messages(
    corpus: tuple[list[Diagnostic], list[Diagnostic]],
) -> None:
    cold, warm = corpus
    assert [(d, d.message.template) for d in cold] == [(d, d.message.template) for d in warm]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("vietnamese")
def test_every_corpus_diagnostic_reads_in_vietnamese(
    corpus: tuple[list[Diagnostic], list[Diagnostic]],
) -> None:
    for d in corpus[0]:
        text = d.text()
        assert text != str(d.message), d
        assert "{" not in text.replace("{0,79}", ""), text  # every placeholder filled
        assert d.to_dict()["message"] == text


def test_english_is_the_message_itself(corpus: tuple[list[Diagnostic], list[Diagnostic]]) -> None:
    for d in corpus[0]:
        assert d.text() == str(d.message) == d.to_dict()["message"]


@SLOW
@given(record_file())
def test_any_record_s_diagnostics_have_vietnamese(
    tmp_path_factory: pytest.TempPathFactory, record: tuple[str, str]
) -> None:
    relpath, text = record
    root = tmp_path_factory.mktemp("root")
    _write(root, relpath, text)
    _, wire = check_file_wire(root, relpath)
    for d in wire[1]:
        message = from_wire(d[5])
        assert not untranslated(message), (d[4], str(message))


def test_a_wire_message_round_trips() -> None:
    message = Msg(
        "{field} must be {expected}, not {found}{hint}",
        field="due",
        expected=Msg("a list"),
        found=Msg("the number {value}", value=3),
        hint="",
    )
    again = from_wire(i18n.to_wire(message))
    assert isinstance(again, Msg) and again == message and templates(again) == templates(message)


# -- the command line, as a person runs it -----------------------------------------------------


def _cli(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "CDSCTL_"))}
    env["LANG"] = lang
    return subprocess.run(
        [str(CDSCTL), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.parametrize("output", ["text", "github"])
def test_validate_in_vietnamese_by_the_locale(output: str, tmp_path: Path) -> None:
    args = ("validate", "--records", str(CORPUS), "--no-cache", "--format", output)
    en, vi = _cli(*args, lang="C.UTF-8"), _cli(*args, lang="vi_VN.UTF-8")
    assert en.returncode == vi.returncode == 1, vi.stderr
    en_lines, vi_lines = en.stdout.splitlines(), vi.stdout.splitlines()
    assert len(en_lines) == len(vi_lines) > 80
    for english, vietnamese in zip(en_lines, vi_lines, strict=True):
        if output == "github":  # the annotation's format and properties do not change
            assert english.split("::")[:2] == vietnamese.split("::")[:2]
        else:  # file:line:col: severity code — then the message
            assert english.split(" ")[:3] == vietnamese.split(" ")[:3]
        assert english != vietnamese
    if output == "text":
        assert "không phải là ngày viết theo dạng năm-tháng-ngày" in vi.stdout
