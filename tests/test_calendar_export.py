"""`cdsctl calendar`: open and overdue deadlines as RFC 5545 (cdsctl/icalendar_export.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.output.ical import ALARM_BEFORE, PRODID, ical_bytes, uid
from cdsctl.queries import TaskFilter, select
from cdsctl.repository import load
from cdsctl.state import State, through_end

from .conftest import SAMPLE

Make = Callable[[dict[str, str | bytes]], Path]

#: overdue on 2022-06-01 (due 2022-05-25), led by SCT with STTTT supporting
SCT_TASK = """\
kind: task
id: TB-128-2022.2
directive: TB-128-2022
title: Đưa hộ sản xuất, hợp tác xã lên sàn thương mại điện tử; báo cáo kết quả
lead: SCT
support: [STTTT]
group: kinh-te-so
due: 2022-05-25
"""

EXTRA: dict[str, str | bytes] = {
    "tasks/TB-128-2022.2.yaml": SCT_TASK,
    # done: not in the calendar
    "tasks/TB-128-2022.3.yaml": """\
kind: task
id: TB-128-2022.3
directive: TB-128-2022
title: Việc đã xong
lead: STTTT
due: 2022-05-30
completed: 2022-05-28
""",
    # a monthly report, open and overdue instances
    "tasks/TB-128-2022.4.yaml": """\
