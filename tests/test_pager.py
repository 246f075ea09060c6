"""Long output through a pager, as git does (cdsctl.cli.pager): on a terminal (a
pseudo-terminal here, with pexpect), only when the output is longer than the screen, never
with --no-pager or into a pipe; $CDSCTL_PAGER, else $PAGER, else less; empty or `cat`: none.

The pager in these tests is a small script that notes it was called (and what LESS was),
then shows what it reads, or reads a little and quits as a reader pressing `q` does.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cdsctl.cli import pager
from cdsctl.output.tables import Column, table_lines

from .conftest import AGENCIES, DIRECTIVE, SAMPLE, build_tree

pexpect = pytest.importorskip("pexpect")

CDSCTL = Path(sys.executable).parent / "cdsctl"
#: the README's example: 16 lines (title, headers, rule, 6 rows, a blank line, 6 totals)
OVERDUE = ["overdue", "--records", str(SAMPLE), "--as-of", "2023-06-30", "--lang", "en"]


@pytest.fixture
def script(tmp_path: Path) -> Callable[..., str]:
    """A pager script that appends "called LESS=…" to tmp_path/called, then runs `body`
    (`cat`: show what it reads).  Its path is returned."""

    def make(body: str = "cat") -> str:
        path = tmp_path / "pager.sh"
        path.write_text(f'#!/bin/sh\necho "called LESS=$LESS" >> {tmp_path / "called"}\n{body}\n')
        path.chmod(0o755)
        return str(path)

    return make


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    drop = ("CDSCTL_", "PAGER", "LESS", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(TERM="dumb", CDSCTL_CACHE_DIR=str(tmp_path / "cache"), **more)
    return env


def _run(args: list[str], env: dict[str, str], lines: int = 10,
         program: str = str(CDSCTL)) -> tuple[int, str]:  # fmt: skip
    """Run on a terminal of `lines` lines and 100 columns: the exit code, what it showed."""
    child = pexpect.spawn(program, args, env=env, encoding="utf-8", timeout=60,
                          dimensions=(lines, 100))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before.replace("\r\n", "\n")


def _called(tmp_path: Path) -> list[str]:
    called = tmp_path / "called"
    return called.read_text().splitlines() if called.exists() else []


def test_long_output_goes_through_the_pager(tmp_path: Path, script: Callable[..., str]) -> None:
    code, shown = _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=script()), lines=10)
    assert code == 0, shown
    assert _called(tmp_path) == ["called LESS=FRX"]  # (LESS was unset: git's FRX)
    assert "TB-128-2022.2" in shown and "BD-STTTT (Sở TT&TT): 1 overdue" in shown


def test_short_output_does_not(tmp_path: Path, script: Callable[..., str]) -> None:
    code, shown = _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=script()), lines=40)
    assert code == 0 and "TB-128-2022.2" in shown
    assert _called(tmp_path) == []


def test_as_long_as_the_screen_is_paged(tmp_path: Path, script: Callable[..., str]) -> None:
    """16 lines on a screen of 16: the prompt would push the first out of sight."""
    _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=script()), lines=17)
    assert _called(tmp_path) == []
    _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=script()), lines=16)
    assert len(_called(tmp_path)) == 1


def test_no_pager_option(tmp_path: Path, script: Callable[..., str]) -> None:
    code, shown = _run([*OVERDUE, "--no-pager"], _env(tmp_path, CDSCTL_PAGER=script()))
    assert code == 0 and "TB-128-2022.2" in shown
    assert _called(tmp_path) == []


def test_not_into_a_pipe(tmp_path: Path, script: Callable[..., str]) -> None:
    command = shlex.join([str(CDSCTL), *OVERDUE]) + " | cat"
    code, shown = _run(["-c", command], _env(tmp_path, CDSCTL_PAGER=script()), program="/bin/sh")
    assert code == 0 and "TB-128-2022.2" in shown
    assert _called(tmp_path) == []


@pytest.mark.parametrize(
    ("variables", "paged"),
    [
        ({"CDSCTL_PAGER": "", "PAGER": "SCRIPT"}, False),  # set and empty: no pager
        ({"CDSCTL_PAGER": "cat", "PAGER": "SCRIPT"}, False),
        ({"PAGER": "SCRIPT"}, True),
        ({"PAGER": "cat"}, False),
        ({"CDSCTL_PAGER": "SCRIPT", "PAGER": "cat"}, True),
    ],
)
def test_which_pager(tmp_path: Path, script: Callable[..., str], variables: dict[str, str],
                     paged: bool) -> None:  # fmt: skip
    path = script()
    env = _env(tmp_path, **{k: path if v == "SCRIPT" else v for k, v in variables.items()})
    code, shown = _run(OVERDUE, env)
    assert code == 0 and "TB-128-2022.2" in shown
    assert bool(_called(tmp_path)) is paged


def test_less_unless_told() -> None:
    assert pager.command({}) == "less -FRX"
    assert pager.command({"PAGER": "more"}) == "more"
    assert pager.command({"PAGER": " cat "}) is None
    assert pager.command({"CDSCTL_PAGER": "less -S", "PAGER": "more"}) == "less -S"


def test_a_set_less_is_kept(tmp_path: Path, script: Callable[..., str]) -> None:
    _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=script(), LESS="-S"))
    assert _called(tmp_path) == ["called LESS=-S"]


@pytest.mark.parametrize("command", ["/no/such/pager", "no-such-pager-cdsctl --prompt='x'"])
def test_a_pager_that_cannot_start(tmp_path: Path, command: str) -> None:
    """Not found, whether run directly or by the shell (which exits 127): printed directly."""
    code, shown = _run(OVERDUE, _env(tmp_path, CDSCTL_PAGER=command))
    assert code == 0
    assert "TB-128-2022.2" in shown and "BD-STTTT (Sở TT&TT): 1 overdue" in shown


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records root with 2,000 overdue tasks: 200 KB of table, more than a pipe holds."""
    task = ("kind: task\nid: TB-128-2022.{i}\ndirective: TB-128-2022\nitem: \"{i}\"\n"
            "title: Triển khai nhiệm vụ chuyển đổi số số {i} của tỉnh trong năm\n"
            "lead: STTTT\ndue: 2022-05-20\n")  # fmt: skip
    files = {f"tasks/2022/TB-128-2022.{i}.yaml": task.format(i=i) for i in range(1, 2001)}
    return build_tree(tmp_path_factory.mktemp("many"), {"agencies.yaml": AGENCIES,
                      "directives/TB-128-2022.yaml": DIRECTIVE, **files})  # fmt: skip


