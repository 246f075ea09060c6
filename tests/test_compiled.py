"""The compiled build (setup.py's COMPILED: the hot modules, compiled with Cython from the
same .py files, with CDSCTL_COMPILE=1).

.ci/run runs the whole suite twice: against the checkout's sources, then against the
compiled wheel, unpacked, with CDSCTL_EXPECT_COMPILED=1.  In that second run the tests
below make sure it is the compiled code that is tested (a wheel built without Cython or
without a compiler is pure Python, and would pass every other test unnoticed), here and in
a `python -m cdsctl` the tests start.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import AGENCIES, DIRECTIVE, REPO, build_tree, module_from

EXPECTED = os.environ.get("CDSCTL_EXPECT_COMPILED", "") not in ("", "0")
compiled_only = pytest.mark.skipif(not EXPECTED, reason="CDSCTL_EXPECT_COMPILED is not set")


def _setup() -> ModuleType:
    """setup.py as a module (it calls setup() only when run as a script)."""
    return module_from(REPO / "setup.py", "cdsctl_setup")


def compiled_names() -> list[str]:
    """The modules setup.py compiles with CDSCTL_COMPILE=1, by the name they are imported
    by (a package's extension is named `x.__init__`)."""
    before = os.environ.get("CDSCTL_COMPILE")
    os.environ["CDSCTL_COMPILE"] = "1"
    try:
        extensions = _setup().compiled_modules()
    finally:
        if before is None:
            del os.environ["CDSCTL_COMPILE"]
        else:
            os.environ["CDSCTL_COMPILE"] = before
    return [e.name.removesuffix(".__init__") for e in extensions]


def test_each_pattern_names_modules_of_the_package() -> None:
    for pattern in _setup().COMPILED:
        found = list(REPO.glob(pattern))
        assert found, f"setup.py's COMPILED pattern {pattern} matches nothing"
        assert all(p.suffix == ".py" and p.is_relative_to(REPO / "cdsctl") for p in found)
    names = compiled_names()
    # the path every record file takes in a cold `validate` is among them
    for hot in ("cdsctl.validation.onefile", "cdsctl.load.yamltext", "cdsctl.checks.fast",
                "cdsctl.checks.record", "cdsctl.validation.pieces", "cdsctl.schema"):  # fmt: skip
        assert hot in names


def _is_compiled(module: object) -> bool:
    file = getattr(module, "__file__", None) or ""
    return file.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


@compiled_only
def test_the_tests_run_the_compiled_modules() -> None:
    pure = [n for n in compiled_names() if not _is_compiled(importlib.import_module(n))]
    assert not pure, f"pure Python, not compiled: {pure}"
    import cdsctl

    assert not Path(cdsctl.__file__).is_relative_to(REPO), cdsctl.__file__


@compiled_only
def test_the_line_parser_runs_compiled_and_is_used() -> None:
    """load/blockyaml.py is used only when compiled: it must know it is, and read records
    (a quoted "11:00" it reads as text, where yaml-rs's data gives no sign that it was
    quoted and the exact loader must decide)."""
    from cdsctl.load import blockyaml
    from cdsctl.load.yamltext import load_fast_scanned

    assert blockyaml.COMPILED
    assert load_fast_scanned('kind: meeting\nend: "11:00"\n') == (
        {"kind": "meeting", "end": "11:00"}, False, True, ())  # fmt: skip


PROBE = """
import importlib, importlib.machinery, json, sys
names = json.loads(sys.argv[1])
print(json.dumps([n for n in names if not importlib.import_module(n).__file__.endswith(
    tuple(importlib.machinery.EXTENSION_SUFFIXES))]))
"""


@compiled_only
def test_a_cdsctl_the_tests_start_runs_them_too(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(compiled_names())],
                          cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(done.stdout) == []
    # and the command itself, from the checkout's top as a user runs it: a clean root and
    # one with a broken reference (the rules across files), each file at its line
    files = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    root = build_tree(tmp_path / "records", files)
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(tmp_path / "cache")}
    assert _validate(root, env) == []
    broken = DIRECTIVE.replace("issuer: UBND", "issuer: NOBODY")
    (root / "directives" / "TB-128-2022.yaml").write_text(broken, encoding="utf-8")
    [found] = _validate(root, env)
    where = (found["file"], found["line"], found["code"])
    assert where == ("directives/TB-128-2022.yaml", 5, "unresolved-reference")


def _validate(root: Path, env: dict[str, str]) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "cdsctl", "validate", "--records", str(root),
                           "--format", "json"], cwd=REPO, capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, list)
    return found
