#!/usr/bin/env python3
"""Generate a realistic, valid cdsctl records root for benchmarks.

    python bench/gen.py OUT_DIR --tasks N --reports M [--seed S] [--force]

Writes agencies.yaml, directives (about one per 20 tasks), N tasks of about 1 KB, M reports,
a few meetings (Markdown with front matter) and indicators, following
shared/spec/records.md. Output is deterministic for a given seed. Files are written with plain
string formatting (no yaml.dump), and by two threads: 100,000 tasks + 200,000 reports take
about 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import queue
import random
import re
import shutil
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CHUNK = 1000  # at most this many record files per folder
FIRST_DAY = date(2021, 1, 4).toordinal()
LAST_DAY = date(2024, 12, 31).toordinal()  # nothing is dated after this (reports, completions)
GENERATED = ("agencies.yaml", "directives", "tasks", "reports", "meetings", "indicators")
STAMP = ".gen.json"  # not a record: only *.yaml, *.yml and *.md are
TRASH = ".gen-old"


def pool(block: str) -> tuple[str, ...]:
    """The non-empty lines of `block`, in NFC; a line starting with a space continues the last."""
    out: list[str] = []
    for line in block.strip("\n").splitlines():
        if line.startswith(" ") and out:
            out[-1] += " " + line.strip()
        elif line.strip():
            out.append(line.strip())
    return tuple(unicodedata.normalize("NFC", s) for s in out)


def pool_rows(block: str) -> list[list[str]]:
    """pool(), each split at `|` into stripped fields."""
    return [[f.strip() for f in line.split("|")] for line in pool(block)]


# --- text pools (Vietnamese) ------------------------------------------------------------------

# id | name | short name | symbol in document numbers | weight as a task lead
AGENCIES = [
    (i, name, short, sym, int(weight))
    for i, name, short, sym, weight in pool_rows("""
TU       | Tỉnh ủy Nam Định                              | Tỉnh ủy          | TU      | 0
UBND     | Ủy ban nhân dân tỉnh Nam Định                 | UBND tỉnh        | UBND    | 1
BCDCDS   | Ban Chỉ đạo chuyển đổi số tỉnh Nam Định       | BCĐ CĐS tỉnh     | BCĐ     | 0
VPUBND   | Văn phòng Ủy ban nhân dân tỉnh                | VP UBND tỉnh     | VP      | 6
VPTU     | Văn phòng Tỉnh ủy                             | VP Tỉnh ủy       | VPTU    | 1
BTGTU    | Ban Tuyên giáo Tỉnh ủy                        | Ban Tuyên giáo   | BTGTU   | 2
STTTT    | Sở Thông tin và Truyền thông                  | Sở TT&TT         | STTTT   | 0
SKHCN    | Sở Khoa học và Công nghệ                      | Sở KH&CN         | SKHCN   | 14
SNV      | Sở Nội vụ                                     | Sở Nội vụ        | SNV     | 5
STP      | Sở Tư pháp                                    | Sở Tư pháp       | STP     | 3
SKHDT    | Sở Kế hoạch và Đầu tư                         | Sở KH&ĐT         | SKHĐT   | 0
STC      | Sở Tài chính                                  | Sở Tài chính     | STC     | 5
SCT      | Sở Công Thương                                | Sở Công Thương   | SCT     | 4
SNNPTNT  | Sở Nông nghiệp và Phát triển nông thôn        | Sở NN&PTNT       | SNN     | 0
STNMT    | Sở Tài nguyên và Môi trường                   | Sở TN&MT         | STNMT   | 0
SNNMT    | Sở Nông nghiệp và Môi trường                  | Sở NN&MT         | SNNMT   | 5
SGTVT    | Sở Giao thông vận tải                         | Sở GTVT          | SGTVT   | 0
SXD      | Sở Xây dựng                                   | Sở Xây dựng      | SXD     | 3
SGDDT    | Sở Giáo dục và Đào tạo                        | Sở GD&ĐT         | SGDĐT   | 4
SYT      | Sở Y tế                                       | Sở Y tế          | SYT     | 4
SLDTBXH  | Sở Lao động - Thương binh và Xã hội           | Sở LĐ-TB&XH      | SLĐTBXH | 0
SVHTTDL  | Sở Văn hóa, Thể thao và Du lịch               | Sở VH-TT&DL      | SVHTTDL | 3
SNGV     | Sở Ngoại vụ                                   | Sở Ngoại vụ      | SNGV    | 1
TTRA     | Thanh tra tỉnh                                | Thanh tra tỉnh   | TTr     | 1
CAT      | Công an tỉnh                                  | Công an tỉnh     | CAT     | 5
BCHQS    | Bộ Chỉ huy Quân sự tỉnh                       | Bộ CHQS tỉnh     | BCHQS   | 1
BQLKCN   | Ban Quản lý các khu công nghiệp tỉnh          | Ban QL các KCN   | BQLKCN  | 1
BQLDA    | Ban Quản lý dự án đầu tư xây dựng tỉnh        | Ban QLDA tỉnh    | BQLDA   | 1
DPTTH    | Đài Phát thanh và Truyền hình tỉnh            | Đài PT-TH tỉnh   | ĐPTTH   | 2
BAO      | Báo Nam Định                                  | Báo Nam Định     | BNĐ     | 1
TTPVHCC  | Trung tâm Phục vụ hành chính công tỉnh        | TT PVHCC         | TTPVHCC | 3
TTCNTT   | Trung tâm Công nghệ thông tin và Truyền thông | TT CNTT-TT       | TTCNTT  | 3
CTHUE    | Cục Thuế tỉnh                                 | Cục Thuế         | CT      | 2
KBNN     | Kho bạc Nhà nước tỉnh                         | KBNN tỉnh        | KBNN    | 1
BHXH     | Bảo hiểm xã hội tỉnh                          | BHXH tỉnh        | BHXH    | 2
NHNN     | Ngân hàng Nhà nước chi nhánh tỉnh Nam Định    | NHNN chi nhánh   | NHNN    | 2
CTK      | Cục Thống kê tỉnh                             | Cục Thống kê     | CTK     | 1
VNPT     | Viễn thông Nam Định                           | VNPT Nam Định    | VNPT    | 2
VIETTEL  | Viettel Nam Định                              | Viettel Nam Định | VTNĐ    | 2
MOBIFONE | MobiFone tỉnh Nam Định                        | MobiFone         | MBF     | 1
BUUDIEN  | Bưu điện tỉnh Nam Định                        | Bưu điện tỉnh    | BĐT     | 1
MTTQ     | Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh         | UBMTTQ tỉnh      | MTTQ    | 1
TINHDOAN | Tỉnh đoàn Nam Định                            | Tỉnh đoàn        | TĐ      | 2
HLHPN    | Hội Liên hiệp Phụ nữ tỉnh                     | Hội LHPN tỉnh    | HLHPN   | 1
HND      | Hội Nông dân tỉnh                             | Hội Nông dân     | HND     | 1
HHDN     | Hiệp hội Doanh nghiệp tỉnh                    | Hiệp hội DN      | HHDN    | 1
TAND     | Tòa án nhân dân tỉnh                          | TAND tỉnh        | TA      | 1
VKSND    | Viện Kiểm sát nhân dân tỉnh                   | VKSND tỉnh       | VKS     | 1
DHDD     | Trường Đại học Điều dưỡng Nam Định            | ĐH Điều dưỡng    | ĐHĐD    | 1
""")
]
SYMBOL = {a[0]: a[3] for a in AGENCIES}
SHORT = {a[0]: a[2] for a in AGENCIES}
# district-level people's committees: UBND-HUYEN-01 …
DISTRICTS = pool("""
thành phố Nam Định
huyện Mỹ Lộc
huyện Vụ Bản
huyện Ý Yên
huyện Nam Trực
huyện Trực Ninh
huyện Xuân Trường
huyện Giao Thủy
huyện Hải Hậu
huyện Nghĩa Hưng
""")
# merged on 1 March 2025 (id: successor); they never lead generated tasks, so no open task is
# led by an agency past its `until` date
MERGED = {"STTTT": "SKHCN", "SKHDT": "STC", "SNNPTNT": "SNNMT", "STNMT": "SNNMT"}
MERGED |= {"SGTVT": "SXD", "SLDTBXH": "SNV"}
PARENTS = {"BCDCDS": "UBND", "VPUBND": "UBND", "TTPVHCC": "VPUBND", "TTCNTT": "SKHCN"}
PARENTS |= {"VPTU": "TU", "BTGTU": "TU"}
ALIASES = {
    "STTTT": pool("Sở TTTT\nSở Thông tin - Truyền thông"),
    "UBND": pool("UBND tỉnh"),
    "SKHCN": pool("Sở KHCN"),
    "CAT": pool("Công an tỉnh Nam Định\nCA tỉnh"),
}
# group | what tasks of the group are about
OBJECTS: dict[str, tuple[str, ...]] = {}
for _group, *_objects in pool_rows("""
nhan-thuc-so | công tác tuyên truyền về chuyển đổi số | Ngày Chuyển đổi số của tỉnh
  | hoạt động của Tổ công nghệ số cộng đồng | chuyên mục chuyển đổi số trên Báo Nam Định
  | cuộc thi tìm hiểu về chuyển đổi số
