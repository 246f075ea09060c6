"""The user documentation agrees with the code: codes, commands, options, quick start, hooks,
and its links lead somewhere."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from cdsctl.cli import app
from cdsctl.diagnostics import CODES

from .conftest import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
DIAGNOSTICS = DOCS / "diagnostics.md"
VALIDATE = DOCS / "validate.md"
#: the hand-written pages that walk through the commands (docs/commands.md is generated)
GUIDES = (VALIDATE, DOCS / "queries.md", DOCS / "templates.md", DOCS / "authoring.md",
          DOCS / "export.md", DOCS / "site.md")  # fmt: skip
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_MAX_LINES = 300
HOOKS = REPO / ".pre-commit-hooks.yaml"

QUICK_START = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' "
    "&& .venv/bin/cdsctl validate --records records",
    "bash .ci/run",
)

#: a table row whose first cell is a code in backticks: | `code` | severity | …
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")


def _read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


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
def test_every_command_has_a_walkthrough(name: str) -> None:
    headings = {h for page in GUIDES for h in _headings(_read(page))}
    assert f"cdsctl {name}" in headings, (
        f"no `## cdsctl {name}` in docs/validate.md, queries.md, templates.md, authoring.md, "
        "export.md or site.md"
    )


@pytest.mark.parametrize("option", _validate_options())
def test_every_validate_option_is_documented(option: str) -> None:
    assert re.search(rf"{re.escape(option)}(?![\w-])", _read(VALIDATE)), option


def test_validate_options_are_found() -> None:
    """Guard the parametrisation above against finding no options at all."""
    expected = {"--format", "--strict", "--changed-since", "--no-cache", "--jobs", "--records"}
    assert expected <= set(_validate_options())


@pytest.mark.parametrize("command", QUICK_START)
def test_quick_start_commands_are_verbatim(command: str) -> None:
    assert f"```sh\n{command}\n```" in _read(README)


def test_the_readme_is_short() -> None:
    lines = len(_read(README).splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move reference to docs/"


def test_the_readme_links_every_docs_page() -> None:
    linked = {target for target, _ in _links(_read(README))}
    missing = [p.name for p in PAGES[1:] if f"docs/{p.name}" not in linked]
    assert not missing, f"README.md does not link {missing}"


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
    # (tests/test_ci_recipes.py runs the recipe of docs/ci.md with the real pre-commit)
    assert hook["always_run"] is True and hook["pass_filenames"] is False
    assert hook["require_serial"] is True


# -- links --------------------------------------------------------------------------------------

#: [text](target) and ![alt](target), not inside code; the target up to a space or `)`
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE = re.compile(r"(`+).+?\1", re.S)


def _prose(text: str) -> str:
    """The text without fenced blocks and inline code, where a `[x](y)` is no link."""
    return CODE.sub("", FENCE.sub("", text))


def _links(text: str) -> list[tuple[str, str]]:
    """(path, anchor) of each relative link; path "" for a link into the same page."""
    found = []
    for target in LINK.findall(_prose(text)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, file:
            continue
        path, _, anchor = target.partition("#")
        found.append((path, anchor))
    return found


def _headings(text: str) -> list[str]:
    """The text of each Markdown heading, outside fenced blocks."""
    return [m[1].strip() for m in re.finditer(r"^#{1,6} +(.+?) *#*$", FENCE.sub("", text), re.M)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, no punctuation, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()  # a link's text
    kept = (c for c in text if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor of a page: a repeated heading gets -1, -2, … as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for heading in _headings(text):
        base = slug(heading)
        found.add(f"{base}-{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    return found


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [("Quick start", "quick-start"), ("cdsctl validate", "cdsctl-validate"),
     ("How a task's state is decided", "how-a-tasks-state-is-decided"),
     ("Warnings and `--strict`", "warnings-and---strict"),
     ("Speed: `--no-cache` and `--jobs`", "speed---no-cache-and---jobs"),
     ("Hạn xử lý (Đ)", "hạn-xử-lý-đ")],
)  # fmt: skip
def test_slugs_are_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(REPO).as_posix() for p in PAGES])
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    broken = []
    for path, anchor in _links(_read(page)):
        target = (page.parent / path).resolve() if path else page
        if not target.exists() or not target.resolve().is_relative_to(REPO):
            broken.append(f"{path}: no such file in the repository")
        elif anchor and target.suffix == ".md" and anchor not in anchors(_read(target)):
            broken.append(f"{path}#{anchor}: no such heading")
    assert not broken, f"{page.relative_to(REPO)}: {broken}"


def test_the_link_check_sees_links() -> None:
    """Guard the test above against a pattern that finds nothing."""
    links = _links(_read(DOCS / "ci.md"))
    assert ("../README.md", "quick-start") in links
    assert ("validate.md", "checking-only-what-changed") in links
