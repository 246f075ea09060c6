"""The default templates (templates/*.md.j2 and *.html.j2) rendered from the bundled records,
compared byte for byte with tests/golden/render/, and checks that hold whatever the goldens
say: the notice gives every task title of its directive in full, the HTML fetches nothing,
the minutes name every agency in full, Markdown tables keep their columns, record text is
escaped in HTML.

After a deliberate change to a template, rewrite the goldens with

    CDSCTL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_templates.py

and read their diff as a document (Vietnamese wording, the order of parts of
../shared/spec/documents.md) before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape
from typer.testing import CliRunner

from cdsctl.cli import app

from .conftest import SAMPLE, invoke

GOLDEN = Path(__file__).parent / "golden" / "render"
UPDATE = os.environ.get("CDSCTL_UPDATE_GOLDEN") == "1"
FORMATS = ("md", "html")

#: golden name → the arguments of `cdsctl render` (fixed ids and as-of dates)
CASES: dict[str, tuple[str, ...]] = {
    "minutes-ND-HOP-2022-05-10": ("minutes", "ND-HOP-2022-05-10", "--as-of", "2022-06-30"),
    "minutes-BD-HOP-2023-09-28": ("minutes", "BD-HOP-2023-09-28", "--as-of", "2023-12-31"),
    "notice-TB-128-2022": ("notice", "TB-128-2022", "--as-of", "2022-06-30"),
    "notice-HD-TB-BCD-2021": ("notice", "HD-TB-BCD-2021", "--as-of", "2022-06-30"),
    "progress-2022-06": ("progress", "--period", "2022-06", "--as-of", "2022-06-30"),
    "overdue-digest-2023-06-30": ("overdue-digest", "--as-of", "2023-06-30"),
    "overdue-digest-2022-06-20": ("overdue-digest", "--as-of", "2022-06-20"),
    "summary-2023-06-30": ("summary", "--as-of", "2023-06-30"),
}


def _render(args: tuple[str, ...], fmt: str, records: Path = SAMPLE) -> bytes:
    result = CliRunner().invoke(app, ["render", *args, "--format", fmt, "--records", str(records)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@cache
def _once(args: tuple[str, ...], fmt: str) -> str:
    """The sample rendered once per test run for these arguments (each rendering validates
    the whole sample: about 0.1 s)."""
    return _render(args, fmt).decode("utf-8")


def rendered(name: str, fmt: str) -> str:
    return _once(CASES[name], fmt)


def _text(fmt: str, text: str) -> str:
    """`text` as it stands in an output of format `fmt` (HTML escapes it as Jinja does)."""
    return str(escape(text)) if fmt == "html" else text


def _records(kind: str) -> list[dict[str, Any]]:
    """Every record of `kind` in the sample, read straight from its YAML or front matter (an
    oracle that does not go through cdsctl)."""
    found = []
    for path in sorted([*SAMPLE.rglob("*.yaml"), *SAMPLE.rglob("*.md")]):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = text.split("---\n")[1] if text.startswith("---\n") else ""
        data = yaml.safe_load(text)
        if isinstance(data, dict) and data.get("kind") == kind:
            found.append(data)
    return found


def _agency_names() -> dict[str, str]:
    agencies = yaml.safe_load((SAMPLE / "agencies.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a["name"] for a in agencies["agencies"]}


# -- the goldens -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", CASES)
def test_default_template_output_is_the_golden_file(name: str, fmt: str) -> None:
    golden = GOLDEN / f"{name}.{fmt}"
    got = rendered(name, fmt).encode("utf-8")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert golden.is_file(), f"no golden {golden.name}: run with CDSCTL_UPDATE_GOLDEN=1"
    assert got == golden.read_bytes(), f"{golden.name} differs (see the module docstring)"


def test_every_golden_belongs_to_a_case() -> None:
    wanted = {f"{name}.{fmt}" for name in CASES for fmt in FORMATS}
    assert {p.name for p in GOLDEN.iterdir()} == wanted


# -- what holds whatever the goldens say -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("directive", "as_of"), [("TB-128-2022", "2022-06-30"),
                                                  ("HD-TB-BCD-2021", "2022-06-30"),
                                                  ("BD-TB-CDS-2023", "2023-06-30")])  # fmt: skip
def test_the_notice_gives_every_task_title_of_its_directive_in_full(
    directive: str, as_of: str, fmt: str
) -> None:
    titles = [t["title"] for t in _records("task") if t["directive"] == directive]
    assert titles
    out = _once(("notice", directive, "--as-of", as_of), fmt)
    missing = [title for title in titles if _text(fmt, str(title)) not in out]
    assert not missing


URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.I)
LINK = re.compile(r"""\b(?:src|href|xlink:href|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", re.I)


@pytest.mark.parametrize("name", CASES)
def test_html_is_one_file_that_fetches_nothing(name: str) -> None:
    out = rendered(name, "html")
    assert not URL.search(out)
    assert all(v.startswith(("data:", "#")) for v in LINK.findall(out))
    assert "<script" not in out and "<link" not in out and "@import" not in out
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", out))


@pytest.mark.parametrize("name", CASES)
def test_html_is_a_vietnamese_a4_page(name: str) -> None:
    out = rendered(name, "html")
    assert out.startswith('<!DOCTYPE html>\n<html lang="vi">')
    assert '<meta charset="utf-8">' in out
    assert "@page { size: A4; margin: 20mm 15mm 20mm 30mm }" in out
    assert '"Times New Roman", "Liberation Serif", "Noto Serif", serif' in out


def test_the_summary_draws_its_charts_as_inline_svg() -> None:
    out = rendered("summary-2023-06-30", "html")
    charted = [i for i in _records("indicator") if i.get("targets") or i.get("actuals")]
    assert out.count("<svg") == 1 + len(charted)  # the bars, and one trend per indicator
    assert out.count("<title id=") == out.count("<svg")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("meeting", ["ND-HOP-2022-05-10", "BD-HOP-2023-09-28"])
def test_the_minutes_name_every_agency_in_full(meeting: str, fmt: str) -> None:
    record = next(m for m in _records("meeting") if m["id"] == meeting)
    said = [*record.get("attendees", []), *record.get("discussion", [])]
    ids = {p["agency"] for p in said if p.get("agency")}
    assert ids
    names = _agency_names()
    out = rendered(f"minutes-{meeting}", fmt)
    assert [names[i] for i in sorted(ids) if _text(fmt, names[i]) not in out] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_minutes_close_once_and_have_no_place_and_date_line(fmt: str) -> None:
    for meeting, place in [("ND-HOP-2022-05-10", "Nam Định"), ("BD-HOP-2023-09-28", "Bình Định")]:
        out = rendered(f"minutes-{meeting}", fmt)
        assert out.count("Cuộc họp kết thúc vào ") == 1
        assert f"{place}, ngày" not in out
        assert out.index("THƯ KÝ") < out.index("CHỦ TỌA") < out.index("Lưu: VT, Hồ sơ.")


OVERDUE_AS_OF = {"progress-2022-06": "2022-06-30", "overdue-digest-2023-06-30": "2023-06-30",
                 "overdue-digest-2022-06-20": "2022-06-20"}  # fmt: skip


@pytest.mark.parametrize(("name", "as_of"), OVERDUE_AS_OF.items())
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_overdue_task_is_listed_by_its_full_title(name: str, as_of: str, fmt: str) -> None:
    code, out = invoke("overdue", "--records", str(SAMPLE), "--as-of", as_of, "--format", "json")
    assert code == 0
    titles = [item["title"] for item in json.loads(out)]
    assert titles
    doc = rendered(name, fmt)
    assert [t for t in titles if _text(fmt, t) not in doc] == []


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@pytest.mark.parametrize("name", CASES)
def test_markdown_tables_keep_their_columns(name: str) -> None:
    table: list[str] = []
    for line in [*rendered(name, "md").splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            assert re.fullmatch(r"\|(:?-{3,}:?\|)+", table[1]), table[:2]
            assert {_cells(row) for row in table} == {_cells(table[0])}, table[0]
        table = []


def test_record_text_is_escaped_in_the_default_html_templates(tmp_path: Path) -> None:
    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    task = root / "tasks" / "2022" / "TB-128-2022.2.yaml"
    lines = task.read_text(encoding="utf-8").splitlines(keepends=True)
    evil = "<script>alert('x')</script> & <b>Đăng ký"
    task.write_text("".join(f'title: "{evil}"\n' if line.startswith("title:") else line
                            for line in lines), encoding="utf-8")  # fmt: skip
    for args in [("notice", "TB-128-2022"), ("progress", "--period", "2022-05")]:
        out = _render((*args, "--as-of", "2022-06-30"), "html", root).decode("utf-8")
        assert "<script>" not in out and "<b>" not in out
        assert str(escape(evil)) in out


def test_a_markdown_body_reads_as_text_in_html() -> None:
    out = _once(("notice", "BD-TB-CDS-2023", "--as-of", "2023-06-30"), "html")
    body = out.split('<section class="text">', 1)[1]
    assert "**" not in body and "\n#" not in body
    assert "<strong>10 nhóm nhiệm vụ</strong>" in body
    assert "định kỳ hằng tháng, trước ngày 25" in body  # a recurring task, as written