the-che-so | quy chế quản lý, sử dụng hệ thống quản lý văn bản và điều hành
  | cơ chế, chính sách hỗ trợ chuyển đổi số | danh mục cơ sở dữ liệu dùng chung của tỉnh
  | quy định về gửi, nhận văn bản điện tử
ha-tang-so | hạ tầng cáp quang đến các thôn, xóm | mạng truyền số liệu chuyên dùng cấp xã
  | Trung tâm dữ liệu của tỉnh | phủ sóng di động 4G tại các vùng lõm sóng
  | hệ thống camera giám sát an ninh, trật tự
du-lieu-so | cơ sở dữ liệu đất đai | kho dữ liệu dùng chung của tỉnh
  | cơ sở dữ liệu hộ tịch điện tử | dữ liệu dân cư theo Đề án 06 | cổng dữ liệu mở của tỉnh
  | số hóa hồ sơ, kết quả giải quyết thủ tục hành chính
nen-tang-so | nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)
  | hệ thống thông tin giải quyết thủ tục hành chính
  | Trung tâm giám sát, điều hành thông minh (IOC) | nền tảng họp trực tuyến
  | ứng dụng Công dân số Nam Định
an-toan-thong-tin | giám sát an toàn thông tin mạng
  | phương án bảo đảm an toàn hệ thống thông tin theo cấp độ
  | diễn tập ứng cứu sự cố an toàn thông tin mạng
  | kiểm tra an toàn thông tin các hệ thống dùng chung
nhan-luc-so | đào tạo kỹ năng số cho cán bộ, công chức
  | bồi dưỡng cán bộ chuyên trách công nghệ thông tin | phổ cập kỹ năng số cho người dân
  | giáo dục STEM trong trường học
chinh-phu-so | dịch vụ công trực tuyến toàn trình | chữ ký số cho cán bộ, công chức
  | thanh toán trực tuyến phí, lệ phí thủ tục hành chính
  | hệ thống quản lý văn bản và điều hành
  | hệ thống thông tin báo cáo kinh tế - xã hội của tỉnh
