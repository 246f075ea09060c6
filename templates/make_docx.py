"""Builds the Word templates of `cdsctl render --format docx`: minutes.docx (biên bản),
notice.docx (thông báo kết luận) and progress.docx (báo cáo tiến độ), beside this script.

The .docx files are what an office edits: open one in Word, change the letterhead, a phrase or
the recipients, save it as `templates/NAME.docx` in the records repository (which then wins
over the default).  The Jinja tags in them are docxtpl's: `{{ … }}` a value, `{%p … %}` a
paragraph that repeats or is left out, `{%tr … %}` a table row that does; the variables and
filters are listed in docs/templates.md.  This script is how the defaults are made, kept so
that they are made again the same way after a change:

    python templates/make_docx.py           # write the three files
    python templates/make_docx.py --check   # exit 1 when a checked-in file is not what this
                                            # script makes (tests/test_render_docx.py runs it)

Page and type follow Nghị định 30/2020/NĐ-CP, Phụ lục I (`spec/documents.md`): A4 portrait,
margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman throughout (also for
East Asian and complex scripts, so Word never swaps in a theme font); body 14 pt, justified,
first-line indent 1.27 cm, 6 pt after each paragraph; letterhead in a borderless two-column
table; "Nơi nhận:" bold italic 12 pt, its list 11 pt; page numbers centred in the top margin
from page 2.  The output is the same on every run: the document properties carry a fixed date
and the zip entries a fixed timestamp.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
#: A4 and margins (mm) within the ranges of Nghị định 30 (top/bottom 20–25, left 30–35,
#: right 15–20)
PAGE = {"width": 210, "height": 297, "top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH = PAGE["width"] - PAGE["left"] - PAGE["right"]  # 165 mm
#: the letterhead's columns (mm): issuing body and number | national title and date
HEAD = (62, TEXT_WIDTH - 62)
#: the closing's columns (mm): recipients | signer
FOOT = (80, TEXT_WIDTH - 80)
#: document properties and zip entries carry these, not the time of the build
CREATED = datetime(2022, 1, 1)
ZIP_TIME = (2022, 1, 1, 0, 0, 0)

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT, CENTER, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
                         WD_ALIGN_PARAGRAPH.JUSTIFY)  # fmt: skip


@dataclass(frozen=True)
class Look:
    """A paragraph style: size (pt), weight, alignment, first-line indent (cm), spacing (pt)."""

    size: float
    bold: bool = False
    italic: bool = False
    align: Any = LEFT
    indent: float = 0.0
    before: float = 0.0
    after: float = 0.0
    line: float = 1.0
    keep: bool = False


#: the styles the templates use, named so that a secretary finds them in Word's style list
STYLES = {
    "CDS Body": Look(14, align=JUSTIFY, indent=1.27, after=6, line=1.15),
    "CDS Heading": Look(14, bold=True, align=JUSTIFY, indent=1.27, before=6, after=6, keep=True),
    "CDS List": Look(14, align=JUSTIFY, indent=1.27, after=3, line=1.15),
    "CDS Letterhead": Look(13, align=CENTER),
    "CDS Type": Look(14, bold=True, align=CENTER, before=18, keep=True),
    "CDS Summary": Look(14, bold=True, align=CENTER, keep=True),
    "CDS Signer": Look(14, bold=True, align=CENTER, keep=True),
    "CDS Recipients Title": Look(12, bold=True, italic=True, before=6, keep=True),
    "CDS Recipients": Look(11),
    "CDS Table": Look(12, before=2, after=2),
    "CDS Table Head": Look(12, bold=True, align=CENTER, before=2, after=2),
    "CDS Rule": Look(2, align=CENTER),
}


@dataclass(frozen=True)
class Text:
    """A run: its text and how it differs from its paragraph's style."""

    text: str
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None


def b(text: str, size: float | None = None) -> Text:
    return Text(text, bold=True, size=size)


def i(text: str, size: float | None = None) -> Text:
    return Text(text, italic=True, size=size)


Box = Any  # the document or a table cell: anything with add_paragraph()


# -- the document: page, fonts, styles, page numbers -------------------------------------------


