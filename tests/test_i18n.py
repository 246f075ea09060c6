"""The Vietnamese interface (cdsctl.i18n): the catalog is complete and keeps every
placeholder, the compiled catalog is the source's, the language is chosen in the documented
order, and machine output does not change with it.

The catalog is read with Babel (a development dependency), independently of gettext, which
cdsctl uses at run time.
"""

from __future__ import annotations

import ast
import gettext
import json
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl import i18n
from cdsctl.cli import app

from .conftest import REPO, SAMPLE

PACKAGE = REPO / "cdsctl"
PO = PACKAGE / "i18n" / "locale" / "vi" / "LC_MESSAGES" / "cdsctl.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "Msg": None, "tr": None}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle, locale="vi")


def _extracted() -> set[str]:
    """Every message the code marks for translation (as `pybabel extract` finds them)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_no_message_is_marked_inside_an_f_string() -> None:
    """`pybabel extract` reads an f-string as one token: `f"{_('Search')}"` is never extracted,
    so it stays English whatever the language.  A marked literal must stand outside."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            found += [f"{path.relative_to(REPO)}:{call.lineno}: {ast.unparse(call)}"
                      for call in ast.walk(node)
                      if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                      and call.func.id in KEYWORDS and call.args
                      and isinstance(call.args[0], ast.Constant)]  # fmt: skip
    assert found == []


def test_every_message_has_a_vietnamese_translation() -> None:
    catalog = _catalog()
    missing = [m for m in sorted(_extracted()) if not (catalog.get(m) and catalog.get(m).string)]
    assert not missing, f"no Vietnamese in {PO.relative_to(REPO)} for: {missing}"


def test_translations_keep_every_placeholder() -> None:
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (ids[0], text)


