"""The text of a directive from the file a user gives: plain text, a Word `.docx` or a PDF.

:func:`read_text` returns the document's text the same way whatever the file: Unicode NFC,
`\\n` line ends, one paragraph a line, in reading order.  The rules that read a directive
(patterns) only ever see this text.

- Plain text (`.txt`, `.md`, any other suffix): UTF-8, a byte-order mark dropped; UTF-16 with
  a byte-order mark too (Windows Notepad's "Unicode").  Anything else is refused with how to fix
  it, never guessed: a wrong guess turns "Sở" into mojibake that no rule then finds.
- `.docx` (python-docx, the `import` extra): the paragraphs and the tables in document order,
  a table cell by cell, row by row; the header block of an official document (issuer left,
  Quốc hiệu right, number and place-and-date line) is usually such a table.
- `.pdf` (pypdf, the `import` extra): each page's text layer; the lines a paragraph was wrapped
  into are joined again (:func:`join_wrapped`).  A PDF without text (a scan) is refused: cdsctl
  reads text, not images.

A file whose content says it is a PDF or a Word file is read as one whatever its suffix (a
directive saved from a web page as `.txt` that is really a PDF).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..diagnostics import CdsError
from ..i18n import _
from ..text import fold

EXTRA = "pip install 'cdsctl[import]'"
#: characters that pasted text carries and the rules should not see: no-break and thin spaces
#: become spaces; zero-width spaces, soft hyphens and stray byte-order marks go
_SPACES = str.maketrans(
    {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u3000": " ",
     "\u200b": None, "\u00ad": None, "\ufeff": None, "\u2028": "\n", "\u2029": "\n",
     "\x0b": "\n", "\x0c": "\n", "\ufb01": "fi", "\ufb02": "fl"}
)  # fmt: skip
#: a line that starts an item of a list: `1.`, `2)`, `1.2.`, `a)`, `đ)`, `II.`, `Điều 3.`, and
#: `-`, `+`, `•` before a word (a line starting `- 2025` is more likely the end of
#: "giai đoạn 2022 - 2025" wrapped than a list item)
_ITEM = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]\s|[a-zđ][.)]\s|[IVXLC]{1,6}[.)]\s|[-+•–*]\s+(?!\d)"
    r"|(?:Điều|Mục|Phần|Chương)\s+(?:\d+|[IVXLC]+)\b)"
)
#: the Quốc hiệu's first words, which a narrow header cell wraps before "VIỆT NAM"
_MOTTO = "cong hoa xa hoi chu nghia"
#: how a paragraph of a directive ends: a full stop, a colon (a semicolon ends clauses inside
#: paragraphs as often as it ends list items, so it ends nothing here)
_ENDS = (".", ":", "!", "?", ".”", '."')


def read_text(path: Path) -> str:
    """The text of the directive in `path`: NFC, `\\n` line ends, one paragraph a line.

    Raises CdsError, in words for the person who gave the file, when the file is missing or
    unreadable, is not UTF-8 (or UTF-16 with a byte-order mark) text, is a `.docx` or PDF that
    cannot be read, is a PDF without a text layer (a scan) or protected by a password, or
    needs a library that is not installed.
    """
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: Word 97–2003 (.doc), or a .docx
        # protected by a password (Word keeps those encrypted inside an OLE file)
        raise CdsError(_("{file} is an old Word document (.doc) or a Word file protected by a "
                         "password: open it in Word and save it as .docx without a password, "
                         "or copy its text into a .txt file").format(file=path))  # fmt: skip
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and not _is_text(data)):
        text = _pdf_text(path)
    elif suffix == ".docx" or (data.startswith(b"PK\x03\x04") and _is_word(path)):
        text = _docx_text(path)
    else:
        text = _plain_text(data, path)
    return normalise(text)


def normalise(text: str) -> str:
    """`text` as :func:`read_text` returns it: NFC, `\\n` line ends, each line's trailing spaces
    gone, no run of blank lines, no blank line first or last, one `\\n` at the end.

    >>> normalise("Sở TT&TT\\u00a0chủ trì\\r\\n\\r\\n\\r\\n2. Giao\\u200b  \\r\\n")
    'Sở TT&TT chủ trì\\n\\n2. Giao\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    text = unicodedata.normalize("NFC", text)
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


# ---------------------------------------------------------------------------------- plain text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CdsError(_("{file}: no such file").format(file=path)) from None
    except IsADirectoryError:
        raise CdsError(_("{file} is a folder, not a file: give the file of the directive "
                         "(.txt, .docx or .pdf)").format(file=path)) from None  # fmt: skip
    except OSError as exc:
        raise CdsError(_("{file} cannot be read: {reason}").format(
            file=path, reason=exc.strerror or exc)) from None  # fmt: skip


