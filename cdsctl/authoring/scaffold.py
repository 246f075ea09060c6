"""A new records repository (`cdsctl init`): the files a steering committee starts from.

:func:`init` writes, into a folder that is empty (or, with `force`, only what is missing):
`agencies.yaml` with the usual agencies of a provincial steering committee in the structure
in force since the 2025 reorganisation (built from :data:`AGENCIES`, with the province's name
in each agency's name), the kind folders (`directives/`, `tasks/`, … each with a `.gitkeep`),
a `README.md` for the secretaries, `templates/README.md` (how to override a default
template), the checks of docs/ci.md (`.pre-commit-config.yaml`, a GitHub Actions workflow),
`.gitattributes` and `.editorconfig` (UTF-8, LF), `cdsctl.toml` (`lang = "vi"`), and runs
`git init` when the folder is not inside a git work tree yet.  The result validates with no
diagnostic.  Every file is UTF-8, NFC, LF, and appears whole or not at all (a finished
temporary file linked to its name, which must not exist): a file that exists is never
overwritten.  Nothing prints: :class:`Scaffolded` says what was done.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..diagnostics import CdsError
from ..i18n import _
from ..text import fold
from .emit import DEFAULT_STYLE, item_lines, verify
from .land import new_file

#: what became of `git init`: done; not needed (already in a work tree); not asked for;
#: git is not installed; git failed (its message is in :attr:`Scaffolded.notes`)
GitOutcome = Literal["created", "inside-work-tree", "not-asked", "no-git", "failed"]

KIND_FOLDERS = ("directives", "tasks", "reports", "meetings", "indicators")
WORKFLOW = ".github/workflows/records.yml"


@dataclass(frozen=True, slots=True)
class Scaffolded:
    """What :func:`init` did: the files it created and those it kept because they existed
    (paths relative to `root`, with `/`), what became of `git init`, and notes for the user
    (translated sentences: what to finish by hand)."""

    root: Path
    created: list[str]
    kept: list[str]
    git: GitOutcome
    notes: list[str] = field(default_factory=list)

    @property
    def git_created(self) -> bool:
        return self.git == "created"


# -- the agencies -------------------------------------------------------------------------------

#: one agency: id, name, short name, parent id, aliases (texts with placeholders, see below)
_Row = tuple[str, str, str, str | None, tuple[str, ...]]

#: The agencies of a provincial steering committee after the 2025 reorganisation (Sở TT&TT
#: into Sở KH&CN, Sở KH&ĐT into Sở Tài chính, Sở TN&MT and Sở NN&PTNT into Sở Nông nghiệp
#: và Môi trường, Sở GTVT into Sở Xây dựng, Sở LĐ-TB&XH into Sở Nội vụ, Sở Dân tộc và Tôn
#: giáo new), in groups: (group heading, [(id, name, short, parent, aliases)]).  The ids are
#: the initials the administration writes (`SKHCN`, `SGDDT`).  In the texts `{level}` is
#: `tỉnh` (or `thành phố`), `{unit}` the level with the province's name, `{of}` that unit
#: after a space (nothing without a province), `{party}` `Tỉnh ủy` (or `Thành ủy`) and
#: `{place}` the province's name after a space.  The committee itself is set up by the
#: provincial Party standing committee and chaired by its secretary (Nghị quyết 57-NQ/TW).
AGENCIES: tuple[tuple[str, tuple[_Row, ...]], ...] = (
    ("Cấp ủy, chính quyền và Ban Chỉ đạo", (
        ("TU", "{party}{place}", "{party}", None, ()),
        ("UBND", "Ủy ban nhân dân {unit}", "UBND {level}", None, ("UBND {unit}",)),
        ("BCD", "Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
                "đổi số {unit}", "BCĐ KHCN, ĐMST và CĐS {level}", "TU",
         ("BCĐ phát triển KH, CN, ĐMST và CĐS {level}",)),
    )),
    ("Cơ quan, đơn vị thuộc UBND {level}", (
        ("VPUBND", "Văn phòng Ủy ban nhân dân {unit}", "Văn phòng UBND {level}", "UBND",
         ("VP UBND {level}",)),
        ("SNV", "Sở Nội vụ{of}", "Sở Nội vụ", "UBND", ()),
        ("STP", "Sở Tư pháp{of}", "Sở Tư pháp", "UBND", ()),
        ("STC", "Sở Tài chính{of}", "Sở Tài chính", "UBND", ()),
        ("SCT", "Sở Công Thương{of}", "Sở Công Thương", "UBND", ()),
        ("SNNMT", "Sở Nông nghiệp và Môi trường{of}", "Sở NN&MT", "UBND", ("Sở NNMT",)),
        ("SXD", "Sở Xây dựng{of}", "Sở Xây dựng", "UBND", ()),
        ("SKHCN", "Sở Khoa học và Công nghệ{of}", "Sở KH&CN", "UBND", ("Sở KHCN",)),
        ("SGDDT", "Sở Giáo dục và Đào tạo{of}", "Sở GD&ĐT", "UBND", ("Sở GDĐT",)),
        ("SYT", "Sở Y tế{of}", "Sở Y tế", "UBND", ()),
        ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch{of}", "Sở VHTT&DL", "UBND",
         ("Sở VHTTDL",)),
        ("SDTTG", "Sở Dân tộc và Tôn giáo{of}", "Sở DT&TG", "UBND", ("Sở DTTG",)),
        ("TTT", "Thanh tra {unit}", "Thanh tra {level}", "UBND", ()),
        ("TTPVHCC", "Trung tâm Phục vụ hành chính công {unit}", "Trung tâm PVHCC {level}",
         "UBND", ()),
    )),
    ("Lực lượng vũ trang", (
        ("CAT", "Công an {unit}", "Công an {level}", None, ()),
        ("BCHQS", "Bộ Chỉ huy Quân sự {unit}", "Bộ CHQS {level}", None, ()),
    )),
    ("Giao chung cho nhiều cơ quan", (
        ("SBN", "Các sở, ban, ngành {unit} và Ủy ban nhân dân các xã, phường",
         "Các sở, ngành, địa phương", None, ("các sở, ban, ngành, địa phương",)),
    )),
)  # fmt: skip

#: the cities run by the centre since 1/7/2025: their bodies say `thành phố`, `Thành ủy`
_CITIES = frozenset({"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"})


@dataclass(frozen=True, slots=True)
class _Place:
    """The province (or centrally run city) the agencies' names end with."""

    name: str = ""  # "" when none was given
    city: bool = False

    def fill(self, text: str) -> str:
        level = "thành phố" if self.city else "tỉnh"
        unit = f"{level} {self.name}" if self.name else level
        return text.format(level=level, unit=unit, of=f" {unit}" if self.name else "",
                           party="Thành ủy" if self.city else "Tỉnh ủy",
                           place=f" {self.name}" if self.name else "")  # fmt: skip


