"""Shell completion (issue 11): commands, options, task, directive and agency ids in bash,
zsh and fish, as each shell's script asks cdsctl (the `_CDSCTL_COMPLETE` protocol), answered
from the names the last validation kept (cdsctl.validation.names)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cdsctl.validation.names import known_names, names_of
from cdsctl.validation.pipeline import validate

from .conftest import REPO, SAMPLE

CDSCTL = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "cdsctl"


def _complete(shell: str, line: str, cache: Path) -> str:
    """What cdsctl answers the `shell` completion script for the command line `line`
    (the cursor at its end)."""
    env = {
        **os.environ,
        "_CDSCTL_COMPLETE": f"complete_{shell}",
        "CDSCTL_CACHE_DIR": str(cache),
        "CDSCTL_RECORDS": str(SAMPLE),
    }
    if shell == "bash":
        words = line.split(" ")
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run(
        [str(CDSCTL)], env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    validate(SAMPLE, cache_dir=folder)  # (keeps the names)
    return folder


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_task_ids(shell: str, cache: Path) -> None:
    out = _complete(shell, "cdsctl done TB-128-2022.", cache)
    assert "TB-128-2022.1" in out and "TB-128-2022.3" in out
    assert "HD-TB-BCD-2021.1" not in out  # (another prefix)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_agency_ids_with_their_names(shell: str, cache: Path) -> None:
    out = _complete(shell, "cdsctl new task --lead ND-ST", cache)
    assert "ND-STTTT" in out and "ND-STC" in out and "HD-STTTT" not in out
    if shell != "bash":  # bash shows values only
        assert "Sở TT&TT" in out


def test_directive_ids(cache: Path) -> None:
    assert "TB-128-2022" in _complete("bash", "cdsctl new task --directive TB", cache)


def test_commands_and_options(cache: Path) -> None:
    assert {"done", "extend", "report"} <= set(_complete("bash", "cdsctl ", cache).split())
    assert "--status" in _complete("bash", "cdsctl report TB-128-2022.1 --st", cache)


def test_no_records_validated_yet_means_no_ids(tmp_path: Path) -> None:
    assert _complete("bash", "cdsctl done TB", tmp_path).split() == []


def test_the_names_are_what_validation_found(cache: Path) -> None:
    names = known_names(SAMPLE.resolve(), cache)
    again = names_of(validate(SAMPLE, cache_dir=False).summaries)
    assert names == again and len(names["task"]) > 30
    assert all(len(a) == 3 for a in names["agencies"])


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_scripts_install(shell: str) -> None:
    done = subprocess.run(
        [str(CDSCTL), "--show-completion", shell],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0 and "_CDSCTL_COMPLETE" in done.stdout
