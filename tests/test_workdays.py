from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.dates.workdays import EXTRA_DAY_OFF, WorkCalendar

CALENDAR = WorkCalendar()
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=1, max_value=80)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Tết 2023: Friday 20/1 (29 Tết) to Thursday 26/1 off.
        ("2023-01-16", 10, "2023-02-06"),  # 17, 18, 19, 27, 30, 31/1, 1, 2, 3, 6/2
        ("2023-01-16", 3, "2023-01-19"),
        ("2023-01-19", 1, "2023-01-27"),
        # Tết 2024: Thursday 8/2 to Wednesday 14/2 off.
        ("2024-02-07", 1, "2024-02-15"),
        # Tết 2022: Monday 31/1 to Friday 4/2 off.
        ("2022-01-28", 1, "2022-02-07"),
        # 2023: Saturday 29/4 (Giỗ Tổ) to Wednesday 3/5 off, with the substitute days.
        ("2023-04-28", 1, "2023-05-04"),
        # 2024: Monday 29/4 off for Saturday 4/5, which is worked; 30/4 and 1/5 off.
        ("2024-04-26", 1, "2024-05-02"),
        ("2024-04-26", 3, "2024-05-04"),
        ("2024-04-26", 4, "2024-05-06"),
        # 2/9 and the day beside it: 2023 Friday 1/9 to Monday 4/9; 2024 Monday 2/9, Tuesday 3/9.
        ("2023-08-31", 1, "2023-09-05"),
        ("2024-08-30", 1, "2024-09-04"),
        # 1/1 and its substitute day: Sunday 1/1/2023, so Monday 2/1/2023 off.
        ("2022-12-30", 1, "2023-01-03"),
        ("2023-12-29", 1, "2024-01-02"),
        # Plain weeks.
        ("2022-06-10", 1, "2022-06-13"),  # Friday + 1 = Monday
        ("2022-06-11", 1, "2022-06-13"),  # from a Saturday
        ("2022-06-06", 5, "2022-06-13"),  # Monday + 5 = the next Monday
        ("2022-06-06", 4, "2022-06-10"),
        # 52 weeks are 260 weekdays; 11 of them between are holidays (1-2/9, 2/1, 20/1 and
        # 23-26/1, 1-3/5), so 11 more weekdays are needed.
        ("2022-06-06", 260, "2023-06-20"),
    ],
)
def test_due_dates(start: str, n: int, due: str) -> None:
    assert CALENDAR.add_working_days(d(start), n) == d(due)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2022-06-10", True),  # Friday
        ("2022-06-11", False),  # Saturday
        ("2022-06-12", False),  # Sunday
        ("2023-01-20", False),  # 29 Tết
        ("2023-01-26", False),  # Mùng năm Tết
        ("2023-01-27", True),
        ("2023-05-02", False),  # Giỗ Tổ, substitute day
        ("2024-04-18", False),  # Giỗ Tổ
        ("2024-04-29", False),  # swapped off
        ("2024-05-04", True),  # the Saturday worked for it
        ("2024-05-11", False),  # the Saturday after
        ("2025-04-26", True),  # 2025's worked Saturday
        ("2025-05-02", False),
        ("2024-09-03", False),
        ("2022-01-03", False),  # New Year's Day on a Saturday: Monday off
    ],
)
def test_is_working_day(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2023-01-22", "Tết Nguyên Đán"),
        ("2023-01-21", "Giao thừa Tết Nguyên Đán"),  # a holiday on a Saturday is named
        ("2024-04-29", "Ngày nghỉ (thay cho ngày 04/05/2024)"),
        ("2024-04-30", "Ngày Chiến thắng"),
        ("2024-05-01", "Ngày Quốc tế Lao động"),
        ("2024-09-02", "Quốc khánh"),
        ("2024-09-03", "Quốc khánh"),
        ("2024-04-18", "Ngày Giỗ Tổ Hùng Vương"),
        ("2024-05-04", None),  # the worked Saturday
        ("2022-06-10", None),
        ("2022-06-11", None),  # a plain weekend is no holiday
    ],
)
def test_holiday_name(day: str, name: str | None) -> None:
    assert CALENDAR.holiday_name(d(day)) == name


def test_an_extra_day_off_shifts_the_due_date_by_one_day() -> None:
    calendar = WorkCalendar(days_off=[d("2022-06-13")])
    assert calendar.add_working_days(d("2022-06-10"), 1) == d("2022-06-14")
    assert calendar.add_working_days(d("2022-06-06"), 5) == d("2022-06-14")
    assert calendar.add_working_days(d("2022-06-14"), 1) == d("2022-06-15")  # after it: none
    assert not calendar.is_working_day(d("2022-06-13"))
    assert calendar.holiday_name(d("2022-06-13")) == EXTRA_DAY_OFF
    assert CALENDAR.add_working_days(d("2022-06-10"), 1) == d("2022-06-13")  # others unchanged


def test_a_working_saturday_counts() -> None:
    calendar = WorkCalendar(working_days=[d("2022-06-11")])
    assert calendar.is_working_day(d("2022-06-11"))
    assert calendar.add_working_days(d("2022-06-10"), 1) == d("2022-06-11")
    assert calendar.add_working_days(d("2022-06-10"), 2) == d("2022-06-13")
    assert calendar.add_working_days(d("2022-06-06"), 5) == d("2022-06-11")


def test_a_holiday_worked_counts_and_is_not_named() -> None:
    calendar = WorkCalendar(working_days=[d("2023-01-20")])
    assert calendar.add_working_days(d("2023-01-19"), 1) == d("2023-01-20")
    assert calendar.holiday_name(d("2023-01-20")) is None