def _place(province: str | None) -> _Place:
    """The province as given (`Quảng Ninh`, `tỉnh Quảng Ninh`, `TP Hà Nội`), checked."""
    if province is None:
        return _Place()
    words, city = unicodedata.normalize("NFC", province).split(), False
    if words and fold(words[0]) == "tinh":
        words = words[1:]
    elif words and fold(words[0]) in ("tp", "tp."):
        words, city = words[1:], True
    elif len(words) > 1 and fold(" ".join(words[:2])) == "thanh pho":
        words, city = words[2:], True
    if not words or any(unicodedata.category(c)[0] == "C" for c in province):
        raise CdsError(_("the province must be a name on one line, such as Quảng Ninh"))
    name = " ".join(words)
    return _Place(name, city or fold(name) in _CITIES)


def agency_list(province: str | None = None) -> list[tuple[str, list[dict[str, object]]]]:
    """The agencies :func:`init` writes, by group: each `{id, name, short, aliases?,
    parent?}` with the province's name filled in."""
    place = _place(province)
    groups = []
    for heading, rows in AGENCIES:
        agencies: list[dict[str, object]] = []
        for agency_id, name, short, parent, aliases in rows:
            entry: dict[str, object] = {"id": agency_id, "name": place.fill(name),
                                        "short": place.fill(short)}  # fmt: skip
            other = [a for a in (place.fill(a) for a in aliases) if a not in entry.values()]
            if other:
                entry["aliases"] = other
            if parent is not None:
                entry["parent"] = parent
            agencies.append(entry)
        groups.append((place.fill(heading), agencies))
    return groups


