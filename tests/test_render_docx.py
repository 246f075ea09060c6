"""`cdsctl render --format docx` with the default Word templates (templates/*.docx), read back
with python-docx: the records' facts are in the document, in Times New Roman at the sizes of
Nghị định 30/2020/NĐ-CP on an A4 page with its margins; the templates are what
templates/make_docx.py makes; a Word file needs `-o` and never replaces a file without
`--force`.

The expected facts come from the record files themselves (read here with PyYAML), not from
cdsctl's context, so a variable that goes missing is noticed.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cdsctl.cli import app

from .conftest import REPO, SAMPLE, module_from

docx = pytest.importorskip("docx", reason="needs python-docx: pip install -e '.[dev]'")
pytest.importorskip("docxtpl", reason="needs the docx extra: pip install -e '.[dev]'")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

MAKE_DOCX = REPO / "templates" / "make_docx.py"

#: the documents rendered from the bundled records, as `cdsctl render` arguments
DOCUMENTS = {
    "minutes": ["minutes", "ND-HOP-2022-05-10", "--as-of", "2022-06-30"],
    "notice": ["notice", "TB-128-2022", "--as-of", "2022-06-30"],
    "progress": ["progress", "--period", "2022-06", "--as-of", "2022-06-30"],
}

#: Nghị định 30, Phụ lục I: A4 portrait and the margins' ranges (mm)
A4 = (210, 297)
MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
#: styles whose size the decree sets apart from the body's 13–14 pt
SMALL = {"CDS Recipients Title": 12, "CDS Recipients": 11}


def render(*args: str) -> tuple[int, str]:
    """Exit code and standard error of `cdsctl render ARGS --records records/`."""
    result = CliRunner().invoke(app, ["render", *args, "--records", str(SAMPLE)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each of DOCUMENTS rendered to a .docx and opened with python-docx."""
    folder = tmp_path_factory.mktemp("docx")
    opened = {}
    for name, args in DOCUMENTS.items():
        out = folder / f"{name}.docx"
        code, err = render(*args, "--format", "docx", "-o", str(out))
        assert code == 0, err
        opened[name] = docx.Document(str(out))
    return opened


# -- what the records say ------------------------------------------------------------------------


def record(path: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SAMPLE / path).read_text(encoding="utf-8"))
    return data


def tasks_of(directive: str) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(SAMPLE.glob(f"tasks/*/{directive}.*.yaml"))]  # fmt: skip


def agency_names() -> dict[str, str]:
    return {a["id"]: a["name"] for a in record("agencies.yaml")["agencies"]}


AS_OF = date(2022, 6, 30)


def deadline(task: dict[str, Any], as_of: date = AS_OF) -> date | None:
    """A task's deadline as of `as_of`: the last extension granted by then, else `due`."""
    granted = [e["due"] for e in task.get("extensions", []) if e["granted"] <= as_of]
    return granted[-1] if granted else task.get("due")


