"""Unknown field names: which real field a near miss or a synonym stands for (spec 1.1 §2).

An unknown field is a warning, except when its name is close to a field of the same mapping:
then the value it holds is lost where it matters (a task whose `due` is written `deadline`
silently drops out of `overdue`), and it is an error naming the field meant.  A name is close
when, compared without case, diacritics, `_`, `-`, spaces and dots (:func:`squash`),

- it is the field's name (`Due`, `report-to`, `reportTo`, `dué`);
- it is a synonym of the field in :data:`SYNONYMS` (`deadline`, `hạn`, `chu_tri`);
- it is a few edits away from the field's name (:func:`edits`, :func:`allowed_edits`):
  one letter left out, added, changed, or two swapped (`deu`, `dedline`, `supprot`);
- or it names something that belongs elsewhere (:data:`ELSEWHERE`: a task's `status`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from ..i18n import N_, Msg
from ..text import fold

#: Other names people write for a field, in English and Vietnamese, separated by spaces.
#: They are compared squashed, so `han_chot` stands for `hạn chót`, `HanChot` and `hạn-chót`
#: too.  One table for every kind: a name listed under several fields means the first of
#: them the mapping has (`ten` is an agency's or a person's `name`, a task's `title`;
#: `chu_tri` is a task's `lead`, a meeting's `chair`; `ngay` a directive's `issued`, a
#: report's `date`).
SYNONYMS: dict[str, str] = {
    # every record
    "id": "ma ma_so identifier",
    "visibility": "pham_vi cong_khai noi_bo public internal private mat",
    # agencies
    "agencies": "co_quan danh_sach_co_quan don_vi",
    "name": "ten ten_day_du full_name ho_ten họ_và_tên",
    "short": "ten_viet_tat viet_tat ten_ngan short_name abbreviation abbr",
    "aliases": "ten_khac also_known_as aka",
    "parent": "cap_tren co_quan_cap_tren truc_thuoc nhiem_vu_cha parent_id",
    "successor": "ke_thua co_quan_ke_thua merged_into replaced_by",
    # directives
    "type": "loai loai_van_ban doc_type document_type the_loai",
    "number": "so so_hieu so_ky_hieu ky_hieu so_van_ban",
    "issuer": "co_quan_ban_hanh noi_ban_hanh ban_hanh issued_by",
    "issued": "ngay_ban_hanh ngay_ky issue_date date_issued ngay",
    "title": "tieu_de ten trich_yeu subject chuc_vu chuc_danh",
    "signer": "nguoi_ky signed_by",
    "meeting": "cuoc_hop phien_hop hoi_nghi",
    "references": "can_cu tham_chieu refs ref",
    "body": "noi_dung content text",
    # tasks
    "directive": "van_ban van_ban_chi_dao chi_dao document",
    "item": "muc khoan diem so_muc",
    "description": "mo_ta chi_tiet desc",
    "lead": "chu_tri don_vi_chu_tri co_quan_chu_tri owner assignee responsible",
    "support": "phoi_hop don_vi_phoi_hop co_quan_phoi_hop supporting",
    "report_to": "bao_cao_ve bao_cao_cho gui_bao_cao",
    "via": "qua thong_qua",
    "group": "nhom linh_vuc category",
    "tags": "the nhan tu_khoa keywords labels",
    "indicators": "chi_tieu chi_so kpi kpis",
    "due": "deadline han han_chot due_date thoi_han han_hoan_thanh ngay_het_han expires",
    "every": "dinh_ky chu_ky lap_lai recurring recurrence repeat frequency tan_suat period",
    "due_day": "ngay_han han_ngay",
    "due_month": "thang_han han_thang",
    "start": "bat_dau tu_ngay start_date begin gio_bat_dau",
    "end": "ket_thuc end_date gio_ket_thuc den_ngay",
    "until": "den_ngay ngay_giai_the end_date dissolved",
    "extensions": "gia_han keo_dai",
    "completed": "hoan_thanh ngay_hoan_thanh done completed_at completion finished closed",
    "cancelled": "huy da_huy bai_bo cancel",
    # reports
    "agency": "co_quan don_vi don_vi_bao_cao",
    "date": "ngay ngay_bao_cao ngay_hop ngay_cong_bo ngay_do published measured",
    "period": "ky ky_bao_cao thoi_ky",
    "tasks": "nhiem_vu cong_viec items",
    "task": "nhiem_vu cong_viec",
    "status": "trang_thai tinh_trang state",
    "progress": "tien_do phan_tram percent",
    "note": "ghi_chu notes comment nhan_xet",
    # meetings
    "place": "dia_diem location venue",
    "mode": "hinh_thuc",
    "sites": "diem_cau",
    "chair": "chu_tri chu_toa chairman chairperson",
    "secretary": "thu_ky",
    "attendees": "thanh_phan du_hop tham_du participants",
    "agenda": "chuong_trinh nghi_su",
    "discussion": "thao_luan y_kien",
    "conclusions": "ket_luan",
    "speaker": "nguoi_phat_bieu phat_bieu dien_gia",
    "summary": "tom_tat noi_dung",
    # indicators
    "unit": "don_vi_tinh dvt",
    "better": "tot_hon chieu direction",
    "targets": "muc_tieu chi_tieu ke_hoach",
    "actuals": "thuc_te ket_qua results thuc_hien",
    "value": "gia_tri so_lieu",
    "source": "nguon nguon_so_lieu",
    # extensions, cancellations, `{working_days: N}`, the calendar
    "granted": "ngay_gia_han ngay_cho_phep approved",
    "by": "theo boi",
    "reason": "ly_do",
    "working_days": "ngay_lam_viec workdays business_days",
    "days_off": "ngay_nghi holidays",
}

#: Names that belong to another kind of record, by the mapping they turn up in: what to do.
_CLOSED_BY = N_(
    "a task's status and progress come from its reports: it is closed by a report "
    "(status: done) or by completed: DATE"
)
_TASK_STATUS = "status trang_thai tinh_trang state progress tien_do"
ELSEWHERE: dict[str, dict[str, str]] = {"task": dict.fromkeys(_TASK_STATUS.split(), _CLOSED_BY)}


def squash(name: str) -> str:
    """`name` compared loosely: lower case, no diacritics (đ → d), no `_`, `-`, spaces, dots."""
    return "".join(c for c in fold(name) if c not in "_-. ")


@functools.cache
def _means() -> dict[str, tuple[str, ...]]:
    """Squashed synonym → the fields it may mean, in table order (built when first needed:
    most runs meet no unknown field, and squashing the table takes milliseconds)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, others in SYNONYMS.items():
        for loose in {squash(other) for other in others.split()}:
            out[loose] = (*out.get(loose, ()), name)
    return out


