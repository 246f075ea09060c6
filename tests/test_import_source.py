"""Reading a directive's text for `cdsctl import` (issue 12): plain text, .docx and PDF give the
same text (NFC, one paragraph a line, in reading order); what cannot be read is a clear error;
and the corpus of tests/corpus/import/ is sound: a records root that validates, a source for
every expected file and an expected file for every source, naming only registry agencies."""

from __future__ import annotations

import codecs
import io
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from cdsctl.diagnostics import CdsError
from cdsctl.importer.source import join_wrapped, normalise, read_text
from cdsctl.validation.pipeline import validate

from .conftest import REPO, module_from

CORPUS = REPO / "tests" / "corpus" / "import"
SOURCES = CORPUS / "_sources"
EXPECTED = CORPUS / "_expected"
SCAN = SOURCES / "errors" / "scan-tb-128-2022.pdf"
#: each source: its number as printed, its date line, and the first words of its items in order
SEEN = {
    "tb-128-2022": ("Số: 128/TB-UBND", "Nam Định, ngày 12 tháng 5 năm 2022",
                    ["I. ", "II. ", "1. Sở Thông", "2. Sở Nội vụ", "3. Văn phòng", "4. Công an",
                     "5. Sở Tài chính", "6. Các sở", "7. Sở Thông", "8. Giao", "Nơi nhận:",
                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    "cv-1543-2022": ("Số: 1543/UBND-VP3", "Nam Định, ngày 08 tháng 6 năm 2022",
                     ["Kính gửi:", "UBND tỉnh giao Sở", "Nơi nhận:", "TL. CHỦ TỊCH"]),
    "kh-85-2022": ("Số: 85/KH-UBND", "Nam Định, ngày 20 tháng 5 năm 2022",
                   ["I. ", "II. ", "III. ", "1. Phát triển hạ tầng", "a) ", "b) ", "2. ", "a) ",
                    "b) ", "c) ", "3. ", "a) ", "b) ", "4. ", "a) ", "b) ", "IV. ", "V. ",
                    "1. Sở Thông", "2. Sở Tài chính", "3. Các sở"]),
    "qd-2426-2022": ("Số: 2426/QĐ-UBND", "Nam Định, ngày 30 tháng 9 năm 2022",
                     ["QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.", "1. ", "2. ", "3. ", "4. ", "Điều 3.",
                      "TM. ỦY BAN NHÂN DÂN"]),
    "tb-215-2023": ("Số: 215/TB-UBND", "Nam Định, ngày 14 tháng 4 năm 2023",
                    ["1. Giao", "2. Yêu cầu", "3. Đề nghị", "4. Sở Thông", "5. Văn phòng",
                     "6. UBND", "7. Giao", "Nơi nhận:"]),
    "cv-2087-2022": ("Số: 2087/UBND-VP3", "Nam Định, ngày 27 tháng 5 năm 2022",
                     ["1. ", "2. ", "3. ", "4. ", "5. ", "Các cơ quan, đơn vị báo cáo",
                      "Nơi nhận:"]),
    "ct-05-2021": ("Số: 05/CT-UBND", "Nam Định, ngày 08 tháng 11 năm 2021",
                   ["1. Các sở", "- Quán triệt", "- Định kỳ 6 tháng", "2. Sở Thông", "- Chủ trì",
                    "- Hằng quý", "3. Sở Nội vụ", "- Chủ trì", "4. Sở Tài chính", "- Tham mưu",
                    "5. Đài", "- Mở chuyên trang", "Nơi nhận:", "CHỦ TỊCH"]),
    "tb-45-2022": ("Số ký hiệu: 45/TB-BCĐ", "Ngày ban hành: 30-9-2022",
                   ["1. Về hoàn thiện", "+ Sở Thông tin", "+ Sở Tư pháp", "2. Về phát triển",
                    "+ Sở Nội vụ", "+ Sở Giáo dục", "3. Về thông tin", "Đài Phát thanh",
                    "4. Thường trực"]),
}  # fmt: skip
FILES = sorted(p for p in SOURCES.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
TASK_KEYS = {"item", "lead", "support", "due", "every", "due_day", "due_month", "start",
             "report_to", "via", "review"}  # fmt: skip
REVIEWED = {"lead", "support", "due", "every", "report_to", "via"}
EVERY = {"monthly", "quarterly", "half-yearly", "yearly"}
#: a document cited by its number: "Quyết định số 411/QĐ-TTg", "Nghị quyết số 09-NQ/TU"
CITED = re.compile(r"\bsố (\d+[/-][A-ZĐ][\w&]*(?:[/-][A-ZĐ][\w&]*)*)")


def _words(text: str) -> list[str]:
    return text.split()


# ----------------------------------------------------------------------------- the corpus itself


def test_the_corpus_has_eight_directives_a_docx_and_a_pdf() -> None:
    stems = {p.stem for p in FILES}
    assert stems == set(SEEN) and len(stems) >= 8
    assert {p.suffix for p in FILES} == {".txt", ".docx", ".pdf"}
    assert {p.stem for p in FILES if p.suffix != ".txt"} <= {p.stem for p in FILES
                                                              if p.suffix == ".txt"}  # fmt: skip


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_a_source_reads_with_its_number_date_and_items_in_order(source: Path) -> None:
    text = read_text(source)
    number, dated, items = SEEN[source.stem]
    assert number in text and dated in text
    lines = text.splitlines()
    at = 0
    for item in items:
        found = next((i for i in range(at, len(lines)) if lines[i].startswith(item)), None)
        assert found is not None, f"{item!r} after line {at + 1}"
        at = found + 1


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_the_text_is_nfc_with_one_paragraph_a_line(source: Path) -> None:
    text = read_text(source)
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\ufeff" not in text and text.endswith("\n")
    assert all(line == line.rstrip() for line in text.splitlines())
    assert "\n\n\n" not in text and not text.startswith("\n")


@pytest.mark.parametrize("other", [p for p in FILES if p.suffix != ".txt"], ids=lambda p: p.name)
def test_word_and_pdf_give_the_words_of_the_text(other: Path) -> None:
    plain = read_text(other.with_suffix(".txt"))
    assert _words(read_text(other)) == _words(plain)
    if other.suffix == ".pdf":  # wrapped lines joined again: the same paragraphs, but that the
        # header's number and place-and-date line stand side by side on the page
        pdf = [line for line in read_text(other).splitlines() if line]
        txt = [line for line in plain.splitlines() if line]
        assert pdf[:5] == [*txt[:4], f"{txt[4]} {txt[5]}"] and pdf[5:] == txt[6:]


def test_the_corpus_root_validates() -> None:
    assert validate(CORPUS, cache_dir=False).diagnostics == []


def _registry() -> set[str]:
    data = yaml.safe_load((CORPUS / "agencies.yaml").read_text(encoding="utf-8"))
    return {a["id"] for a in data["agencies"]}


@pytest.mark.parametrize("expected", sorted(EXPECTED.glob("*.yaml")), ids=lambda p: p.name)
def test_an_expected_file_names_only_registry_ids(expected: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(expected.read_text(encoding="utf-8"))
    assert expected.stem in SEEN  # a source for every expected file
    agencies = _registry()
    directive = data["directive"]
    assert directive["issuer"] in agencies and isinstance(directive["issued"], date)
    text = read_text(SOURCES / f"{expected.stem}.txt")
    assert directive["number"] in text
    cited = [text.find(number) for number in directive["references"]]  # each once, in the
    assert -1 not in cited and cited == sorted(set(cited))  # order first cited
    assert set(CITED.findall(text)) == set(directive["references"])  # and every one cited
    assert data["tasks"]
    for task in data["tasks"]:
        assert set(task) == TASK_KEYS, task
        named = [task["lead"], task["report_to"], *task["support"], *task["via"]]
        assert all(a in agencies for a in named if a is not None), task
        assert task["item"] is None or isinstance(task["item"], str)
        assert set(task["review"]) <= REVIEWED
        assert (task["lead"] is None) == ("lead" in task["review"]), task
        if task["every"] is None:
            assert task["due_day"] is task["due_month"] is task["start"] is None
            assert task["due"] is None or isinstance(task["due"], date)
        else:
            assert task["every"] in EVERY and task["due"] is None
            assert isinstance(task["start"], date) and task["start"] >= directive["issued"]
        if task["due"] is not None:
            assert task["due"] >= directive["issued"]


def test_every_source_has_an_expected_file() -> None:
    assert {p.stem for p in EXPECTED.glob("*.yaml")} == set(SEEN)


def _make_docx() -> ModuleType:
    return module_from(SOURCES / "make_docx.py", "make_docx")


def test_the_docx_maker_gives_the_same_bytes_for_the_same_text() -> None:
    make_docx = _make_docx().make_docx
    text = (SOURCES / "tb-128-2022.txt").read_text(encoding="utf-8")
    assert make_docx(text) == make_docx(text)


# ------------------------------------------------------------------------------- text encodings

VIETNAMESE = "Sở Thông tin và Truyền thông chủ trì, hoàn thành trước ngày 20/5/2022.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf8_and_utf16_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "chi-dao.txt"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path.write_bytes(bom + VIETNAMESE.replace("\n", "\r\n").encode(encoding))
    assert read_text(path) == VIETNAMESE


def test_decomposed_text_and_odd_spaces_are_made_plain(tmp_path: Path) -> None:
    path = tmp_path / "web.md"
    pasted = unicodedata.normalize("NFD", "Sở\u00a0TT&TT\u200b chủ trì;\u00ad  \r\n\r\n\r\n\n2.")
    path.write_text(pasted, encoding="utf-8")
    assert read_text(path) == "Sở TT&TT chủ trì;\n\n2.\n"


@pytest.mark.parametrize("data", [
    "Công văn, Thông tin\n".encode("cp1258"),  # Windows' Vietnamese code page
    b"C\xabng v\xa8n s\xe8 128\n",  # TCVN3 (ABC), an old font encoding
    ("Công văn\n" + VIETNAMESE).encode("utf-16-le"),  # UTF-16 without its byte-order mark
])  # fmt: skip
def test_text_that_is_not_utf8_is_refused_with_how_to_fix_it(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "cong-van.txt"
    path.write_bytes(data)
    with pytest.raises(CdsError) as error:
        read_text(path)
    assert str(path) in str(error.value)
    assert "UTF-8" in str(error.value)


def test_a_missing_file_or_a_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CdsError, match="no such file"):
        read_text(tmp_path / "khong-co.txt")
    with pytest.raises(CdsError, match="folder"):
        read_text(tmp_path)


# ----------------------------------------------------------------------------------------- docx


def _docx_bytes(build: Any) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    raw = io.BytesIO()
    document.save(raw)
    return raw.getvalue()


def test_docx_tables_read_in_place_cell_by_cell_merged_cells_once(tmp_path: Path) -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Trước bảng")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        table.cell(1, 0).merge(table.cell(1, 1)).text = "Số: 128/TB-UBND"
        table.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "Bảng lồng"
        document.add_paragraph("Sau bảng")

    path = tmp_path / "van-ban.docx"
    path.write_bytes(_docx_bytes(build))
    assert [line for line in read_text(path).splitlines() if line] == [
        "Trước bảng", "ỦY BAN NHÂN DÂN", "Bảng lồng", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 128/TB-UBND", "Sau bảng"]  # fmt: skip


def test_a_docx_saved_as_txt_is_read_as_word(tmp_path: Path) -> None:
    path = tmp_path / "tai-ve.txt"
    path.write_bytes((SOURCES / "tb-128-2022.docx").read_bytes())
    assert read_text(path) == read_text(SOURCES / "tb-128-2022.docx")


def test_a_broken_docx_or_an_old_doc_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CdsError, match="Word"):
        read_text(broken)
    old = tmp_path / "cu.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(CdsError, match=r"\.doc"):
        read_text(old)


@pytest.mark.parametrize(("module", "source"), [("docx", "tb-128-2022.docx"),
                                                ("pypdf", "ct-05-2021.pdf")])  # fmt: skip
def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch, module: str,
                                           source: str) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, module, None)  # (import raises ImportError)
    with pytest.raises(CdsError, match=re.escape("pip install 'cdsctl[import]'")):
        read_text(SOURCES / source)


# ------------------------------------------------------------------------------------------ PDF


def test_a_scanned_pdf_is_refused_with_what_to_do() -> None:
    with pytest.raises(CdsError) as error:
        read_text(SCAN)
    message = str(error.value)
    assert message.startswith(f"{SCAN} has no text layer (a scanned image?)")
    assert "run OCR first or copy the text into a .txt file" in message


def _encrypted(tmp_path: Path, user: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(SOURCES / "ct-05-2021.pdf"))
    writer.encrypt(user_password=user, owner_password="chu-so-huu", algorithm="RC4-128")
    path = tmp_path / f"ma-hoa-{bool(user)}.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_pdf_locked_only_against_editing_reads(tmp_path: Path) -> None:
    path = _encrypted(tmp_path, user="")
    assert read_text(path) == read_text(SOURCES / "ct-05-2021.pdf")


def test_a_pdf_that_needs_a_password_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CdsError, match="protected by a password"):
        read_text(_encrypted(tmp_path, user="mat-khau"))


def test_a_broken_pdf_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.7\nnot a pdf at all")
    with pytest.raises(CdsError, match="PDF"):
        read_text(path)


def test_wrapped_lines_are_joined_but_not_items() -> None:
    full = "Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Kế hoạch và Đầu tư xây dựng Đề án"
    pages = [
        f"1\n{full} giai đoạn 2022\n- 2025; hoàn thành trước ngày 30/6/2022.\n2. Giao Sở Nội vụ\n"
        f"{full}\nđiều hành; hoàn thành năm 2022.\n- Hằng quý báo cáo.\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA\n"
        "VIỆT NAM",
        f"{full} trên địa bàn tỉnh Nam Định hằng năm\n"
        "a) Sở Tài chính: bố trí kinh phí năm 2022 cho các nhiệm vụ chuyển đổi số của tỉnh.\n2",
    ]
    assert join_wrapped(pages).splitlines() == [
        f"{full} giai đoạn 2022 - 2025; hoàn thành trước ngày 30/6/2022.",
        "2. Giao Sở Nội vụ",
        f"{full} điều hành; hoàn thành năm 2022.",
        "- Hằng quý báo cáo.",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"{full} trên địa bàn tỉnh Nam Định hằng năm",
        "a) Sở Tài chính: bố trí kinh phí năm 2022 cho các nhiệm vụ chuyển đổi số của tỉnh.",
    ]


def test_normalise_keeps_one_blank_line() -> None:
    assert normalise("\n\n  \nA  \n\n\n\nB\n\n") == "A\n\nB\n"
    assert normalise("") == ""