def new_document(title: str) -> Any:
    """An empty A4 document with the page, fonts and styles of Nghị định 30."""
    doc = Document()
    _page(doc.sections[0])
    _fonts_everywhere(doc)
    for name, look in STYLES.items():
        _style(doc, name, look)
    _page_numbers(doc.sections[0])
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "cdsctl", "cdsctl"
    props.comments = "Mẫu của cdsctl render; biến và bộ lọc: docs/templates.md"
    props.created = props.modified = props.last_printed = CREATED
    props.revision = 1
    return doc


def _page(section: Any) -> None:
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.header_distance, section.footer_distance = Mm(10), Mm(10)


def _fonts_everywhere(doc: Any) -> None:
    """Times New Roman, 14 pt, Vietnamese, as the default of every run; theme fonts (which Word
    prefers over a named font) removed from every style."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    for tag, value in (("w:sz", "28"), ("w:szCs", "28")):
        _child(rpr, tag).set(qn("w:val"), value)
    lang = _child(rpr, "w:lang")
    for key, value in (("w:val", "vi-VN"), ("w:eastAsia", "vi-VN"), ("w:bidi", "ar-SA")):
        lang.set(qn(key), value)
    for fonts in styles.iter(qn("w:rFonts")):
        for key in [k for k in fonts.attrib if k.endswith("Theme") or k.endswith("theme")]:
            del fonts.attrib[key]
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0


def _set_fonts(rpr: Any) -> None:
    fonts = _child(rpr, "w:rFonts", first=True)
    fonts.attrib.clear()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)


def _child(parent: Any, tag: str, first: bool = False) -> Any:
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _style(doc: Any, name: str, look: Look) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style, style.quick_style = doc.styles["Normal"], True
    _set_fonts(style.element.get_or_add_rPr())
    style.font.size, style.font.bold, style.font.italic = Pt(look.size), look.bold, look.italic
    fmt = style.paragraph_format
    fmt.alignment, fmt.first_line_indent = look.align, Cm(look.indent)
    fmt.space_before, fmt.space_after = Pt(look.before), Pt(look.after)
    fmt.line_spacing, fmt.keep_with_next, fmt.widow_control = look.line, look.keep, True


def _page_numbers(section: Any) -> None:
    """The page number centred in the top margin, from the second page on."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.style = "CDS Letterhead"
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# -- paragraphs, rules and tables ----------------------------------------------------------------


def para(box: Box, style: str, *parts: str | Text) -> Paragraph:
    """A paragraph of `style` at the end of `box`, with runs `parts` (text, or b()/i())."""
    paragraph = box.add_paragraph(style=style)
    for part in parts:
        part = Text(part) if isinstance(part, str) else part
        run = paragraph.add_run(part.text)
        if part.bold is not None:
            run.bold = part.bold
        if part.italic is not None:
            run.italic = part.italic
        if part.size is not None:
            run.font.size = Pt(part.size)
    return paragraph


