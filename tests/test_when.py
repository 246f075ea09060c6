import calendar
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.dates.when import WhenError, parse_span, parse_when

TODAY = date(2022, 6, 30)  # a Thursday, the last day of a month, a quarter and a half-year
dates = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 11, 30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-20", date(2022, 5, 20)),
        ("2022-5-2", date(2022, 5, 2)),
        ("20/5/2022", date(2022, 5, 20)),
        ("20-5-2022", date(2022, 5, 20)),
        ("20.5.2022", date(2022, 5, 20)),
        ("01/02/2023", date(2023, 2, 1)),  # day first
        ("29/2/2024", date(2024, 2, 29)),
        ("today", TODAY),
        ("  Today ", TODAY),
        ("yesterday", date(2022, 6, 29)),
        ("TOMORROW", date(2022, 7, 1)),
        ("+7d", date(2022, 7, 7)),
        ("-3d", date(2022, 6, 27)),
        ("+0d", TODAY),
        ("-2w", date(2022, 6, 16)),
        ("+1m", date(2022, 7, 30)),
        ("-1m", date(2022, 5, 30)),
        ("+8m", date(2023, 2, 28)),  # 30 February clipped
        ("+20M", date(2024, 2, 29)),
        ("+1y", date(2023, 6, 30)),
        ("-10y", date(2012, 6, 30)),
        ("som", date(2022, 6, 1)),
        ("eom", date(2022, 6, 30)),
        ("soq", date(2022, 4, 1)),
        ("eoq", date(2022, 6, 30)),
        ("soy", date(2022, 1, 1)),
        ("EOY", date(2022, 12, 31)),
    ],
)
def test_examples(text: str, expected: date) -> None:
    assert parse_when(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2023, 1, 31), "+1m", date(2023, 2, 28)),
        (date(2024, 1, 31), "+1m", date(2024, 2, 29)),
        (date(2024, 2, 29), "+1y", date(2025, 2, 28)),
        (date(2024, 3, 31), "-1m", date(2024, 2, 29)),
        (date(2024, 2, 10), "eom", date(2024, 2, 29)),
        (date(2023, 2, 10), "eom", date(2023, 2, 28)),
        (date(2022, 11, 5), "eoq", date(2022, 12, 31)),
        (date(2022, 8, 31), "soq", date(2022, 7, 1)),
        (date(2022, 12, 31), "tomorrow", date(2023, 1, 1)),
    ],
)
def test_examples_on_other_days(today: date, text: str, expected: date) -> None:
    assert parse_when(text, today) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30/2/2022", "does not exist (month 2/2022 has 28 days)"),
        ("2022-02-30", "does not exist (month 2/2022 has 28 days)"),
        ("29/2/2023", "does not exist"),
        ("31/4/2022", "does not exist (month 4/2022 has 30 days)"),
        ("0/5/2022", "does not exist"),
        ("2022-13-01", "there is no month 13"),
        ("5/20/2022", "there is no month 20; dates are written day first"),
        ("1/1/0000", "years run from 1 to 9999"),
        ("20/5/22", "year with 4 digits"),
        ("20/5/02022", "year with 4 digits"),
        ("7d", "+7d (after today) or -7d (before)"),
        ("", "is not a date"),
        ("next week", "is not a date; write one of"),
        ("20/5-2022", "is not a date"),
        ("2022/05/20", "is not a date"),
        ("+7x", "is not a date"),
        ("+7", "is not a date"),
        ("+ 7d", "is not a date"),
        ("+1.5m", "is not a date"),
        ("+9999y", "out of the calendar"),
        ("-99999999999d", "out of the calendar"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, TODAY)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


@given(dates)
def test_iso_round_trip(d: date) -> None:
    assert parse_when(d.isoformat(), TODAY) == d


@given(dates, st.sampled_from("/-."))
def test_day_first_round_trip(d: date, sep: str) -> None:
    assert parse_when(f"{d.day}{sep}{d.month}{sep}{d.year:04d}", TODAY) == d
    assert parse_when(f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year:04d}", TODAY) == d


@given(dates, st.integers(0, 500))
def test_day_and_week_offsets(today: date, n: int) -> None:
    for text, days in ((f"+{n}d", n), (f"-{n}d", -n), (f"+{n}w", 7 * n), (f"-{n}w", -7 * n)):
        try:
            expected = today + timedelta(days=days)
        except OverflowError:
            continue
        assert parse_when(text, today) == expected


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31)), st.integers(-99, 99))
def test_month_offsets_clip_to_the_month(today: date, n: int) -> None:
    result = parse_when(f"{n:+d}m", today)
    months = today.year * 12 + today.month - 1 + n
    assert (result.year, result.month - 1) == divmod(months, 12)
    assert result.day == min(today.day, calendar.monthrange(result.year, result.month)[1])


def quarter(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3


PERIODS = {
    "m": lambda d: (d.year, d.month),
    "q": quarter,
    "y": lambda d: d.year,
}


@given(dates, st.sampled_from("mqy"))
def test_end_of_period(today: date, period: str) -> None:
    of = PERIODS[period]
    end = parse_when(f"eo{period}", today)
    assert end >= today
    assert of(end) == of(today)
    assert of(end + timedelta(days=1)) != of(today)


@given(dates, st.sampled_from("mqy"))
def test_start_of_period(today: date, period: str) -> None:
    of = PERIODS[period]
    start = parse_when(f"so{period}", today)
    assert start <= today
    assert of(start) == of(today)
    assert of(start - timedelta(days=1)) != of(today)


@pytest.mark.parametrize("month", range(1, 13))
def test_end_of_period_for_every_month(month: int) -> None:
    today = date(2024, month, 15)
    end_of_quarter = {1: 3, 2: 3, 3: 3, 4: 6, 5: 6, 6: 6, 7: 9, 8: 9, 9: 9}.get(month, 12)
    assert parse_when("eoq", today).month == end_of_quarter
    assert parse_when("soq", today).month == end_of_quarter - 2
    month_lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # 2024 is a leap year
    assert parse_when("eom", today) == date(2024, month, month_lengths[month - 1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14d", relativedelta(days=14)),
        ("2w", relativedelta(days=14)),
        ("1m", relativedelta(months=1)),
        (" 3M ", relativedelta(months=3)),
        ("1y", relativedelta(years=1)),
        ("0d", relativedelta()),
    ],
)
def test_spans(text: str, expected: relativedelta) -> None:
    assert parse_span(text) == expected


@pytest.mark.parametrize(
    "text", ["", "14", "d", "+14d", "-14d", "14 d", "two weeks", "1.5m", "eom"]
)
def test_bad_spans(text: str) -> None:
    with pytest.raises(WhenError, match="is not a span; write a number and a unit"):
        parse_span(text)


def test_a_span_of_a_month_is_clipped_when_added() -> None:
    assert date(2023, 1, 31) + parse_span("1m") == date(2023, 2, 28)
