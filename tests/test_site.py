"""`cdsctl site`: the pages it writes, what `--public` leaves out, rebuilding only what changed,
the overdue trend against the states of each day, and the CLI."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl import repository
from cdsctl.cli import app
from cdsctl.dates.workdays import WorkCalendar
from cdsctl.diagnostics import CdsError
from cdsctl.model import Report, Task
from cdsctl.site import Options, build
from cdsctl.site.facts import month_ends, overdue_counts
from cdsctl.site.output import BUILDING, MANIFEST
from cdsctl.site.public import BLOT, public
from cdsctl.state import State, task_states
from cdsctl.text import fold

from .conftest import SAMPLE
from .test_state import CAL, cancel, monthly, one_off_records, report
from .test_state import directive as state_directive
from .test_state import records as state_records

AS_OF = date(2023, 6, 30)


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2023-06-30T09:00:00+07:00",
           "GIT_COMMITTER_DATE": "2023-06-30T09:00:00+07:00", "GIT_AUTHOR_NAME": "Thư ký",
           "GIT_AUTHOR_EMAIL": "tk@example.vn", "GIT_COMMITTER_NAME": "Thư ký",
           "GIT_COMMITTER_EMAIL": "tk@example.vn"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _copy(tmp_path: Path, git: bool = True) -> Path:
    root = tmp_path / "records"
    shutil.copytree(SAMPLE, root)
    if git:
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "Hồ sơ mẫu")
    return root


def _build(root: Path, out: Path, light: bool = False, **options: object) -> object:
    """Build the site of `root` into `out` from a validation, or (`light`) from the snapshot
    the validation kept (what `cdsctl site` reads)."""
    if light:
        cache = out.parent / f"{out.name}-cache"
        past = time.time() - 60  # (a file changed within the cache's second is not trusted)
        for path in root.rglob("*"):
            os.utime(path, (past, past), follow_symlinks=False)
        repository.load(root, cache_dir=cache)  # (keeps the snapshot)
        os.environ["CDSCTL_CACHE_DIR"] = str(cache)
        try:
            repo = repository.light(root, where=True, text=True)
        finally:
            del os.environ["CDSCTL_CACHE_DIR"]
        assert repo.checked is None  # (the snapshot served)
    else:
        repo = repository.load(root, cache_dir=False)
    return build(repo, out, Options(AS_OF, **options))  # type: ignore[arg-type]


def _pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*")
            if p.is_file() and p.name != MANIFEST}  # fmt: skip


class _Checked(HTMLParser):
    """Every start tag closed in order (void elements aside): the page is well formed."""

    VOID = frozenset({"meta", "link", "br", "input", "img", "hr", "col", "source", "wbr", "area"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.bad.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


# -- the pages ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("site")
    root = _copy(tmp)
    out = tmp / "site"
    _build(root, out)
    return root, _pages(out)


def test_a_page_for_every_record_and_the_overview_pages(site: tuple[Path, dict[str, str]]) -> None:
    root, pages = site
    records = repository.load(root, cache_dir=False).records
    wanted = {"index.html", "overdue.html", "search-index.js", "assets/site.css",
              "assets/search.js"}  # fmt: skip
    wanted |= {f"{folder}/index.html" for folder in ("agencies", "directives", "indicators",
                                                     "meetings")}  # fmt: skip
    wanted |= {f"agencies/{a}.html" for a in records.agencies}
    wanted |= {f"directives/{d}.html" for d in records.directives}
    wanted |= {f"tasks/{t}.html" for t in records.tasks}
    wanted |= {f"indicators/{i}.html" for i in records.indicators}
    wanted |= {f"meetings/{m}.html" for m in records.meetings}
    wanted |= {f"meetings/{m}.minutes.html" for m in records.meetings}
    assert set(pages) == wanted


def test_every_page_is_well_formed_and_says_its_date_and_commit(
    site: tuple[Path, dict[str, str]],
) -> None:
    root, pages = site
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    for name, text in pages.items():
        if not name.endswith(".html") or name.endswith(".minutes.html"):
            continue
        checked = _Checked()
        checked.feed(text)
        assert checked.bad == [] and checked.open == [], (name, checked.bad, checked.open)
        assert "30/6/2023" in text or "2023-06-30" in text, name
        assert head[:12] in text, name


def test_links_between_pages_lead_to_pages_that_exist(site: tuple[Path, dict[str, str]]) -> None:
    _, pages = site
    for name, text in pages.items():
        if not name.endswith(".html"):
            continue
        for target in re.findall(r'href="([^"#:]+)"', text):
            resolved = os.path.normpath(os.path.join(os.path.dirname(name), target))
            assert resolved.replace(os.sep, "/") in pages, (name, target)


def test_a_task_page_shows_its_deadline_history_reports_and_commits(
    site: tuple[Path, dict[str, str]],
) -> None:
    root, pages = site
    records = repository.load(root, cache_dir=False).records
    extended = next(t for t in records.tasks.values() if t.extensions)
    text = pages[f"tasks/{extended.id}.html"]
    for e in extended.extensions:
        assert f"{e.due.day}/{e.due.month}/{e.due.year}" in text or e.due.isoformat() in text
    assert "Hồ sơ mẫu" in text  # the commit that added its file
    reported = next(iter(r.tasks[0].task for r in records.reports.values()
                         if r.date <= AS_OF and r.tasks[0].task in records.tasks))  # fmt: skip
    page = pages[f"tasks/{reported}.html"]
    assert any(r.id in page or (r.number and r.number in page) for r in records.reports.values()
               if any(i.task == reported for i in r.tasks) and r.date <= AS_OF)  # fmt: skip


def test_the_home_page_counts_what_the_overdue_query_counts(
    site: tuple[Path, dict[str, str]],
) -> None:
    root, pages = site
    result = CliRunner().invoke(app, ["overdue", "--records", str(root), "--as-of",
                                      AS_OF.isoformat(), "--format", "json"])  # fmt: skip
    overdue = json.loads(result.stdout)
    home = pages["index.html"]
    first_card = re.search(r'class="number">(\d+)</span>', home)
    assert first_card and int(first_card[1]) == len(overdue)
    listing = pages["overdue.html"]
    for row in overdue:
        assert f"tasks/{row['id'].split('@')[0]}.html" in listing


@pytest.mark.parametrize("public", [False, True], ids=["all", "public"])
def test_the_snapshot_gives_the_site_a_validation_gives(tmp_path: Path, public: bool) -> None:
    root = _copy(tmp_path)
    _mark_internal(root)
    _build(root, tmp_path / "validated", public=public)
    _build(root, tmp_path / "snapshot", light=True, public=public)
    assert _pages(tmp_path / "snapshot") == _pages(tmp_path / "validated")


def test_titles_with_markup_print_as_text(tmp_path: Path) -> None:
    root = _copy(tmp_path, git=False)
    task = root / "tasks" / "2022" / "TB-128-2022.1.yaml"
    text = task.read_text("utf-8")
    title = re.search(r"^title: .*$", text, re.M)
    assert title
    task.write_text(text.replace(title[0], 'title: "<script>alert(1)</script> & <b>"'), "utf-8")
    _build(root, tmp_path / "site")
    pages = _pages(tmp_path / "site")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in pages["tasks/TB-128-2022.1.html"]
    )
    assert not any("<script>alert" in text for text in pages.values())
    assert "files not in git" in pages["index.html"]


# -- --public ----------------------------------------------------------------------------------

#: what the test marks internal: (file, the kind of record)
INTERNAL = {
    "tasks/2022/TB-128-2022.3.yaml": "task",
    "directives/2021/KH-122-2021.yaml": "directive",
    "indicators/hd-dti-rank.yaml": "indicator",
    "meetings/2021/HD-HOP-2021-11-04.yaml": "meeting",
    "reports/2022/BC-HD-STTTT-2022-04-20.yaml": "report",
}
INTERNAL_AGENCY = "QN-SNV"


def _mark_internal(root: Path) -> set[str]:
    """Mark INTERNAL and INTERNAL_AGENCY internal; every text that names them (as this test
    reads the files, not as cdsctl does)."""
    names: set[str] = set()
    for relpath in INTERNAL:
        path = root / relpath
        data = yaml.safe_load(path.read_text("utf-8"))
        names.update(str(data[k]) for k in ("id", "title", "name", "number") if data.get(k))
        path.write_text(path.read_text("utf-8") + "visibility: internal\n", "utf-8")
    agencies = root / "agencies.yaml"
    text = agencies.read_text("utf-8")
    entry = f"  - id: {INTERNAL_AGENCY}\n"
    assert entry in text
    agencies.write_text(text.replace(entry, entry + "    visibility: internal\n"), "utf-8")
    data = yaml.safe_load(agencies.read_text("utf-8"))
    others = [a for a in data["agencies"] if a["id"] != INTERNAL_AGENCY]
    [agency] = [a for a in data["agencies"] if a["id"] == INTERNAL_AGENCY]
    shared = {x for a in others for x in (a["name"], a.get("short"))}
    names.update(x for x in (agency["id"], agency["name"], agency.get("short")) if x not in shared)
    for task in (root / "tasks").rglob("*.yaml"):  # the tasks the agency leads belong to it
        values = yaml.safe_load(task.read_text("utf-8"))
        if values.get("lead") == INTERNAL_AGENCY or values.get("directive") == "KH-122-2021":
            names.update((values["id"], values["title"]))
    return names


def test_public_leaves_out_every_internal_record_and_every_mention(tmp_path: Path) -> None:
    root = _copy(tmp_path, git=False)
    hidden = _mark_internal(root)
    assert CliRunner().invoke(app, ["validate", "--records", str(root)]).exit_code == 0
    _build(root, tmp_path / "full")
    full = _pages(tmp_path / "full")
    everything = "\n".join(full.values())
    shown = {name for name in hidden if name in everything or fold(name) in everything}
    assert len(shown) > 0.8 * len(hidden), hidden - shown  # (what the public site must not show)
    assert {"tasks/TB-128-2022.3.html", "agencies/QN-SNV.html"} <= full.keys()
    _build(root, tmp_path / "public", public=True)
    pages = _pages(tmp_path / "public")
    for path, text in pages.items():
        folded = fold(text)
        for name in hidden:
            assert name not in text and fold(name) not in folded, (path, name)
    assert "tasks/TB-128-2022.3.html" not in pages
    assert "agencies/QN-SNV.html" not in pages
    minutes = pages["meetings/QN-HOP-2022-03-19.minutes.html"]
    # an attendee of the internal agency: its id blotted out of the minutes' free text (its
    # short name stays: "Sở Nội vụ" also names a public agency of another province)
    assert f"Giám đốc Sở Nội vụ ({BLOT})" in minutes


def test_public_view_drops_references_to_what_it_left_out() -> None:
    records = repository.load(SAMPLE, cache_dir=False).records
    lead = next(iter(records.tasks.values())).support[:1]
    records.internal = set(lead)
    view = public(records, {r.id: r.agency for r in records.reports.values()}).records
    assert lead[0] not in view.agencies
    assert all(lead[0] not in t.support for t in view.tasks.values())
    assert all(t.lead != lead[0] for t in view.tasks.values())
    assert len(records.tasks) > len(view.tasks) or all(
        t.lead != lead[0] for t in records.tasks.values()
    )


# -- building again ------------------------------------------------------------------------------


def _mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and p.name != MANIFEST}  # fmt: skip


def test_building_again_writes_only_the_pages_that_changed(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    out = tmp_path / "site"
    first = _build(root, out)
    before = _mtimes(out)
    again = _build(root, out)
    assert again.written == 1 and again.pages == first.pages  # type: ignore[attr-defined]
    assert {p for p, t in _mtimes(out).items() if before[p] != t} == {"index.html"}
    done = root / "tasks" / "2022" / "QN-TB-2022-03.5.yaml"
    done.write_text(done.read_text("utf-8").replace("title: Triển khai", "title: Tổ chức", 1),
                    "utf-8")  # fmt: skip
    _git(root, "commit", "-qam", "Sửa tiêu đề")
    third = _build(root, out)
    changed = {p for p, t in _mtimes(out).items() if before.get(p) != t}
    assert "tasks/QN-TB-2022-03.5.html" in changed
    assert "search-index.js" in changed
    assert "tasks/TB-128-2022.1.html" not in changed
    assert third.written == len(changed) < first.pages / 3  # type: ignore[attr-defined]


def test_a_build_from_the_same_inputs_makes_no_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest keeps a key of everything a build reads (site.inputs_key): the same
    records, commit, options, language, code and templates make no page at all; any of
    them changed, or a page gone, and the pages are made again (those that differ
    written)."""
    from dataclasses import replace

    from cdsctl.site import inputs_key, inputs_said

    root = _copy(tmp_path)
    out = tmp_path / "site"
    past = time.time() - 60  # (not racy: the snapshot serves)
    for path in root.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    repository.load(root)  # (keeps the snapshot)

    def built(**options: object) -> Any:
        repo = repository.light(root, where=True, text=True)
        assert repo.checked is None  # (the snapshot served)
        return build(repo, out, Options(AS_OF, **options))  # type: ignore[arg-type]

    first = built()
    before = _mtimes(out)
    again = built()
    assert (again.written, again.pages) == (0, first.pages)
    assert _mtimes(out) == before
    (out / BUILDING).touch()  # (a build cut short since: no page's hash is trusted)
    assert built().written == first.pages and not (out / BUILDING).exists()
    (out / "tasks" / "TB-128-2022.1.html").unlink()
    back = built()
    assert back.written == 2 and (out / "tasks" / "TB-128-2022.1.html").is_file()
    later = build(repository.light(root, where=True, text=True), out,
                  Options(AS_OF + timedelta(days=30)))  # fmt: skip
    assert later.written > 1  # (the pages made again: those that differ written)
    repo = repository.light(root, where=True, text=True)
    options = Options(AS_OF)

    def key_for(repo: repository.Repository, options: Options) -> str | None:
        return inputs_key(repo, inputs_said(repo.root, options, None))

    key = key_for(repo, options)
    assert key is not None
    others = [replace(options, as_of=date(2023, 1, 1)), replace(options, public=True),
              replace(options, base_url="https://x"), replace(options, title="T")]  # fmt: skip
    assert len({key, *(key_for(repo, o) for o in others)}) == 1 + len(others)
    # records read in this run (a validation, a patch) may have been read in the racy window
    assert key_for(repository.load(root, cache_dir=tmp_path / "fresh"), options) is None
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "minutes.html.j2").write_text("{{ meeting.title }}", "utf-8")
    assert key_for(repo, options) != key