def _is_text(data: bytes) -> bool:
    return data[:3] == codecs.BOM_UTF8 or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _plain_text(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")  # (the codec reads the BOM and drops it)
        except UnicodeDecodeError:
            raise CdsError(_("{file} starts as UTF-16 text but is not: save it as UTF-8 "
                             "(in Notepad: File, Save as, Encoding: UTF-8)").format(file=path)
                           ) from None  # fmt: skip
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CdsError(_(
            "{file} is not UTF-8 text (line {line}, byte 0x{byte}): save it as UTF-8 (in "
            "Notepad: File, Save as, Encoding: UTF-8) and import it again; Vietnamese typed in "
            "an old font encoding (TCVN3, VNI) must first be converted to Unicode (Unikey: "
            "Công cụ chuyển mã)").format(file=path, line=line,
                                          byte=data[exc.start : exc.start + 1].hex())
        ) from None  # fmt: skip
    if "\x00" in text:
        raise CdsError(_("{file} is not a text file (it holds NUL bytes): give the directive as "
                         "UTF-8 text, .docx or .pdf").format(file=path))  # fmt: skip
    return text


# ---------------------------------------------------------------------------------------- docx


def _is_word(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _docx() -> Any:
    try:
        import docx
    except ImportError:  # (an extra)
        raise CdsError(_("reading a .docx file needs the import extra: {command}").format(
            command=EXTRA)) from None  # fmt: skip
    return docx


def _docx_text(path: Path) -> str:
    docx = _docx()
    try:
        document = docx.Document(str(path))
        return "\n".join(_docx_blocks(document.element.body, document))
    except CdsError:
        raise
    except Exception as exc:  # (python-docx raises zip, XML, key and value errors alike)
        raise CdsError(_("{file} cannot be read as a Word .docx file ({reason}): open it in Word "
                         "and save it again as .docx, or copy its text into a .txt file").format(
            file=path, reason=exc or type(exc).__name__)) from None  # fmt: skip


def _docx_blocks(container: Any, parent: Any) -> Iterator[str]:
    """The paragraphs below `container` (a body or a table cell), tables and content controls
    opened where they stand, in document order."""
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, parent).text
        elif tag == "tbl":
            table = Table(child, parent)
            for row in child.tr_lst:
                for tc in row.tc_lst:
                    if tc.vMerge == "continue":  # (the cell above, merged down: read once)
                        continue
                    yield from _docx_blocks(tc, _Cell(tc, table))
        elif tag == "sdt":  # a content control (a form field) holds paragraphs and tables
            for content in child.iterchildren():
                if content.tag.endswith("}sdtContent"):
                    yield from _docx_blocks(content, parent)


# ----------------------------------------------------------------------------------------- PDF


def _pypdf() -> Any:
    try:
        import pypdf
    except ImportError:  # (an extra)
        raise CdsError(_("reading a PDF needs the import extra: {command}").format(
            command=EXTRA)) from None  # fmt: skip
    return pypdf


def _pdf_text(path: Path) -> str:
    pypdf = _pypdf()
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            _decrypt(reader, path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except CdsError:
        raise
    except DependencyError:
        raise CdsError(_("{file} is encrypted (AES) and reading it needs the cryptography "
                         "library: pip install cryptography").format(file=path)
                       ) from None  # fmt: skip
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CdsError(_("{file} cannot be read as a PDF ({reason}): open it and save or print "
                         "it again as a PDF, or copy its text into a .txt file").format(
            file=path, reason=exc or type(exc).__name__)) from None  # fmt: skip
    if not any(page.strip() for page in pages):
        raise CdsError(_(
            "{file} has no text layer (a scanned image?): cdsctl reads the text of a PDF, it "
            "does not read images; run OCR first or copy the text into a .txt file"
        ).format(file=path))  # fmt: skip
    return join_wrapped(pages)


def _decrypt(reader: Any, path: Path) -> None:
    """Open an encrypted PDF with the empty password: many published directives are encrypted
    only against editing or copying, and open without one."""
    from pypdf import PasswordType

    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise CdsError(_("{file} is protected by a password: open it, save or print it as a PDF "
                         "without a password, or copy its text into a .txt file").format(
            file=path))  # fmt: skip


def join_wrapped(pages: list[str]) -> str:
    """The text of a PDF's pages with each paragraph on one line again.

    A PDF holds lines as they were laid out on the page: a paragraph wrapped over several.
    A line continues on the next when it is long (near the longest lines of its page, i.e. it
    reached the right margin) and does not end a sentence or a clause, and the next line does
    not start a list item.  Lines are joined with a space (Vietnamese is not hyphenated across
    lines).  A page number alone on the first or last line of a page is dropped.

    >>> join_wrapped(["1. Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính\\n"
    ...               "tham mưu UBND tỉnh.\\n2. Giao Sở Nội vụ."])
    '1. Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính tham mưu UBND tỉnh.\\n2. Giao Sở Nội vụ.'
    """  # noqa: E501
    lines: list[str] = []  # every line, pages one after the other
    full: list[int] = []  # the length of a full line on each line's page
    for number, page in enumerate(pages, start=1):
        found = [line.strip() for line in page.replace("\r", "\n").split("\n")]
        found = [line for line in found if line]
        if found and found[0] == str(number):
            found.pop(0)
        if found and found[-1] == str(number):
            found.pop()
        lengths = sorted(len(line) for line in found)
        width = lengths[len(lengths) * 9 // 10] if lengths else 0
        lines.extend(found)
        full.extend([width] * len(found))
    out: list[str] = []
    joining = False
    for i, line in enumerate(lines):
        if joining and out:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        joining = bool(nxt) and _wraps(line, full[i]) and not _ITEM.match(nxt)
    return "\n".join(out)


def _wraps(line: str, full: int) -> bool:
    """Whether `line` was cut by the right margin (it goes on on the next line)."""
    if fold(line).endswith(_MOTTO):
        return True
    return len(line) >= full * 0.8 and len(line) >= 40 and not line.endswith(_ENDS)