def test_the_compiled_catalog_is_the_source() -> None:
    """The shipped .mo says what the .po says (`pybabel compile -d cdsctl/i18n/locale -D
    cdsctl` after editing the .po)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


# -- which language --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "language"), [
    ("vi", "vi"), ("vi_VN.UTF-8", "vi"), ("vi-VN", "vi"), ("VI", "vi"), ("en_US.UTF-8", "en"),
    ("C.UTF-8", None), ("C", None), ("POSIX", None), ("fr_FR.UTF-8", None), ("", None),
    (None, None), ("vi_VN@euro", "vi"),
])  # fmt: skip
def test_language_of(value: str | None, language: str | None) -> None:
    assert i18n.language_of(value) == language


@given(st.sampled_from(["vi", "en", "fr", "C", ""]), st.sampled_from(["vi", "en", "de", ""]),
       st.sampled_from(["vi_VN.UTF-8", "en_GB.UTF-8", "C.UTF-8", ""]),
       st.sampled_from(["fr:vi", "vi", "de", ""]), st.sampled_from([None, "vi", "en"]))  # fmt: skip
def test_the_order_of_choice(cdsctl_lang: str, lc_all: str, lang: str, language: str,
                             option: str | None) -> None:  # fmt: skip
    """--lang, then $CDSCTL_LANG, then the locale (LANGUAGE's first known, else the first
    of LC_ALL, LC_MESSAGES, LANG that is set), then English."""
    env = {"CDSCTL_LANG": cdsctl_lang, "LC_ALL": lc_all, "LANG": lang, "LANGUAGE": language}
    env = {k: v for k, v in env.items() if v}
    chosen, fixed = i18n.choose(option, env)
    if option:
        assert (chosen, fixed) == (option, True)
    elif cdsctl_lang in ("vi", "en"):
        assert (chosen, fixed) == (cdsctl_lang, True)
    else:
        from_language = next((i18n.language_of(p) for p in language.split(":")
                              if i18n.language_of(p)), None)  # fmt: skip
        first_set = lc_all or lang
        want = from_language or i18n.language_of(first_set) or "en"
        assert (chosen, fixed) == (want, False)


# -- through the command line ------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_overdue_in_vietnamese() -> None:
    code, out, _ = run("overdue", "--as-of", "2023-06-30", "--lang", "vi", "--records", str(SAMPLE))
    assert code == 0
    assert out.startswith("Nhiệm vụ quá hạn, tính đến ngày 30/6/2023")
    assert "thời hạn" in out and "25/5/2022" in out and "2022-05-25" not in out
    assert "nhiệm vụ quá hạn, lâu nhất 401 ngày" in out


def test_states_in_vietnamese_in_tables_and_markdown() -> None:
    args = ("tasks", "--as-of", "2022-06-30", "--directive", "TB-128-2022", "--records",
            str(SAMPLE), "--lang", "vi")  # fmt: skip
    _, table, _ = run(*args)
    _, md, _ = run(*args, "--format", "md")
    for text in (table, md):
        assert "quá hạn" in text and "hoàn thành quá hạn" in text and "done-late" not in text


@pytest.mark.parametrize("args", [
    ["overdue", "--as-of", "2023-06-30", "--format", "json"],
    ["tasks", "--as-of", "2022-06-30", "--format", "json"],
    ["tasks", "--as-of", "2022-06-30", "--format", "csv"],
    ["stats", "--as-of", "2022-12-31", "--format", "json"],
    ["validate", "--format", "json"],
])  # fmt: skip
def test_machine_output_does_not_change_with_the_language(args: list[str]) -> None:
    outputs = {
        lang: run(*args, "--records", str(SAMPLE), "--lang", lang)[1] for lang in i18n.LANGUAGES
    }
    assert outputs["vi"] == outputs["en"]
    if "json" in args:
        json.loads(outputs["vi"])


def test_the_locale_and_the_records_configuration_choose(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    args = ("overdue", "--as-of", "2023-06-30", "--records", str(root))
    assert run(*args, env={"LANG": "vi_VN.UTF-8"})[1].startswith("Nhiệm vụ quá hạn")
    assert run(*args, env={"LANG": "C.UTF-8"})[1].startswith("Overdue as of 2023-06-30")
    (root / "cdsctl.toml").write_text('lang = "vi"\n', encoding="utf-8")
    assert run(*args, env={"LANG": "C.UTF-8"})[1].startswith("Nhiệm vụ quá hạn")
    assert run(*args, "--lang", "en")[1].startswith("Overdue as of")
    assert run(*args, env={"CDSCTL_LANG": "en"})[1].startswith("Overdue as of")


def test_the_validate_summary_in_vietnamese() -> None:
    code, _, err = run("validate", "--records", str(REPO / "tests" / "corpus" / "bad"),
                       "--lang", "vi")  # fmt: skip
    assert code == 1
    assert re.search(r"^\d+ lỗi, \d+ cảnh báo trong \d+ tệp$", err.strip().splitlines()[-1])


def test_every_command_takes_lang() -> None:
    """Every command, those of a group (`new task`) too; a group itself runs none."""
    import typer

    def leaves(group: Any, path: str = "") -> list[tuple[str, Any]]:
        found = []
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group (typer's own click)
                found += leaves(command, f"{path}{name} ")
            else:
                found.append((path + name, command))
        return found

    commands = leaves(typer.main.get_command(app))
    assert "new task" in dict(commands) and "done" in dict(commands)
    for name, command in commands:
        options = {o for p in command.params for o in getattr(p, "opts", ())}
        assert "--lang" in options, name


@pytest.mark.parametrize(("state", "name"), sorted(i18n.STATES_VI.items()))
def test_a_state_filter_takes_the_vietnamese_name(state: str, name: str) -> None:
    """`--state quá hạn`, `--state qua-han`, `--state "QUA HAN"` all mean overdue."""
    from cdsctl.filters import states
    from cdsctl.text import fold

    for written in (name, fold(name), "-".join(fold(name).split()), name.upper()):
        assert {str(s) for s in states([written])} == {state}, written


def test_a_command_in_vietnamese_leaves_the_library_in_english() -> None:
    from cdsctl.output.report import summary

    run("overdue", "--as-of", "2023-06-30", "--lang", "vi", "--records", str(SAMPLE))
    assert i18n.current() == "en" and summary([], 3) == "3 files checked, no problems"


def test_numbers_in_vietnamese_text_and_not_in_csv() -> None:
    """52,1: a decimal comma for people in Vietnamese; CSV and JSON keep the dot."""
    args = ("indicators", "--as-of", "2023-06-30", "--records", str(SAMPLE))
    _, vi, _ = run(*args, "--lang", "vi")
    _, en, _ = run(*args, "--lang", "en")
    assert "46,5%" in vi and "46.5%" not in vi and "tốt lên" in vi and "không" in vi
    assert "46.5%" in en and "46,5%" not in en and "better" in en
    _, csv, _ = run(*args, "--lang", "vi", "--format", "csv")
    assert "46.5" in csv and "46,5" not in csv
    _, stats, _ = run("stats", "--as-of", "2023-06-30", "--records", str(SAMPLE), "--lang", "vi")
    assert "33,3" in stats and "33.3" not in stats


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_shown_number(value: float) -> None:
    before = i18n.chosen()
    try:
        i18n.use("vi")
        shown = i18n.shown_number(value)
        assert "." not in shown and float(shown.replace(",", ".")) == value
        i18n.use("en")
        assert i18n.shown_number(value) == str(value)
    finally:
        i18n.use(*before)