def test_the_command_knows_an_unchanged_build_from_a_walk_without_reading_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run again with nothing changed, `cdsctl site` walks the files and reads no record
    (site.built_already): the build's key is that of the files' stamps and of the rest;
    it still says which files with errors were left out.  A record changed, an option or
    the language, and the records are read and the pages made again."""
    root = _copy(tmp_path, git=False)
    broken = root / "tasks" / "2022" / "TB-128-2022.8.yaml"
    broken.write_text(broken.read_text("utf-8").replace("title:", "title: [", 1), "utf-8")
    past = time.time() - 60  # (not racy: the cache vouches for the records)
    for path in root.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "site"
    args = ["site", "-o", str(out), "--records", str(root), "--as-of", AS_OF.isoformat()]

    def run(*more: str) -> Any:
        result = CliRunner().invoke(app, [*args, *more])
        assert result.exit_code == 0, result.output
        return result

    run()
    first = run()  # (from the snapshot the first kept: its key kept)
    warned = re.search(r"\d+ file\(s\) with errors left out", first.stderr)
    assert warned
    read: list[bool] = []
    light = repository.light

    def counted(*a: Any, **k: Any) -> Any:
        read.append(True)
        return light(*a, **k)

    monkeypatch.setattr(repository, "light", counted)
    again = run()
    assert not read and " 0 written" in again.stdout
    assert warned[0] in again.stderr
    run("--lang", "en")
    assert read == [True]
    done = root / "tasks" / "2022" / "TB-128-2022.1.yaml"
    done.write_text(done.read_text("utf-8").replace("title:", "title: Sửa -", 1), "utf-8")
    os.utime(done, (past + 1, past + 1))
    edited = run()
    assert read == [True, True] and " 0 written" not in edited.stdout


def test_a_page_no_longer_made_is_removed_and_other_files_are_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path, git=False)
    out = tmp_path / "site"
    _build(root, out)
    (root / "tasks" / "2022" / "TB-128-2022.8.yaml").unlink()
    done = _build(root, out)
    assert done.removed == 1  # type: ignore[attr-defined]
    assert not (out / "tasks" / "TB-128-2022.8.html").exists()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("giữ nguyên", "utf-8")
    with pytest.raises(CdsError, match="did not write"):
        _build(root, theirs)
    _build(root, theirs, force=True)
    assert (theirs / "notes.txt").read_text("utf-8") == "giữ nguyên"


# -- the overdue trend ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["bundled", "generated"])
def trend_repo(request: pytest.FixtureRequest, generated: Path) -> repository.Repository:
    """The bundled records, and bench/gen.py's (extended, done late, cancelled and
    recurring tasks)."""
    return repository.load(SAMPLE if request.param == "bundled" else generated, cache_dir=False)


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 6, 30)),
       st.lists(st.integers(min_value=0, max_value=1500), min_size=1, max_size=8))  # fmt: skip
def test_the_trend_counts_what_the_states_of_each_day_count(
    trend_repo: repository.Repository, as_of: date, back: list[int]
) -> None:
    """Days in any order, some the same."""
    repo = trend_repo
    days = [as_of - timedelta(days=n) for n in back]
    want = [sum(s.state is State.OVERDUE for s in repo.states(day)) for day in days]
    assert overdue_counts(repo.states(as_of), repo.records, repo, days) == want


class _Calendar:
    """What overdue_counts asks of a repository: its working-day calendar."""

    def calendar(self) -> WorkCalendar:
        return CAL


@settings(max_examples=300, deadline=None)
@given(cases=st.lists(one_off_records(), min_size=1, max_size=4),
       recurring=st.lists(st.tuples(st.dates(date(2021, 6, 1), date(2023, 6, 30)),
                                    st.none() | st.dates(date(2021, 6, 1), date(2024, 6, 30)),
                                    st.lists(st.dates(date(2021, 6, 1), date(2024, 6, 30)),
                                             max_size=4)), max_size=2),
       issued=st.dates(date(2021, 1, 1), date(2023, 6, 30)),
       as_of=st.dates(date(2022, 1, 1), date(2024, 12, 31)),
       back=st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=6))  # fmt: skip
def test_the_trend_counts_the_states_of_drawn_records(
    cases: list[tuple[Task, list[Report]]],
    recurring: list[tuple[date, date | None, list[date]]],
    issued: date,
    as_of: date,
    back: list[int],
) -> None:
    """Completed and reported done on different days, extended, cancelled (a recurring
    duty cancelled within a period): each day's count is the states' of that day."""
    items: list[Task | Report] = []
    for n, (t, reports) in enumerate(cases):
        items.append(dataclasses.replace(t, id=f"T{n}"))
        for r in reports:
            item = dataclasses.replace(r.tasks[0], task=f"T{n}")
            items.append(dataclasses.replace(r, id=f"{r.id}-{n}", tasks=(item,)))
    for n, (start, cancelled, done) in enumerate(recurring):
        duty = monthly(
            start=start.isoformat(), cancelled=cancel(cancelled.isoformat()) if cancelled else None
        )
        items.append(dataclasses.replace(duty, id=f"M{n}"))
        for k, on in enumerate(done):
            period = f"{on.year}-{on.month:02d}"
            items.append(report(on.isoformat(), f"M{n}", "done", period=period, id=f"B{n}-{k}"))
    recs = state_records(*items, directives=[state_directive(issued=issued.isoformat())])
    days = [as_of - timedelta(days=k) for k in back]
    want = [sum(s.state is State.OVERDUE for s in task_states(recs, day, CAL)) for day in days]
    assert overdue_counts(task_states(recs, as_of, CAL), recs, _Calendar(), days) == want


def test_month_ends() -> None:
    assert month_ends(date(2023, 3, 15), 3) == [date(2022, 12, 31), date(2023, 1, 31),
                                                date(2023, 2, 28)]  # fmt: skip


# -- the command ---------------------------------------------------------------------------------


def test_the_command_builds_and_says_where(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["site", "-o", str(out), "--records", str(root), "--as-of",
                                      AS_OF.isoformat(), "--base-url",
                                      "https://github.com/so-tttt/ho-so/blob/main/records",
                                      "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert str(out / "index.html") in result.stdout
    task = (out / "tasks" / "TB-128-2022.1.html").read_text("utf-8")
    assert (
        "https://github.com/so-tttt/ho-so/blob/main/records/tasks/2022/TB-128-2022.1.yaml" in task
    )
    assert "https://github.com/so-tttt/ho-so/commit/" in task
    result = CliRunner().invoke(app, ["site", "-o", str(tmp_path / "x"), "--records", str(root),
                                      "--at", "--output=oops"])  # fmt: skip
    assert result.exit_code == 2 and not (root / "oops").exists()
    at = tmp_path / "at-head"  # (records of a commit: no walk, no snapshot, every page made)
    result = CliRunner().invoke(app, ["site", "-o", str(at), "--records", str(root), "--at",
                                      "HEAD", "--as-of", AS_OF.isoformat()])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _pages(at).keys() == _pages(out).keys()


def test_the_footer_says_when_record_files_differ_from_the_commit(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    out = root / "_site"  # (inside the records root: not a record, as `_` makes it)
    _build(root, out)
    assert "changes not yet committed" not in (out / "index.html").read_text("utf-8")
    (root / "notes.txt").write_text("không phải hồ sơ", "utf-8")
    _build(root, out)
    assert "changes not yet committed" not in (out / "index.html").read_text("utf-8")
    task = root / "tasks" / "2022" / "TB-128-2022.1.yaml"
    task.write_text(task.read_text("utf-8") + "# sửa\n", "utf-8")
    _build(root, out)
    assert "changes not yet committed" in (out / "index.html").read_text("utf-8")


@pytest.mark.parametrize("count", [1, 3])
def test_the_pages_are_the_same_made_by_any_number_of_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    import cdsctl.site

    root = _copy(tmp_path, git=False)
    _build(root, tmp_path / "two")
    monkeypatch.setattr(cdsctl.site, "shares", lambda: count)
    done = _build(root, tmp_path / "other")
    assert _pages(tmp_path / "other") == _pages(tmp_path / "two")
    manifest = json.loads((tmp_path / "other" / MANIFEST).read_text("utf-8"))
    assert set(manifest["pages"]) == set(_pages(tmp_path / "other"))
    assert done.written == done.pages  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def record_pages(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from cdsctl.site.facts import Facts
    from cdsctl.site.html import Stamp
    from cdsctl.site.record_pages import RecordPages

    repo = repository.load(SAMPLE, cache_dir=tmp_path_factory.mktemp("cache"))
    facts = Facts(repo, date(2024, 6, 30), {})
    facts.prepare()
    return RecordPages(facts, Stamp(date(2024, 6, 30), None, False, None, "Ban"))


@settings(max_examples=12, deadline=None)
@given(shares=st.integers(2, 7))
def test_the_record_pages_are_cut_into_parts_a_folder_after_another(
    record_pages: Any, shares: int
) -> None:
    """Every page in exactly one part, the same as one process makes; the parts about the
    same work; each part makes one folder's pages after another (two processes seldom
    add names to one folder at once: the system lets one do it at a time)."""
    whole = dict(record_pages.all())
    parts = [[path for path, _ in record_pages.all(i, shares)] for i in range(shares)]
    assert [p for part in parts for p in part] == list(whole)  # cut, not dealt out in turn
    for part in parts:
        folders = [path.split("/")[0] for path in part]
        runs = [f for n, f in enumerate(folders) if n == 0 or folders[n - 1] != f]
        assert len(runs) == len(set(runs)), runs  # (no folder left and come back to)
    sizes = [len(part) for part in parts]
    assert max(sizes) - min(sizes) < len(whole) / 2  # (the tasks dealt out, not all in one)


def test_a_share_that_fails_in_a_child_fails_the_build_with_its_own_error() -> None:
    from cdsctl.validation.workers import shared_out

    def work(i: int) -> list[int]:
        if i == 2:
            raise CdsError(f"share {i} cannot be written")
        return [i, i * i]

    assert shared_out(2, work) == [[0, 0], [1, 1]]
    with pytest.raises(CdsError, match="share 2 cannot be written"):
        shared_out(3, work)


def test_a_build_cut_short_leaves_a_folder_the_next_build_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build stopped after a few pages (Ctrl-C, a full disk) leaves pages that hold what
    the manifest does not say: the next build, whatever its date, trusts no hash of that
    manifest and leaves every page as a build into an empty folder makes it."""
    import cdsctl.site.output as output

    root = _copy(tmp_path, git=False)
    repo = repository.load(root, cache_dir=False)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(repo, out, Options(AS_OF))
    made = _pages(out)
    calls: list[str] = []

    def cut(real: Any) -> Any:
        def interrupted(path: str, data: bytes, *args: Any) -> Any:
            calls.append(path)
            if len(calls) == 20:
                raise KeyboardInterrupt
            return real(path, data, *args)

        return interrupted

    monkeypatch.setattr(output, "_replace", cut(output._replace))
    monkeypatch.setattr(output, "_overwrite", cut(output._overwrite))
    monkeypatch.setattr("cdsctl.site.shares", lambda: 1)
    with pytest.raises(KeyboardInterrupt):
        build(repo, out, Options(AS_OF + timedelta(days=40)))
    assert (out / output.BUILDING).exists() and _pages(out) != made
    monkeypatch.undo()
    done = build(repo, out, Options(AS_OF))  # (no --force needed: the folder is the site's)
    assert done.pages == len(made) and not (out / output.BUILDING).exists()
    assert _pages(out) == made
    build(repo, fresh, Options(AS_OF))
    assert _pages(fresh) == made


