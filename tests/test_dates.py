import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.dates.iso import DateError, parse_iso, period_span


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_round_trip(d: date) -> None:
    assert parse_iso(d.isoformat()) == d


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(["/", "-", "."]))
def test_day_first_proposes_the_iso_form(d: date, sep: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_iso(f"{d.day}{sep}{d.month}{sep}{d.year}")
    assert caught.value.code == "date-format"
    assert d.isoformat() in str(caught.value)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_unpadded_iso_proposes_the_padded_form(d: date) -> None:
    text = f"{d.year}-{d.month}-{d.day}"
    if text == d.isoformat():  # already padded (month and day ≥ 10)
        assert parse_iso(text) == d
        return
    with pytest.raises(DateError) as caught:
        parse_iso(text)
    assert d.isoformat() in str(caught.value)


@pytest.mark.parametrize("text", ["2022-02-30", "2021-02-29", "2022-13-01", "2022-00-10"])
def test_impossible_dates(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_iso(text)
    assert caught.value.code == "date-invalid"


def test_leap_day_exists() -> None:
    assert parse_iso("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["hôm nay", "20/5", "2022-05-20T10:00:00"])
def test_other_text_is_a_format_error(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_iso(text)
    assert caught.value.code == "date-format"


#: pieces people write dates and periods with, the year 0000 and Vietnamese words among them
_PIECES = st.sampled_from(["0000", "0001", "9999", "2024", "00", "0", "1", "12", "13", "31", "32",
                           "Q1", "Q4", "H2", "quý I", "tháng", "năm", "6 tháng đầu năm",
                           "-", "/", ".", " ", "T", "h", "２０２４"])  # fmt: skip


@given(st.lists(_PIECES, max_size=5).map("".join))
def test_any_text_is_a_date_or_a_date_error_never_a_crash(text: str) -> None:
    """Class: the hints that propose a form (day-first, a period's end, a time) read numbers
    that may not make a date, e.g. `due: "0000"`, a period of the year 0 (it crashed)."""
    try:
        parsed = parse_iso(text)
    except DateError as exc:
        assert exc.code in ("date-format", "date-invalid")
        return
    assert parsed.isoformat() == text


@given(st.integers(0, 10_000), st.sampled_from(["", "-01", "-12", "-Q1", "-Q4", "-H1", "-H2"]))
def test_a_period_span_is_its_calendar_days_or_none(year: int, rest: str) -> None:
    text = f"{year:04d}{rest}"
    span = period_span(text)
    if year == 0 or year > 9999:
        assert span is None
        return
    assert span is not None
    what, first, last = span
    assert first <= last and first.year == last.year == year
    assert last.day == calendar.monthrange(year, last.month)[1]  # the last day of a month
    months = last.month - first.month + 1
    assert {"month": 1, "quarter": 3, "half-year": 6, "year": 12}[what] == months