_AGENCIES_HEAD = """\
# Danh mục cơ quan, đơn vị dùng trong hồ sơ của Ban Chỉ đạo (tạo bởi `cdsctl init`).
# Danh mục theo cơ cấu tổ chức từ năm 2025; sửa cho đúng với {unit}.
# Ví dụ: nơi có Sở Văn hóa và Thể thao và Sở Du lịch riêng, hay còn Sở Ngoại vụ.
#
# Mỗi cơ quan có:
#   id        mã dùng trong hồ sơ (cơ quan chủ trì, phối hợp, báo cáo): chữ không dấu, số
#             và . _ -; không trùng nhau, kể cả khi chỉ khác chữ hoa, chữ thường.
#   name      tên đầy đủ, như trên văn bản.
#   short     tên ngắn, dùng trong bảng và văn bản xuất ra (không bắt buộc).
#   aliases   các cách viết khác hay gặp (không bắt buộc).
#   parent    mã của cơ quan cấp trên (không bắt buộc).
#
# Thêm cơ quan: chép một mục rồi đặt mã mới. Cơ quan đổi tên: sửa name và short, đưa tên
# cũ vào aliases; giữ nguyên mã, vì hồ sơ đã dùng mã đó. Cơ quan bị hợp nhất hoặc giải thể:
# đừng xóa (hồ sơ cũ còn nhắc đến), mà ghi thêm until (ngày cuối cùng còn hoạt động) và
# successor (mã cơ quan tiếp nhận nhiệm vụ), ví dụ:
#
#   - id: STTTT
#     name: Sở Thông tin và Truyền thông{of}
#     short: Sở TT&TT
#     parent: UBND
#     until: 2025-02-28    # hợp nhất vào Sở Khoa học và Công nghệ từ ngày 01/3/2025
#     successor: SKHCN
#
# Nhiệm vụ còn mở mà cơ quan chủ trì đã hết hoạt động sẽ được cảnh báo, kèm cơ quan tiếp
# nhận. Sửa xong, chạy `cdsctl validate` để kiểm tra.
kind: agencies
agencies:
"""


def agencies_text(province: str | None = None) -> str:
    """`agencies.yaml`: the comment on how to keep it, then the agencies by group; proven to
    read back as exactly those agencies."""
    place = _place(province)
    lines = [place.fill(_AGENCIES_HEAD).rstrip("\n")]
    expected: list[dict[str, object]] = []
    for heading, agencies in agency_list(province):
        lines.append(f"  # {'-' * 40} {heading}")
        for agency in agencies:
            lines += item_lines(agency, 2, DEFAULT_STYLE)
        expected += agencies
    text = "\n".join(lines) + "\n"
    verify(text, False, {"kind": "agencies", "agencies": expected},
           "cdsctl cannot write agencies.yaml for this province name")  # fmt: skip
    return text


# -- the other files ----------------------------------------------------------------------------

