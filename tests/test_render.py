"""`cdsctl render`'s machinery: which template a name means, the sandbox, strict names,
escaping, safe writing, the Vietnamese filters (by generated cases against oracles written
here), and docs/templates.md agreeing with the code.

The default templates' output is held by golden files in tests/test_render_templates.py.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.sandbox import SandboxedEnvironment
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.dates.iso import period_span
from cdsctl.render import filters as F
from cdsctl.render.context import VARIABLES
from cdsctl.render.engine import environment
from cdsctl.render.lookup import default_folder, search_path

from .conftest import REPO, SAMPLE, build_tree

DOCS = REPO / "docs" / "templates.md"


def render(*args: str, records: Path = SAMPLE) -> tuple[int, str, str]:
    """Exit code, standard output, standard error of `cdsctl render ARGS --records ROOT`."""
    result = CliRunner().invoke(app, ["render", *args, "--records", str(records)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def template_root(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the sample records with `files` added (paths relative to the root)."""
    import shutil

    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    return build_tree(root, files)


# -- the sandbox, strict names, escaping -------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ as_of.__class__ }}",
    "{{ agencies.__init__.__globals__ }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ cycler.__init__.__globals__.os }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_cannot_reach_python(tmp_path: Path, source: str) -> None:
    root = template_root(tmp_path, {"templates/evil.md.j2": source})
    code, out, err = render("evil", "--as-of", "2022-06-30", records=root)
    assert code == 2 and out == ""
    assert err.startswith("cdsctl: template evil.md.j2") and "Traceback" not in err
    assert "unsafe" in err or "undefined" in err


def test_an_undefined_name_is_an_error_naming_the_template_and_line(tmp_path: Path) -> None:
    source = "Số: {{ directive.number }}\n\nHạn: {{ directive.deadline_that_is_not_there }}\n"
    root = template_root(tmp_path, {"templates/t.md.j2": source})
    code, out, err = render("t", "TB-128-2022", records=root)
    assert code == 2 and out == ""
    assert "template t.md.j2, line 3:" in err and "deadline_that_is_not_there" in err


def test_a_syntax_error_is_one_line(tmp_path: Path) -> None:
    root = template_root(tmp_path, {"templates/t.md.j2": "ok\n{% for x in %}\n"})
    code, _, err = render("t", records=root)
    assert code == 2 and "template t.md.j2, line 2:" in err and err.count("\n") == 1


def test_html_escapes_what_records_say(tmp_path: Path) -> None:
    """A task title holding markup prints as text in HTML (and as written in Markdown)."""
    title = 'Rà soát <script>alert("x")</script> & <b>báo cáo</b>'
    task = _a_task_with_title(title)
    root = template_root(tmp_path, {"tasks/2022/TB-128-2022.99.yaml": task,
                                    "templates/t.html.j2": "{% for t in tasks %}{{ t.title }}\n"
                                    "{% endfor %}",
                                    "templates/t.md.j2": "{% for t in tasks %}{{ t.title }}\n"
                                    "{% endfor %}"})  # fmt: skip
    code, html, err = render("t", "TB-128-2022", "--format", "html", records=root)
    assert code == 0, err
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&amp; &lt;b&gt;báo cáo&lt;/b&gt;" in html
    code, md, _ = render("t", "TB-128-2022", records=root)
    assert code == 0 and title in md


def _a_task_with_title(title: str) -> str:
    return (
        "kind: task\nid: TB-128-2022.99\ndirective: TB-128-2022\nitem: '99'\n"
        f"title: '{title}'\nlead: ND-STTTT\ndue: 2022-12-31\n"
    )


# -- which template a name means ---------------------------------------------------------------