kinh-te-so | sàn thương mại điện tử cho sản phẩm OCOP
  | hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số
  | thanh toán không dùng tiền mặt tại chợ, bệnh viện, trường học
  | hóa đơn điện tử khởi tạo từ máy tính tiền | du lịch thông minh
xa-hoi-so | hồ sơ sức khỏe điện tử | khám, chữa bệnh từ xa
  | chi trả an sinh xã hội không dùng tiền mặt | học bạ số
  | tài khoản định danh điện tử VNeID mức độ 2
"""):
    OBJECTS[_group] = tuple(_objects)
GROUP_NAMES = tuple(OBJECTS)
VERBS = pool("""
Triển khai
Xây dựng
Hoàn thiện
Nâng cấp
Rà soát
Tổ chức
Tham mưu
Đôn đốc
Đẩy mạnh
Kiểm tra
Đánh giá
Cập nhật
Tích hợp
Chuẩn hóa
Vận hành
Hướng dẫn
Mở rộng
""")
QUALIFIERS = (
    "",
    *(
        f" {q}"
        for q in pool("""
trên địa bàn tỉnh
tại các sở, ban, ngành
đến cấp xã
tại 100% đơn vị hành chính cấp huyện
giai đoạn 2021 - 2025
theo chỉ đạo của Trung ương
bảo đảm kết nối với hệ thống của Bộ, ngành
""")
    ),
)
# sentences of task descriptions ({y}: year, {p}: a percentage)
SENTENCES = pool("""
Bảo đảm đến hết năm {y} đạt tối thiểu {p}% mục tiêu theo Kế hoạch chuyển đổi số của tỉnh.
Định kỳ hằng tháng báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ để tổng hợp,
  báo cáo Ban Chỉ đạo.
Trong quá trình triển khai, nếu có khó khăn, vướng mắc vượt thẩm quyền, kịp thời báo cáo
  Ủy ban nhân dân tỉnh xem xét, chỉ đạo.
Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn vốn
  hợp pháp khác.
Rà soát, đánh giá hiện trạng, xác định rõ nội dung công việc, thời gian hoàn thành
  và người chịu trách nhiệm.
Phối hợp với các doanh nghiệp viễn thông trên địa bàn hỗ trợ kỹ thuật, bảo đảm hệ
  thống vận hành ổn định, thông suốt.
Kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại mức độ hoàn thành
  nhiệm vụ của người đứng đầu cơ quan, đơn vị.
Công khai tiến độ thực hiện trên Cổng thông tin điện tử của tỉnh để người dân,
  doanh nghiệp theo dõi, giám sát.
Ưu tiên sử dụng các nền tảng số quốc gia, nền tảng dùng chung đã được Bộ, ngành công bố.
Tổ chức tập huấn, hướng dẫn sử dụng cho cán bộ, công chức và người dân tại cơ sở.
Bảo đảm an toàn thông tin theo cấp độ trước khi đưa hệ thống vào vận hành chính thức.
Tỷ lệ hồ sơ được số hóa, tái sử dụng dữ liệu phải đạt trên {p}% trong năm {y}.
""")
# tags; "2024", "2025" and "06" must be quoted (YAML would read numbers)
TAGS = pool("""
chuyển đổi số
IOC
dịch vụ công
2024
2025
06
CSDL
an toàn thông tin
Đề án 06
chữ ký số
không dùng tiền mặt
nông thôn mới
cấp xã
ưu tiên
""")
SURNAMES = pool(
    "Nguyễn\nTrần\nLê\nPhạm\nHoàng\nVũ\nĐặng\nBùi\nĐỗ\nHồ\nNgô\nDương\nPhan\nĐinh\nTrịnh"
)
MIDDLES = pool("Văn\nThị\nĐức\nMinh\nThanh\nQuang\nHữu\nNgọc\nXuân\nAnh\nThu\nHồng")
GIVENS = pool("""
Hùng
Dũng
Hương
Lan
Tuấn
Hải
Nam
Phương
Hà
Long
Thắng
Trang
Quân
Hạnh
Bình
Sơn
Giang
Yến
Khánh
Thủy
""")
SIGNER_TITLES = pool("""
Chủ tịch UBND tỉnh
Phó Chủ tịch UBND tỉnh
Phó Chủ tịch Thường trực UBND tỉnh
Chánh Văn phòng UBND tỉnh
""")
EXT_REASONS = pool("""
Chờ bố trí kinh phí
Phụ thuộc tiến độ triển khai của Bộ, ngành Trung ương
Nhà thầu chậm tiến độ
Khối lượng công việc lớn, cần thêm thời gian rà soát
Điều chỉnh phạm vi theo chỉ đạo mới
""")
# report status | notes
NOTES = {
    status: tuple(notes)
    for status, *notes in pool_rows("""
done | Đã hoàn thành, kết quả đã cập nhật trên hệ thống.
  | Hoàn thành đúng kế hoạch, đã gửi báo cáo kết quả về Văn phòng UBND tỉnh.
in-progress | Đang triển khai, dự kiến hoàn thành trong quý tới.
  | Đã hoàn thành khảo sát, đang lựa chọn nhà thầu.
blocked | Vướng mắc về kinh phí, đề nghị Sở Tài chính xem xét bố trí.
  | Chờ hướng dẫn kỹ thuật của Bộ, ngành Trung ương.
not-started | Chưa triển khai do chưa được giao kinh phí. | Đang xây dựng kế hoạch chi tiết.
""")
}
EXTERNAL_REFS = pool("""
749/QĐ-TTg
411/QĐ-TTg
06/QĐ-TTg
942/QĐ-TTg
505/QĐ-TTg
30/2020/NĐ-CP
42/2022/NĐ-CP
47/2020/NĐ-CP
02-NQ/TW
""")
NOTICE_TITLE = pool("""
Kết luận của Chủ tịch UBND tỉnh tại phiên họp Ban Chỉ đạo chuyển đổi số tỉnh năm {y}
""")[0]
CV_UNITS = ("VP", "KGVX", "KT", "NCKS", "TH")
# type | id prefix | weight | issuer | title templates ({o}: what it is about, {y}: year)
DIRECTIVE_TYPES = [
    (kind, prefix, int(weight), issuer, tuple(titles))
    for kind, prefix, weight, issuer, *titles in pool_rows("""
