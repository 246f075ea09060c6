"""Agency mentions in the sentences of a directive: where a name starts and where it ends.

A mention starts with a head word (:data:`HEAD_WORDS`: `Sở`, `UBND`, `Công an`, `các đơn vị`…)
and runs over the words of the name up to a verb (:data:`VERBS`), a stop word
(:data:`STOP_WORDS`), punctuation, or the separator before the next mention.  Rules match the
key of the text (:func:`.when.key`) and return spans of the text as written.  Which agency of
the registry a mention means is :mod:`.agencies`' job.  The report duty (whom a task reports
to, through whom) is read here; the other rules that use mentions are in :mod:`.patterns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .when import key, nfc

#: the words an agency mention starts with, as written; matched folded at a word's start.
#: Those in _NEEDS_NAME must be followed by a capitalised word (`Sở Y tế`, `Ban Chỉ đạo`),
#: so "báo cáo", "ban hành", "hội nghị", "bộ chỉ số" are not agencies
HEAD_WORDS = (
    "Sở", "Ban", "Văn phòng", "VP", "UBND", "Ủy ban nhân dân", "Ủy ban Mặt trận", "Mặt trận",
    "HĐND", "Hội đồng nhân dân", "Công an", "Bộ Chỉ huy", "Bộ CHQS", "Bộ", "Thanh tra",
    "Trung tâm", "Đài", "Báo", "Cục", "Chi cục", "Tỉnh ủy", "Tỉnh đoàn", "Hội", "Liên đoàn",
    "Liên minh", "Ngân hàng", "Kho bạc", "Bưu điện", "Viettel", "VNPT", "MobiFone", "BCĐ",
    "Trường", "Đảng ủy", "Quỹ", "Bảo hiểm xã hội", "Viễn thông", "Điện lực", "Công ty",
    "Tổng công ty",
    # collective mentions: "các sở, ban, ngành", "các đơn vị liên quan", "các cơ quan, đơn vị"
    "các sở", "các ban", "các ngành", "các cơ quan", "các đơn vị", "các địa phương", "các bộ",
    "các huyện", "các doanh nghiệp", "các ngân hàng", "các tổ chức", "các hội", "các thành viên",
    "các nhà mạng",
)  # fmt: skip
_NEEDS_NAME = {key(w) for w in ("Sở", "Ban", "Văn phòng", "Bộ", "Trung tâm", "Đài", "Báo", "Cục",
               "Chi cục", "Hội", "Liên đoàn", "Liên minh", "Ngân hàng", "Kho bạc", "Trường",
               "Mặt trận", "Quỹ", "Viễn thông", "Điện lực", "Công ty", "Tổng công ty")}  # fmt: skip
_HEAD = re.compile("(?:" + "|".join(sorted({key(w) for w in HEAD_WORDS}, key=len)[::-1]) + r")\b")
#: a person's title before an agency, left out of the mention: `Giám đốc Sở …`, `Chủ tịch
#: UBND tỉnh`, `Chánh Văn phòng …`, `Thủ trưởng các sở, ban, ngành`, `Trưởng Ban Chỉ đạo`
_TITLE = re.compile(
    r"(?:(?:dong chi|d/c)\s+)?(?:pho\s+)?(?:giam doc|chanh|thu truong|chu tich|truong|lanh dao"
    r"|chi huy truong|thuong truc)\s+"
)
#: verbs that end a mention and make a sentence an assignment (written in lower case in the
#: text; a capitalised word is part of a name: `Sở Xây dựng`, `Sở Giao thông vận tải`)
VERBS = (
    "chủ trì", "phối hợp", "triển khai", "thực hiện", "tham mưu", "xây dựng", "rà soát",
    "hoàn thành", "khẩn trương", "tổ chức", "tập trung", "tiếp tục", "đẩy mạnh", "theo dõi",
    "đôn đốc", "hướng dẫn", "chỉ đạo", "kiểm tra", "tổng hợp", "báo cáo", "đề xuất", "cập nhật",
    "nghiên cứu", "bảo đảm", "đảm bảo", "chủ động", "tăng cường", "nâng cao", "ban hành",
    "hoàn thiện", "cung cấp", "bố trí", "chuẩn bị", "phát triển", "quán triệt", "tuyên truyền",
    "khắc phục", "chịu trách nhiệm", "có trách nhiệm", "ưu tiên", "lựa chọn", "thẩm định",
    "trình", "nâng cấp", "vận hành", "quản lý", "giám sát", "đánh giá", "sửa đổi", "bổ sung",
    "kết nối", "tích hợp", "số hóa", "phổ biến", "hỗ trợ", "huy động", "thống nhất",
    "duy trì", "mở rộng", "phân công", "thành lập", "gửi", "ứng dụng", "sử dụng", "phủ sóng",
    "bảo trì", "vận động", "khảo sát", "thu thập", "hoàn tất", "ký kết", "đầu tư", "mua sắm",
    "lắp đặt", "công bố", "tiếp nhận", "giải quyết", "xử lý", "làm việc", "đăng ký", "cài đặt",
    "thiết lập", "xác định", "điều chỉnh", "hoàn chỉnh", "kịp thời", "nghiêm túc", "mở", "đưa",
    "cân đối", "xem xét", "phê duyệt", "tự đánh giá", "cấp", "chấm điểm",
)  # fmt: skip
#: other words that end a mention: `Sở TT&TT được UBND tỉnh giao…`, `… trước ngày`, `… qua Sở`
STOP_WORDS = (
    "được", "cần", "phải", "là", "đã", "đang", "sẽ", "chưa", "trước", "trong", "theo", "để",
    "nhằm", "đến", "chậm nhất", "khi", "tại", "với", "ngày", "từ", "giao", "yêu cầu", "đề nghị",
    "về", "cho", "qua", "thông qua", "bằng", "nếu", "thì", "sau", "năm", "tháng", "và",
    # and the nouns an object starts with: `báo cáo UBND tỉnh kết quả thực hiện`
    "kết quả", "tình hình", "tiến độ", "việc", "nội dung", "những", "kế hoạch", "nhiệm vụ",
    "kinh phí", "văn bản", "dự thảo", "hồ sơ", "danh sách", "số liệu", "ý kiến",
    # and adverbs before the verb: `UBND các huyện, thành phố thường xuyên cập nhật …`
    "thường xuyên", "tích cực", "quyết liệt", "sớm", "đồng thời", "cùng", "số hoá", "quản lí",
    "căn cứ", "tự",
)  # fmt: skip
VERB = re.compile("(?:" + "|".join(sorted({key(v) for v in VERBS}, key=len)[::-1]) + r")\b")
_STOP = re.compile(
    "(?:" + "|".join(sorted({key(w) for w in VERBS + STOP_WORDS}, key=len)[::-1]) + r")\b"
)
#: the next word of a name and what comes before it: a space, a comma, ` và `, ` - `
_STEP = re.compile(r"(?P<sep>\s*,\s*|\s+va\s+|\s+[-–]\s+|\s+)(?P<word>[\w&]+(?:[-&/][\w&]+)*)")
#: between two mentions of a list: `,`, `;`, `, và`, ` và `, ` cùng `
_SEP = re.compile(r"\s*[,;]\s*(?:va\s+)?|\s+(?:va|cung|cung voi)\s+")


def head_at(text: str, folded: str, pos: int) -> int | None:
    """Where the head word of an agency mention starting at `pos` ends, if one starts."""
    found = _HEAD.match(folded, pos)
    if found is None:
        return None
    if found.group() in _NEEDS_NAME:
        after = re.match(r" +(\w)", text[found.end() :])
        if after is None or not after.group(1).isupper():
            return None
    return found.end()


#: the verbs and stop words as written: a word with marks stops a name only when written so
#: (`từ` does, `Đầu tư` goes on); one written without marks stops it when its folding does
_WRITTEN = {w.lower() for w in VERBS + STOP_WORDS}
#: verbs that are also words of a name: `UBND cấp xã` (but `Sở Y tế cấp tài khoản`)
_NAME_WORDS = re.compile(r"cap (?:xa|huyen|tinh|co so)\b")


def _stops(text: str, folded: str, pos: int) -> bool:
    """Whether a verb or stop word starts at `pos` (see :data:`_WRITTEN`)."""
    found = _STOP.match(folded, pos)
    if found is None or _NAME_WORDS.match(folded, pos):
        return False
    written = text[pos : found.end()].lower()
    return written == found.group() or written in _WRITTEN


def _starts(text: str, folded: str, pos: int) -> bool:
    """Whether an agency mention (after a person's title, perhaps) starts at `pos`."""
    title = _TITLE.match(folded, pos)
    return head_at(text, folded, title.end() if title else pos) is not None or (
        title is not None and head_at(text, folded, pos) is not None
    )


def mention(text: str, folded: str, pos: int) -> tuple[int, int] | None:
    """The span of the agency mention at `pos` (a person's title before it left out): its
    head word and the words of its name, up to a verb, a stop word, punctuation, or a
    separator before the next mention."""
    title = _TITLE.match(folded, pos)
    if title and (end := head_at(text, folded, title.end())) is not None:
        start = title.end()
    elif (end := head_at(text, folded, pos)) is not None:
        start = pos
    else:
        return None
    for _ in range(14):
        step = _STEP.match(folded, end)
        if step is None:
            break
        word, sep = step.start("word"), step.group("sep").strip()
        if text[word].islower() and _stops(text, folded, word):
            break
        if sep and text[word].isupper() and _starts(text, folded, word):
            break
        if sep in ("va", "-", "–") and not text[word].isupper():
            break
        if sep == "," and folded.startswith("cac ", word):
            break
        end = step.end("word")
    return start, end


def mentions(text: str, folded: str, pos: int) -> tuple[list[str], int]:
    """The mentions of a list starting at `pos`, as written, and where the list ends.

    >>> text = "Sở Tài chính, Sở Văn hóa, Thể thao và Du lịch và các đơn vị liên quan rà soát"
    >>> mentions(text, key(text), 0)
    (['Sở Tài chính', 'Sở Văn hóa, Thể thao và Du lịch', 'các đơn vị liên quan'], 69)
    """
    found: list[str] = []
    at = pos
    while (span := mention(text, folded, at)) is not None:
        found.append(text[span[0] : span[1]])
        at = span[1]
        sep = _SEP.match(folded, at)
        if sep is None or mention(text, folded, sep.end()) is None:
            break
        at = sep.end()
    return found, at


# -- report duties -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDuty:
    """Whom a task reports to and through whom, as written."""

    to: str | None
    via: tuple[str, ...]
    text: str


#: `báo cáo` and what may stand between it and whom: `kết quả`, `tình hình`, `tiến độ`,
#: `định kỳ`, `về`, `cho`, `gửi`: `báo cáo kết quả về UBND tỉnh`, `tổng hợp, báo cáo Ban Chỉ đạo`
_REPORT = re.compile(
    r"\bbao cao\s*(?:(?:ket qua|tinh hinh|tien do|thuc hien|trien khai|dinh ky|cu the|de xuat"
    r"|bang van ban|kien nghi|(?:hang|moi) (?:thang|qu[yi]|nam)|(?:6|sau) thang(?: (?:mot|1) lan)?"
    r")\s*,?\s*)*(?:(?:ve|cho|gui|len)\s+)?"
)
#: or with more words before `về`: `báo cáo kết quả số hóa về UBND tỉnh`, `gửi kết quả (kèm tài
#: liệu kiểm chứng) về Sở TT&TT`
_SEND = re.compile(r"\b(?:bao cao|gui\s+(?:ket qua|bao cao|so lieu))")
_TO = re.compile(r"\s(?:ve|cho|toi|den|len)\s+")
_SEND_REACH = 160  # characters from `báo cáo` to the `về` of whom (`báo cáo hằng tháng số liệu
#: về dịch vụ công trực tuyến … về Sở TT&TT`: the first `về` names no agency, a later one may)
#: through whom: `(qua Sở TT&TT, Văn phòng UBND tỉnh)`, `qua Sở …`, `thông qua Sở …`
_VIA = re.compile(r"\s*,?\s*(?P<open>\()?\s*(?:thong\s+)?qua\s+")


def report_duty(text: str) -> ReportDuty | None:
    """The first report duty of `text` that names whom to report to; None without one.

    >>> report_duty("báo cáo UBND tỉnh (qua Sở TT&TT, Văn phòng UBND tỉnh) trước 30/6")
    ReportDuty(to='UBND tỉnh', via=('Sở TT&TT', 'Văn phòng UBND tỉnh'), text='báo cáo UBND \
tỉnh (qua Sở TT&TT, Văn phòng UBND tỉnh)')
    >>> report_duty("báo cáo Chủ tịch UBND tỉnh").to, report_duty("Báo cáo số 77/BC-SKHCN")
    ('UBND tỉnh', None)
    """
    text = nfc(text)
    folded = key(text)
    for start, at in _report_places(folded):
        named, end = mentions(text, folded, at)
        if not named:
            continue
        via: list[str] = []
        if through := _VIA.match(folded, end):
            via, after = mentions(text, folded, through.end())
            closing = through.group("open") and text[after : after + 1] == ")"
            end = after + 1 if via and closing else end if not via else after
        return ReportDuty(named[0], tuple(via), text[start:end])
    return None


def _report_places(folded: str) -> list[tuple[int, int]]:
    """(where a report duty starts, where whom it goes to may start), in the text's order:
    right after `báo cáo [kết quả…]`, then after each `về`/`cho`/`tới` within reach of a
    `báo cáo`/`gửi kết quả` before the sentence ends."""
    places = [(m.start(), m.end()) for m in _REPORT.finditer(folded)]
    for m in _SEND.finditer(folded):
        reach = folded[m.end() : m.end() + _SEND_REACH]
        stop = min((reach.find(c) for c in ".;()" if c in reach), default=len(reach))
        places += [(m.start(), m.end() + t.end()) for t in _TO.finditer(reach[:stop])]
    return sorted(places)