def test_a_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(ValueError, match="2022-06-11"):
        WorkCalendar(days_off=[d("2022-06-11")], working_days=[d("2022-06-11")])


@pytest.mark.parametrize("n", [0, -1])
def test_at_least_one_working_day(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CALENDAR.add_working_days(d("2022-06-10"), n)


def test_the_package_knows_the_2024_swap() -> None:
    vn = holidays.country_holidays("VN", years=2024)
    assert date(2024, 4, 29) in vn
    assert date(2024, 5, 4) in vn.weekend_workdays


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days in (start, end], counted one by one."""
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(calendar.is_working_day(day) for day in days)


@given(starts, counts)
def test_exactly_n_working_days_lie_up_to_the_result(start: date, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert due > start
    assert CALENDAR.is_working_day(due)
    assert working_days_between(CALENDAR, start, due) == n


near_2020 = st.dates(min_value=date(2019, 12, 1), max_value=date(2021, 3, 31))


@given(near_2020, counts, st.sets(near_2020, max_size=40), st.sets(near_2020, max_size=40))
def test_the_same_with_a_repository_calendar(
    start: date, n: int, off: set[date], worked: set[date]
) -> None:
    calendar = WorkCalendar(days_off=off, working_days=worked - off)
    due = calendar.add_working_days(start, n)
    assert due > start
    assert calendar.is_working_day(due)
    assert working_days_between(calendar, start, due) == n
    assert all(not calendar.is_working_day(day) for day in off)
    assert all(calendar.is_working_day(day) for day in worked - off)


@given(starts, counts)
def test_agrees_with_the_package(start: date, n: int) -> None:
    vn = holidays.country_holidays("VN")
    assert CALENDAR.add_working_days(start, n) == vn.get_nth_working_day(start, n)


@given(starts, counts, counts)
def test_working_days_add_up(start: date, m: int, n: int) -> None:
    after_m = CALENDAR.add_working_days(start, m)
    assert CALENDAR.add_working_days(after_m, n) == CALENDAR.add_working_days(start, m + n)


def test_years_kept_and_preloaded_give_the_same_days() -> None:
    """What a snapshot keeps of the holidays package (workdays.known_years) is taken back
    as it was; kept by another version of the package, it is not taken."""
    from cdsctl.dates import workdays

    calendar = workdays.WorkCalendar()
    want = [calendar.add_working_days(date(year, 1, 20), n)
            for year in range(2019, 2027) for n in (1, 5, 30)]  # fmt: skip
    names = {d: workdays.WorkCalendar().holiday_name(d) for d in want}
    kept = workdays.known_years()
    saved = dict(workdays._YEARS)
    try:
        workdays._YEARS.clear()
        workdays.preload({**kept, "version": "0.0-other"})
        assert workdays._YEARS == {}
        workdays.preload(kept)
        assert saved == workdays._YEARS
        again = workdays.WorkCalendar()
        assert [again.add_working_days(date(year, 1, 20), n)
                for year in range(2019, 2027) for n in (1, 5, 30)] == want  # fmt: skip
        assert {d: again.holiday_name(d) for d in want} == names
    finally:
        workdays._YEARS.update(saved)


@pytest.mark.parametrize(
    "folders", [["holidays-1.2.3.dist-info"], [], ["holidays-1.dist-info", "holidays-2.dist-info"]]
)
def test_the_holidays_version_is_read_beside_the_package(
    folders: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored answers are keyed to the `holidays` version: read from its one metadata
    folder beside the package, else asked of importlib.metadata (what it was before)."""
    import importlib.metadata
    import importlib.util
    from types import SimpleNamespace

    from cdsctl.dates import workdays

    workdays.package_version.cache_clear()
    assert workdays.package_version() == importlib.metadata.version("holidays")
    (tmp_path / "holidays").mkdir()
    for name in [*folders, "holidays_extra-9.dist-info", "other-1.dist-info"]:
        (tmp_path / name).mkdir()
    origin = str(tmp_path / "holidays" / "__init__.py")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: SimpleNamespace(origin=origin))
    workdays.package_version.cache_clear()
    try:
        want = "1.2.3" if len(folders) == 1 else importlib.metadata.version("holidays")
        assert workdays.package_version() == want
    finally:
        workdays.package_version.cache_clear()


def test_vietnam_alone_is_the_packages_calendar() -> None:
    """The calendar loaded from the package's module of Vietnam alone (workdays._vietnam,
    which spares the import of every other country) gives what country_holidays("VN")
    gives: the same days, names and weekend days worked, every year."""
    from cdsctl.dates import workdays

    alone = workdays._vietnam()
    assert alone is not holidays.country_holidays and getattr(alone, "__name__", "") == "Vietnam"
    for year in range(1990, 2041):
        ours = alone(years=year, language="vi")
        theirs = holidays.country_holidays("VN", years=year, language="vi")
        assert dict(ours) == dict(theirs), year
        assert sorted(ours.weekend_workdays) == sorted(theirs.weekend_workdays), year


def test_a_query_process_imports_no_other_country() -> None:
    """Counting a deadline in working days in a new process loads Vietnam's module of the
    package, not holidays.countries (every country the package knows)."""
    import subprocess
    import sys

    code = ("import sys; from datetime import date; from cdsctl.dates.workdays import "
            "WorkCalendar; print(WorkCalendar().add_working_days(date(2024, 4, 26), 3), "
            "'holidays.countries' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.split()  # fmt: skip
    assert out == ["2024-05-04", "False"]  # (29/4-1/5 off; 2/5, 3/5 and Saturday 4/5 worked)