TB | TB | 35 | UBND | Ý kiến chỉ đạo của Chủ tịch UBND tỉnh về {o}
  | Kết luận của Phó Chủ tịch UBND tỉnh về {o}
KH | KH | 20 | UBND | Kế hoạch triển khai {o} trên địa bàn tỉnh năm {y}
  | Kế hoạch chuyển đổi số tỉnh Nam Định năm {y}
QĐ | QD | 15 | UBND | Quyết định phê duyệt Đề án {o} giai đoạn 2021 - 2025
  | Quyết định ban hành danh mục nhiệm vụ {o} năm {y}
CV | CV | 20 | UBND | Về việc đẩy nhanh tiến độ {o} | V/v triển khai {o} năm {y}
CT | CT |  5 | TU   | Chỉ thị về đẩy mạnh chuyển đổi số trong hệ thống chính trị tỉnh
  | Chỉ thị về tăng cường {o}
NQ | NQ |  5 | TU   | Nghị quyết về chuyển đổi số tỉnh Nam Định đến năm 2025,
  định hướng đến năm 2030
""")
]
# id | name | unit | better | value in 2021 | change per year
INDICATORS = [
    (ident, name, unit, better, float(base), float(step))
    for ident, name, unit, better, base, step in pool_rows("""
dti-rank | Xếp hạng chỉ số DTI cấp tỉnh | hạng | lower | 40 | -4
dti-score | Điểm chỉ số DTI cấp tỉnh | điểm | higher | 0.38 | 0.05
dvc-toan-trinh | Tỷ lệ dịch vụ công trực tuyến toàn trình | % | higher | 30 | 12
ho-so-truc-tuyen | Tỷ lệ hồ sơ nộp trực tuyến | % | higher | 20 | 10
thanh-toan-truc-tuyen | Tỷ lệ hồ sơ thanh toán trực tuyến | % | higher | 10 | 9
so-hoa-ho-so | Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC | % | higher | 25 | 15
cap-quang-ho-gia-dinh | Tỷ lệ hộ gia đình có cáp quang | % | higher | 60 | 7
smartphone | Tỷ lệ dân số trưởng thành có điện thoại thông minh | % | higher | 70 | 5
kinh-te-so-grdp | Tỷ trọng kinh tế số trong GRDP | % | higher | 6 | 1.5
chu-ky-so-ca-nhan | Tỷ lệ dân số trưởng thành có chữ ký số | % | higher | 5 | 6
vneid-muc-2 | Tỷ lệ người dân kích hoạt VNeID mức độ 2 | % | higher | 15 | 18
hop-truc-tuyen-cap-xa | Tỷ lệ xã kết nối họp trực tuyến | % | higher | 50 | 15
""")
]


# --- YAML scalars -----------------------------------------------------------------------------

_PLAIN = re.compile(r"[^\W\d_][^:#\"'\[\]{}\n]*")
_YAML11_WORDS = frozenset(("y", "yes", "n", "no", "on", "off", "true", "false", "null"))
ISO = {o: date.fromordinal(o).isoformat() for o in range(FIRST_DAY - 800, LAST_DAY + 900)}


def text(s: str) -> str:
    """`s` as a YAML scalar that every YAML 1.1 reader reads back as this exact text."""
    if _PLAIN.fullmatch(s) and s[-1] != " " and s.lower() not in _YAML11_WORDS:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow_text(s: str) -> str:
    """Like text(), for an item of a flow list `[a, b]`, where a comma ends a plain item."""
    return text(s) if "," not in s else '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(indent: str, items: Iterable[str]) -> str:
    """A literal block scalar body (after `key: |-`), one line per item."""
    return "".join(f"\n{indent}{line}" for line in items)


def text_list(key: str, items: Iterable[str], indent: str = "") -> str:
    return f"{indent}{key}:" + "".join(f"\n{indent}  - {text(s)}" for s in items)


# --- the world --------------------------------------------------------------------------------


@dataclass(slots=True)
class Directive:
    id: str
    type: str
    number: str
    issuer: str
    issued: int  # ordinal
    title: str
    group: str
    meeting: str = ""
    references: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Meeting:
    id: str
    day: int
    directive: Directive


@dataclass(slots=True)
class TaskRef:
    """What reports need to know about a task."""

    id: str
    lead: str
    issued: int
    every: str = ""
    start: int = 0


class FastRandom(random.Random):
    """random.Random whose choice() and randint() cost one random() call (3-5x cheaper)."""

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


@dataclass
class World:
    rng: FastRandom
    leads: list[str]
    lead_weights: list[int]  # cumulative
    agencies: list[str]
    directives: list[Directive] = field(default_factory=list)
    issued_days: list[int] = field(default_factory=list)
    tasks: list[TaskRef] = field(default_factory=list)

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVENS)}"

    def lead(self) -> str:
        roll = self.rng.random() * self.lead_weights[-1]
        return self.leads[bisect.bisect(self.lead_weights, roll)]

    def earlier_directive(self, day: int) -> Directive:
        """A directive issued on or before `day` (the first one if none is)."""
        hi = max(1, bisect.bisect_right(self.issued_days, day))
        return self.directives[self.rng.randint(max(0, hi - 60), hi - 1)]


def new_world(seed: int) -> World:
    ids = [a[0] for a in AGENCIES] + [f"UBND-HUYEN-{i:02d}" for i in range(1, len(DISTRICTS) + 1)]
    weights = [a[4] for a in AGENCIES] + [3] * len(DISTRICTS)
    leads = [(i, w) for i, w in zip(ids, weights, strict=True) if w > 0 and i not in MERGED]
    cum = list(itertools.accumulate(w for _, w in leads))
    return World(FastRandom(seed), [i for i, _ in leads], cum, ids)


# --- writing ----------------------------------------------------------------------------------


def write_files(
    batches: queue.Queue[list[tuple[str, bytes]] | None], errors: list[BaseException]
) -> None:
    """A writer thread: the system calls release the GIL while the main thread formats."""
    while (batch := batches.get()) is not None:
        try:
            for path, data in batch:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
        except BaseException as e:  # re-raised by Writer.close()
            errors.append(e)


class Writer:
    """Writes files through two threads; folders are made at once, in the calling thread."""

    def __init__(self, root: Path, threads: int = 2) -> None:
        self.root = str(root)
        self.files = 0
        self.bytes = 0
        self.task_bytes = 0
        self._made: set[str] = set()
        self._counts: dict[str, int] = {}
        self._batch: list[tuple[str, bytes]] = []
        self._queue: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=64)
        self._errors: list[BaseException] = []
        self._threads = [
            threading.Thread(target=write_files, args=(self._queue, self._errors))
            for _ in range(threads)
        ]
        for t in self._threads:
            t.start()

    def folder(self, rel: str) -> str:
        if rel not in self._made:
            os.makedirs(os.path.join(self.root, rel), exist_ok=True)
            self._made.add(rel)
        return rel

    def chunked(self, kind: str, year: int) -> str:
        """`kind/YEAR/NNNN`, a new NNNN folder every CHUNK files."""
        key = f"{kind}/{year}"
        n = self._counts.get(key, 0)
        self._counts[key] = n + 1
        return self.folder(f"{key}/{n // CHUNK + 1:04d}")

    def write(self, rel_dir: str, name: str, content: str) -> int:
        data = content.encode()
        self._batch.append((f"{self.root}/{rel_dir}/{name}", data))
        if len(self._batch) >= 256:
            self._queue.put(self._batch)
            self._batch = []
        self.files += 1
        self.bytes += len(data)
        return len(data)

    def close(self) -> None:
        """Wait for every file to be written; raise the first error of a writer thread."""
        self._queue.put(self._batch)
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()
        if self._errors:
            raise self._errors[0]


# --- agencies ---------------------------------------------------------------------------------


def agency_entry(ident: str, name: str, short: str) -> str:
    lines = [f"  - id: {ident}", f"    name: {text(name)}", f"    short: {text(short)}"]
    if ident in ALIASES:
        lines.append(text_list("aliases", ALIASES[ident], "    "))
    if ident in PARENTS:
        lines.append(f"    parent: {PARENTS[ident]}")
    if ident in MERGED:
        lines += ["    until: 2025-02-28", f"    successor: {MERGED[ident]}"]
    return "\n".join(lines)


def write_agencies(w: Writer) -> None:
    entries = [agency_entry(a[0], a[1], a[2]) for a in AGENCIES]
    for i, place in enumerate(DISTRICTS, 1):
        kind = "UBND TP" if place.startswith("thành phố") else "UBND huyện"
        short = f"{kind} {place.split(' ', 1)[1]}"
        entries.append(agency_entry(f"UBND-HUYEN-{i:02d}", f"Ủy ban nhân dân {place}", short))
    head = "# Cơ quan, đơn vị thuộc phạm vi theo dõi của Ban Chỉ đạo\nkind: agencies\nagencies:\n"
    w.write(w.folder(""), "agencies.yaml", head + "\n".join(entries) + "\n")


# --- directives and meetings ------------------------------------------------------------------


def directive_number(kind: str, n: int, issuer_sym: str, rng: random.Random) -> str:
    if kind in ("NQ", "CT"):
        return f"{n:02d}-{kind}/TU"
    if kind == "CV":
        return f"{n:02d}/UBND-{rng.choice(CV_UNITS)}"
    return f"{n:02d}/{kind}-{issuer_sym}"


def make_directives(world: World, count: int) -> None:
    rng = world.rng
    days = sorted(rng.randint(FIRST_DAY, LAST_DAY - 11) for _ in range(count))
    kinds = rng.choices(DIRECTIVE_TYPES, [t[2] for t in DIRECTIVE_TYPES], k=count)
    serial: dict[tuple[str, int], int] = {}
    for day, (kind, prefix, _, issuer, titles) in zip(days, kinds, strict=True):
        year = date.fromordinal(day).year
        n = serial.get((kind, year), 0) + rng.randint(1, 3 if kind != "CV" else 40)
        serial[(kind, year)] = n
        group = rng.choice(GROUP_NAMES)
        title = rng.choice(titles).format(o=rng.choice(OBJECTS[group]), y=year)
        if kind == "TB" and rng.random() < 0.3:
            issuer = "BCDCDS"  # the steering committee issues notices in its own name
        number = directive_number(kind, n, SYMBOL[issuer], rng)
        d = Directive(f"{prefix}-{n:02d}-{year}", kind, number, issuer, day, title, group)
        world.directives.append(d)
    world.issued_days = [d.issued for d in world.directives]
    add_references(world)


def add_references(world: World) -> None:
    rng = world.rng
    for i, d in enumerate(world.directives):
        if rng.random() < 0.3:
            d.references.append(rng.choice(EXTERNAL_REFS))
        if i and rng.random() < 0.3:
            d.references.append(world.directives[rng.randrange(max(0, i - 40), i)].id)


def make_meetings(world: World) -> list[Meeting]:
    """A few steering-committee meetings, each concluded by a TB notice a few days later."""
    rng = world.rng
    notices = [d for d in world.directives if d.type == "TB" and d.issued - 7 >= FIRST_DAY]
    picked = sorted(
        rng.sample(notices, min(len(notices), 48, max(2, len(world.directives) // 40))),
        key=lambda d: d.issued,
    )
    meetings: list[Meeting] = []
    per_year: dict[int, int] = {}
    for d in picked:
        day = d.issued - rng.randint(1, 5)
        year = date.fromordinal(day).year
        per_year[year] = per_year.get(year, 0) + 1
        m = Meeting(f"HOP-BCD-{year}-{per_year[year]:02d}", day, d)
        d.meeting = m.id
        d.title = NOTICE_TITLE.format(y=year)
        meetings.append(m)
    return meetings


def render_directive(world: World, d: Directive) -> str:
    lines = [
        "kind: directive",
        f"id: {d.id}",
        f"type: {d.type}",
        f"number: {d.number}",
        f"issuer: {d.issuer}",
        f"issued: {ISO[d.issued]}",
        f"title: {text(d.title)}",
        "signer:",
        f"  name: {world.person()}",
        f"  title: {text(world.rng.choice(SIGNER_TITLES))}",
    ]
    if d.meeting:
        lines.append(f"meeting: {d.meeting}")
    if d.references:
        lines.append(text_list("references", d.references))
    return "\n".join(lines) + "\n"


def write_directives(world: World, w: Writer) -> None:
    for d in world.directives:
        folder = w.folder(f"directives/{date.fromordinal(d.issued).year}")
        w.write(folder, f"{d.id}.yaml", render_directive(world, d))


def meeting_people(world: World, key: str) -> list[str]:
    rng = world.rng
    lines = [f"{key}:"]
    for agency in rng.sample(world.leads, rng.randint(3, 6)):
        title = f"Lãnh đạo {SHORT.get(agency, 'UBND cấp huyện')}"
        lines += [
            f"  - name: {world.person()}",
            f"    title: {text(title)}",
            f"    agency: {agency}",
        ]
    return lines


def render_meeting(world: World, m: Meeting) -> str:
    rng, year = world.rng, date.fromordinal(m.day).year
    title = f"Phiên họp Ban Chỉ đạo chuyển đổi số tỉnh lần thứ {m.id[-2:].lstrip('0')} năm {year}"
    objs = [rng.choice(OBJECTS[g]) for g in rng.sample(GROUP_NAMES, 3)]
    lines = [
        "---",
        "kind: meeting",
        f"id: {m.id}",
        f"title: {text(title)}",
        f"date: {ISO[m.day]}",
        'start: "14:00"',
        'end: "16:30"',
        "place: Hội trường tầng 3, Trụ sở UBND tỉnh",
        "mode: hybrid",
        text_list("sites", ["Điểm cầu tỉnh", "Điểm cầu UBND các huyện, thành phố"]),
        "chair:",
        f"  name: {world.person()}",
        "  title: Chủ tịch UBND tỉnh",
        "secretary:",
        f"  name: {world.person()}",
        "  title: Chuyên viên Sở KH&CN",
    ]
    lines += meeting_people(world, "attendees")
    lines.append(text_list("agenda", [f"Đánh giá kết quả {o}" for o in objs]))
    lines += [
        "discussion:",
        f"  - speaker: {world.person()}",
        "    agency: SKHCN",
        f"    summary: {text(f'Báo cáo tiến độ {objs[0]}')}",
    ]
    lines.append(text_list("conclusions", [f"Đẩy nhanh tiến độ {o}" for o in objs]))
    lines += [
        f"directive: {m.directive.id}",
        "---",
        "",
        f"# {title}",
        "",
        "## Diễn biến",
        "",
        SENTENCES[2],
        "",
        "## Kết luận",
        "",
        SENTENCES[6],
        "",
    ]
    return "\n".join(lines)


def write_meetings(world: World, w: Writer, meetings: Sequence[Meeting]) -> None:
    for m in meetings:
        folder = w.folder(f"meetings/{date.fromordinal(m.day).year}")
        w.write(folder, f"{m.id}.md", render_meeting(world, m))


# --- indicators -------------------------------------------------------------------------------


def indicator_values(key: str, base: float, step: float, years: range, source: str) -> str:
    lines = [f"{key}:"]
    for i, year in enumerate(years):
        value = round(base + step * i, 2)
        shown = int(value) if value == int(value) else value
        lines += [f'  - period: "{year}"', f"    value: {shown}", f"    source: {text(source)}"]
    return "\n".join(lines)


def write_indicators(w: Writer) -> None:
    folder = w.folder("indicators")
    for ident, name, unit, better, base, step in INDICATORS:
        lines = [
            "kind: indicator",
            f"id: {ident}",
            f"name: {text(name)}",
            f"unit: {text(unit)}",
            f"better: {better}",
            indicator_values(
                "targets", base + step, step, range(2021, 2026), "Kế hoạch chuyển đổi số tỉnh"
            ),
            indicator_values(
                "actuals", base, step, range(2021, 2025), "Báo cáo của Sở Khoa học và Công nghệ"
            ),
        ]
        w.write(folder, f"{ident}.yaml", unicodedata.normalize("NFC", "\n".join(lines) + "\n"))


# --- tasks ------------------------------------------------------------------------------------


def task_texts(rng: random.Random, d: Directive) -> tuple[str, str, str]:
    """Group, title and description (a literal block body) of a task."""
    group = d.group if rng.random() < 0.7 else rng.choice(GROUP_NAMES)
    title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS[group])}{rng.choice(QUALIFIERS)}"
    year = date.fromordinal(d.issued).year
    picked = rng.sample(SENTENCES, rng.randint(3, 5))
    body = [s.format(y=year, p=5 * rng.randint(10, 19)) for s in picked]
    lead_in = f"Chủ trì, phối hợp với các cơ quan, đơn vị liên quan {title[0].lower()}{title[1:]}."
    return group, title, block("  ", [lead_in, *body])


@dataclass(slots=True)
class Deadline:
    lines: list[str]
    due: int = 0  # the dated deadline (ordinal), 0 when there is none
    every: str = ""
    start: int = 0


def task_due(world: World, d: Directive) -> Deadline:
    rng, roll = world.rng, world.rng.random()
    if roll < 0.04:
        return task_every(rng, d)
    if roll < 0.10:
        return Deadline([f"due: {{working_days: {rng.choice((5, 10, 15, 20, 30))}}}"])
    if roll < 0.18:
        return Deadline([])
    due = d.issued + rng.randint(15, 365)
    lines = [f"due: {ISO[due]}"]
    if rng.random() < 0.12:
        lines += task_extensions(world, d, due)
    return Deadline(lines, due)


def task_every(rng: random.Random, d: Directive) -> Deadline:
    every = rng.choices(("monthly", "quarterly", "yearly"), (7, 2, 1))[0]
    start = d.issued + rng.randint(0, 30)
    lines = [f"every: {every}", f"start: {ISO[start]}"]
    if every == "yearly":
        lines += ["due_month: 10", "due_day: 10"]
    elif rng.random() < 0.5:
        lines.append(f"due_day: {rng.choice((5, 10, 15, 20, 25))}")
    if rng.random() < 0.2:
        lines.append("end: 2025-12-31")
    return Deadline(lines, every=every, start=start)


def task_extensions(world: World, d: Directive, due: int) -> list[str]:
    """One or two extensions, each granted on or before the deadline it extends."""
    rng, lines, granted = world.rng, ["extensions:"], d.issued
    for _ in range(rng.randint(1, 2)):
        granted = max(granted + 1, due - rng.randint(0, 20))
        if granted > LAST_DAY:
            break
        due += rng.randint(15, 120)
        by = (
            world.earlier_directive(granted).id
            if rng.random() < 0.5
            else ("Ý kiến chỉ đạo của Chủ tịch UBND tỉnh tại cuộc họp giao ban")
        )
        lines += [
            f"  - due: {ISO[due]}",
            f"    granted: {ISO[granted]}",
            f"    by: {text(by)}",
            f"    reason: {text(rng.choice(EXT_REASONS))}",
        ]
    return lines if len(lines) > 1 else []


def task_closing(rng: random.Random, d: Directive, due: int) -> list[str]:
    """`completed` or `cancelled` for a few tasks."""
    roll = rng.random()
    if roll < 0.08:
        end = min(LAST_DAY, max(due, d.issued + 60) + 30)
        return [f"completed: {ISO[rng.randint(d.issued + 1, max(d.issued + 1, end))]}"]
    if roll < 0.095:
        day = rng.randint(d.issued + 1, min(LAST_DAY, d.issued + 200))
        return [
            "cancelled:",
            f"  date: {ISO[day]}",
            "  reason: Nhiệm vụ đã được lồng ghép vào Kế hoạch chuyển đổi số năm sau",
            "  by: Ý kiến chỉ đạo của Chủ tịch UBND tỉnh",
        ]
    return []


def task_people(world: World, lead: str) -> list[str]:
    rng = world.rng
    support = [a for a in rng.sample(world.agencies, 5) if a != lead][: rng.randint(0, 4)]
    lines = [f"lead: {lead}"]
    if support:
        lines.append("support: [" + ", ".join(support) + "]")
    if rng.random() < 0.1:
        lines.append(f"report_to: {rng.choice(('UBND', 'BCDCDS'))}")
    return lines


def task_tags(rng: random.Random, group: str) -> list[str]:
    tags = rng.sample(TAGS, rng.randint(1, 3))
    lines = [f"group: {group}", "tags: [" + ", ".join(flow_text(t) for t in tags) + "]"]
    if rng.random() < 0.1:
        picked = rng.sample(INDICATORS, rng.randint(1, 2))
        lines.append("indicators: [" + ", ".join(i[0] for i in picked) + "]")
    return lines


def render_task(world: World, d: Directive, item: int) -> tuple[str, TaskRef]:
    rng, tid = world.rng, f"{d.id}.{item}"
    group, title, description = task_texts(rng, d)
    lead = world.lead()
    lines = [
        "kind: task",
        f"id: {tid}",
        f"directive: {d.id}",
        f'item: "{item}"',
        f"title: {text(title)}",
        f"description: |-{description}",
    ]
    if item > 1 and rng.random() < 0.03:
        lines.append(f"parent: {d.id}.1")
    deadline = task_due(world, d)
    lines += [*task_people(world, lead), *task_tags(rng, group), *deadline.lines]
    if not deadline.every:
        lines += task_closing(rng, d, deadline.due or d.issued + 90)
    return "\n".join(lines) + "\n", TaskRef(tid, lead, d.issued, deadline.every, deadline.start)


def write_tasks(world: World, w: Writer, count: int) -> None:
    rng, directives = world.rng, world.directives
    per_directive = [1] * len(directives)
    for i in rng.choices(range(len(directives)), k=max(0, count - len(directives))):
        per_directive[i] += 1
    for d, n in zip(directives, per_directive, strict=True):
        folder_year = date.fromordinal(d.issued).year
        for item in range(1, n + 1):
            content, ref = render_task(world, d, item)
            w.task_bytes += w.write(w.chunked("tasks", folder_year), f"{ref.id}.yaml", content)
            world.tasks.append(ref)


# --- reports ----------------------------------------------------------------------------------


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def period_of(every: str, start: int, rng: random.Random) -> tuple[str, int]:
    """A period of a recurring task between its start and LAST_DAY, and a report day in it."""
    step = PERIOD_MONTHS[every]
    s = date.fromordinal(start)
    first = (s.year * 12 + s.month - 1) // step
    last = (2024 * 12 + 11) // step
    k = rng.randint(first, max(first, last))
    year, idx = divmod(k * step, 12)
    label = {1: f"{year}-{idx + 1:02d}", 3: f"{year}-Q{idx // 3 + 1}", 12: f"{year}"}[step]
    month_end = date(year, idx + step, 1).toordinal() + rng.randint(14, 27)
    return label, min(LAST_DAY, max(start, month_end))


STATUSES = (("done", 0.45), ("in-progress", 0.85), ("blocked", 0.92), ("not-started", 1.0))


def report_status(rng: random.Random) -> list[str]:
    roll = rng.random()
    status = next(s for s, upto in STATUSES if roll < upto)
    progress = {"done": 100, "not-started": 0}.get(status) or 10 + 5 * rng.randint(0, 16)
    lines = [f"    status: {status}", f"    progress: {progress}"]
    if rng.random() < 0.6:
        lines.append(f"    note: {text(rng.choice(NOTES[status]))}")
    return lines


def pick_report_tasks(world: World, by_lead: dict[str, list[TaskRef]]) -> list[TaskRef]:
    rng = world.rng
    first = rng.choice(world.tasks)
    if first.every:
        return [first]
    pool = by_lead[first.lead]
    more = [rng.choice(pool) for _ in range(rng.choice((0, 0, 1, 2)))]
    chosen = {t.id: t for t in [first, *more] if not t.every}
    return list(chosen.values())


def render_report(
    world: World, tasks: list[TaskRef], serial: dict[str, int]
) -> tuple[int, str, str]:
    """A report by the first task's lead; returns its year, id and content."""
    rng, agency = world.rng, tasks[0].lead
    period, day = "", rng.randint(max(t.issued for t in tasks), LAST_DAY)
    if tasks[0].every:
        period, day = period_of(tasks[0].every, tasks[0].start, rng)
    year = date.fromordinal(day).year
    n = serial[f"{agency}/{year}"] = serial.get(f"{agency}/{year}", 0) + 1
    sym = SYMBOL.get(agency, "UBND")
    rid = f"BC-{n:02d}-{agency}-{year}"
    lines = (
        [
            "kind: report",
            f"id: {rid}",
            f"agency: {agency}",
            f"date: {ISO[day]}",
            f"number: {n:02d}/BC-{sym}",
        ]
        + ([f'period: "{period}"'] if period else [])
        + ["tasks:"]
    )
    for t in tasks:
        lines += [f"  - task: {t.id}", *report_status(rng)]
    if rng.random() < 0.1:
        lines.append(f"body: |-{block('  ', rng.sample(SENTENCES[1:11], 2))}")
    return year, rid, "\n".join(lines) + "\n"