def short(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def due_in_june_2022() -> list[dict[str, Any]]:
    """Tasks (not recurring, not cancelled) whose deadline as of 30/6/2022 is in June 2022."""
    found = []
    for path in sorted(SAMPLE.glob("tasks/*/*.yaml")):
        task = yaml.safe_load(path.read_text(encoding="utf-8"))
        day = deadline(task)
        june = isinstance(day, date) and (day.year, day.month) == (2022, 6)
        if june and not task.get("cancelled"):
            found.append(task)
    return found


# -- reading a Word file back --------------------------------------------------------------------


def paragraphs(document: Any) -> list[Any]:
    """Every paragraph of the body, those in table cells included, in reading order."""
    body = document.element.body
    return [docx.text.paragraph.Paragraph(p, document) for p in body.iter(qn("w:p"))]


def text(document: Any) -> str:
    """The body's text, a line per paragraph, spaces as Word shows them."""
    return "\n".join(p.text for p in paragraphs(document))


def in_table(paragraph: Any) -> bool:
    return any(a.tag == qn("w:tc") for a in paragraph._p.iterancestors())


def style_chain(paragraph: Any) -> list[Any]:
    chain, style = [], paragraph.style
    while style is not None:
        chain.append(style)
        style = style.base_style
    return chain


def defaults(document: Any) -> Any:
    """The document's default run properties (w:docDefaults/w:rPrDefault/w:rPr)."""
    found = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    return found.find(qn("w:rPr"))


def font_of(run: Any, paragraph: Any, document: Any) -> str | None:
    """The font Word uses for `run`: its own, else its paragraph style's (and their bases'),
    else the document default."""
    for found in [run.font.name, *(s.font.name for s in style_chain(paragraph))]:
        if found:
            return str(found)
    fonts = defaults(document).find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:ascii"))


def size_of(run: Any, paragraph: Any, document: Any) -> float:
    """The size (pt) Word uses for `run`, found the same way as its font."""
    for found in [run.font.size, *(s.font.size for s in style_chain(paragraph))]:
        if found is not None:
            return float(found.pt)
    return int(defaults(document).find(qn("w:sz")).get(qn("w:val"))) / 2


def runs(document: Any) -> list[tuple[Any, Any]]:
    return [(r, p) for p in paragraphs(document) for r in p.runs if r.text.strip()]


# -- the facts -----------------------------------------------------------------------------------


def test_minutes_hold_the_meeting_and_its_tasks(documents: dict[str, Any]) -> None:
    meeting = record("meetings/2022/ND-HOP-2022-05-10.yaml")
    directive = record("directives/2022/TB-128-2022.yaml")
    body = text(documents["minutes"])
    assert "BIÊN BẢN" in body and meeting["title"] in body
    assert meeting["chair"]["name"] in body and meeting["secretary"]["name"] in body
    assert "Thời gian: 14 giờ 00, ngày 10 tháng 5 năm 2022." in body
    assert f"Địa điểm: {meeting['place']}." in body
    for person in meeting["attendees"]:
        assert person["title"] in body
    for said in meeting["discussion"]:
        assert said["summary"] in body
    for conclusion in meeting["conclusions"]:
        assert conclusion in body
    _tasks_in_full(body, "TB-128-2022")
    assert f"Thông báo số {directive['number']} ngày 12/5/2022" in body
    assert "Cuộc họp kết thúc vào 16 giờ 30, ngày 10 tháng 5 năm 2022./." in body
    lines = body.splitlines()
    assert lines.index("THƯ KÝ") < lines.index("CHỦ TỌA")  # secretary left, chair right
    assert "- Lưu: VT, Hồ sơ." in body


def test_the_notice_holds_the_directive_its_meeting_and_tasks(
    documents: dict[str, Any],
) -> None:
    directive = record("directives/2022/TB-128-2022.yaml")
    meeting = record("meetings/2022/ND-HOP-2022-05-10.yaml")
    body = text(documents["notice"])
    assert "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH" in body
    assert f"Số: {directive['number']}" in body and "Số: 128/TB-UBND" in body
    assert "Nam Định, ngày 12 tháng 5 năm 2022" in body
    assert "THÔNG BÁO" in body and directive["title"] in body
    assert meeting["title"][1:] in body and meeting["chair"]["name"] in body
    _tasks_in_full(body, "TB-128-2022")
    names = agency_names()
    for task in tasks_of("TB-128-2022"):
        for agency in [task["lead"], *task.get("support", [])]:
            assert f"- {names[agency]};" in body  # each lead and support is a recipient
    assert directive["signer"]["name"] in body and "TL. CHỦ TỊCH" in body
    assert "thực hiện./." in body and body.rstrip().endswith(directive["signer"]["name"])


def _tasks_in_full(body: str, directive: str) -> None:
    """Every task of `directive`: its title in full, its lead's and supports' full names, its
    deadline as the directive assigned it (`due`, before any extension)."""
    names = agency_names()
    tasks = tasks_of(directive)
    assert len(tasks) == 8
    for task in tasks:
        assert f"{task['item']}. {task['title']}" in body
        line = f"Chủ trì: {names[task['lead']]}"
        if task.get("support"):
            line += "; phối hợp: " + ", ".join(names[a] for a in task["support"])
        if task.get("due"):
            line += f"; thời hạn: {short(task['due'])}"
        assert line + "." in body, line
    assert "thời hạn: 20/5/2022." in body


def test_the_progress_report_holds_the_period_and_its_tasks(documents: dict[str, Any]) -> None:
    body = text(documents["progress"])
    names = agency_names()
    assert "BÁO CÁO" in body and "tháng 6 năm 2022" in body
    assert "từ ngày 1/6/2022 đến ngày 30/6/2022" in body
    due = due_in_june_2022()
    assert due, "the sample records have tasks due in June 2022"
    for task in due:
        assert task["title"] in body and names[task["lead"]] in body
        day = deadline(task)
        assert day and short(day) in body
    overdue = record("tasks/2022/TB-128-2022.1.yaml")  # due 20/5/2022, not done by 30/6
    assert overdue["title"] in body and "20/5/2022" in body
    assert "Tổng cộng" in body


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_tag_is_left_and_no_value_is_blank(documents: dict[str, Any], name: str) -> None:
    body = text(documents[name])
    for mark in ("{{", "}}", "{%", "%}", "None", "Undefined"):
        assert mark not in body, f"{name}: {mark!r} in the rendered document"


# -- page and type -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a4_portrait_with_the_decrees_margins(documents: dict[str, Any], name: str) -> None:
    for section in documents[name].sections:
        size = (section.page_width.mm, section.page_height.mm)
        assert size == pytest.approx(A4, abs=0.5)
        for side, (low, high) in MARGINS.items():
            margin = getattr(section, f"{side}_margin").mm
            assert low - 0.1 <= margin <= high + 0.1, f"{name}: {side} margin {margin:.1f} mm"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_times_new_roman_everywhere(documents: dict[str, Any], name: str) -> None:
    document = documents[name]
    fonts = {font_of(r, p, document) for r, p in runs(document)}
    assert fonts == {"Times New Roman"}
    default = defaults(document).find(qn("w:rFonts"))
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):  # Vietnamese is not only ASCII
        assert default.get(qn(script)) == "Times New Roman", script
    styles_xml = document.styles.element.xml
    assert "Theme=" not in styles_xml and "theme=" not in styles_xml  # Word prefers a theme