def test_a_repository_template_overrides_the_default_of_the_same_name(tmp_path: Path) -> None:
    root = template_root(tmp_path, {"templates/summary.md.j2": "Tóm tắt riêng {{ as_of }}\n"})
    code, out, _ = render("summary", "--as-of", "2023-06-30", records=root)
    assert (code, out) == (0, "Tóm tắt riêng 2023-06-30\n")


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--templates, then $CDSCTL_TEMPLATES, then templates/ in and beside the root, then the
    defaults: each level hides the ones after it."""
    root = template_root(tmp_path, {"templates/x.md.j2": "in the root\n"})
    beside = build_tree(tmp_path / "templates", {"x.md.j2": "beside\n", "y.md.j2": "beside y\n"})
    given = build_tree(tmp_path / "given", {"x.md.j2": "given\n"})
    env_dir = build_tree(tmp_path / "env", {"x.md.j2": "from the environment\n"})
    assert render("x", records=root)[1] == "in the root\n"
    assert render("y", records=root)[1] == "beside y\n"
    monkeypatch.setenv("CDSCTL_TEMPLATES", str(env_dir))
    assert render("x", records=root)[1] == "from the environment\n"
    assert render("x", "--templates", str(given), records=root)[1] == "given\n"
    assert search_path(root, given)[-1] == default_folder().resolve()
    assert beside.is_dir()


def test_an_unknown_template_lists_the_known_ones() -> None:
    code, _, err = render("minuets", "ND-HOP-2022-05-10")
    assert code == 2 and "no template 'minuets'" in err and "minutes" in err


def test_minutes_named_by_the_notice_that_records_the_meeting() -> None:
    """`minutes DIRECTIVE` is the minutes of the meeting the directive concludes."""
    by_notice = render("minutes", "TB-128-2022", "--as-of", "2022-06-30")
    assert by_notice == render("minutes", "ND-HOP-2022-05-10", "--as-of", "2022-06-30")
    assert by_notice[0] == 0


def test_a_template_given_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.html.j2"
    path.write_text("<p>{{ meeting.title }}</p>\n", encoding="utf-8")
    code, out, _ = render(str(path), "ND-HOP-2022-05-10")
    assert code == 0 and out.startswith("<p>Cuộc họp Ban Chỉ đạo chuyển đổi số tỉnh Nam Định")


@pytest.mark.parametrize(("args", "says"), [
    (["minutes"], "give its id"),
    (["minutes", "TB-128-2022.1"], "'TB-128-2022.1' is a task; this template shows a meeting"),
    (["minutes", "NO-SUCH-ID"], "no record has the id 'NO-SUCH-ID'"),
    (["progress", "--period", "2023-13"], "--period '2023-13'"),
    (["progress", "--period", "0000"], "--period '0000'"),
    (["minutes", "ND-HOP-2022-05-10", "--format", "docx"], "give its name with -o FILE"),
])  # fmt: skip
def test_wrong_arguments_are_one_clear_line(args: list[str], says: str) -> None:
    code, out, err = render(*args)
    assert code == 2 and out == "" and says in err and err.count("\n") == 1


# -- writing the output ------------------------------------------------------------------------


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "bien-ban.md"
    out.write_text("what the secretary wrote\n", encoding="utf-8")
    code, _, err = render("minutes", "ND-HOP-2022-05-10", "-o", str(out))
    assert code == 2 and "--force" in err
    assert out.read_text(encoding="utf-8") == "what the secretary wrote\n"
    code, _, _ = render("minutes", "ND-HOP-2022-05-10", "-o", str(out), "--force")
    assert code == 0 and "BIÊN BẢN" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["bien-ban.md"]  # no temporary file left


def test_a_failed_rendering_writes_nothing(tmp_path: Path) -> None:
    root = template_root(tmp_path, {"templates/t.md.j2": "{{ nothing_here }}"})
    out = tmp_path / "out.md"
    code, _, _ = render("t", "-o", str(out), records=root)
    assert code == 2 and not out.exists()


# -- filters -----------------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(DATES)
def test_date_forms(day: date) -> None:
    iso = day.isoformat()
    assert F.vn_date(iso) == f"ngày {day.day} tháng {day.month} năm {day.year}"
    assert F.short_date(iso) == f"{day.day}/{day.month}/{day.year}"
    line = F.vn_date_line(iso)
    d, m, y = re.fullmatch(r"ngày (\d+) tháng (\d+) năm (\d{4})", line).groups()  # type: ignore[union-attr]
    assert (int(d), int(m), int(y)) == (day.day, day.month, day.year)
    assert d == f"{day.day:02d}"  # Nghị định 30: days below 10 with a leading zero,
    assert m == (f"{day.month:02d}" if day.month <= 2 else str(day.month))  # months 1, 2 too
    assert F.place_date(day, "Nam Định") == f"Nam Định, {line}"


@given(st.integers(-(10**12), 10**12) | st.floats(-1e12, 1e12, allow_nan=False), st.integers(0, 3))
def test_vietnamese_numbers(value: float, digits: int) -> None:
    """Oracle: the English form with its separators swapped, trailing zeros dropped."""
    text = F.vn_number(value, digits)
    plain = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    whole, _, fraction = plain.partition(".")
    sign, whole = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(whole):,}".replace(",", ".")
    want = sign + grouped + ("," + fraction if fraction else "")
    assert text == want


def test_vietnamese_numbers_examples() -> None:
    assert [F.vn_number(52.14), F.vn_percent(52.1), F.vn_number(1234), F.vn_number(4.0)] == [
        "52,1", "52,1%", "1.234", "4"]  # fmt: skip
    assert F.vn_percent(None) == "—"


@given(st.integers(1, 9999), st.sampled_from(["", "Q1", "Q2", "Q3", "Q4", "H1", "H2",
                                              *(f"{m:02d}" for m in range(1, 13))]))  # fmt: skip
def test_period_names_and_bounds(year: int, part: str) -> None:
    code = f"{year:04d}" + (f"-{part}" if part else "")
    name = F.period_name(code)
    _, first, last = period_span(code)  # type: ignore[misc]
    assert name.endswith(f"năm {year:04d}")
    if part.startswith("Q"):
        assert name.startswith("quý ") and (first.month, last.month) == (
            3 * int(part[1]) - 2, 3 * int(part[1]))  # fmt: skip
    elif part.startswith("H"):
        assert name.startswith("6 tháng") and first.month == (1 if part == "H1" else 7)
    elif part:
        assert name == f"tháng {int(part)} năm {year:04d}" and first.month == last.month
    else:
        assert (first, last) == (date(year, 1, 1), date(year, 12, 31))
    assert first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]


@pytest.mark.parametrize(("name", "value"), [
    ("vn_date", "20/5/2022"), ("short_date", 7), ("vn_time", "2pm"), ("vn_number", "12"),
    ("period_name", "2023-Q5"), ("state_name", "late"),
])  # fmt: skip
def test_a_value_a_filter_cannot_read_is_an_error_naming_it(name: str, value: object) -> None:
    with pytest.raises(F.FilterError, match=name):
        F.FILTERS[name](value)


# -- the documentation holds the code ----------------------------------------------------------


def _docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_every_variable_is_documented_and_no_other() -> None:
    section = _docs().split("## Variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^### `(\w+)`", section, re.M))
    assert documented == set(VARIABLES)


def test_every_filter_is_documented_and_its_example_is_what_it_gives() -> None:
    env = environment([], "md", {"ND-STTTT": {"id": "ND-STTTT",
                                              "name": "Sở Thông tin và Truyền thông tỉnh Nam Định",
                                              "short": "Sở TT&TT"}})  # fmt: skip
    section = _docs().split("## Filters", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| `(.+?)` \| `(.*?)` \|$", section, re.M)
    ours = set(F.FILTERS) | {"agency_name", "agency_short"}
    assert {name for name, _, _ in rows} == ours
    for name, example, result in rows:
        assert isinstance(env, SandboxedEnvironment)
        got = env.from_string(example.replace("\\|", "|")).render()
        assert got == result, f"docs/templates.md: {name}: {example} gives {got!r}"


def test_the_same_question_is_answered_from_the_cache_until_a_record_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second rendering with the same variables, date and record reads no record; an
    edited record is read again."""
    import os

    from cdsctl.render import context as ctx

    root = template_root(tmp_path, {"templates/t.md.j2": "{{ meeting.title }}\n"})
    calls: list[int] = []
    real = ctx.gather
    monkeypatch.setattr(ctx, "gather", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr("cdsctl.render.gather", ctx.gather)
    first = render("t", "ND-HOP-2022-05-10", records=root)
    assert render("t", "ND-HOP-2022-05-10", records=root) == first and len(calls) == 1
    meeting = root / "meetings/2022/ND-HOP-2022-05-10.yaml"
    text = meeting.read_text(encoding="utf-8").replace("title: ", "title: Sửa - ", 1)
    meeting.write_text(text, encoding="utf-8")
    os.utime(meeting, (1_600_000_000, 1_600_000_000))  # (an mtime out of the racy window)
    code, out, _ = render("t", "ND-HOP-2022-05-10", records=root)
    assert code == 0 and out.startswith("Sửa - ") and len(calls) == 2


@pytest.mark.parametrize("name", ["summary", "progress-light"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_template_of_snapshot_variables_renders_the_same_from_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str
) -> None:
    """`summary` (and a template using only FROM_SNAPSHOT's variables) renders from the
    snapshot kept for unchanged files exactly what it renders from a validation."""
    import os
    import shutil

    from cdsctl import repository
    from cdsctl.render import find, render
    from cdsctl.render.context import FROM_SNAPSHOT

    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    for path in [root, *root.rglob("*")]:  # (a file changed within the cache's second is
        os.utime(path, (1_700_000_000,) * 2, follow_symlinks=False)  # not trusted)
    folders = [tmp_path / "templates", *search_path(root)]
    folders[0].mkdir()
    (folders[0] / "progress-light.md.j2").write_text(
        "{% for a in progress.agencies %}{{ a.agency.name }} {{ a.due }}\\n{% endfor %}"
        "{{ due_soon | length }} {{ groups | length }} {{ period.name }}\\n", "utf-8")  # fmt: skip
    (folders[0] / "progress-light.html.j2").write_text(
        "<p>{{ scorecard | length }} {{ indicators | length }} {{ as_of }}</p>", "utf-8"
    )
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    template = find(name, fmt, folders)
    repository.load(root)  # (keeps the snapshot)
    loaded: list[repository.Repository] = []
    day = date(2023, 3, 31)
    from_snapshot = render(root, template, folders, day, loaded=loaded.append)
    assert [r.checked for r in loaded] == [None]  # the snapshot served
    from_validation = render(root, template, folders, day, cache=False)
    assert from_snapshot == from_validation
    assert VARIABLES.keys() >= FROM_SNAPSHOT