def write_reports(world: World, w: Writer, count: int) -> None:
    by_lead: dict[str, list[TaskRef]] = {}
    for t in world.tasks:
        if not t.every:
            by_lead.setdefault(t.lead, []).append(t)
    world.tasks = [t for t in world.tasks if not t.every or t.start <= LAST_DAY]
    serial: dict[str, int] = {}
    for _ in range(count if world.tasks else 0):
        tasks = pick_report_tasks(world, by_lead)
        year, rid, content = render_report(world, tasks, serial)
        w.write(w.chunked("reports", year), f"{rid}.yaml", content)


# --- command line -----------------------------------------------------------------------------


def prepare(out: Path, force: bool) -> Path | None:
    """Make `out` ready; with --force, move what gen.py wrote before into a folder to delete.

    The old files are deleted after the new ones are written: on ext4, creating many files
    right after deleting many is several times slower.
    """
    if out.exists() and any(out.iterdir()):
        if not force:
            sys.exit(f"gen: {out} is not empty (use --force to replace the generated records)")
        old = out / TRASH  # a dot folder holds no records
        old.mkdir(exist_ok=True)
        for name in (*GENERATED, STAMP):
            if (out / name).exists():
                (out / name).rename(old / f"{name}.{time.time_ns()}")
        return old
    out.mkdir(parents=True, exist_ok=True)
    return None