_README = """\
# Hồ sơ Ban Chỉ đạo KHCN, ĐMST và CĐS {unit}

Kho này lưu hồ sơ của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và
chuyển đổi số {unit}: văn bản chỉ đạo, nhiệm vụ được giao, báo cáo của các cơ quan, cuộc
họp và chỉ tiêu. Mỗi hồ sơ là một tệp văn bản (YAML hoặc Markdown). Công cụ `cdsctl` ghi,
kiểm tra và tra cứu hồ sơ, nên hằng ngày không cần sửa tệp bằng tay.

## Các thư mục

| Tệp, thư mục | Nội dung |
|---|---|
| `agencies.yaml` | danh mục cơ quan, đơn vị: mã, tên đầy đủ, tên ngắn |
| `directives/` | văn bản giao nhiệm vụ: thông báo kết luận, kế hoạch, nghị quyết, quyết định… |
| `tasks/` | nhiệm vụ: cơ quan chủ trì, phối hợp, thời hạn, gia hạn, hoàn thành |
| `reports/` | báo cáo của các cơ quan về tiến độ nhiệm vụ |
| `meetings/` | cuộc họp: thành phần, nội dung, kết luận |
| `indicators/` | chỉ tiêu (chỉ số DTI, tỷ lệ hồ sơ trực tuyến…): mục tiêu và kết quả |
| `templates/` | mẫu văn bản riêng (xem `templates/README.md`) |
| `cdsctl.toml` | thiết lập của kho: ngôn ngữ giao diện |

Mỗi tệp mang tên theo mã hồ sơ, ví dụ `tasks/2025/TB-15-2025.3.yaml`. Tệp hoặc thư mục có
tên bắt đầu bằng `_` không được đọc: để bản nháp ở đó. Các tệp `README.md` không phải hồ sơ.

## Việc hằng ngày

Chạy lệnh trong thư mục này. Ngày viết như thường lệ (`12/6/2025`, `today`); mã cơ quan
xem trong `agencies.yaml`; thay "…" bằng nội dung thật.

```sh
cdsctl validate                 # kiểm tra toàn bộ hồ sơ
cdsctl overdue                  # nhiệm vụ quá hạn
# nhập một văn bản, rồi các nhiệm vụ nó giao
cdsctl new directive --number 15/TB-UBND --issued 12/5/2025 --issuer UBND --title "…"
cdsctl new task --directive TB-15-2025 --title "…" --lead SKHCN --due 30/6/2025
# báo cáo của cơ quan chủ trì, gia hạn, hoàn thành
cdsctl report TB-15-2025.1 --status done --date 12/6/2025
cdsctl extend TB-15-2025.1 --to 30/9/2025 --by 215/TB-UBND --reason "…"
cdsctl done TB-15-2025.1 --date 15/6/2025
# xuất thông báo kết luận ra tệp Word
cdsctl render notice TB-15-2025 --format docx -o thong-bao.docx
```

Gõ `cdsctl new task` (hay `new directive`, `new report`…) mà không kèm tùy chọn thì cdsctl
hỏi lần lượt từng mục. Lệnh ghi hồ sơ kiểm tra toàn bộ hồ sơ trước khi ghi và từ chối
thay đổi gây lỗi. Thêm `--commit` để lưu thay đổi vào git. `cdsctl LỆNH --help` liệt kê mọi
tùy chọn.

## Kiểm tra tự động

- Trước mỗi lần commit: cài [pre-commit](https://pre-commit.com), rồi chạy
  `pre-commit install` một lần trong thư mục này (`.pre-commit-config.yaml`).
- Trên GitHub: `.github/workflows/records.yml` chạy `cdsctl validate` mỗi lần push và mỗi
  pull request.
"""

_TEMPLATES_README = """\
# Mẫu văn bản riêng

`cdsctl render` xuất văn bản theo các mẫu có sẵn: `minutes` (biên bản cuộc họp), `notice`
(thông báo kết luận), `progress` (báo cáo tiến độ), `overdue-digest` (nhiệm vụ quá hạn và sắp
đến hạn), `summary` (tổng hợp).

Để sửa một mẫu, chép tệp mẫu mặc định vào thư mục này, giữ nguyên tên tệp, rồi sửa bản
chép: từ đó cdsctl dùng bản ở đây thay cho bản mặc định. Tên tệp theo định dạng xuất ra:

| Định dạng | Tệp (ví dụ biên bản) |
|---|---|
| Markdown (`--format md`) | `minutes.md.j2` |
| HTML (`--format html`) | `minutes.html.j2` |
| Word (`--format docx`) | `minutes.docx` |

Các mẫu mặc định nằm trong thư mục `templates/` của mã nguồn cdsctl (bản đã cài:
`cdsctl/templates/`). Tệp có tên bắt đầu bằng `_` là phần dùng chung mà các mẫu khác
`{% include %}` hoặc `{% extends %}`; cdsctl cũng tìm chúng ở đây trước. Mẫu viết bằng
Jinja2; các biến dùng được xem trong `docs/templates.md` của cdsctl.

Chỉ để tệp `.j2` và `.docx` ở đây: tệp `.yaml`, `.yml` hay `.md` khác (trừ `README.md`)
sẽ bị đọc như một hồ sơ.
"""