def tag(box: Box, jinja: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag: `tag(doc, "for t in tasks")` writes
    `{%p for t in tasks %}`; docxtpl drops the paragraph and keeps the tag."""
    return para(box, "CDS Body", "{%p " + jinja + " %}")


#: what may follow w:pBdr in a w:pPr, and w:tblBorders in a w:tblPr (Word wants the schema's
#: order and calls a file with another order damaged)
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                    "w:pPrChange")  # fmt: skip
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                       "w:tblDescription", "w:tblPrChange")  # fmt: skip


def rule(box: Box, width: float, room: float, before: float = 0) -> Paragraph:
    """A short centred rule `width` mm long, in a column `room` mm wide: the bottom border of
    an empty paragraph indented from both sides."""
    paragraph = para(box, "CDS Rule")
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(max(room - width, 0) / 2)
    fmt.first_line_indent, fmt.space_before = Cm(0), Pt(before)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
    return paragraph


def table(box: Any, widths: Iterable[float], rows: int = 1, grid: bool = False) -> Table:
    """A table of fixed column widths (mm), with lines (`grid`) or without (a layout table)."""
    widths = list(widths)
    found = box.add_table(rows=rows, cols=len(widths))
    found.alignment, found.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    if grid:
        found.style = "Table Grid"
        _cell_margins(found, 1.0)
    else:
        _no_borders(found)
        for row in found.rows:
            whole(row)
    for index, column in enumerate(found.columns):
        column.width = Mm(widths[index])
        for cell in column.cells:
            cell.width = Mm(widths[index])
    return found


def _no_borders(found: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    found._tbl.tblPr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)


def _cell_margins(found: Table, mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    found._tbl.tblPr.insert_element_before(margins, *TBLPR_AFTER_BORDERS[2:])


def whole(row: Any) -> Any:
    """`row`, never split across two pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return row


def fill(cell: _Cell, write: Callable[[_Cell], Any]) -> _Cell:
    """`write` paragraphs into `cell`, then drop the empty paragraph a new cell starts with."""
    empty = cell.paragraphs[0]._p
    write(cell)
    cell._tc.remove(empty)
    return cell


def cells(row: Any, *texts: str | Text, style: str = "CDS Table") -> None:
    """One paragraph of `style` in each cell of `row` (a merged cell counts once)."""
    for cell, text in zip(dict.fromkeys(row.cells), texts, strict=True):

        def write(box: _Cell, text: str | Text = text) -> None:
            para(box, style, text)

        fill(cell, write)


def header_row(found: Table, *titles: str) -> None:
    """The first row: column titles, repeated on every page the table runs onto."""
    row = whole(found.rows[0])
    cells(row, *titles, style="CDS Table Head")
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def loop_row(found: Table, jinja: str) -> None:
    """A row holding a docxtpl row tag (`{%tr for … %}`): docxtpl drops the row."""
    row = found.add_row()
    fill(row.cells[0], lambda c: para(c, "CDS Table", "{%tr " + jinja + " %}"))


# -- parts every document has --------------------------------------------------------------------


def letterhead(doc: Any, issuer: str, number: str, date: str | None,
               parent: str | None = None) -> None:  # fmt: skip
    """The parent body (`parent`, a Jinja expression: shown when it has a value), the issuing
    body in bold, a short rule and the number on the left; the national title, the motto with
    its rule, and the place-and-date line (if any) on the right."""
    left, right = table(doc, HEAD).rows[0].cells

    def issuing(cell: _Cell) -> None:
        if parent:
            tag(cell, f"if {parent}")
            para(cell, "CDS Letterhead", "{{ " + parent + " | upper }}")
            tag(cell, "endif")
        para(cell, "CDS Letterhead", b(issuer))
        rule(cell, 20, HEAD[0], before=2)
        para(cell, "CDS Letterhead", number).paragraph_format.space_before = Pt(6)

    def national(cell: _Cell) -> None:
        para(cell, "CDS Letterhead", b(NATION, 12))
        para(cell, "CDS Letterhead", b(MOTTO))
        rule(cell, 60, HEAD[1], before=2)
        if date:
            para(cell, "CDS Letterhead", i(date, 14)).paragraph_format.space_before = Pt(6)

    fill(left, issuing)
    fill(right, national)


def heading(doc: Any, kind: str, summary: str) -> None:
    """The document type in bold capitals, the summary, a short rule."""
    para(doc, "CDS Type", kind)
    para(doc, "CDS Summary", summary)
    rule(doc, 30, TEXT_WIDTH, before=3).paragraph_format.space_after = Pt(12)


def recipients(cell: Box, lines: Iterable[str]) -> None:
    para(cell, "CDS Recipients Title", "Nơi nhận:")
    for line in lines:
        para(cell, "CDS Recipients", line)


def signature_space(cell: Box, lines: int = 4) -> None:
    for _ in range(lines):
        para(cell, "CDS Signer", "")


#: a task's assignment line in minutes and notices: lead, support, and the deadline as the
#: directive assigned it (`due`; extensions come later and are not in the document)
ASSIGNMENT = (
    "{{ t.lead_name }}"
    '{% if t.support_names %}; phối hợp: {{ t.support_names | join(", ") }}{% endif %}'
    '{% set due = t.get("due") or t.deadline %}'
    "{% if due %}; thời hạn: {{ due | short_date }}{% endif %}."
)
#: how often a recurring task (`every`) is due, in words
EVERY = {"monthly": "hằng tháng", "quarterly": "hằng quý", "half-yearly": "6 tháng một lần",
         "yearly": "hằng năm"}  # fmt: skip
RHYTHM = (
    "".join(
        ("{% if " if n == 0 else "{% elif ") + f'r.every == "{key}" %}}{words}'
        for n, (key, words) in enumerate(EVERY.items())
    )
    + "{% else %}{{ r.every }}{% endif %}"
)
#: a recurring task's assignment line
RECURRING = (
    "{{ r.lead | agency_name }}"
    '{% if r.get("support") %}; phối hợp: {{ r.support | map("agency_name") | join(", ") }}'
    "{% endif %}; thời hạn: định kỳ " + RHYTHM + "."
)


def task_list(doc: Any, intro: str) -> None:
    """`intro`, then the one-off `tasks` and the directive's recurring tasks, numbered by
    their item, each with its lead, support and deadline (nothing when there are none)."""
    tag(doc, 'set recurring = directive.get("recurring", []) if directive else []')
    tag(doc, "if tasks or recurring")
    para(doc, "CDS Body", intro)
    tag(doc, "for t in tasks")
    para(doc, "CDS Body", b("{{ t.item or loop.index }}. {{ t.title }}."),
         "{% if t.description %} {{ t.description }}{% endif %}")  # fmt: skip
    para(doc, "CDS List", i("Chủ trì: "), ASSIGNMENT)
    tag(doc, "endfor")
    tag(doc, "for r in recurring")
    para(doc, "CDS Body", b('{{ r.get("item") or "-" }}. {{ r.title }}.'),
         '{% if r.get("description") %} {{ r.description }}{% endif %}')  # fmt: skip
    para(doc, "CDS List", i("Chủ trì: "), RECURRING)
    tag(doc, "endfor")
    tag(doc, "endif")


# -- biên bản ------------------------------------------------------------------------------------


def minutes() -> Any:
    """Biên bản: no place-and-date line in the header; time, place, chair, secretary,
    attendees, the proceedings, the chair's conclusions and the tasks; the closing time; THƯ KÝ
    left, CHỦ TỌA right."""
    doc = new_document("Biên bản cuộc họp")
    letterhead(doc, '{{ (meeting.get("issuer_name") or "") | upper }}',
               '{{ meeting.get("number") | doc_number }}', None,
               parent='meeting.get("issuer_parent_name")')  # fmt: skip
    heading(doc, "BIÊN BẢN", "{{ meeting.title }}")
    _minutes_opening(doc)
    _minutes_proceedings(doc)
    _minutes_closing(doc)
    return doc


def _minutes_opening(doc: Any) -> None:
    para(doc, "CDS Body", b("Thời gian: "),
         '{% if meeting.get("start") %}{{ meeting.start | vn_time }}, {% endif %}'
         "{{ meeting.date | vn_date }}.")  # fmt: skip
    tag(doc, 'if meeting.get("place")')
    para(doc, "CDS Body", b("Địa điểm: "), "{{ meeting.place }}.")
    tag(doc, "endif")
    tag(doc, 'if meeting.get("sites")')
    para(doc, "CDS Body", b("Các điểm cầu: "), '{{ meeting.sites | join("; ") }}.')
    tag(doc, "endif")
    para(doc, "CDS Body", b("Chủ tọa: "), "đồng chí {{ meeting.chair.name }}, "
         "{{ meeting.chair.title }}.")  # fmt: skip
    tag(doc, 'if meeting.get("secretary")')
    para(doc, "CDS Body", b("Thư ký: "), "{{ meeting.secretary.name }}"
         '{% if meeting.secretary.get("title") %}, {{ meeting.secretary.title }}'
         "{% endif %}.")  # fmt: skip
    tag(doc, "endif")
    tag(doc, 'if meeting.get("attendees")')
    para(doc, "CDS Body", b("Thành phần tham dự:"))
    tag(doc, "for p in meeting.attendees")
    para(doc, "CDS List", '- {% if p.get("name") %}Đồng chí {{ p.name }}, {{ p.title }}'
         "{% else %}{{ p.title }}{% endif %}{{ '.' if loop.last else ';' }}")  # fmt: skip
    tag(doc, "endfor")
    tag(doc, "endif")


def _minutes_proceedings(doc: Any) -> None:
    para(doc, "CDS Heading", "NỘI DUNG CUỘC HỌP")
    tag(doc, 'if meeting.get("agenda")')
    para(doc, "CDS Body", b("Chương trình:"))
    tag(doc, "for item in meeting.agenda")
    para(doc, "CDS List", "{{ loop.index }}. {{ item }}{{ '.' if loop.last else ';' }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, 'if meeting.get("discussion")')
    para(doc, "CDS Body", b("Ý kiến phát biểu:"))
    tag(doc, "for d in meeting.discussion")
    para(doc, "CDS List", "- ", b("{{ d.speaker }}"),
         '{% if d.get("agency_name") %} ({{ d.agency_name }}){% endif %}: '
         "{{ d.summary }}")  # fmt: skip
    tag(doc, "endfor")
    tag(doc, "endif")
    para(doc, "CDS Heading", "KẾT LUẬN CỦA CHỦ TỌA")
    para(doc, "CDS Body", "Đồng chí {{ meeting.chair.name }} kết luận:")
    tag(doc, 'for c in meeting.get("conclusions", [])')
    para(doc, "CDS List", "- {{ c }}")
    tag(doc, "endfor")
    task_list(doc, "Giao nhiệm vụ cụ thể"
              "{% if directive and directive.get('number') %} (Thông báo số {{ directive.number }}"
              "{% if directive.get('issued') %} ngày {{ directive.issued | short_date }}"
              "{% endif %}){% endif %}:")  # fmt: skip


def _minutes_closing(doc: Any) -> None:
    para(doc, "CDS Body", "Cuộc họp kết thúc vào "
         '{% if meeting.get("end") %}{{ meeting.end | vn_time }}{% else %}…… giờ ……{% endif %}'
         ", {{ meeting.date | vn_date }}./.").paragraph_format.keep_with_next = True  # fmt: skip
    secretary, chair = table(doc, (TEXT_WIDTH / 2, TEXT_WIDTH / 2)).rows[0].cells

    def signs(title: str, name: str) -> Callable[[_Cell], None]:
        def write(cell: _Cell) -> None:
            para(cell, "CDS Signer", title).paragraph_format.space_before = Pt(12)
            signature_space(cell)
            para(cell, "CDS Signer", name)

        return write

    secretary_name = '{{ meeting.secretary.name if meeting.get("secretary") else "" }}'
    fill(secretary, signs("THƯ KÝ", secretary_name))
    fill(chair, signs("CHỦ TỌA", "{{ meeting.chair.name }}"))
    recipients(doc, ["- Các thành viên dự họp;", "- Lưu: VT, Hồ sơ."])


# -- thông báo kết luận --------------------------------------------------------------------------


def notice() -> Any:
    """Thông báo kết luận: the meeting, its chair and attendees, the conclusions, the
    numbered tasks with lead, support and deadline, "./."; recipients left, signer right."""
    doc = new_document("Thông báo kết luận")
    letterhead(doc, "{{ directive.issuer_name | upper }}",
               '{{ directive.get("number") | doc_number }}',
               '{{ directive.issued | place_date(directive.get("place") or "……") }}',
               parent='directive.get("issuer_parent_name")')  # fmt: skip
    heading(doc, "THÔNG BÁO", "{{ directive.title }}")
    _notice_meeting(doc)
    task_list(doc, "Giao nhiệm vụ cụ thể như sau:")
    para(doc, "CDS Body", "{{ directive.issuer_short }} thông báo để các cơ quan, đơn vị "
         "liên quan biết, thực hiện./.").paragraph_format.keep_with_next = True  # fmt: skip
    _notice_closing(doc)
    return doc


def _notice_meeting(doc: Any) -> None:
    tag(doc, "if meeting")
    para(doc, "CDS Body", "Ngày {{ meeting.date | short_date }}, "
         '{% if meeting.get("place") %}tại {{ meeting.place }}, {% endif %}'
         "đồng chí {{ meeting.chair.name }}, {{ meeting.chair.title }} chủ trì "
         "{{ meeting.title[:1] | lower }}{{ meeting.title[1:] }}.")  # fmt: skip
    tag(doc, 'if meeting.get("attendees")')
    para(doc, "CDS Body", "Tham dự cuộc họp có: {% for p in meeting.attendees %}"
         '{% if p.get("name") %}đồng chí {{ p.name }}, {{ p.title }}'
         "{% else %}{{ p.title[:1] | lower }}{{ p.title[1:] }}{% endif %}"
         "{{ '.' if loop.last else '; ' }}{% endfor %}")  # fmt: skip
    tag(doc, "endif")
    para(doc, "CDS Body", "Sau khi nghe báo cáo và ý kiến phát biểu của các đại biểu dự họp, "
         "đồng chí {{ meeting.chair.name }} kết luận như sau:")  # fmt: skip
    tag(doc, 'for c in meeting.get("conclusions", [])')
    para(doc, "CDS List", "- {{ c }}")
    tag(doc, "endfor")
    tag(doc, "else")
    para(doc, "CDS Body", "{{ directive.issuer_name }} thông báo "
         "{{ directive.title[:1] | lower }}{{ directive.title[1:] }} như sau:")  # fmt: skip
    tag(doc, "endif")


def _notice_closing(doc: Any) -> None:
    left, right = table(doc, FOOT).rows[0].cells

    def to(cell: _Cell) -> None:
        recipients(cell, [])
        tag(cell, "for r in recipients")
        para(cell, "CDS Recipients", "- {{ r.name }};")
        tag(cell, "endfor")
        para(cell, "CDS Recipients", "- Lưu: VT.")

    def signer(cell: _Cell) -> None:
        tag(cell, 'if directive.get("signer")')
        tag(cell, 'for line in directive.signer.get("title", "").split(", ")')
        para(cell, "CDS Signer", "{{ line | upper }}").paragraph_format.space_before = Pt(6)
        tag(cell, "endfor")
        signature_space(cell)
        para(cell, "CDS Signer", "{{ directive.signer.name }}")
        tag(cell, "else")
        para(cell, "CDS Signer", "{{ directive.issuer_short | upper }}")
        signature_space(cell)
        tag(cell, "endif")

    fill(left, to)
    fill(right, signer)


# -- báo cáo tiến độ -----------------------------------------------------------------------------


def progress() -> Any:
    """Báo cáo tiến độ of `period`: the totals, a table per lead agency, the tasks due in the
    period by directive, the tasks overdue as of the as-of date with what reports said."""
    doc = new_document("Báo cáo tiến độ")
    letterhead(doc, "BAN CHỈ ĐẠO\nCHUYỂN ĐỔI SỐ", "Số:        /BC-BCĐ",
               "……………, {{ as_of | vn_date_line }}")  # fmt: skip
    heading(doc, "BÁO CÁO", "Tiến độ thực hiện nhiệm vụ chuyển đổi số {{ period.name }}")
    para(doc, "CDS Body", "Kỳ báo cáo: từ ngày {{ period.start | short_date }} đến ngày "
         "{{ period.end | short_date }}; số liệu tính đến {{ as_of | vn_date }}.")  # fmt: skip
    _progress_totals(doc)
    _progress_agencies(doc)
    _progress_tasks(doc)
    _progress_overdue(doc)
    _progress_closing(doc)
    return doc


def _progress_totals(doc: Any) -> None:
    para(doc, "CDS Heading", "I. KẾT QUẢ CHUNG")
    para(doc, "CDS Body", "{% set n = progress.totals %}{% if n.due %}Trong kỳ có {{ n.due }} "
         "nhiệm vụ đến hạn: hoàn thành đúng hạn {{ n.done_on_time }}, hoàn thành quá hạn "
         "{{ n.done_late }}, quá hạn chưa hoàn thành {{ n.overdue }}, đang thực hiện trong hạn "
         "{{ n.open }}. Tỷ lệ hoàn thành: {{ n.completion_rate | vn_percent }}."
         "{% else %}Trong kỳ không có nhiệm vụ nào đến hạn.{% endif %}")  # fmt: skip


COUNTS = ("{{ a.due }}", "{{ a.done_on_time }}", "{{ a.done_late }}", "{{ a.overdue }}",
          "{{ a.open }}", "{{ a.completion_rate | vn_percent }}")  # fmt: skip


def _progress_agencies(doc: Any) -> None:
    para(doc, "CDS Heading", "II. KẾT QUẢ THEO CƠ QUAN CHỦ TRÌ")
    tag(doc, "if progress.agencies")
    found = table(doc, (11, 46, 18, 18, 18, 18, 18, 18), grid=True)
    header_row(found, "STT", "Cơ quan chủ trì", "Đến hạn", "Hoàn thành đúng hạn",
               "Hoàn thành quá hạn", "Quá hạn", "Đang làm trong hạn",
               "Tỷ lệ hoàn thành")  # fmt: skip
    loop_row(found, "for a in progress.agencies")
    cells(whole(found.add_row()), "{{ loop.index }}", "{{ a.agency.name }}", *COUNTS)
    loop_row(found, "endfor")
    total = whole(found.add_row())
    total.cells[0].merge(total.cells[1])
    cells(total, b("Tổng cộng"),
          *(b(c.replace("a.", "progress.totals.")) for c in COUNTS))  # fmt: skip
    tag(doc, "else")
    para(doc, "CDS Body", "Trong kỳ không có nhiệm vụ đến hạn.")
    tag(doc, "endif")


def _progress_tasks(doc: Any) -> None:
    para(doc, "CDS Heading", "III. NHIỆM VỤ ĐẾN HẠN TRONG KỲ")
    tag(doc, "if progress.directives")
    found = table(doc, (11, 64, 40, 22, 28), grid=True)
    header_row(found, "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Kết quả")
    loop_row(found, "for d in progress.directives")
    row = whole(found.add_row())
    row.cells[0].merge(row.cells[4])
    fill(row.cells[0], lambda c: para(c, "CDS Table", b(
        "{% if d.number %}Văn bản số {{ d.number }}{% if d.issued %} ngày "
        "{{ d.issued | short_date }}{% endif %}: {% endif %}{{ d.title }}")))  # fmt: skip
    loop_row(found, "for t in d.tasks")
    cells(whole(found.add_row()), "{{ t.item or loop.index }}", "{{ t.title }}",
          "{{ t.lead_name }}", "{{ t.deadline | short_date }}",
          "{{ t.state_name }}{% if t.completed %} ({{ t.completed | short_date }})"
          "{% endif %}")  # fmt: skip
    loop_row(found, "endfor")
    loop_row(found, "endfor")
    tag(doc, "else")
    para(doc, "CDS Body", "Trong kỳ không có nhiệm vụ đến hạn.")
    tag(doc, "endif")


def _progress_overdue(doc: Any) -> None:
    para(doc, "CDS Heading", "IV. NHIỆM VỤ QUÁ HẠN ĐẾN {{ as_of | short_date }}")
    tag(doc, "if overdue")
    found = table(doc, (11, 50, 34, 22, 16, 32), grid=True)
    header_row(found, "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Số ngày quá hạn",
               "Tình hình, lý do")  # fmt: skip
    loop_row(found, "for t in overdue")
    cells(whole(found.add_row()), "{{ loop.index }}", "{{ t.title }}"
          "{% if t.directive_number %} ({{ t.directive_number }}){% endif %}",
          "{{ t.lead_name }}", "{{ t.deadline | short_date }}", "{{ t.days_overdue }}",
          "{% if t.reasons %}{{ t.reasons[0].note }} ({{ t.reasons[0].date | short_date }})"
          "{% endif %}")  # fmt: skip
    loop_row(found, "endfor")
    tag(doc, "else")
    para(doc, "CDS Body", "Không có nhiệm vụ quá hạn.")
    tag(doc, "endif")


def _progress_closing(doc: Any) -> None:
    left, right = table(doc, FOOT).rows[0].cells
    to = ["- Trưởng Ban Chỉ đạo (để báo cáo);", "- Các thành viên Ban Chỉ đạo;", "- Lưu: VT."]
    fill(left, lambda c: recipients(c, to))

    def signer(cell: _Cell) -> None:
        para(cell, "CDS Signer", "TM. BAN CHỈ ĐẠO").paragraph_format.space_before = Pt(6)
        para(cell, "CDS Signer", "TRƯỞNG BAN")
        signature_space(cell, 5)

    fill(right, signer)


# -- writing and checking ------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[], Any]] = {
    "minutes.docx": minutes,
    "notice.docx": notice,
    "progress.docx": progress,
}


def build(name: str) -> bytes:
    """The bytes of template `name`, the same on every run."""
    out = io.BytesIO()
    BUILDERS[name]().save(out)
    return _stable_zip(out.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp and attributes fixed."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, ZIP_TIME)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    """A zip's entries by name (compared by --check: zlib versions may pack them differently)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def stale(folder: Path = HERE) -> list[str]:
    """The templates in `folder` that differ from what this script makes (or are missing)."""
    found = []
    for name in BUILDERS:
        path = folder / name
        if not path.is_file() or members(path.read_bytes()) != members(build(name)):
            found.append(name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a .docx here is not what this script makes")  # fmt: skip
    args = parser.parse_args(argv)
    if args.check:
        found = stale()
        for name in found:
            print(f"templates/{name} is stale: run python templates/make_docx.py", file=sys.stderr)
        return 1 if found else 0
    for name in BUILDERS:
        (HERE / name).write_bytes(build(name))
        print(f"wrote templates/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