@pytest.mark.parametrize("name", DOCUMENTS)
def test_body_text_is_13_or_14_pt(documents: dict[str, Any], name: str) -> None:
    """Body text (outside tables) 13–14 pt; "Nơi nhận:" 12 pt, its list 11 pt; tables 12–14."""
    document = documents[name]
    for run, paragraph in runs(document):
        size = size_of(run, paragraph, document)
        style = paragraph.style.name
        if style in SMALL:
            assert size == SMALL[style], (style, run.text)
        elif in_table(paragraph):
            assert 12 <= size <= 14, (style, run.text)
        else:
            assert size in (13, 14), (style, run.text)


def test_the_letterhead_and_recipients_look_as_the_decree_says(
    documents: dict[str, Any],
) -> None:
    document = documents["notice"]
    found = {p.text: p for p in paragraphs(document)}
    nation = found["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    motto = found["Độc lập - Tự do - Hạnh phúc"]
    for paragraph, sizes in ((nation, (12, 13)), (motto, (13, 14))):
        run = paragraph.runs[0]
        assert run.bold and size_of(run, paragraph, document) in sizes
    recipients = found["Nơi nhận:"]
    assert recipients.style.font.bold and recipients.style.font.italic
    kind = found["THÔNG BÁO"]
    assert kind.style.font.bold and kind.style.paragraph_format.alignment == CENTER
    body = next(p for p in paragraphs(document) if p.text.startswith("Ngày 10/5/2022"))
    fmt = body.style.paragraph_format
    assert fmt.alignment == JUSTIFY and 1.0 <= fmt.first_line_indent.cm <= 1.28
    assert fmt.space_after.pt >= 6


# -- the templates are current, the output is written safely -------------------------------------


def make_docx() -> ModuleType:
    return module_from(MAKE_DOCX, "make_docx")


def test_the_templates_are_what_make_docx_makes() -> None:
    done = subprocess.run([sys.executable, str(MAKE_DOCX), "--check"], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_make_docx_is_deterministic_and_its_check_notices_a_change(tmp_path: Path) -> None:
    module = make_docx()
    for name in module.BUILDERS:
        assert module.build(name) == module.build(name)
        (tmp_path / name).write_bytes(module.build(name))
    assert module.stale(tmp_path) == []
    (tmp_path / "notice.docx").write_bytes((REPO / "templates" / "minutes.docx").read_bytes())
    (tmp_path / "progress.docx").unlink()
    assert module.stale(tmp_path) == ["notice.docx", "progress.docx"]


def test_a_word_file_needs_an_output_file() -> None:
    code, err = render(*DOCUMENTS["minutes"], "--format", "docx")
    assert code == 2 and "-o FILE" in err and err.count("\n") == 1


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "bien-ban.docx"
    out.write_bytes(b"the signed copy")
    code, err = render(*DOCUMENTS["minutes"], "--format", "docx", "-o", str(out))
    assert code == 2 and "--force" in err
    assert out.read_bytes() == b"the signed copy"
    code, err = render(*DOCUMENTS["minutes"], "--format", "docx", "-o", str(out), "--force")
    assert code == 0, err
    assert "Trần Quốc Khánh" in text(docx.Document(str(out)))
    assert [p.name for p in tmp_path.glob("*bien-ban*")] == ["bien-ban.docx"]  # no temporary


@pytest.mark.parametrize(("template", "ids"), [
    ("minutes", ["HD-HOP-2021-11-04", "QN-HOP-2022-03-19", "BD-HOP-2023-09-28"]),
    ("notice", ["HD-TB-BCD-2021", "QN-TB-2022-03", "BD-TB-CDS-2023", "KH-122-2021"]),
])  # fmt: skip
def test_every_bundled_record_renders(tmp_path: Path, template: str, ids: list[str]) -> None:
    """Records without a number, a secretary, a signer or a meeting still make a document."""
    for record_id in ids:
        out = tmp_path / f"{record_id}.docx"
        code, err = render(template, record_id, "--as-of", "2023-12-31", "--format", "docx",
                           "-o", str(out))  # fmt: skip
        assert code == 0, f"{record_id}: {err}"
        assert "{{" not in text(docx.Document(str(out)))
