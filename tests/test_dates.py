from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsctl.dates import DateError, parse_iso


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
