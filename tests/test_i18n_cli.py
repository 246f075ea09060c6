"""`--help`, usage errors and error lines in Vietnamese (cdsctl.cli.helptext, issue 10).

Every command is found from the app, not listed here.  The help is rendered as
docs/commands.py renders it (CliRunner, no colour), but so wide that no text is wrapped:
each option's help is then one line, and a translation is found in the output as it is in
the catalog.  typer's own words are translated by replacing a few of `typer.rich_utils`'
constants and by reading click's messages: the tests named `..._typer_...` fail when a
typer upgrade renames or rewords them, instead of the help going back to English unseen.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
import typer.main
import typer.rich_utils
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from typer.testing import CliRunner

from cdsctl import i18n
from cdsctl.cli import app, helptext

from .conftest import REPO, SAMPLE

CDSCTL = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "cdsctl"
MAPPING = REPO / "cdsctl" / "i18n" / "babel.cfg"
PAGE = REPO / "docs" / "commands.md"
#: the environment of a run: no colour, no locale, no language unless a test gives one
ENV: dict[str, str | None] = {
    "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None, "CDSCTL_LANG": None, "LANGUAGE": None,
    "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8",
}  # fmt: skip
VI = {"CDSCTL_LANG": "vi"}
#: a letter only Vietnamese writes (a diacritic, or đ)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                        re.IGNORECASE)  # fmt: skip


def _paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    context = typer.Context(command)
    for name in getattr(command, "list_commands", lambda _: [])(context):
        yield from _paths(command.get_command(context, name), (*path, name))


ROOT = typer.main.get_command(app)
PATHS = list(_paths(ROOT))


def _command(path: tuple[str, ...]) -> Any:
    command = ROOT
    for name in path:
        command = command.get_command(typer.Context(command), name)  # type: ignore[attr-defined]
    return command


def run(*args: str, env: dict[str, str] | None = None, width: int = 80) -> tuple[int, str, str]:
    """`cdsctl ARGS` through CliRunner, `width` columns wide: (exit code, stdout, stderr)."""
    with mock.patch.multiple(typer.rich_utils, MAX_WIDTH=width, FORCE_TERMINAL=False):
        result = CliRunner().invoke(app, list(args), env={**ENV, **(env or {})},
                                    prog_name="cdsctl")  # fmt: skip
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def helped(path: tuple[str, ...], *more: str, env: dict[str, str] | None = None) -> str:
    """`cdsctl PATH --help`, wide enough that nothing wraps, lines stripped."""
    code, out, err = run(*path, *more, "--help", env=env, width=3000)
    assert code == 0, err
    return "\n".join(line.strip() for line in out.splitlines()).strip("\n")


def vi(text: str) -> str:
    """`text` as the Vietnamese catalog has it."""
    before = i18n.chosen()
    i18n.use("vi")
    try:
        return i18n._(text)
    finally:
        i18n.use(*before)


def shown_lines(text: str) -> list[str]:
    """The lines of a help text's first paragraph as typer shows them (rich markup mode)."""
    return [line.strip() for line in text.split("\n\n")[0].splitlines() if line.strip()]


def texts(command: Any) -> list[str]:
    """Every help text `command`'s --help shows: its own, its parameters', its commands'."""
    context = typer.Context(command)
    found = [command.help] + [p.help for p in command.get_params(context)]
    found += [sub.help for sub in helptext._subcommands(command)]
    return [t for t in found if t]


# -- the catalog -------------------------------------------------------------------------------