def generate(out: Path, tasks: int, reports: int, seed: int) -> Writer:
    world, w = new_world(seed), Writer(out)
    try:
        write_agencies(w)
        make_directives(world, max(1, round(tasks / 20)))
        meetings = make_meetings(world)
        write_directives(world, w)
        write_meetings(world, w, meetings)
        write_indicators(w)
        write_tasks(world, w, tasks)
        write_reports(world, w, reports)
    finally:
        w.close()
    return w


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, metavar="OUT_DIR")
    p.add_argument("--tasks", type=int, default=20000, help="number of tasks (default 20000)")
    p.add_argument("--reports", type=int, default=0, help="number of reports (default 0)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty OUT_DIR, replacing what gen.py writes there",
    )
    args = p.parse_args(argv)
    if args.tasks < 1 or args.reports < 0:
        p.error("--tasks must be at least 1 and --reports at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    old = prepare(args.out, args.force)
    w = generate(args.out, args.tasks, args.reports, args.seed)
    if old is not None:
        shutil.rmtree(old)
    secs = time.perf_counter() - started
    stamp = {
        "tasks": args.tasks,
        "reports": args.reports,
        "seed": args.seed,
        "files": w.files,
        "bytes": w.bytes,
    }
    (args.out / STAMP).write_text(json.dumps(stamp) + "\n")
    print(
        f"gen: {w.files:,} files, {w.bytes:,} bytes ({args.tasks:,} tasks, average "
        f"{w.task_bytes / args.tasks:,.0f} bytes; {args.reports:,} reports) in {secs:.1f} s "
        f"-> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
