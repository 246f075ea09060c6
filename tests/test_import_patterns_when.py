"""The rules that read when and how a task is due (cdsctl/importer/when.py; issue 12):
deadlines, recurring duties, report duties and task groups, on tables of real administrative
phrasing — including dates that are not deadlines — and every written form of a date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.importer.patterns import (
    Deadline,
    Recurrence,
    ReportDuty,
    deadline,
    group_of,
    recurrence,
    report_duty,
)
from cdsctl.schema import EVERY, GROUPS

ISSUED = "2022-05-12"
DEADLINES = [
    # (text, issued, due, phrase as written, vague)
    ("Sở TT&TT hoàn thành trước ngày 20/5/2022.", None, "2022-05-20",
     "hoàn thành trước ngày 20/5/2022", False),
    ("trình UBND tỉnh trước ngày 01/6/2022", None, "2022-06-01", "trước ngày 01/6/2022", False),
    ("báo cáo chậm nhất ngày 15/7/2022", None, "2022-07-15", "chậm nhất ngày 15/7/2022", False),
    ("chậm nhất là ngày 15-7-2022", None, "2022-07-15", "chậm nhất là ngày 15-7-2022", False),
    ("hoàn thành trước 30/9/2022;", None, "2022-09-30", "hoàn thành trước 30/9/2022", False),
    ("xong trước ngày 20 tháng 5 năm 2022", None, "2022-05-20",
     "xong trước ngày 20 tháng 5 năm 2022", False),
    ("hoàn thành trong tháng 6/2022", None, "2022-06-30", "hoàn thành trong tháng 6/2022", False),
    ("trong tháng 6 năm 2022", None, "2022-06-30", "trong tháng 6 năm 2022", False),
    ("trong tháng 2/2024", None, "2024-02-29", "trong tháng 2/2024", False),
    ("hoàn thành trong quý III/2022", None, "2022-09-30", "hoàn thành trong quý III/2022", False),
    ("quý 3 năm 2022", None, "2022-09-30", "quý 3 năm 2022", False),
    ("Hoàn thành trong Quí IV/2022.", None, "2022-12-31", "Hoàn thành trong Quí IV/2022", False),
    ("6 tháng đầu năm 2022", None, "2022-06-30", "6 tháng đầu năm 2022", False),
    ("trong 6 tháng cuối năm 2022", None, "2022-12-31", "trong 6 tháng cuối năm 2022", False),
    ("hoàn thành trong năm 2022", None, "2022-12-31", "hoàn thành trong năm 2022", False),
    ("năm 2022", None, "2022-12-31", "năm 2022", False),
    ("triển khai số hóa hồ sơ (Quý II/2023)", None, "2023-06-30", "(Quý II/2023)", False),
    ("Thời gian hoàn thành: năm 2023.", None, "2023-12-31", "Thời gian hoàn thành: năm 2023",
     False),
    ("Thời hạn: trước ngày 15/11/2022", None, "2022-11-15", "Thời hạn: trước ngày 15/11/2022",
     False),
    ("hoan thanh truoc ngay 20/5/2022", None, "2022-05-20", "hoan thanh truoc ngay 20/5/2022",
     False),
    ("trước ngày 20/5", ISSUED, "2022-05-20", "trước ngày 20/5", False),
    ("trước ngày 15/3", ISSUED, "2023-03-15", "trước ngày 15/3", False),
    ("trước ngày 20/5", None, None, "trước ngày 20/5", False),
    ("trong tháng 6", ISSUED, "2022-06-30", "trong tháng 6", False),
    ("khẩn trương hoàn thành trước ngày 05/7/2022", None, "2022-07-05",
     "hoàn thành trước ngày 05/7/2022", False),
    ("triển khai trong thời gian sớm nhất", None, None, "triển khai trong thời gian sớm nhất",
     True),
    ("sớm hoàn thành số hóa", None, None, "sớm", True),
    ("cập nhật kịp thời", None, None, "kịp thời", True),
    ("thường xuyên tuyên truyền", None, None, "thường xuyên", True),
]  # fmt: skip


@pytest.mark.parametrize(("text", "issued", "due", "phrase", "vague"), DEADLINES)
def test_deadlines(text: str, issued: str | None, due: str | None, phrase: str,
                   vague: bool) -> None:  # fmt: skip
    assert deadline(text, issued) == Deadline(due, phrase, vague)


@pytest.mark.parametrize("text", [
    "Thông báo số 128/TB-UBND ngày 12/5/2022 của UBND tỉnh",
    "thực hiện Nghị quyết số 09-NQ/TU ngày 15/10/2021 của Ban Chấp hành Đảng bộ tỉnh",
    "Nam Định, ngày 12 tháng 5 năm 2022",
    "Ngày 10/5/2022, Chủ tịch UBND tỉnh chủ trì cuộc họp",
    "Kế hoạch chuyển đổi số năm 2022 của tỉnh",
    "báo cáo kết quả 6 tháng đầu năm 2022",
    "đạt tỷ lệ 40% vào năm 2025",
    "báo cáo trước ngày 20 hằng tháng",
    "trước ngày 10/10 hằng năm",
    "Sở TT&TT chủ trì xây dựng Kế hoạch",
    "hoàn thành trước ngày 30/2/2022",
    "",
])  # fmt: skip
def test_dates_that_are_not_deadlines(text: str) -> None:
    assert deadline(text, ISSUED) is None


def test_the_first_deadline_phrase_wins() -> None:
    found = deadline("trình trước ngày 20/5/2022; hoàn thành trong quý III/2022")
    assert found is not None and found.due == "2022-05-20"


WRITTEN = [
    "ngày {d}/{m}/{y}", "ngày {d:02d}/{m:02d}/{y}", "ngày {d} tháng {m} năm {y}",
    "ngày {d}-{m}-{y}", "ngày {d:02d} tháng {m:02d} năm {y}", "Ngày {d}.{m}.{y}",
]  # fmt: skip


@given(day=st.dates(date(1990, 1, 1), date(2099, 12, 31)), form=st.sampled_from(WRITTEN))
def test_every_written_date_after_truoc_reads_back(day: date, form: str) -> None:
    text = "Sở TT&TT hoàn thành trước " + form.format(d=day.day, m=day.month, y=day.year) + "."
    found = deadline(text)
    assert found is not None and found.due == day.isoformat() and not found.vague


# -- recurring duties --------------------------------------------------------------------------

RECURRENCES = [
    ("báo cáo hằng tháng", "monthly", None, None, "hằng tháng"),
    ("Báo cáo hàng tháng về Sở TT&TT", "monthly", None, None, "hàng tháng"),
    ("định kỳ hằng tháng", "monthly", None, None, "định kỳ hằng tháng"),
    ("báo cáo trước ngày 20 hằng tháng", "monthly", 20, None, "trước ngày 20 hằng tháng"),
    ("báo cáo hàng tháng (trước ngày 25)", "monthly", 25, None, "hàng tháng (trước ngày 25)"),
    ("hằng quý", "quarterly", None, None, "hằng quý"),
    ("định kỳ hàng quý báo cáo UBND tỉnh", "quarterly", None, None, "định kỳ hàng quý"),
    ("báo cáo định kỳ hằng quý (trước ngày 15 của tháng cuối quý)", "quarterly", 15, None,
     "định kỳ hằng quý (trước ngày 15 của tháng cuối quý)"),
    ("ngày 20 hằng quý", "quarterly", 20, None, "ngày 20 hằng quý"),
    ("định kỳ 6 tháng", "half-yearly", None, None, "định kỳ 6 tháng"),
    ("6 tháng một lần", "half-yearly", None, None, "6 tháng một lần"),
    ("Định kỳ 6 tháng (trước ngày 15/6 và 15/12) báo cáo", "half-yearly", 15, 6,
     "Định kỳ 6 tháng (trước ngày 15/6 và 15/12)"),
    ("hằng năm", "yearly", None, None, "hằng năm"),
    ("tổ chức đánh giá hàng năm", "yearly", None, None, "hàng năm"),
    ("trước ngày 10/10 hằng năm", "yearly", 10, 10, "trước ngày 10/10 hằng năm"),
    ("ngày 10-10 hàng năm", "yearly", 10, 10, "ngày 10-10 hàng năm"),
    ("vào ngày 15 tháng 12 hằng năm", "yearly", 15, 12, "ngày 15 tháng 12 hằng năm"),
    ("trong tháng 12 hằng năm", "yearly", None, 12, "tháng 12 hằng năm"),
    ("HẰNG THÁNG", "monthly", None, None, "HẰNG THÁNG"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "every", "day", "month", "phrase"), RECURRENCES)
def test_recurring_duties(text: str, every: str, day: int | None, month: int | None,
                          phrase: str) -> None:  # fmt: skip
    assert every in EVERY
    assert recurrence(text) == Recurrence(every, day, month, phrase)


@pytest.mark.parametrize("text", [
    "6 tháng đầu năm 2022",
    "hoàn thành trong năm 2022",
    "báo cáo kết quả trước ngày 20/5/2022",
    "hằng tuần",
    "mặt hàng nông sản",
    "",
])  # fmt: skip
def test_no_recurring_duty(text: str) -> None:
    assert recurrence(text) is None


# -- report duties -----------------------------------------------------------------------------

REPORTS = [
    ("báo cáo UBND tỉnh (qua Sở TT&TT, Văn phòng UBND tỉnh)", "UBND tỉnh",
     ("Sở TT&TT", "Văn phòng UBND tỉnh"), "báo cáo UBND tỉnh (qua Sở TT&TT, Văn phòng UBND tỉnh)"),
    ("báo cáo kết quả về UBND tỉnh qua Sở Thông tin và Truyền thông trước ngày 30/6", "UBND tỉnh",
     ("Sở Thông tin và Truyền thông",),
     "báo cáo kết quả về UBND tỉnh qua Sở Thông tin và Truyền thông"),
    ("báo cáo Chủ tịch UBND tỉnh", "UBND tỉnh", (), "báo cáo Chủ tịch UBND tỉnh"),
    ("tổng hợp, báo cáo Ban Chỉ đạo", "Ban Chỉ đạo", (), "báo cáo Ban Chỉ đạo"),
    ("tổng hợp, báo cáo Ban Chỉ đạo chuyển đổi số tỉnh.", "Ban Chỉ đạo chuyển đổi số tỉnh", (),
     "báo cáo Ban Chỉ đạo chuyển đổi số tỉnh"),
    ("báo cáo kết quả hằng tháng về UBND tỉnh (qua Văn phòng UBND tỉnh).", "UBND tỉnh",
     ("Văn phòng UBND tỉnh",), "báo cáo kết quả hằng tháng về UBND tỉnh (qua Văn phòng UBND tỉnh)"),
    ("định kỳ 6 tháng một lần báo cáo về Sở TT&TT", "Sở TT&TT", (), "báo cáo về Sở TT&TT"),
    ("báo cáo UBND tỉnh kết quả thực hiện", "UBND tỉnh", (), "báo cáo UBND tỉnh"),
    ("hằng quý báo cáo kết quả số hóa về UBND tỉnh (qua Sở TT&TT).", "UBND tỉnh", ("Sở TT&TT",),
     "báo cáo kết quả số hóa về UBND tỉnh (qua Sở TT&TT)"),
    ("gửi kết quả kèm tài liệu kiểm chứng về Sở Thông tin và Truyền thông trước ngày 15/9",
     "Sở Thông tin và Truyền thông", (),
     "gửi kết quả kèm tài liệu kiểm chứng về Sở Thông tin và Truyền thông"),
    ("BÁO CÁO UBND TỈNH (QUA SỞ TT&TT)", "UBND TỈNH", ("SỞ TT&TT",),
     "BÁO CÁO UBND TỈNH (QUA SỞ TT&TT)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "to", "via", "phrase"), REPORTS)
def test_report_duties(text: str, to: str, via: tuple[str, ...], phrase: str) -> None:
    assert report_duty(text) == ReportDuty(to, via, phrase)


@pytest.mark.parametrize("text", [
    "theo Báo cáo số 77/BC-SKHCN của Sở KH&CN",
    "Sau khi nghe Sở TT&TT báo cáo kết quả",
    "báo cáo kết quả thực hiện",
    "",
])  # fmt: skip
def test_no_report_duty(text: str) -> None:
    assert report_duty(text) is None


# -- task groups -------------------------------------------------------------------------------

GROUP_CASES = [
    ("Bảo đảm an toàn thông tin, an ninh mạng cho hệ thống", "an-toan-thong-tin"),
    ("Xây dựng cơ sở dữ liệu đất đai", "du-lieu-so"),
    ("Phát triển hạ tầng mạng 4G/5G, cáp quang đến thôn, xóm", "ha-tang-so"),
    ("Nâng tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình", "chinh-phu-so"),
    ("Xây dựng chính quyền số", "chinh-phu-so"),
    ("Đẩy mạnh thanh toán không dùng tiền mặt", "kinh-te-so"),
    ("Hỗ trợ doanh nghiệp lên sàn thương mại điện tử", "kinh-te-so"),
    ("Tổ chức tập huấn kỹ năng số cho Tổ công nghệ", "nhan-luc-so"),
    ("Phát triển nguồn nhân lực chuyển đổi số", "nhan-luc-so"),
    ("Đẩy mạnh tuyên truyền nâng cao nhận thức về chuyển đổi số", "nhan-thuc-so"),
    ("Ban hành văn bản quy phạm pháp luật về cơ chế, chính sách", "the-che-so"),
    ("Xây dựng quy chế làm việc", "the-che-so"),
    ("Triển khai nền tảng số dùng chung (LGSP)", "nen-tang-so"),
    ("Phát triển xã hội số, công dân số", "xa-hoi-so"),
    ("Sở Kế hoạch và Đầu tư bố trí vốn", None),
    ("Họp giao ban định kỳ", None),
    ("Xây dựng kế hoạch thu hút doanh nghiệp", None),
    ("", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "group"), GROUP_CASES)
def test_task_groups(text: str, group: str | None) -> None:
    assert group is None or group in GROUPS
    assert group_of(text) == group
