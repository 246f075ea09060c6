"""`cdsctl init` as a library (issue 11 §1): a new records repository that validates at once.

Through :func:`cdsctl.authoring.scaffold.init` into tmp_path: the files it writes (UTF-8,
NFC, LF), a root that `validate` (the library and the real CLI) passes with no diagnostic,
the agencies (ids valid and unique, names carrying the province), a non-empty folder refused,
`force` keeping what exists byte for byte, `git init` (never nested in another work tree),
the checks of docs/ci.md as the page writes them and pre-commit passing on the new
repository, `cdsctl.toml` choosing Vietnamese, and templates/README.md tripping neither the
template lookup nor the record walk.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdsctl.authoring import scaffold
from cdsctl.authoring.scaffold import KIND_FOLDERS, WORKFLOW, agency_list, init, install_from
from cdsctl.diagnostics import CdsError
from cdsctl.i18n import from_config
from cdsctl.load.files import walk
from cdsctl.render.lookup import default_folder, find, search_path
from cdsctl.validation.pipeline import validate

from .conftest import REPO

CDSCTL = Path(sys.executable).parent / "cdsctl"
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
EXPECTED = ["agencies.yaml", "README.md", *(f"{k}/.gitkeep" for k in KIND_FOLDERS),
            "templates/README.md", "cdsctl.toml", ".gitattributes", ".editorconfig",
            ".pre-commit-config.yaml", ".github/workflows/records.yml"]  # fmt: skip
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
PROVINCES = [None, "Quảng Ninh", "tỉnh Ninh Bình", "Hà Nội", "Thành phố Huế"]


def _git_env(tmp_path: Path) -> dict[str, str]:
    """git and pre-commit isolated from the machine's configuration, cdsctl on PATH."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CDSCTL_"))},
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "CDSCTL_CACHE_DIR": str(tmp_path / "cdsctl-cache"), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Văn phòng",
            "GIT_AUTHOR_EMAIL": "vp@example.vn", "GIT_COMMITTER_NAME": "Văn phòng",
            "GIT_COMMITTER_EMAIL": "vp@example.vn", "LANG": "C.UTF-8"}  # fmt: skip


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _agencies(root: Path) -> list[dict[str, Any]]:
    data = yaml.load((root / "agencies.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)
    assert data["kind"] == "agencies"
    return data["agencies"]


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test's git setup, also for the git that init runs."""
    env = _git_env(tmp_path)
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "HOME"):
        monkeypatch.setenv(key, env[key])
    return env


# -- the files ----------------------------------------------------------------------------------


def test_init_writes_every_file_into_a_new_folder(tmp_path: Path, git_env: dict[str, str]) -> None:
    made = init(tmp_path / "a" / "ho-so", province="Quảng Ninh")
    root = tmp_path / "a" / "ho-so"
    assert made.root == root and made.created == EXPECTED and made.kept == []
    for relpath in EXPECTED:
        data = (root / relpath).read_bytes()
        text = data.decode("utf-8")
        assert b"\r" not in data and unicodedata.is_normalized("NFC", text), relpath
        assert text == "" or (text.endswith("\n") and not text.endswith("\n\n")), relpath
    assert [p.name for p in root.rglob("*.tmp")] == []


@pytest.mark.parametrize("province", PROVINCES)
def test_the_new_root_validates_with_no_diagnostic(
    tmp_path: Path, province: str | None, git_env: dict[str, str]
) -> None:
    root = init(tmp_path / "ho-so", province=province, git=False).root
    result = validate(root, cache_dir=False)
    assert result.diagnostics == [] and result.files == 1


def test_the_cli_validates_the_new_root(tmp_path: Path, git_env: dict[str, str]) -> None:
    root = init(tmp_path / "ho-so", province="Ninh Bình").root
    done = _run([str(CDSCTL), "validate", "--records", str(root)], tmp_path, git_env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done
    done = _run([str(CDSCTL), "validate", "--records", str(root), "--format", "json"], root,
                git_env)  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout) == [], done


def test_only_agencies_yaml_is_a_record(tmp_path: Path) -> None:
    """README.md (at the root and in templates/), .gitkeep, .github/ and the dot files are no
    records: the walk lists agencies.yaml alone."""
    root = init(tmp_path / "ho-so", git=False).root
    assert list(walk(root)) == ["agencies.yaml"]


# -- the agencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("province", PROVINCES)
def test_agency_ids_are_valid_unique_and_parents_resolve(
    tmp_path: Path, province: str | None
) -> None:
    agencies = _agencies(init(tmp_path / "ho-so", province=province, git=False).root)
    ids = [a["id"] for a in agencies]
    assert all(ID.fullmatch(i) and i.isascii() for i in ids)
    assert len({i.casefold() for i in ids}) == len(ids)
    assert all(a.get("parent", ids[0]) in ids for a in agencies)
    assert all(a["name"] and a["short"] for a in agencies)
    assert not any("{" in v or "None" in v for a in agencies for v in map(str, a.values()))


def test_the_usual_agencies_in_the_2025_structure() -> None:
    agencies = {a["id"]: a for _, group in agency_list("Quảng Ninh") for a in group}
    usual = "TU UBND BCD VPUBND SNV STP STC SCT SNNMT SXD SKHCN SGDDT SYT SVHTTDL SDTTG TTT CAT"
    assert {*usual.split(), "BCHQS", "SBN"} <= set(agencies)
    assert not {"STTTT", "SKHDT", "STNMT", "SNNPTNT", "SGTVT", "SLDTBXH"} & set(agencies)
    assert agencies["BCD"]["name"] == ("Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới "
                                       "sáng tạo và chuyển đổi số tỉnh Quảng Ninh")  # fmt: skip
    assert agencies["VPUBND"]["parent"] == "UBND" and agencies["BCD"]["parent"] == "TU"
    shorts = {a["short"] for a in agencies.values()}
    assert {"UBND tỉnh", "Sở KH&CN", "Sở Tài chính", "Công an tỉnh"} <= shorts
    assert agencies["SBN"]["short"] == "Các sở, ngành, địa phương"


def test_the_province_goes_into_every_name(tmp_path: Path) -> None:
    agencies = _agencies(init(tmp_path / "ho-so", province="Quảng Ninh", git=False).root)
    assert all("Quảng Ninh" in a["name"] for a in agencies)
    names = {a["id"]: a["name"] for a in agencies}
    assert names["UBND"] == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert names["TU"] == "Tỉnh ủy Quảng Ninh" and names["SKHCN"].endswith("tỉnh Quảng Ninh")
    readme = (tmp_path / "ho-so" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Hồ sơ Ban Chỉ đạo KHCN, ĐMST và CĐS tỉnh Quảng Ninh\n")


def test_without_a_province_the_names_are_generic() -> None:
    names = {a["id"]: a["name"] for _, group in agency_list(None) for a in group}
    assert names["UBND"] == "Ủy ban nhân dân tỉnh" and names["SKHCN"] == "Sở Khoa học và Công nghệ"
    assert names["TU"] == "Tỉnh ủy"


@pytest.mark.parametrize("province", ["Hà Nội", "thành phố Hà Nội", "TP Hà Nội", "TP. Hà Nội"])
def test_a_centrally_run_city_is_a_thanh_pho(province: str) -> None:
    agencies = {a["id"]: a for _, group in agency_list(province) for a in group}
    assert agencies["UBND"]["name"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert agencies["UBND"]["short"] == "UBND thành phố"
    assert agencies["TU"]["name"] == "Thành ủy Hà Nội"


@pytest.mark.parametrize("province", ["", "  ", "tỉnh", "Quảng\nNinh", "Quảng\tNinh"])
def test_a_province_that_is_no_name_is_refused_before_any_write(
    tmp_path: Path, province: str
) -> None:
    with pytest.raises(CdsError, match="province"):
        init(tmp_path / "ho-so", province=province)
    assert not (tmp_path / "ho-so").exists()


def test_a_province_name_with_yaml_signs_reads_back(tmp_path: Path) -> None:
    agencies = _agencies(init(tmp_path / "ho-so", province="#1: 'A' & B", git=False).root)
    assert agencies[1]["name"] == "Ủy ban nhân dân tỉnh #1: 'A' & B"
    toml = tomllib.loads((tmp_path / "ho-so" / "cdsctl.toml").read_text(encoding="utf-8"))
    assert toml == {"lang": "vi", "province": "#1: 'A' & B"}  # (the name export writes)


# -- an existing folder -------------------------------------------------------------------------


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ho-so").mkdir()
    (tmp_path / "ho-so" / "notes.txt").write_text("x\n", encoding="utf-8")
    with pytest.raises(CdsError, match="is not empty; add --force"):
        init(tmp_path / "ho-so")
    assert sorted(p.name for p in (tmp_path / "ho-so").iterdir()) == ["notes.txt"]


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "ho-so").write_text("x\n", encoding="utf-8")
    with pytest.raises(CdsError, match="is not a folder"):
        init(tmp_path / "ho-so", force=True)


@needs_git
def test_a_fresh_clone_counts_as_empty(tmp_path: Path, git_env: dict[str, str]) -> None:
    """A folder holding only `.git` (an empty repository just cloned) is no refusal."""
    _run(["git", "init", "-q", str(tmp_path / "ho-so")], tmp_path, git_env)
    made = init(tmp_path / "ho-so")
    assert made.created == EXPECTED and made.git == "inside-work-tree"


def test_force_adds_what_is_missing_and_keeps_every_file(tmp_path: Path) -> None:
    root = tmp_path / "ho-so"
    (root / "tasks").mkdir(parents=True)
    mine = b"# our own list\r\nkind: agencies\r\nagencies:\r\n  - id: X\r\n    name: X\r\n"
    (root / "agencies.yaml").write_bytes(mine)
    (root / "README.md").symlink_to(root / "nowhere.md")  # a link, even a broken one, is kept
    made = init(root, province="Quảng Ninh", force=True, git=False)
    assert made.kept == ["agencies.yaml", "README.md"]
    assert made.created == [p for p in EXPECTED if p not in made.kept]
    assert (root / "agencies.yaml").read_bytes() == mine
    again = init(root, force=True, git=False)
    assert again.created == [] and again.kept == EXPECTED


# -- git ----------------------------------------------------------------------------------------


@needs_git
def test_git_init_makes_the_folder_a_repository(tmp_path: Path, git_env: dict[str, str]) -> None:
    made = init(tmp_path / "ho-so")
    assert made.git == "created" and made.git_created
    top = _run(["git", "rev-parse", "--show-toplevel"], made.root, git_env).stdout.strip()
    assert Path(top) == made.root.resolve()


@needs_git
def test_no_repository_inside_another(tmp_path: Path, git_env: dict[str, str]) -> None:
    _run(["git", "init", "-q", str(tmp_path / "outer")], tmp_path, git_env)
    made = init(tmp_path / "outer" / "records" / "cds")
    assert made.git == "inside-work-tree" and not made.git_created
    assert not (made.root / ".git").exists()


def test_git_not_asked_for(tmp_path: Path) -> None:
    made = init(tmp_path / "ho-so", git=False)
    assert made.git == "not-asked" and not (made.root / ".git").exists()


def test_without_git_installed_the_files_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    made = init(tmp_path / "ho-so")
    assert made.git == "no-git" and made.created == EXPECTED
    assert any("git is not installed" in n for n in made.notes)


@needs_git
def test_a_folder_named_like_an_option_is_not_read_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_env: dict[str, str]
) -> None:
    monkeypatch.chdir(tmp_path)
    made = init(Path("--bare"))
    assert made.git == "created" and (tmp_path / "--bare" / ".git" / "HEAD").is_file()


@needs_git
def test_gitattributes_make_text_lf_and_documents_binary(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    root = init(tmp_path / "ho-so").root
    done = _run(["git", "check-attr", "text", "eol", "binary", "--", "tasks/x.yaml",
                 "thong-bao.docx", "bao-cao.pdf"], root, git_env)  # fmt: skip
    assert done.stdout.splitlines() == [
        "tasks/x.yaml: text: auto", "tasks/x.yaml: eol: lf", "tasks/x.yaml: binary: unspecified",
        "thong-bao.docx: text: unset", "thong-bao.docx: eol: lf", "thong-bao.docx: binary: set",
        "bao-cao.pdf: text: unset", "bao-cao.pdf: eol: lf", "bao-cao.pdf: binary: set"]  # fmt: skip
    editorconfig = (root / ".editorconfig").read_text(encoding="utf-8")
    for line in ("charset = utf-8", "end_of_line = lf", "insert_final_newline = true",
                 "[*.{yaml,yml}]\nindent_style = space\nindent_size = 2"):  # fmt: skip
        assert line in editorconfig


# -- the checks of docs/ci.md -------------------------------------------------------------------


def _ci_blocks(title: str) -> list[str]:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    heading = re.search(rf"^## {re.escape(title)}\n", text, re.M)
    assert heading
    end = re.compile(r"^## ", re.M).search(text, heading.end())
    return re.findall(r"```yaml\n(.*?)```", text[heading.end() : end.start() if end else None],
                      re.S)  # fmt: skip


def test_the_pre_commit_configuration_is_the_recipe(tmp_path: Path) -> None:
    [recipe] = [b for b in _ci_blocks("pre-commit") if "repo: local" in b]
    root = init(tmp_path / "ho-so", git=False).root
    written = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert written == recipe and yaml.safe_load(written) == yaml.safe_load(recipe)


def test_the_workflow_is_the_recipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not installed from a git URL (an editable install): the page's line, with a note."""
    monkeypatch.setattr(scaffold, "_install_line", lambda: None)
    [recipe] = _ci_blocks("GitHub Actions")
    made = init(tmp_path / "ho-so", git=False)
    written = (made.root / WORKFLOW).read_text(encoding="utf-8")
    assert yaml.safe_load(written) == yaml.safe_load(recipe)
    assert any(WORKFLOW in note for note in made.notes)


def test_the_workflow_installs_the_cdsctl_that_made_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = 'pip install "git+https://git.example.vn/so/cdsctl.git@' + "a" * 40 + '"'
    monkeypatch.setattr(scaffold, "_install_line", lambda: line)
    [recipe] = _ci_blocks("GitHub Actions")
    made = init(tmp_path / "ho-so", git=False)
    written = yaml.safe_load((made.root / WORKFLOW).read_text(encoding="utf-8"))
    expected = yaml.safe_load(recipe)
    [step] = [s for s in expected["jobs"]["validate"]["steps"] if "pip install" in s.get("run", "")]
    step["run"] = line
    assert written == expected and made.notes == []


@pytest.mark.parametrize(("direct_url", "line"), [
    ('{"url": "https://git.example.vn/so/cdsctl.git", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "0123456789" * 4 + '", "requested_revision": "main"}}',
     'pip install "git+https://git.example.vn/so/cdsctl.git@' + "0123456789" * 4 + '"'),
    ('{"url": "ssh://git@git.example.vn/so/cdsctl.git", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "f" * 40 + '"}}',
     'pip install "git+ssh://git@git.example.vn/so/cdsctl.git@' + "f" * 40 + '"'),
    ('{"url": "file:///home/an/cdsctl", "dir_info": {"editable": true}}', None),
    ('{"url": "https://u:secret@git.example.vn/cdsctl.git", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "f" * 40 + '"}}', None),
    ('{"url": "https://ghp_token@github.com/so/cdsctl.git", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "f" * 40 + '"}}', None),
    ('{"url": "https://git.example.vn/x\\" && curl evil", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "f" * 40 + '"}}', None),
    ('{"url": "https://git.example.vn/cdsctl.git", "vcs_info": {"vcs": "git", '
     '"commit_id": "main"}}', None),
    ('{"url": "https://git.example.vn/mono.git", "subdirectory": "cdsctl", "vcs_info": '
     '{"vcs": "git", "commit_id": "' + "f" * 40 + '"}}', None),
    ("not json", None), (None, None), ("[]", None),
])  # fmt: skip
def test_the_install_line_from_pip_s_record(direct_url: str | None, line: str | None) -> None:
    assert install_from(direct_url) == line


@needs_git
def test_pre_commit_passes_on_the_new_repository(tmp_path: Path, git_env: dict[str, str]) -> None:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed")
    root = init(tmp_path / "ho-so", province="Quảng Ninh").root
    assert _run(["git", "add", "-A"], root, git_env).returncode == 0
    done = _run([sys.executable, "-m", "pre_commit", "run", "--all-files"], root, git_env)
    assert done.returncode == 0 and re.search(r"cdsctl validate\.+Passed", done.stdout), done
    done = _run([sys.executable, "-m", "pre_commit", "validate-config"], root, git_env)
    assert done.returncode == 0, done


# -- settings and templates ---------------------------------------------------------------------


def test_cdsctl_toml_makes_the_interface_vietnamese(tmp_path: Path) -> None:
    root = init(tmp_path / "ho-so", province="Quảng Ninh", git=False).root
    assert from_config(root) == "vi"
    text = (root / "cdsctl.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"lang": "vi", "province": "Quảng Ninh"}


def test_the_templates_folder_overrides_the_defaults_and_trips_nothing(tmp_path: Path) -> None:
    root = init(tmp_path / "ho-so", git=False).root
    folders = search_path(root)
    assert folders[0] == (root / "templates").resolve()
    assert find("minutes", "md", folders).path.parent == default_folder().resolve()
    (root / "templates" / "minutes.md.j2").write_text("{{ meeting.title }}\n", encoding="utf-8")
    assert find("minutes", "md", folders).path == root / "templates" / "minutes.md.j2"
    with pytest.raises(CdsError) as refused:
        find("README", "md", folders)
    assert "README" not in str(refused.value).rsplit("templates for md:", 1)[1]
    assert validate(root, cache_dir=False).diagnostics == []