kind: task
id: TB-128-2022.4
directive: TB-128-2022
title: Báo cáo tình hình chuyển đổi số hằng tháng
lead: STTTT
group: chinh-phu-so
every: monthly
due_day: 25
start: 2022-05-01
""",
}


def _root(records: Make) -> Path:
    return records(EXTRA)


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["calendar", *args])


def _events(data: bytes) -> list[icalendar.Component]:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def _expected(root: Path, as_of: date, keep: TaskFilter = TaskFilter()) -> list[str]:
    repo = load(root)
    states = select(repo.states(as_of, horizon=through_end(as_of)), keep, repo.records)
    return sorted(uid(s) for s in states if s.state in (State.OPEN, State.OVERDUE))


def test_one_event_per_open_or_overdue_deadline(records: Make) -> None:
    root = _root(records)
    result = _run("--records", str(root), "--as-of", "2022-06-01")
    assert result.exit_code == 0, result.output
    uids = [str(e["uid"]) for e in _events(result.stdout_bytes)]
    assert len(uids) == len(set(uids))
    assert sorted(uids) == _expected(root, date(2022, 6, 1))
    # the monthly duty: May overdue, June open, and those to come up to 12 months ahead
    months = [f"2022-{m:02d}" for m in range(5, 13)] + [f"2023-{m:02d}" for m in range(1, 6)]
    monthly = [f"TB-128-2022.4+{month}@cdsctl" for month in months]
    assert sorted(uids) == ["TB-128-2022.1@cdsctl", "TB-128-2022.2@cdsctl", *monthly]


def test_the_output_is_reproducible(records: Make) -> None:
    args = ("--records", str(_root(records)), "--as-of", "2022-06-01")
    first, second = _run(*args), _run(*args)
    assert first.stdout_bytes == second.stdout_bytes


def test_calendar_properties_and_crlf(records: Make) -> None:
    data = _run("--records", str(_root(records)), "--as-of", "2022-06-01").stdout_bytes
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends with CRLF
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded (octets)
    cal = icalendar.Calendar.from_ical(data)
    assert (str(cal["prodid"]), str(cal["version"])) == (PRODID, "2.0")
    assert str(cal["x-wr-calname"]).startswith("Hạn nhiệm vụ")


def _event(records: Make, event_uid: str, *args: str) -> icalendar.Component:
    data = _run("--records", str(_root(records)), "--as-of", "2022-06-01", *args).stdout_bytes
    return next(e for e in _events(data) if str(e["uid"]) == event_uid)


def test_an_overdue_event(records: Make) -> None:
    ev = _event(records, "TB-128-2022.2@cdsctl")
    title = "Đưa hộ sản xuất, hợp tác xã lên sàn thương mại điện tử; báo cáo kết quả"
    assert str(ev["summary"]) == f"[TB-128-2022.2] {title}"  # Vietnamese, `,` and `;` round-trip
    assert ev.decoded("dtstart") == date(2022, 5, 25)
    assert ev.decoded("dtend") == date(2022, 5, 26)
    assert ev.decoded("dtstamp") == datetime(2022, 6, 1, tzinfo=UTC)
    assert ev.decoded("categories") == ["kinh-te-so"]
    text = str(ev["description"])
    assert "Chủ trì: Sở Công Thương (SCT)" in text
    assert "Phối hợp: Sở Thông tin và Truyền thông (STTTT)" in text
    assert "Văn bản: 128/TB-UBND — Kết luận của Chủ tịch UBND tỉnh" in text
    assert "quá hạn 7 ngày (overdue)" in text
    assert not list(ev.walk("VALARM"))  # a reminder of a past deadline helps no one


def test_an_open_event_has_an_alarm_three_days_before(records: Make) -> None:
    ev = _event(records, "TB-128-2022.4+2022-06@cdsctl")
    assert ev.decoded("dtstart") == date(2022, 6, 25)
    assert "đang thực hiện (open)" in str(ev["description"])
    [alarm] = ev.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=3) + timedelta(hours=9) == -ALARM_BEFORE
    assert str(alarm["action"]) == "DISPLAY"


def test_the_deadline_in_force_is_used(records: Make) -> None:
    extended = SCT_TASK + (
        "extensions:\n  - due: 2022-06-10\n    granted: 2022-05-24\n    by: TB-128-2022\n"
    )
    root = records({**EXTRA, "tasks/TB-128-2022.2.yaml": extended})
    data = _run("--records", str(root), "--as-of", "2022-06-01").stdout_bytes
    ev = next(e for e in _events(data) if str(e["uid"]) == "TB-128-2022.2@cdsctl")
    assert ev.decoded("dtstart") == date(2022, 6, 10)


@pytest.mark.parametrize(
    ("args", "keep"),
    [(["--agency", "STTTT"], TaskFilter("STTTT")),
     (["--agency", "STTTT", "--involved"], TaskFilter("STTTT", involved=True)),
     (["--agency", "SCT"], TaskFilter("SCT")),
     (["--directive", "TB-128-2022"], TaskFilter(directive="TB-128-2022"))],
)  # fmt: skip
def test_filters(records: Make, args: list[str], keep: TaskFilter) -> None:
    root = _root(records)
    data = _run("--records", str(root), "--as-of", "2022-06-01", *args).stdout_bytes
    uids = sorted(str(e["uid"]) for e in _events(data))
    assert uids == _expected(root, date(2022, 6, 1), keep)


def test_the_bundled_records(tmp_path: Path) -> None:
    result = _run("--records", str(SAMPLE), "--agency", "ND-STTTT", "--as-of", "2022-05-16")
    events = _events(result.stdout_bytes)
    assert len(events) == len(_expected(SAMPLE, date(2022, 5, 16), TaskFilter("ND-STTTT"))) > 0
    assert "Sở TT&TT" in str(icalendar.Calendar.from_ical(result.stdout_bytes)["x-wr-calname"])


def test_the_library_gives_the_same_bytes(records: Make) -> None:
    root = _root(records)
    repo = load(root)
    day = date(2022, 6, 1)
    data = ical_bytes(repo.states(day, horizon=through_end(day)), repo.records, day)
    assert data == _run("--records", str(root), "--as-of", "2022-06-01").stdout_bytes


# -- --output ----------------------------------------------------------------------------------


def test_output_writes_a_file(records: Make, tmp_path: Path) -> None:
    root, target = _root(records), tmp_path / "deadlines.ics"
    result = _run("--records", str(root), "--as-of", "2022-06-01", "--output", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_bytes() == _run("--records", str(root), "--as-of", "2022-06-01").stdout_bytes
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_refuses_to_overwrite_without_force(records: Make, tmp_path: Path) -> None:
    root, target = _root(records), tmp_path / "deadlines.ics"
    target.write_text("keep me", encoding="utf-8")
    result = _run("--records", str(root), "--as-of", "2022-06-01", "--output", str(target))
    assert result.exit_code == 2
    assert "exists" in result.stderr and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    forced = _run("--records", str(root), "--as-of", "2022-06-01", "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert _events(target.read_bytes())


def test_output_into_a_missing_folder_exits_2(records: Make, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "x.ics"
    result = _run("--records", str(_root(records)), "--as-of", "2022-06-01", "-o", str(target))
    assert result.exit_code == 2 and "does not exist" in result.stderr