def test_a_page_is_rewritten_in_place_but_never_through_a_link(tmp_path: Path) -> None:
    """A changed page is written over in place (the same inode: no temporary file and
    rename, 12 times slower on ext4); a page that is a link, or hard-linked in a copy of
    the site (`cp -al`), is replaced instead, so nothing outside the folder changes."""
    root = _copy(tmp_path, git=False)
    repo = repository.load(root, cache_dir=False)
    out = tmp_path / "site"
    build(repo, out, Options(AS_OF))
    names = ("TB-128-2022.1", "TB-128-2022.2", "TB-128-2022.3")
    page, linked, copied = (out / "tasks" / f"{n}.html" for n in names)
    inode = page.stat().st_ino
    outside = tmp_path / "elsewhere.html"
    outside.write_text("của người khác", "utf-8")
    linked.unlink()
    linked.symlink_to(outside)
    copy = tmp_path / "copy.html"
    os.link(copied, copy)
    kept = copy.read_bytes()
    later = AS_OF + timedelta(days=400)
    build(repo, out, Options(later))
    assert page.stat().st_ino == inode and f"as of {later.isoformat()}" in page.read_text("utf-8")
    assert outside.read_text("utf-8") == "của người khác"
    assert not linked.is_symlink() and f"as of {later.isoformat()}" in linked.read_text("utf-8")
    assert copy.read_bytes() == kept and copied.read_bytes() != kept
    fresh = tmp_path / "fresh"
    build(repo, fresh, Options(later))
    assert _pages(out) == _pages(fresh)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_a_page_written_over_holds_exactly_the_new_bytes(old: bytes, new: bytes) -> None:
    import tempfile

    from cdsctl.site.output import _overwrite

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "p.html")
        Path(path).write_bytes(old)
        assert _overwrite(path, new)
        assert Path(path).read_bytes() == new
        assert not _overwrite(os.path.join(folder, "missing.html"), new)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([*(str(s) for s in State), "Task", "done", "overdue "]),
                max_size=8))  # fmt: skip
