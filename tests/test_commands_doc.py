"""docs/commands.md is the `--help` of every command as the code has it now (docs/commands.py)."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
import typer
import typer.main
import typer.rich_utils

from cdsctl.cli import app

from .conftest import REPO, module_from

GENERATOR = REPO / "docs" / "commands.py"
PAGE = REPO / "docs" / "commands.md"


def _generator() -> ModuleType:
    """docs/commands.py, loaded from its path: docs/ is no package."""
    return module_from(GENERATOR, "cdsctl_docs_commands")


commands = _generator()


def _all_commands(command: object, path: str = "cdsctl") -> list[str]:
    """Every command's full name, found without the generator's walk."""
    subcommands = getattr(command, "commands", {})
    return [path] + [
        n for name, sub in subcommands.items() for n in _all_commands(sub, f"{path} {name}")
    ]


def test_the_page_is_current() -> None:
    diff = commands.stale()
    assert not diff, f"docs/commands.md is stale; run `python docs/commands.py`:\n{diff}"


def test_the_check_fails_on_a_stale_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = PAGE.read_text(encoding="utf-8").replace("Show this message and exit.", "Help.", 1)
    monkeypatch.setattr(commands, "PAGE", tmp_path / "commands.md")
    commands.PAGE.write_text(old, encoding="utf-8")
    assert commands.main(["--check"]) == 1
    assert re.search(r"^\+│ --help +Show this message and exit\.", capsys.readouterr().out, re.M)
    assert commands.main([]) == 0
    assert commands.main(["--check"]) == 0


@pytest.mark.parametrize("name", _all_commands(typer.main.get_command(app)))
def test_every_command_has_a_section(name: str) -> None:
    sections = re.findall(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), re.M)
    assert name in sections, f"docs/commands.md has no `## {name}`"


def test_sections_follow_the_order_of_cdsctl_help() -> None:
    sections = re.findall(r"^## (cdsctl(?: \S+)?)$", PAGE.read_text(encoding="utf-8"), re.M)
    listed = re.findall(r"^│ (\w+) ", commands.help_text(()), re.M)
    assert sections == ["cdsctl", *(f"cdsctl {name}" for name in listed)]


def test_the_page_does_not_depend_on_the_callers_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide terminal, a CI runner or a forced colour change nothing, and no escape codes."""
    before = commands.render()
    for name, value in {"COLUMNS": "200", "FORCE_COLOR": "1", "TERM": "xterm-256color"}.items():
        monkeypatch.setenv(name, value)
    # what typer made of TERMINAL_WIDTH and GITHUB_ACTIONS when it was imported
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 200)
    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", True)
    after = commands.render()
    assert after == before
    assert "\x1b" not in after
    widest = max(len(line) for block in re.findall(r"```text\n(.*?)```", after, re.S)
                 for line in block.splitlines())  # fmt: skip
    assert widest == 80