@pytest.mark.parametrize("quit_after", ["head -n 3 >/dev/null", "exit 0"])
def test_quitting_early_is_no_error(tmp_path: Path, script: Callable[..., str], many: Path,
                                    quit_after: str) -> None:  # fmt: skip
    """The reader quits (`q`) after a screen, or at once: the exit code is the usual one
    (--fail-if-any: 1), with no traceback."""
    env = _env(tmp_path, CDSCTL_PAGER=script(quit_after))
    args = ["overdue", "--records", str(many), "--as-of", "2023-06-30", "--fail-if-any"]
    code, shown = _run(args, env)
    assert _called(tmp_path)
    assert code == 1, shown
    assert "Traceback" not in shown and "Broken" not in shown and "internal error" not in shown


def test_a_table_is_laid_out_as_far_as_the_pager_reads(
    tmp_path: Path, script: Callable[..., str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A reader who quits after a screen costs the rows the pipe took, not the table's."""
    rows = [{"id": f"T-{i}", "title": f"Nhiệm vụ số {i}", "days": i} for i in range(50_000)]
    table = table_lines(rows, [Column("id", "id"), Column("title", "title", 40),
                               Column("days", "days", right=True)])  # fmt: skip
    monkeypatch.setattr(pager, "_is_terminal", lambda: True)
    monkeypatch.setenv("LINES", "20")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("CDSCTL_PAGER", script("head -n 3 >/dev/null"))
    pager.show([table])
    assert _called(tmp_path)
    assert capsys.readouterr().out == ""
    assert 0 < table.laid_out < 20_000  # (a pipe holds 64 KB: about 2,000 rows here)


def test_long_lines_count_as_the_terminal_wraps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINES", "10")
    monkeypatch.setenv("COLUMNS", "40")
    assert not pager._longer_than_screen(["short\n" * 9])
    assert pager._longer_than_screen(["short\n" * 10])
    assert pager._longer_than_screen(["x" * 100 + "\n"] * 4)  # 3 lines each on the screen
    assert not pager._longer_than_screen(["\x1b[1m" + "x" * 38 + "\x1b[0m\n"] * 9)