def _extracted_help() -> set[str]:
    """The help texts `pybabel extract -F cdsctl/i18n/babel.cfg` finds in cdsctl/cli/."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO / "cdsctl"), method_map, options_map, keywords={"_": None, "N_": None}
    ):
        found.add(message)
    return found


def test_every_help_text_is_extracted_and_translated() -> None:
    """Whatever --help shows (a docstring, a `help=`, typer's own help of --help) is in
    the catalog with Vietnamese that is not the English: a `help=f"…"` or a constant the
    extraction cannot read fails here."""
    extracted = _extracted_help()
    shown = {t for path in PATHS for t in texts(_command(path))}
    assert not shown - extracted, f"help texts pybabel does not extract: {shown - extracted}"
    untranslated = sorted(t for t in shown if vi(t) == t or not VIETNAMESE.search(vi(t)))
    assert not untranslated, f"no Vietnamese for these help texts: {untranslated}"


def test_the_extraction_method_finds_docstrings_and_help_only_of_commands() -> None:
    import io

    source = b'''
@command
def a():
    """Doc of a."""
@other
def b():
    """Not a command."""
@app.command(help="Given help.")
def c(x=typer.Option(help="Option help.")):
    """Doc of c."""
'''
    found = {m for _l, _f, m, _c in helptext.extract(io.BytesIO(source), {}, (), {})}
    assert found == {"Doc of a.", "Given help.", "Option help.", "Doc of c."}


# -- --help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(("cdsctl", *p)))
def test_help_in_vietnamese(path: tuple[str, ...]) -> None:
    """Each help text of the command in its Vietnamese, none in English, and typer's own
    words in Vietnamese too."""
    english, shown = helped(path), helped(path, env=VI)
    assert shown != english
    for text in texts(_command(path)):
        translated = vi(text)
        assert translated != text and VIETNAMESE.search(translated), text
        for line in shown_lines(translated):
            assert line in shown, (line, shown)
        for line in shown_lines(text):
            assert line not in shown or line in translated, (line, shown)
    assert shown.startswith("Cách dùng: cdsctl") and "Usage:" not in shown
    assert "[TÙY CHỌN]" in shown and "[OPTIONS]" not in shown
    assert "╭─ Tùy chọn ─" in shown and "╭─ Options ─" not in shown
    assert "Xem hướng dẫn này rồi thoát." in shown
    assert ("[default: " in english) == ("[mặc định: " in shown) and "[default: " not in shown
    assert ("╭─ Arguments ─" in english) == ("╭─ Tham số ─" in shown)
    assert ("╭─ Commands ─" in english) == ("╭─ Lệnh ─" in shown)


@pytest.mark.parametrize("path", [p for p in PATHS if p and _command(p).params],
                         ids=lambda p: " ".join(("cdsctl", *p)))  # fmt: skip
def test_help_in_vietnamese_by_lang_and_locale(path: tuple[str, ...]) -> None:
    """`--lang vi`, `--lang=vi` (before or after --help) and a Vietnamese locale all give
    the Vietnamese help; `--lang en` the English one, whatever $CDSCTL_LANG says."""
    with_lang = "--lang" in {o for p in _command(path).params for o in getattr(p, "opts", ())}
    shown = helped(path, env=VI)
    assert helped(path, env={"LANG": "vi_VN.UTF-8"}) == shown
    if with_lang:
        assert helped(path, "--lang", "vi") == shown == helped(path, "--lang=vi")
        code, out, _ = run(*path, "--help", "--lang", "vi", width=3000)
        assert code == 0 and out.strip().startswith("Cách dùng:")
        assert helped(path, "--lang", "en", env=VI) == helped(path)


def test_english_help_is_typers_own() -> None:
    """English stays as typer shows it: the same before and after a Vietnamese help, and
    as docs/commands.md has it for each command the page shows; the library speaks
    English again and typer's words are its own.  (Groups list their commands: their
    sections are left to tests/test_commands_doc.py.)"""
    page = PAGE.read_text(encoding="utf-8")
    for path in PATHS:
        before = run(*path, "--help")[1]
        run(*path, "--help", env=VI)
        after = run(*path, "--help")[1]
        assert before == after
        heading = "## " + " ".join(("cdsctl", *path)) + "\n\n```text\n"
        if heading in page and not helptext._subcommands(_command(path)):
            section = page.split(heading, 1)[1].split("\n```", 1)[0]
            shown = "\n".join(line.rstrip() for line in before.splitlines()).strip("\n")
            assert shown == section, path
    assert i18n.current() == "en" and typer.rich_utils.OPTIONS_PANEL_TITLE == "Options"


def test_typer_words_are_the_ones_typer_shows() -> None:
    """The constants cdsctl replaces are still typer's, with the English cdsctl's catalog
    translates: an upgrade that renames or rewords one fails here."""
    english = {name: getattr(typer.rich_utils, name, None) for name in helptext.TYPER_WORDS}
    assert english == {
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commands",
        "ERRORS_PANEL_TITLE": "Error",
        "REQUIRED_LONG_STRING": "[required]",
        "DEFAULT_STRING": "[default: {}]",
        "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
        "ABORTED_TEXT": "Aborted.",
    }
    root = typer.main.get_command(app)
    context = typer.Context(root)
    assert root.get_usage(context).startswith("Usage: ")
    assert root.options_metavar == "[OPTIONS]" and root.subcommand_metavar == "COMMAND [ARGS]..."  # type: ignore[attr-defined]
    typers = {p.name: p.help for p in root.get_params(context)
              if p.name in ("help", "install_completion", "show_completion")}  # fmt: skip
    assert typers["help"] == helptext.TYPER_HELP[0] and set(typers.values()) <= set(
        helptext.TYPER_HELP
    )


def test_the_typer_help_needs_a_command_class_cdsctl_can_subclass() -> None:
    assert issubclass(helptext.Context, typer.main.get_command(app).context_class)
    assert isinstance(typer.main.get_command(app), helptext.Group)


# -- usage errors --------------------------------------------------------------------------------

#: (arguments, what the error says in Vietnamese): one case per kind of click's usage errors
USAGE_ERRORS = [
    (["overdue", "--bogus"], "Không có tùy chọn --bogus"),
    (["overdue", "--agnecy", "X"], "Không có tùy chọn --agnecy (có thể là: --agency)"),
    (["bogus"], "Không có lệnh 'bogus'."),
    (["overdu"], "Không có lệnh 'overdu'. Có phải là 'overdue'?"),
    (["overdue", "--format", "xx"], "Giá trị của '--format' / '-f' không hợp lệ: 'xx' không "
     "phải là một trong các giá trị 'table', 'json', 'csv', 'md'."),
    (["validate", "--jobs", "0"], "Giá trị của '--jobs' không hợp lệ: 0 nằm ngoài khoảng cho "
     "phép x>=1."),
    (["validate", "--jobs", "x"], "Giá trị của '--jobs' không hợp lệ: 'x' không phải là giá "
     "trị hợp lệ"),
    (["overdue", "--as-of"], "Tùy chọn '--as-of' cần có giá trị đi kèm."),
    (["schema"], "Thiếu tham số 'kind'. Chọn một trong:"),
    (["overdue", "extra"], "Có tham số thừa, lệnh không dùng đến: extra"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "said"), USAGE_ERRORS, ids=lambda a: " ".join(a))
def test_a_typer_usage_error_in_vietnamese(args: list[str], said: str) -> None:
    code, out, err = run(*args, env=VI, width=3000)
    assert code == 2 and not out
    lines = [line.strip("│ ") for line in err.splitlines()]
    assert any(line.startswith(said) for line in lines), err
    assert "╭─ Lỗi ─" in err and "Error" not in err and "Usage:" not in err
    assert "Try '" not in err and "Invalid value" not in err
    english = run(*args, width=3000)
    assert english[0] == 2 and "╭─ Error ─" in english[2]


def test_usage_errors_leave_the_rest_as_it_is() -> None:
    i18n.use("vi")
    try:
        assert helptext.usage_error("Something new from click.") == "Something new from click."
        assert helptext.usage_error("No such option: --x (Possible options: --a, --b)") == (
            "Không có tùy chọn --x (có thể là: --a, --b)"
        )
    finally:
        i18n.use("en")


def test_lang_option() -> None:
    assert helptext.lang_option(["overdue", "--lang", "vi"]) == "vi"
    assert helptext.lang_option(["--lang=en", "overdue", "--lang", "vi"]) == "vi"
    assert helptext.lang_option(["overdue", "--lang"]) is None
    assert helptext.lang_option(["show", "--", "--lang", "vi"]) is None


# -- error lines (exit 2) ------------------------------------------------------------------------

#: (arguments, the start of the line in Vietnamese)
ERROR_LINES = [
    (["overdue", "--as-of", "31/2/2022", "--records", str(SAMPLE)],
     "cdsctl: --as-of: '31/2/2022': không có ngày này (tháng 2/2022 chỉ có 28 ngày)"),
    (["overdue", "--as-of", "next week", "--records", str(SAMPLE)],
     "cdsctl: --as-of: 'next week' không phải là một ngày; hãy viết theo một trong các dạng"),
    (["overdue", "--agency", "ZZ-KHONG-CO", "--records", str(SAMPLE)],
     "cdsctl: --agency: không có cơ quan nào là 'ZZ-KHONG-CO'"),
    (["tasks", "--state", "late", "--records", str(SAMPLE)],
     "cdsctl: --state: 'late' không phải là một tình trạng nhiệm vụ — có phải là done-late?"),
    (["due", "--within", "2x", "--records", str(SAMPLE)],
     "cdsctl: --within: '2x' không phải là một khoảng thời gian"),
    (["show", "KHONG-CO", "--records", str(SAMPLE)], "cdsctl: không có hồ sơ nào có mã 'KHONG-CO'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "said"), ERROR_LINES, ids=lambda a: " ".join(a[:3]))
def test_an_error_line_in_vietnamese(args: list[str], said: str) -> None:
    code, out, err = run(*args, "--lang", "vi")
    assert code == 2 and not out
    assert err.startswith(said), err
    english = run(*args)
    assert english[0] == 2 and english[2].startswith("cdsctl: ")
    assert not VIETNAMESE.search(english[2]), english[2]


def test_no_records_root_in_vietnamese(tmp_path: Path) -> None:
    code, out, err = run("overdue", "--records", str(tmp_path / "khong-co"), "--lang", "vi")
    assert code == 2 and not out
    assert err.startswith("cdsctl: ") and VIETNAMESE.search(err), err


# -- the real program ----------------------------------------------------------------------------


def program(*args: str, env: dict[str, str | None] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    full = {**os.environ, **ENV, "COLUMNS": "100", **(env or {})}
    return subprocess.run([str(CDSCTL), *args], capture_output=True, text=True, check=False,
                          env={k: v for k, v in full.items() if v is not None},
                          cwd=cwd)  # fmt: skip


@pytest.mark.parametrize(("args", "env"), [
    (["overdue", "--lang", "vi", "--help"], {}),
    (["overdue", "--help", "--lang=vi"], {}),
    (["overdue", "--help"], {"CDSCTL_LANG": "vi"}),
    (["--help"], {"LANG": "vi_VN.UTF-8"}),
    ([], {"LC_ALL": "vi_VN.UTF-8"}),
])  # fmt: skip
def test_the_program_helps_in_vietnamese(args: list[str], env: dict[str, str]) -> None:
    done = program(*args, env=env)
    assert done.returncode in (0, 2) and "Cách dùng: cdsctl" in done.stdout + done.stderr
    shown = done.stdout + done.stderr
    assert "Xem hướng dẫn này rồi thoát." in shown and "Show this message" not in shown
    plain = [a for a in args if a not in ("--lang", "--lang=vi", "vi")]
    english = program(*plain)
    assert "Usage: cdsctl" in english.stdout + english.stderr


def test_the_program_says_errors_in_vietnamese(tmp_path: Path) -> None:
    done = program("overdue", "--as-of", "2022-13-01", "--records", str(SAMPLE), "--lang", "vi",
                   env={"CDSCTL_CACHE_DIR": str(tmp_path / "cache")})  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "cdsctl: --as-of: '2022-13-01': không có ngày này (không có tháng 13)\n"
    done = program("overdue", "--agencyy", "X", env={"CDSCTL_LANG": "vi"})
    assert done.returncode == 2 and "Không có tùy chọn --agencyy" in done.stderr


def test_the_program_says_no_records_root_in_vietnamese(tmp_path: Path) -> None:
    done = program("overdue", "--lang", "vi", cwd=tmp_path,
                   env={"CDSCTL_CACHE_DIR": str(tmp_path / "cache")})  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith("cdsctl: ")
    assert VIETNAMESE.search(done.stderr), done.stderr