def test_a_badge_is_its_markup_whatever_words_were_looked_up_before(words: list[str]) -> None:
    """A state (a StrEnum) equals its text: the memo of words must not answer for it."""
    from cdsctl.site import html

    html.reset()
    for word in words:
        html.tr(word)
    for state in State:
        css = str(state).replace("-", "_")
        assert html.badge(state).startswith(f'<span class="state state-{css}">'), state


def test_every_task_page_shows_its_state_as_a_badge(site: tuple[Path, dict[str, str]]) -> None:
    root, pages = site
    repo = repository.load(root, cache_dir=False)
    one_off = [s for s in repo.states(AS_OF) if s.period is None]
    assert {s.state for s in one_off} >= {State.OVERDUE, State.DONE_ON_TIME}
    for s in one_off:
        css = str(s.state).replace("-", "_")
        assert f'class="state state-{css}"' in pages[f"tasks/{s.task.id}.html"], s.id


@given(st.one_of(st.text(), st.text(alphabet="&<>\"'ab "), st.integers(), st.floats()))
def test_esc_is_html_escape(value: Any) -> None:
    """Text with none of the five characters is given back as it is: the same as escaping."""
    from html import escape

    from cdsctl.site.html import esc

    assert esc(value) == escape(str(value))


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.text(max_size=5), min_size=n, max_size=n),
    st.lists(st.lists(st.text(alphabet="{}<a1 ", max_size=6), min_size=n, max_size=n),
             max_size=4),
    st.sets(st.integers(0, n - 1)))))  # fmt: skip
def test_a_table_holds_each_cell_as_given(case: tuple[list[str], list[list[str]], set[int]]
                                          ) -> None:  # fmt: skip
    """Cells with braces (a row is one format: its cells are values, never read as one)."""
    from cdsctl.site.html import table

    headers, rows, numeric = case
    made = table(headers, rows, numeric=numeric, empty="none")
    if not rows:
        assert made == '<p class="empty">none</p>'
        return
    cells = re.findall(r"<td(?: class=\"num\")?>(.*?)</td>", made, re.S)
    assert cells == [c for row in rows for c in row]
    right = re.findall(r"<td( class=\"num\")?>", made)
    assert right == [' class="num"' if i in numeric else "" for _ in rows
                     for i in range(len(headers))]  # fmt: skip
    with pytest.raises(ValueError):
        table(headers, [[*rows[0], "more"]])
