"""The user documentation agrees with the code: codes, commands, options, quick start, hooks."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
import yaml

from cdsctl.cli import app
from cdsctl.diagnostics import CODES

from .conftest import REPO

README = REPO / "README.md"
DIAGNOSTICS = REPO / "docs" / "diagnostics.md"
HOOKS = REPO / ".pre-commit-hooks.yaml"

QUICK_START = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' "
    "&& .venv/bin/cdsctl validate --records records",
    "bash .ci/run",
)

#: a table row whose first cell is a code in backticks: | `code` | severity | …
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    """Name → click command (typer may vendor click, so no isinstance checks)."""
    commands = getattr(typer.main.get_command(app), "commands", None)
    assert commands, "cdsctl.cli.app registers no commands"
    return dict(commands)


def _validate_options() -> list[str]:
    """Every long option of `cdsctl validate` except --help, e.g. --format, --strict."""
    params = _commands()["validate"].params
    return sorted(
        opt
        for param in params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    )


def _diagnostic_rows() -> list[tuple[str, str]]:
    lines = DIAGNOSTICS.read_text(encoding="utf-8").splitlines()
    return [(m[1], m[2]) for m in map(ROW.match, lines) if m]


def test_every_code_has_a_row_with_its_severity() -> None:
    rows = _diagnostic_rows()
    documented = dict(rows)
    assert len(documented) == len(rows), "a code has two rows"
    for name, code in CODES.items():
        assert name in documented, f"docs/diagnostics.md has no row for `{name}`"
        assert documented[name] == str(code.severity), name


def test_no_row_names_an_unknown_code() -> None:
    unknown = [name for name, _ in _diagnostic_rows() if name not in CODES]
    assert not unknown, f"docs/diagnostics.md documents codes cdsctl does not have: {unknown}"


def test_rows_follow_the_catalogue_order() -> None:
    assert [name for name, _ in _diagnostic_rows()] == list(CODES)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_documented(name: str) -> None:
    assert f"cdsctl {name}" in _readme()


@pytest.mark.parametrize("option", _validate_options())
def test_every_validate_option_is_documented(option: str) -> None:
    assert re.search(rf"{re.escape(option)}(?![\w-])", _readme()), option


def test_validate_options_are_found() -> None:
    """Guard the parametrisation above against finding no options at all."""
    expected = {"--format", "--strict", "--changed-since", "--no-cache", "--jobs", "--records"}
    assert expected <= set(_validate_options())


@pytest.mark.parametrize("command", QUICK_START)
def test_quick_start_commands_are_verbatim(command: str) -> None:
    assert command in _readme()


def test_ci_script_exists() -> None:
    if not (REPO / ".ci" / "run").is_file():
        pytest.skip(".ci/run is not there yet")
    assert "pytest" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    by_id = {hook["id"]: hook for hook in hooks}
    hook = by_id["cdsctl-validate"]
    assert hook["entry"].startswith("cdsctl validate")
    assert hook["language"] == "python"
    # the whole root on every commit, so deleting a record that others reference fails it
    # (tests/test_ci_recipes.py runs the README's recipe with the real pre-commit)
    assert hook["always_run"] is True and hook["pass_filenames"] is False
    assert hook["require_serial"] is True
