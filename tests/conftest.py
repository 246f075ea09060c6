"""Shared test helpers: build a records tree from {path: text}, run the CLI."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from cdsctl.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "records"

AGENCIES = """\
kind: agencies
agencies:
  - id: UBND
    name: Ủy ban nhân dân tỉnh
  - id: STTTT
    name: Sở Thông tin và Truyền thông
  - id: SCT
    name: Sở Công Thương
"""

DIRECTIVE = """\
kind: directive
id: TB-128-2022
type: TB
number: 128/TB-UBND
issuer: UBND
issued: 2022-05-12
title: Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số
"""

TASK = """\
kind: task
id: TB-128-2022.1
directive: TB-128-2022
item: "1"
title: Ban hành kế hoạch chuyển đổi số năm 2022
lead: STTTT
support: [SCT]
due: 2022-05-20
"""

#: a report on TASK, done before its deadline
REPORT = """\
kind: report
id: BC-1
agency: STTTT
date: 2022-05-19
tasks:
  - task: TB-128-2022.1
    status: done
"""


def module_from(path: Path, name: str) -> ModuleType:
    """The Python file at `path` (a script, or in a folder that is no package) loaded as a
    module named `name`, registered while it runs (its dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def build_tree(root: Path, files: Mapping[str, str | bytes | Callable[[Path], None]]) -> Path:
    """Write `files` under `root`: relative path → text, bytes, or a function that makes the
    file at the path it is given (a link, say). Returns `root`."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            content(path)
    return root


@pytest.fixture
def records(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A records root with agencies, one directive and one task, plus the given files."""

    def make(extra: dict[str, str | bytes]) -> Path:
        base = {
            "agencies.yaml": AGENCIES,
            "directives/TB-128-2022.yaml": DIRECTIVE,
            "tasks/TB-128-2022.1.yaml": TASK,
        }
        return build_tree(tmp_path / "root", {**base, **extra})

    return make


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CDSCTL_RECORDS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield
    from cdsctl.validation import cache

    cache.output_out()  # (a test as a command: what it held until its output, let go)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def validate_json(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out = invoke("validate", "--records", str(root), "--format", "json", *args)
    return code, json.loads(out)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root of bench/gen.py: 400 tasks (one-off, recurring, extended, done, cancelled)
    and 800 reports."""
    out = tmp_path_factory.mktemp("gen") / "root"
    gen = [sys.executable, str(REPO / "bench" / "gen.py"), str(out)]
    subprocess.run([*gen, "--tasks", "400", "--reports", "800", "--seed", "13"], check=True,
                   capture_output=True)  # fmt: skip
    for path in out.rglob("*"):  # older than any cache written after: not racy
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return out