@functools.cache
def _elsewhere(struct: str) -> dict[str, str]:
    return {squash(k): v for k, v in ELSEWHERE.get(struct, {}).items()}


def allowed_edits(name: str) -> int:
    """How many edits still make a near miss of the (squashed) field name `name`."""
    return 1 if len(name) <= 6 else 2


def edits(a: str, b: str) -> int:
    """The fewest edits that turn `a` into `b`: a letter inserted, deleted or changed, or two
    neighbours swapped (Damerau-Levenshtein, by Lowrance and Wagner's method: a swap and
    an edit between the swapped letters, `visibility` → `iavsibility`, are two edits)."""
    far = len(a) + len(b)
    d = [[far] * (len(b) + 2), [far, *range(len(b) + 1)]]
    d += [[far, i] + [0] * len(b) for i in range(1, len(a) + 1)]
    last_row: dict[str, int] = {}  # the last row holding each letter of `a`
    for i in range(1, len(a) + 1):
        last_column = 0  # the last column in this row where the letters were equal
        for j in range(1, len(b) + 1):
            k, m, same = last_row.get(b[j - 1], 0), last_column, a[i - 1] == b[j - 1]
            last_column = j if same else last_column
            d[i + 1][j + 1] = min(d[i][j] + (not same), d[i + 1][j] + 1, d[i][j + 1] + 1,
                                  d[k][m] + (i - k - 1) + 1 + (j - m - 1))  # fmt: skip
        last_row[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


def _nearest(key: str, fields: Iterable[str]) -> str | None:
    """The field `key` is the fewest edits from, within what :func:`allowed_edits` allows."""
    best: tuple[int, str] | None = None
    for name in fields:
        target = squash(name)
        if abs(len(target) - len(key)) > allowed_edits(target):
            continue  # (also keeps a long key from costing a long computation)
        distance = edits(key, target)
        if distance <= allowed_edits(target) and (best is None or distance < best[0]):
            best = (distance, name)
    return None if best is None else best[1]


class Meant(NamedTuple):
    """What an unknown field name stands for."""

    field: str | None  # the field meant; None when the name belongs to another kind
    words: str  # for the message: `did you mean 'due'?`


def meant(key: str, fields: Iterable[str], struct: str) -> Meant | None:
    """What an unknown `key` of a mapping `struct` (holding `fields`) stands for, or None
    when it is near no field."""
    loose, names = squash(key), tuple(fields)
    hint = _elsewhere(struct).get(loose)
    if hint is not None:
        return Meant(None, Msg(hint))
    same = [name for name in names if squash(name) == loose]
    synonym = [name for name in _means().get(loose, ()) if name in names]
    found = (same + synonym)[0] if same or synonym else _nearest(loose, names)
    return None if found is None else Meant(found, Msg("did you mean '{field}'?", field=found))
