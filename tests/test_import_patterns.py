"""The rules that read a directive (cdsctl/importer/patterns.py, header.py, mentions.py; issue
12): the
header, the items, the agency mentions and the assignments, on tables of real administrative
phrasing and on one whole conclusion notice.  Dates, deadlines, recurring and report duties
and task groups are in test_import_patterns_when.py."""

from __future__ import annotations

import doctest
import unicodedata
from types import ModuleType

import pytest

from cdsctl.importer import header, mentions, patterns, when
from cdsctl.importer.patterns import (
    Assignment,
    Header,
    Item,
    assignments,
    read_header,
    split_items,
    type_of_number,
)
from cdsctl.text import fold


@pytest.mark.parametrize("module", [patterns, header, mentions, when], ids=lambda m: m.__name__)
def test_every_docstring_example_holds(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failed == 0


NOTICE = """\
ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH NAM ĐỊNH                          Độc lập - Tự do - Hạnh phúc
-------                                  ---------------
Số: 128/TB-UBND                  Nam Định, ngày 12 tháng 5 năm 2022

THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp
Ban Chỉ đạo chuyển đổi số tỉnh
-----------

Ngày 10/5/2022, đồng chí Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo chuyển đổi số tỉnh chủ trì \
cuộc họp Ban Chỉ đạo. Tham dự có các thành viên Ban Chỉ đạo và lãnh đạo các sở, ban, ngành.

Sau khi nghe Sở Thông tin và Truyền thông báo cáo kết quả thực hiện Nghị quyết số 09-NQ/TU \
ngày 15/10/2021 của Ban Chấp hành Đảng bộ tỉnh và Quyết định số 411/QĐ-TTg ngày 31/3/2022 \
của Thủ tướng Chính phủ, Chủ tịch UBND tỉnh kết luận và chỉ đạo như sau:

1. Các sở, ban, ngành, UBND các huyện, thành phố quán triệt Chỉ thị số 02/CT-TTg; tập trung \
triển khai các nhiệm vụ chuyển đổi số năm 2022.
2. Giao Sở Thông tin và Truyền thông:
a) Chủ trì, phối hợp với Sở Tài chính, Sở KH&ĐT và các đơn vị liên quan xây dựng Kế hoạch
chuyển đổi số năm 2023, trình UBND tỉnh trước ngày 20/6/2022.
b) Tổng hợp, báo cáo UBND tỉnh (qua Sở TT&TT, Văn phòng UBND tỉnh) định kỳ hằng quý (trước \
ngày 15 của tháng cuối quý).
3. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Quân sự tỉnh bảo đảm an toàn thông tin, an \
ninh mạng cho các hệ thống thông tin của tỉnh; hoàn thành trong quý III/2022.
4. Sở Nội vụ được UBND tỉnh giao chủ trì rà soát quy chế làm việc, hoàn thành trong tháng \
6/2022. Yêu cầu Sở Tài chính bố trí kinh phí theo Báo cáo số 77/BC-SKHCN.
5. Văn phòng UBND tỉnh theo dõi, đôn đốc các đơn vị thực hiện; báo cáo Chủ tịch UBND tỉnh.
Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

Nơi nhận:                                     TL. CHỦ TỊCH
- Chủ tịch, các PCT UBND tỉnh;               CHÁNH VĂN PHÒNG
- Các sở, ban, ngành;
- Lưu: VT, KGVX.                               Trần Văn A
"""


def test_the_whole_notice_reads_as_a_secretary_would() -> None:
    assert read_header(NOTICE) == Header(
        type="TB",
        number="128/TB-UBND",
        issued="2022-05-12",
        issuer="ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH",
        title="Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số tỉnh",
        references=("09-NQ/TU", "411/QĐ-TTg", "02/CT-TTg", "77/BC-SKHCN"),
    )
    items = split_items(NOTICE)
    assert [(i.label, i.line) for i in items] == [
        ("1", 15), ("2", 16), ("2.a", 17), ("2.b", 19), ("3", 20), ("4", 21), ("5", 22),
    ]  # fmt: skip
    assert items[2].text.startswith("Chủ trì, phối hợp") and "\n" not in items[2].text
    assert items[-1].text == (
        "Văn phòng UBND tỉnh theo dõi, đôn đốc các đơn vị thực hiện; báo cáo Chủ tịch UBND tỉnh."
    )
    found, lead = [], None
    for item in items:
        for a in assignments(item.text, lead):
            found.append((item.label, a.lead, a.support, a.continued))
            lead = a.lead
    assert found == [
        ("1", "Các sở, ban, ngành", ("UBND các huyện, thành phố",), False),
        ("2", "Sở Thông tin và Truyền thông", (), False),
        ("2.a", "Sở Thông tin và Truyền thông", ("Sở Tài chính", "Sở KH&ĐT",
                                                 "các đơn vị liên quan"), True),
        ("2.b", "Sở Thông tin và Truyền thông", (), True),
        ("3", "Công an tỉnh", ("Bộ Chỉ huy Quân sự tỉnh",), False),
        ("4", "Sở Nội vụ", (), False),
        ("4", "Sở Tài chính", (), False),
        ("5", "Văn phòng UBND tỉnh", (), False),
    ]  # fmt: skip


def test_a_decomposed_notice_reads_the_same_and_returns_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", NOTICE)
    assert read_header(decomposed) == read_header(NOTICE)
    assert split_items(decomposed) == split_items(NOTICE)


# -- the header --------------------------------------------------------------------------------

HEADERS = [
    # (text, type, number, issued)
    ("UBND TỈNH NAM ĐỊNH\nSố: 86549/UBND-NCKS\nNam Định, ngày 30 tháng 9 năm 2022\n"
     "V/v đẩy mạnh dịch vụ công trực tuyến", "CV", "86549/UBND-NCKS", "2022-09-30"),
    ("ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH\nSố: 2426/QĐ-UBND\nNam Định, ngày 05 tháng 10 năm 2022\n"
     "QUYẾT ĐỊNH\nBan hành Quy chế hoạt động", "QĐ", "2426/QĐ-UBND", "2022-10-05"),
    ("TỈNH ỦY NAM ĐỊNH\nSố 09-NQ/TU\nNam Định, ngày 15 tháng 10 năm 2021\nNGHỊ QUYẾT\n"
     "về chuyển đổi số", "NQ", "09-NQ/TU", "2021-10-15"),
    ("UBND TỈNH NAM ĐỊNH\nBAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ\nSố: 15/KH-BCĐ\nNam Định, ngày 20 tháng 01 "
     "năm 2023\nKẾ HOẠCH\nChuyển đổi số năm 2023", "KH", "15/KH-BCĐ", "2023-01-20"),
    ("Thông báo số 128/TB-UBND ngày 12/5/2022 của UBND tỉnh", "TB", "128/TB-UBND", "2022-05-12"),
    ("Số: 45/CT-UBND\nNgày 30-9-2022\nCăn cứ Nghị quyết số 09-NQ/TU ngày 15/10/2021",
     "CT", "45/CT-UBND", "2022-09-30"),
    ("Số: 12/UBND-VX\nHà Nội, ngày 8/3/2023", "CV", "12/UBND-VX", "2023-03-08"),
    ("Số: 5/HD-BCĐ\nHƯỚNG DẪN", None, "5/HD-BCĐ", None),
    ("THÔNG BÁO\nKết luận của Trưởng Ban Chỉ đạo\nSố ký hiệu: 45/TB-BCĐ\nNgày ban hành: 30-9-2022\n"
     "Ngày 26-9-2022, Ban Chỉ đạo tổ chức Hội nghị", "TB", "45/TB-BCĐ", "2022-09-30"),
    ("Căn cứ Nghị quyết số 09-NQ/TU ngày 15/10/2021 của Tỉnh ủy", None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "type_", "number", "issued"), HEADERS)
def test_the_header_gives_type_number_and_issue_date(
    text: str, type_: str | None, number: str | None, issued: str | None
) -> None:
    header = read_header(text)
    assert (header.type, header.number, header.issued) == (type_, number, issued)


@pytest.mark.parametrize(("text", "issuer"), [
    ("ỦY BAN NHÂN DÂN\nTỈNH NAM ĐỊNH\nSố: 128/TB-UBND", "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH"),
    ("UBND TỈNH NAM ĐỊNH\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 45/BC-STTTT",
     "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
    ("UBND TỈNH NAM ĐỊNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\tĐộc lập - Tự do - Hạnh phúc\n"
     "Số: 1/UBND-VP", "UBND TỈNH NAM ĐỊNH"),
    ("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ\nTỈNH NAM ĐỊNH\n-----\nSố: 3/TB-BCĐ",
     "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH NAM ĐỊNH"),
    ("Số: 3/TB-BCĐ\nTHÔNG BÁO", None),
])  # fmt: skip
def test_the_issuer_is_the_lowest_body_of_the_header(text: str, issuer: str | None) -> None:
    assert read_header(text).issuer == issuer


@pytest.mark.parametrize(("text", "title"), [
    ("THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh tại cuộc họp\nBan Chỉ đạo chuyển đổi số tỉnh\n"
     "-----\nNgày 10/5/2022, …",
     "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số tỉnh"),
    ("QUYẾT ĐỊNH\nBan hành Quy chế hoạt động\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
     "Ban hành Quy chế hoạt động"),
    ("Số: 1/UBND-VP\nV/v triển khai Nền tảng\nchia sẻ dữ liệu\n\nKính gửi: Sở TT&TT",
     "triển khai Nền tảng chia sẻ dữ liệu"),
    ("Kế hoạch này không có dòng tên loại", None),
])  # fmt: skip
def test_the_title_is_the_summary_after_the_type_line(text: str, title: str | None) -> None:
    assert read_header(text).title == title


def test_references_are_every_cited_number_once_in_order_but_the_own() -> None:
    text = (
        "Số: 128/TB-UBND\nThực hiện Nghị quyết số 09-NQ/TU ngày 15/10/2021, Quyết định số "
        "411/QĐ-TTg, Nghị định 09/2019/NĐ-CP, Chỉ thị số 02/CT-TTg và Báo cáo số 77/BC-SKHCN; "
        "Nghị quyết số 09-NQ/TU (nhắc lại), phủ sóng 4G/5G, ngày 20/5/2022, Thông báo 128/TB-UBND."
    )
    assert read_header(text).references == (
        "09-NQ/TU", "411/QĐ-TTg", "09/2019/NĐ-CP", "02/CT-TTg", "77/BC-SKHCN",
    )  # fmt: skip


@pytest.mark.parametrize(("number", "code"), [
    ("128/TB-UBND", "TB"), ("09-NQ/TU", "NQ"), ("86549/UBND-NCKS", "CV"), ("411/QĐ-TTg", "QĐ"),
    ("15/KH-BCĐ", "KH"), ("45-KL/TW", "KL"), ("05/CTr-UBND", "CTr"), ("09/2019/NĐ-CP", None),
    ("12/HD-STTTT", None),
])  # fmt: skip
def test_the_type_code_of_a_symbol(number: str, code: str | None) -> None:
    assert type_of_number(number) == code


# -- items -------------------------------------------------------------------------------------

LETTER = """\
Kính gửi:
- Sở Thông tin và Truyền thông;
- Công an tỉnh.

Thực hiện Quyết định số 411/QĐ-TTg, UBND tỉnh yêu cầu Sở Thông tin và Truyền thông chủ trì
triển khai Nền tảng số. Công an tỉnh phối hợp bảo đảm an ninh mạng./.
Nơi nhận:
- Như trên;
"""
PLAN = """\
KẾ HOẠCH
Chuyển đổi số năm 2023
I. MỤC ĐÍCH
Nâng cao nhận thức.
II. NHIỆM VỤ
1. Phát triển hạ tầng số
- Sở TT&TT chủ trì, phối hợp với:
- Sở Tài chính;
- Sở Xây dựng.
+ VNPT Nam Định phủ sóng 4G.
- Công an tỉnh bảo đảm an toàn thông tin.
2. Phát triển dữ liệu số
TM. ỦY BAN NHÂN DÂN
"""
DECISION = """\
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế.
Điều 2. Tổ chức thực hiện
1. Sở TT&TT chủ trì.
2. Sở Nội vụ phối hợp.
Điều 3. Chánh Văn phòng UBND tỉnh chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
"""


@pytest.mark.parametrize(("text", "expected"), [
    (LETTER, [("", 5, "Thực hiện Quyết định số 411/QĐ-TTg, UBND tỉnh yêu cầu Sở Thông tin và "
                      "Truyền thông chủ trì triển khai Nền tảng số. Công an tỉnh phối hợp bảo đảm "
                      "an ninh mạng.")]),
    (PLAN, [("II", 5, "NHIỆM VỤ"), ("1", 6, "Phát triển hạ tầng số"),
            ("1.1", 7, "Sở TT&TT chủ trì, phối hợp với: - Sở Tài chính; - Sở Xây dựng."),
            ("1.1.1", 10, "VNPT Nam Định phủ sóng 4G."),
            ("1.2", 11, "Công an tỉnh bảo đảm an toàn thông tin."),
            ("2", 12, "Phát triển dữ liệu số")]),
    (PLAN.replace("2. Phát", "III. KHÁC\n1. Phát"),
     [("II", 5, "NHIỆM VỤ"), ("II.1", 6, "Phát triển hạ tầng số"),
      ("II.1.1", 7, "Sở TT&TT chủ trì, phối hợp với: - Sở Tài chính; - Sở Xây dựng."),
      ("II.1.1.1", 10, "VNPT Nam Định phủ sóng 4G."),
      ("II.1.2", 11, "Công an tỉnh bảo đảm an toàn thông tin."), ("III", 12, "KHÁC"),
      ("III.1", 13, "Phát triển dữ liệu số")]),
    ("Chủ tịch UBND tỉnh yêu cầu:\n1. Sở Y tế triển khai.\nCác đơn vị báo cáo kết quả./.",
     [("1", 2, "Sở Y tế triển khai."), ("", 3, "Các đơn vị báo cáo kết quả.")]),
    (DECISION, [("1", 2, "Ban hành kèm theo Quyết định này Quy chế."),
                ("2", 3, "Tổ chức thực hiện"), ("2.1", 4, "Sở TT&TT chủ trì."),
                ("2.2", 5, "Sở Nội vụ phối hợp."),
                ("3", 6, "Chánh Văn phòng UBND tỉnh chịu trách nhiệm thi hành Quyết định này.")]),
    ("Chủ tịch UBND tỉnh yêu cầu các đơn vị thực hiện như sau:\n1) Sở Y tế triển khai.\n"
     "2) Sở Tư pháp rà soát.\nb. chưa là mục\nKT. CHỦ TỊCH",
     [("1", 2, "Sở Y tế triển khai."), ("2", 3, "Sở Tư pháp rà soát."),
      ("2.b", 4, "chưa là mục")]),
    ("Giao nhiệm vụ cụ thể như sau:\n1.1. Sở TT&TT xây dựng.\n1.2 Sở Nội vụ rà soát.\n"
     "Trên đây là kết luận của Chủ tịch UBND tỉnh.",
     [("1.1", 2, "Sở TT&TT xây dựng."), ("1.2", 3, "Sở Nội vụ rà soát.")]),
    ("", []),
])  # fmt: skip
def test_items_are_labelled_and_joined(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert [(i.label, i.line, i.text) for i in split_items(text)] == expected


def test_an_item_keeps_its_text_as_written() -> None:
    (item,) = split_items("kết luận như sau:\n1.   Sở TT&TT   chủ trì\n   rà soát.")
    assert item == Item("1", "Sở TT&TT chủ trì rà soát.", 2)


# -- agency mentions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Sở Thông tin và Truyền thông chủ trì", ["Sở Thông tin và Truyền thông"]),
    ("Sở Kế hoạch và Đầu tư tham mưu", ["Sở Kế hoạch và Đầu tư"]),
    ("Sở Xây dựng, Sở Giao thông vận tải triển khai", ["Sở Xây dựng", "Sở Giao thông vận tải"]),
    ("Sở Lao động - Thương binh và Xã hội thực hiện", ["Sở Lao động - Thương binh và Xã hội"]),
    ("UBND các huyện, thành phố chỉ đạo UBND cấp xã", ["UBND các huyện, thành phố"]),
    ("các sở, ban, ngành, UBND các huyện, thành phố tập trung",
     ["các sở, ban, ngành", "UBND các huyện, thành phố"]),
    ("Sở TT&TT, Công an tỉnh, các đơn vị liên quan tập trung",
     ["Sở TT&TT", "Công an tỉnh", "các đơn vị liên quan"]),
    ("Giám đốc Sở Y tế, Chủ tịch UBND các huyện chịu trách nhiệm",
     ["Sở Y tế", "UBND các huyện"]),
    ("VP UBND tỉnh theo dõi", ["VP UBND tỉnh"]),
    ("Bộ Chỉ huy Quân sự tỉnh và Bưu điện tỉnh phối hợp",
     ["Bộ Chỉ huy Quân sự tỉnh", "Bưu điện tỉnh"]),
    ("SO THONG TIN VA TRUYEN THONG chu tri", ["SO THONG TIN VA TRUYEN THONG"]),
    ("So Noi vu chu tri", ["So Noi vu"]),
    ("báo cáo kết quả", []),
    ("ban hành quy chế", []),
    ("Hội nghị thống nhất", []),
    ("Bộ chỉ số DTI", []),
])  # fmt: skip
def test_where_a_mention_starts_and_ends(text: str, expected: list[str]) -> None:
    assert mentions.mentions(text, when.key(text), 0)[0] == expected


def test_the_key_has_the_length_of_the_text() -> None:
    text = "Sở TT&TT hằng Quí, Đ ﬁ\u0301"
    assert len(when.key(text)) == len(text)
    assert when.key("Hằng quý") == fold("Hằng quý")


# -- assignments -------------------------------------------------------------------------------

A = Assignment
ASSIGNMENTS = [
    ("Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính, Sở KH&ĐT và các đơn vị "
     "liên quan xây dựng Kế hoạch.", None,
     [("Sở Thông tin và Truyền thông", ("Sở Tài chính", "Sở KH&ĐT", "các đơn vị liên quan"),
       False)]),
    ("Giao Sở TT&TT (chủ trì, phối hợp với Sở Nội vụ) rà soát quy chế.", None,
     [("Sở TT&TT", ("Sở Nội vụ",), False)]),
    ("Sở Nội vụ được UBND tỉnh giao chủ trì, phối hợp với Sở TT&TT hướng dẫn.", None,
     [("Sở Nội vụ", ("Sở TT&TT",), False)]),
    ("Yêu cầu Công an tỉnh khẩn trương kích hoạt tài khoản định danh điện tử.", None,
     [("Công an tỉnh", (), False)]),
    ("Đề nghị Bưu điện tỉnh, Viettel Nam Định phối hợp với VNPT Nam Định triển khai.", None,
     [("Bưu điện tỉnh", ("Viettel Nam Định", "VNPT Nam Định"), False)]),
    ("Văn phòng UBND tỉnh theo dõi, đôn đốc các đơn vị thực hiện.", None,
     [("Văn phòng UBND tỉnh", (), False)]),
    ("Sở TT&TT, Công an tỉnh, các đơn vị liên quan tập trung triển khai các giải pháp.", None,
     [("Sở TT&TT", ("Công an tỉnh", "các đơn vị liên quan"), False)]),
    ("Chủ trì, phối hợp với Sở Tài chính rà soát danh mục.", "Sở TT&TT",
     [("Sở TT&TT", ("Sở Tài chính",), True)]),
    ("Khẩn trương hoàn thiện hồ sơ.", None, [(None, (), False)]),
    ("UBND tỉnh giao Sở Y tế chủ trì triển khai hồ sơ sức khỏe điện tử.", None,
     [("Sở Y tế", (), False)]),
    ("Chủ tịch UBND tỉnh yêu cầu Sở Công Thương hỗ trợ doanh nghiệp.", None,
     [("Sở Công Thương", (), False)]),
    ("Về hạ tầng số, giao Sở TT&TT chủ trì.", None, [("Sở TT&TT", (), False)]),
    ("Thực hiện Quyết định số 06/QĐ-TTg, UBND tỉnh yêu cầu các sở, ban, ngành rà soát.", None,
     [("các sở, ban, ngành", (), False)]),
    ("Sở TT&TT: chủ trì tham mưu kế hoạch.", None, [("Sở TT&TT", (), False)]),
    ("Giao nhiệm vụ cho Sở Nội vụ tổ chức tập huấn.", None, [("Sở Nội vụ", (), False)]),
    ("Sở Giáo dục và Đào tạo triển khai học bạ số. Sở Y tế triển khai bệnh án điện tử.", None,
     [("Sở Giáo dục và Đào tạo", (), False), ("Sở Y tế", (), False)]),
    ("Sở TT&TT chủ trì xây dựng kế hoạch; tập trung hoàn thành trước 30/6/2022.", None,
     [("Sở TT&TT", (), False)]),
    ("Công an tỉnh chủ trì rà soát. Chủ trì, phối hợp với Sở Y tế cấp tài khoản.", None,
     [("Công an tỉnh", (), False), ("Công an tỉnh", ("Sở Y tế",), True)]),
    ("Đồng thời, Sở Tài chính bố trí kinh phí tại TP. Nam Định.", None,
     [("Sở Tài chính", (), False)]),
    ("Chủ tịch UBND tỉnh đánh giá cao kết quả đạt được.", None, []),
    ("Sở TT&TT đã tham mưu tốt các nhiệm vụ.", None, []),
    ("Năm 2022, tỉnh xếp thứ 30/63 về chỉ số DTI.", "Sở TT&TT", []),
    ("Về thông tin, tuyên truyền Đài Phát thanh và Truyền hình tỉnh, Báo Nam Định thường xuyên "
     "tuyên truyền về chuyển đổi số.", None,
     [("Đài Phát thanh và Truyền hình tỉnh", ("Báo Nam Định",), False)]),
    ("Thường trực Ban Chỉ đạo (Sở Thông tin và Truyền thông) theo dõi, đôn đốc.", None,
     [("Sở Thông tin và Truyền thông", (), False)]),
    ("Sở Tư pháp, UBND cấp xã cấp tài khoản cho công dân.", None,
     [("Sở Tư pháp", ("UBND cấp xã",), False)]),
    ("Sở Thông tin và Truyền thông:", None, [("Sở Thông tin và Truyền thông", (), False)]),
    ("Thực hiện Nghị quyết số 09-NQ/TU, thời gian qua các cơ quan đã có chuyển biến.", None, []),
    ("Ban hành kèm theo Quyết định này Quy chế đánh giá.", None, []),
    ("Giám đốc các sở, Chủ tịch UBND các huyện nghiêm túc thực hiện Chỉ thị này.", None, []),
    ("Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện.", None, []),
    ("Phát triển kinh tế số và xã hội số", "Sở TT&TT", []),
    ("", None, []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "previous", "expected"), ASSIGNMENTS)
def test_who_leads_and_who_supports(
    text: str, previous: str | None, expected: list[tuple[str | None, tuple[str, ...], bool]]
) -> None:
    assert [(a.lead, a.support, a.continued) for a in assignments(text, previous)] == expected


def test_a_sentence_about_time_or_report_stays_with_its_assignment() -> None:
    text = (
        "Sở Nội vụ chủ trì rà soát quy chế. Thời gian hoàn thành: tháng 6/2022. Báo cáo kết quả "
        "về UBND tỉnh. Tỉnh đã có nhiều cố gắng."
    )
    assert assignments(text) == [
        A("Sở Nội vụ", (), "Sở Nội vụ chủ trì rà soát quy chế. Thời gian hoàn thành: tháng "
          "6/2022. Báo cáo kết quả về UBND tỉnh.", False),
    ]  # fmt: skip