_CDSCTL_TOML = """\
# Thiết lập của kho hồ sơ; cdsctl đọc tệp này khi chạy với kho này.

# Ngôn ngữ của thông báo và bảng: "vi" (tiếng Việt) hoặc "en" (tiếng Anh).
# Tùy chọn --lang và biến môi trường CDSCTL_LANG được ưu tiên hơn.
lang = "vi"
"""

_PROVINCE_TOML = """
# Tỉnh của Ban Chỉ đạo: cdsctl export ghi tên này vào cột province (docs/export.md).
province = {province}
"""

#: docs/ci.md, "pre-commit": exactly
_PRE_COMMIT = """\
repos:
  - repo: local
    hooks:
      - id: cdsctl-validate
        name: cdsctl validate
        entry: cdsctl validate
        language: system
        always_run: true
        pass_filenames: false
        require_serial: true
"""

#: docs/ci.md, "GitHub Actions", its comments in Vietnamese; the install line is the docs'
#: placeholder unless :func:`_install_line` knows where this cdsctl came from
_PLACEHOLDER = 'pip install "git+https://git.example.invalid/cdsctl.git@main"'
_REPLACE = "Thay địa chỉ bằng kho cdsctl của đơn vị, và main bằng mã commit để cố định phiên bản."
_PINNED = "cdsctl từ kho và commit đã cài trên máy chạy `cdsctl init`; đổi mã commit để nâng cấp."
_WORKFLOW = """\
# Kiểm tra hồ sơ bằng cdsctl validate: mỗi pull request (chỉ phần thay đổi, có chú thích
# trên từng tệp) và mỗi lần push lên bất kỳ nhánh nào (toàn bộ hồ sơ).
name: records
on:
  pull_request:
  push:
    branches: ["**"]    # mọi nhánh (không kiểm tra tag)
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0          # --changed-since cần lịch sử của nhánh gốc
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # {comment}
      - run: {install}
      - name: validate the changed records
        if: github.event_name == 'pull_request'
        run: cdsctl validate --format github --changed-since "origin/${{ github.base_ref }}"
      - name: validate every record
        if: github.event_name == 'push'
        run: cdsctl validate
"""

_GITATTRIBUTES = """\
# Tệp văn bản: UTF-8, xuống dòng kiểu LF trên mọi máy (cả Windows).
* text=auto eol=lf
# Tệp nhị phân: không bao giờ đổi.
*.docx binary
*.xlsx binary
*.pdf binary
"""

_EDITORCONFIG = """\
# Cách trình soạn thảo lưu tệp (https://editorconfig.org): UTF-8, xuống dòng LF.
root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true
trim_trailing_whitespace = true

[*.{yaml,yml}]
indent_style = space
indent_size = 2

[*.md]
trim_trailing_whitespace = false
"""

_COMMIT = re.compile(r"[0-9a-f]{40}")
#: a URL safe to commit and inside the workflow's double quotes: no user but `git@` (a user
#: name may be a token), no quote, `$`, space or `#`
_URL = re.compile(r"(?:https|ssh|git)://(?:git@)?[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9._~/-]+")


