"""The default templates are part of an installed cdsctl, not only of a source checkout.

They live in the repository's top-level `templates/`; a wheel carries them as
`cdsctl/templates/` (setup.py's build step), where `cdsctl.render.lookup.default_folder()`
looks in an installed package.  The test builds a wheel from a copy of the sources (offline:
`pip wheel --no-build-isolation` with the venv's setuptools), installs it with `pip install
--target`, and renders with it in a fresh interpreter: cdsctl from the wheel, its dependencies
from the venv.  An editable install (`pip install -e .`, as .ci/run makes) reads the
repository's `templates/` instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cdsctl
from cdsctl.cli import app
from cdsctl.render.lookup import default_folder

from .conftest import REPO, SAMPLE

#: what a wheel is built from (the rest of the repository is not part of the package)
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "cdsctl", "templates")
SHIPPED = ("*.j2", "*.docx")

#: run in the installed cdsctl: where it comes from, where its defaults are, which file
#: `summary` (Markdown) resolves to for a records root with no templates of its own
PROBE = """
import json, sys
from pathlib import Path
import cdsctl
from cdsctl.render.lookup import default_folder, find, search_path
found = find("summary", "md", search_path(Path(sys.argv[1])))
print(json.dumps({"package": cdsctl.__file__, "defaults": str(default_folder()),
                  "summary": str(found.path)}))
"""


def _can_build() -> str | None:
    """Why a wheel cannot be built offline here, or None."""
    try:
        import setuptools
    except ImportError:
        return "no setuptools in this venv: pip install -e '.[dev]'"
    major, minor = (int(p) for p in setuptools.__version__.split(".")[:2])
    if (major, minor) < (70, 1):
        try:
            import wheel  # noqa: F401  (bdist_wheel before setuptools 70.1)
        except ImportError:
            return f"setuptools {setuptools.__version__} cannot build a wheel without `wheel`"
    return None


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A wheel built from a copy of the sources, installed into a folder of its own: the
    folder and the wheel's file names."""
    if reason := _can_build():
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=_not_sources)
        else:
            shutil.copy2(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    # pure Python, as by default (setup.py; .ci/run tests the compiled one, which takes
    # minutes to build)
    env = {k: v for k, v in os.environ.items() if k != "CDSCTL_COMPILE"}
    run(*pip, "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", "wheel", cwd=tmp,
        env=env)  # fmt: skip
    (wheel,) = (tmp / "wheel").glob("cdsctl-*.whl")
    run(*pip, "install", "--no-deps", "--target", "site", str(wheel), cwd=tmp)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    return tmp / "site", names


def test_the_default_build_is_a_wheel_of_python_alone(installed: tuple[Path, list[str]]) -> None:
    site, names = installed
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]
    assert "cdsctl/validation/onefile.py" in names  # (a compiled wheel keeps the sources too)
    [info] = site.glob("cdsctl-*.dist-info/WHEEL")
    assert "Tag: py3-none-any" in info.read_text(encoding="utf-8").splitlines()


def _not_sources(_: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or n.endswith(".egg-info")]


def test_the_wheel_carries_the_templates_and_not_the_script(
    installed: tuple[Path, list[str]],
) -> None:
    _, names = installed
    assert "cdsctl/templates/minutes.docx" in names
    assert "cdsctl/templates/summary.html.j2" in names
    shipped = {n.removeprefix("cdsctl/templates/") for n in names
               if n.startswith("cdsctl/templates/")}  # fmt: skip
    in_repo = {p.name for pattern in SHIPPED for p in (REPO / "templates").glob(pattern)}
    assert shipped == in_repo
    assert not [n for n in names if "make_docx" in n or n.startswith("templates/")]


def test_the_installed_package_renders_with_its_own_templates(
    installed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """`summary` from the bundled records, rendered by the installed cdsctl with the template
    it carries, says what the source checkout says."""
    site, _ = installed
    root = tmp_path / "data" / "records"  # no templates/ in or beside it
    shutil.copytree(SAMPLE, root)
    env = {**os.environ, "PYTHONPATH": str(site), "CDSCTL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CDSCTL_TEMPLATES", None)
    where = json.loads(run(sys.executable, "-c", PROBE, str(root), cwd=tmp_path, env=env))
    assert Path(where["package"]).is_relative_to(site)
    assert Path(where["defaults"]) == site / "cdsctl" / "templates"
    assert Path(where["summary"]) == site / "cdsctl" / "templates" / "summary.md.j2"
    args = ["render", "summary", "--records", str(root), "--as-of", "2023-06-30"]
    out = run(sys.executable, "-m", "cdsctl", *args, cwd=tmp_path, env=env)
    here = CliRunner().invoke(app, args)
    assert here.exit_code == 0, here.stderr
    assert out == here.stdout and out.strip()


def test_the_installed_package_renders_word_files(
    installed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    site, _ = installed
    env = {**os.environ, "PYTHONPATH": str(site), "CDSCTL_CACHE_DIR": str(tmp_path / "cache")}
    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    out = tmp_path / "bien-ban.docx"
    run(sys.executable, "-m", "cdsctl", "render", "minutes", "ND-HOP-2022-05-10", "--records",
        str(root), "--as-of", "2022-06-30", "--format", "docx", "-o", str(out),
        cwd=tmp_path, env=env)  # fmt: skip
    with zipfile.ZipFile(out) as z:
        assert "Trần Quốc Khánh" in z.read("word/document.xml").decode("utf-8")


def test_a_source_checkout_reads_the_repository_templates() -> None:
    """Editable (`pip install -e .`) or not installed: the defaults are the repository's."""
    if not Path(cdsctl.__file__).is_relative_to(REPO):
        pytest.skip("cdsctl runs from an installed wheel here (.ci/run's compiled pass)")
    assert default_folder() == REPO / "templates"
    assert not (REPO / "cdsctl" / "templates").exists()


def test_the_installed_package_builds_a_site_with_its_assets(
    installed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The site's stylesheet and search script travel in the wheel, and a site built by the
    installed cdsctl (minutes from its own templates) has them."""
    site, names = installed
    assert {"cdsctl/site/assets/site.css", "cdsctl/site/assets/search.js"} <= set(names)
    root = tmp_path / "data" / "records"
    shutil.copytree(SAMPLE, root)
    env = {**os.environ, "PYTHONPATH": str(site), "CDSCTL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CDSCTL_TEMPLATES", None)
    out = tmp_path / "trang"
    run(sys.executable, "-m", "cdsctl", "site", "-o", str(out), "--records", str(root),
        "--as-of", "2023-06-30", cwd=tmp_path, env=env)  # fmt: skip
    for asset in ("site.css", "search.js"):
        shipped = (site / "cdsctl" / "site" / "assets" / asset).read_bytes()
        assert (out / "assets" / asset).read_bytes() == shipped
    assert (out / "meetings" / "ND-HOP-2022-05-10.minutes.html").is_file()
