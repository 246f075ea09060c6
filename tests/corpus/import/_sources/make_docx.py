"""Make the Word and PDF forms of the corpus's directives from their plain text.

    .venv/bin/python tests/corpus/import/_sources/make_docx.py        # the .docx
    .venv/bin/python tests/corpus/import/_sources/make_docx.py --pdf  # and the PDFs

A `.docx` is laid out as a signed document is (Nghị định 30/2020/NĐ-CP): the header block is a
two-column table (issuer and number left; Quốc hiệu, Tiêu ngữ and the place-and-date line
right), then the document type and summary centred in bold, the body justified with a first-line
indent, and the recipients (left) and the signer (right) as a second two-column table.  Its
words are the plain text's words, in the same order (tests/test_import_source.py holds this).
The same input gives the same bytes: fixed document properties, fixed dates in the zip.

The PDFs are made once with LibreOffice and committed (CI has no LibreOffice): a directive
exported from its .docx, and a "scan" — the first page of a notice as a picture only, with no
text layer — for the error case.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: the directives made as .docx files, committed next to their .txt
DOCX = ("tb-128-2022",)
#: the directives made as PDF files (through a .docx), committed next to their .txt
PDF = ("ct-05-2021",)
#: the directive whose first page, as a picture, is the scanned PDF without a text layer
SCAN = "tb-128-2022"
FIXED = dt.datetime(2022, 5, 12, 8, 0, 0)


def parts(text: str) -> tuple[list[list[str]], list[str], list[str], list[str]]:
    """The header table's four cells, the body's paragraphs, the recipients and the signer."""
    lines = text.splitlines()
    blank = lines.index("")
    header, rest = lines[:blank], lines[blank + 1 :]
    motto = next(i for i, line in enumerate(header) if line.startswith("CỘNG HÒA"))
    number = next(i for i, line in enumerate(header) if line.startswith("Số:"))
    cells = [header[:motto], header[motto:number], header[number:-1], header[-1:]]
    received = rest.index("Nơi nhận:")
    kept = next(i for i in range(received, len(rest)) if rest[i].startswith("- Lưu"))
    body = [line for line in rest[:received] if line]
    return cells, body, rest[received : kept + 1], rest[kept + 1 :]


def _is_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and not re.match(r"[IVX]+\. ", line)


def make_docx(text: str) -> bytes:
    """The .docx of a directive's plain text, byte for byte the same for the same text."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    cells, body, recipients, signer = parts(text)
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    def fill(cell: Any, lines: list[str], bold: bool = False, italic: bool = False,
             size: float = 13, align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> None:  # fmt: skip
        first = cell.paragraphs[0]
        for i, line in enumerate(lines):
            paragraph = first if i == 0 else cell.add_paragraph()
            paragraph.alignment = align
            run = paragraph.add_run(line)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fill(table.cell(0, 0), cells[0], bold=True)
    fill(table.cell(0, 1), cells[1], bold=True)
    fill(table.cell(1, 0), cells[2])
    fill(table.cell(1, 1), cells[3], italic=True)

    centred = 0  # the document type, then its summary, are centred in bold
    for line in body:
        paragraph = document.add_paragraph()
        if _is_title(line) or centred == 1:
            centred += 1
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(line).bold = True
            continue
        centred = 2
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.add_run(line).bold = bool(re.match(r"([IVX]+|Điều \d+)\. ", line))

    table = document.add_table(rows=1, cols=2)
    fill(table.cell(0, 0), recipients[:1], bold=True, italic=True, size=12,
         align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
    fill_more = table.cell(0, 0)
    for line in recipients[1:]:
        run = fill_more.add_paragraph().add_run(line)
        run.font.size = Pt(11)
    fill(table.cell(0, 1), signer, bold=True)

    props = document.core_properties
    props.author = props.last_modified_by = "cdsctl"
    props.created = props.modified = FIXED
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The zip `data` with every entry dated 1980-01-01, so the bytes depend on the text only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def _soffice(source: Path, folder: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(source)], check=True, capture_output=True)  # fmt: skip
    return folder / f"{source.stem}.pdf"


def make_pdfs() -> None:
    """The PDFs: each of PDF exported by LibreOffice, and the scan of SCAN's first page."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for stem in PDF:
            word = folder / f"{stem}.docx"
            word.write_bytes(make_docx((HERE / f"{stem}.txt").read_text(encoding="utf-8")))
            shutil.copyfile(_soffice(word, folder), HERE / f"{stem}.pdf")
        word = folder / f"{SCAN}.docx"
        word.write_bytes(make_docx((HERE / f"{SCAN}.txt").read_text(encoding="utf-8")))
        pdf = _soffice(word, folder)
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", "90", "-singlefile", "-f", "1",
                        str(pdf), str(folder / "page")], check=True)  # fmt: skip
        _picture_pdf(folder / "page.png", HERE / "errors" / f"scan-{SCAN}.pdf")


#: a picture as a one-page PDF with no text, by Pillow (here, or in the system's Python 3)
PICTURE_PDF = (
    "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('L').save("
    "sys.argv[2], resolution=90.0, title='scan', creationDate=None)"
)


def _picture_pdf(png: Path, pdf: Path) -> None:
    try:
        import PIL  # noqa: F401
    except ImportError:
        python = "/usr/bin/python3"  # (the venv has no Pillow; Debian's Python has)
    else:
        python = sys.executable
    subprocess.run([python, "-c", PICTURE_PDF, str(png), str(pdf)], check=True)


def main(argv: list[str]) -> None:
    for stem in DOCX:
        text = (HERE / f"{stem}.txt").read_text(encoding="utf-8")
        (HERE / f"{stem}.docx").write_bytes(make_docx(text))
    if "--pdf" in argv:
        make_pdfs()


if __name__ == "__main__":
    main(sys.argv[1:])