def _install_line() -> str | None:
    """`pip install "git+URL@COMMIT"` when pip installed this cdsctl from a git repository
    (its PEP 610 `direct_url.json`): the URL docs/ci.md asks for, pinned to the commit."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return install_from(distribution("cdsctl").read_text("direct_url.json"))
    except PackageNotFoundError:
        return None


def install_from(direct_url: str | None) -> str | None:
    """The install line a `direct_url.json` text gives, or None (not a git URL, not safe)."""
    try:
        data = json.loads(direct_url or "null")
    except ValueError:
        return None
    vcs = data.get("vcs_info") if isinstance(data, dict) else None
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or "subdirectory" in data:
        return None
    url, commit = data.get("url"), vcs.get("commit_id")
    if not (isinstance(url, str) and _URL.fullmatch(url)):
        return None
    if not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        return None
    return f'pip install "git+{url}@{commit}"'


def _texts(province: str | None, install: str | None) -> dict[str, str]:
    """Every file :func:`init` writes, in order: relative path → text."""
    place = _place(province)
    toml = _CDSCTL_TOML
    if place.name:
        toml += _PROVINCE_TOML.format(province=json.dumps(place.name, ensure_ascii=False))
    return {
        "agencies.yaml": agencies_text(province),
        "README.md": place.fill(_README),
        **{f"{folder}/.gitkeep": "" for folder in KIND_FOLDERS},
        "templates/README.md": _TEMPLATES_README,
        "cdsctl.toml": toml,
        ".gitattributes": _GITATTRIBUTES,
        ".editorconfig": _EDITORCONFIG,
        ".pre-commit-config.yaml": _PRE_COMMIT,
        WORKFLOW: _workflow(install),
    }


def _workflow(install: str | None) -> str:
    """The GitHub Actions workflow, installing cdsctl with `install` (else the docs' line)."""
    comment = _REPLACE if install is None else _PINNED
    return _WORKFLOW.replace("{comment}", comment).replace("{install}", install or _PLACEHOLDER)


# -- writing ------------------------------------------------------------------------------------


def init(target: Path, *, province: str | None = None, force: bool = False,
         git: bool = True) -> Scaffolded:  # fmt: skip
    """Start a records repository in `target` (made if missing, with its parents).

    A folder holding anything but `.git` is refused unless `force`; then only the missing
    files are written and every file that exists is kept.  `git`: `git init` the folder
    unless it is inside a git work tree already.  Problems are :class:`CdsError`.
    """
    root = Path(os.path.abspath(target))
    install = _install_line()
    texts = _texts(province, install)  # (a bad province: before any write)
    _check_target(root, force)
    created: list[str] = []
    kept: list[str] = []
    for relpath, text in texts.items():
        made = _write_new(root / relpath, _encoded(text))
        (created if made else kept).append(relpath)
    notes: list[str] = []
    if install is None and WORKFLOW in created:
        notes.append(_("put the URL of your cdsctl repository in the pip install line of "
                       "{file}").format(file=WORKFLOW))  # fmt: skip
    outcome, message = _git_outcome(root) if git else ("not-asked", None)
    if message:
        notes.append(message)
    return Scaffolded(root, created, kept, outcome, notes)


def _encoded(text: str) -> bytes:
    """UTF-8 bytes of `text` in NFC with LF line ends."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).encode("utf-8")


def _check_target(root: Path, force: bool) -> None:
    """Make the folder; refuse one that holds anything but `.git`, unless `force`."""
    try:
        if root.exists() and not root.is_dir():
            raise CdsError(_("{folder} is not a folder").format(folder=root))
        if not force and root.is_dir() and any(n != ".git" for n in os.listdir(root)):
            raise CdsError(_("{folder} is not empty; add --force to add the missing files "
                             "(none is overwritten)").format(folder=root))  # fmt: skip
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(root, exc) from None


def _cannot_write(path: Path, exc: OSError) -> CdsError:
    return CdsError(_("cannot write {file}: {reason}").format(
        file=path, reason=exc.strerror or exc))  # fmt: skip


def _write_new(path: Path, data: bytes) -> bool:
    """Write `path` whole unless a file, folder or link of that name exists: then leave it
    and return False (cdsctl.authoring.land.new_file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return new_file(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


# -- git ----------------------------------------------------------------------------------------


def _git_outcome(root: Path) -> tuple[GitOutcome, str | None]:
    """`git init` the root unless it is inside a work tree: what happened, and a note."""
    from ..gitstore import init_repository, inside_work_tree

    inside = inside_work_tree(root)
    if inside is None:
        return "no-git", _("git is not installed, so no git repository was made; install git, "
                           "then run git init in {folder}").format(folder=root)  # fmt: skip
    if inside:
        return "inside-work-tree", None
    failure = init_repository(root)
    if failure is not None:
        return "failed", _("git init failed: {reason}").format(reason=failure)
    return "created", None
