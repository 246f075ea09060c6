"""`cdsctl indicators`: latest actual, its target, on track, trend (cdsctl/indicators.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.indicators import indicator_rows, parse_period, standing
from cdsctl.model import Indicator, Measure, Records, Source
from cdsctl.repository import load

from .conftest import SAMPLE, invoke


def _indicator(better: str, targets: dict[str, float], actuals: dict[str, float],
               id: str = "x") -> Indicator:  # fmt: skip
    return Indicator(id, "Chỉ số", better, Source(f"indicators/{id}.yaml"), "%",
                     tuple(Measure(p, v) for p, v in targets.items()),
                     tuple(Measure(p, v) for p, v in actuals.items()))  # fmt: skip


def _row(indicator: Indicator, as_of: str = "2030-01-01") -> dict[str, object]:
    [row] = indicator_rows(Records(indicators={indicator.id: indicator}), date.fromisoformat(as_of))
    return row


# -- periods -----------------------------------------------------------------------------------


def test_periods_are_ordered_by_end_date_then_form() -> None:
    texts = ["2023", "2023-H2", "2023-05", "2023-Q2", "2023-H1", "2023-06", "2022", "2023-Q4"]
    ordered = [p.text for p in sorted(map(parse_period, texts))]
    assert ordered == ["2022", "2023-05", "2023-06", "2023-Q2", "2023-H1", "2023-Q4", "2023-H2",
                       "2023"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2022", "2022-01-01", "2022-12-31"), ("2022-Q1", "2022-01-01", "2022-03-31"),
     ("2022-H2", "2022-07-01", "2022-12-31"), ("2024-02", "2024-02-01", "2024-02-29")],
)  # fmt: skip
def test_period_bounds(text: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2022-13", "2022-Q5", "22", "2022-h1", "2022-5"])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


# -- on track ----------------------------------------------------------------------------------


def test_a_rank_of_14_against_20_is_on_track_when_lower_is_better() -> None:
    row = _row(_indicator("lower", {"2022": 20}, {"2022": 14}))
    assert (row["actual"], row["target"], row["target_period"], row["on_track"]) == (
        14, 20, "2022", True)  # fmt: skip


def test_a_rank_of_25_against_20_is_not_on_track() -> None:
    assert _row(_indicator("lower", {"2022": 20}, {"2022": 25}))["on_track"] is False


def test_equal_to_the_target_is_on_track_either_way() -> None:
    assert _row(_indicator("lower", {"2022": 20}, {"2022": 20}))["on_track"] is True
    assert _row(_indicator("higher", {"2022": 50}, {"2022": 50}))["on_track"] is True


def test_higher_is_better_percentages() -> None:
    assert _row(_indicator("higher", {"2022": 50}, {"2022": 46.5}))["on_track"] is False
    assert _row(_indicator("higher", {"2022": 50}, {"2022": 52.1}))["on_track"] is True


def test_no_target_gives_null() -> None:
    row = _row(_indicator("higher", {}, {"2022": 46.5}))
    assert (row["target"], row["target_period"], row["on_track"]) == (None, None, None)


def test_a_later_target_applies_when_the_period_has_none() -> None:
    row = _row(_indicator("lower", {"2020": 30, "2025": 10, "2030": 5}, {"2023": 14}))
    assert (row["target"], row["target_period"], row["on_track"]) == (10, "2025", False)


def test_an_earlier_target_does_not_apply() -> None:
    row = _row(_indicator("higher", {"2022": 50}, {"2023": 60}))
    assert (row["target"], row["on_track"]) == (None, None)


def test_a_monthly_actual_is_held_to_its_years_target() -> None:
    row = _row(_indicator("higher", {"2023": 95}, {"2023-05": 86}), as_of="2023-06-30")
    assert (row["period"], row["target_period"], row["on_track"]) == ("2023-05", "2023", False)


# -- as of a date ------------------------------------------------------------------------------


def test_an_undated_actual_counts_once_its_period_has_ended() -> None:
    ind = _indicator("higher", {"2023": 80}, {"2022": 46.5, "2023": 81.2})
    row = _row(ind, as_of="2023-12-30")
    assert (row["period"], row["actual"], row["target_period"]) == ("2022", 46.5, "2023")
    assert _row(ind, as_of="2023-12-31")["period"] == "2023"  # its last day: it counts


def test_a_quarters_rate_is_not_known_in_the_quarter() -> None:
    """The issue's case: `indicators --as-of 2024-02-15` showed a 2024-Q1 actual."""
    ind = _indicator("higher", {}, {"2023-Q4": 70, "2024-Q1": 75})
    assert _row(ind, as_of="2024-02-15")["period"] == "2023-Q4"
    dated = Indicator("x", "X", "higher", Source("x.yaml"), None, (),
                      (Measure("2024-Q1", 75, date=date(2024, 4, 10)),))  # fmt: skip
    assert _row(dated, as_of="2024-04-09")["period"] is None  # published on 10 April
    assert _row(dated, as_of="2024-04-10")["period"] == "2024-Q1"


def test_a_dated_actual_counts_from_its_date_even_within_its_period() -> None:
    ind = Indicator("x", "X", "higher", Source("x.yaml"), None, (),
                    (Measure("2024", 60, date=date(2024, 6, 1)),))  # fmt: skip
    assert _row(ind, as_of="2024-05-31")["actual"] is None
    assert _row(ind, as_of="2024-06-01")["actual"] == 60


def test_latest_actual_is_the_latest_period_not_the_last_listed() -> None:
    ind = _indicator("higher", {}, {"2023": 92, "2022-H1": 12.4, "2023-05": 86})
    assert (_row(ind)["period"], _row(ind)["previous_period"]) == ("2023", "2023-05")


def test_with_no_actual_the_target_not_yet_ended_is_shown() -> None:
    ind = _indicator("lower", {"2025": 20, "2030": 10}, {})
    row = _row(ind, as_of="2026-03-01")
    assert (row["period"], row["actual"], row["target_period"], row["on_track"]) == (
        None, None, "2030", None)  # fmt: skip


def test_a_repeated_period_keeps_the_later_entry() -> None:
    ind = Indicator("x", "X", "higher", Source("x.yaml"), None,
                    (Measure("2022", 40), Measure("2022", 45)),
                    (Measure("2022", 41), Measure("2022", 44)))  # fmt: skip
    row = _row(ind)
    assert (row["actual"], row["target"], row["on_track"]) == (44, 45, False)


# -- trend -------------------------------------------------------------------------------------


def test_trend_respects_better() -> None:
    rank = _row(_indicator("lower", {}, {"2021": 20, "2022": 14}))
    assert (rank["previous"], rank["change"], rank["trend"]) == (20, -6, "better")
    rate = _row(_indicator("higher", {}, {"2022": 27.8, "2023": 24.3}))
    assert (rate["change"], rate["trend"]) == (-3.5, "worse")
    same = _row(_indicator("higher", {}, {"2022": 50, "2023": 50}))
    assert (same["change"], same["trend"]) == (0, "same")


def test_change_has_no_float_noise_and_one_actual_has_no_trend() -> None:
    assert _row(_indicator("higher", {}, {"2022": 27.8, "2023": 52.1}))["change"] == 24.3
    single = _row(_indicator("higher", {}, {"2022": 27.8}))
    assert (single["previous"], single["change"], single["trend"]) == (None, None, None)


def test_standing_exposes_periods() -> None:
    s = standing(_indicator("lower", {"2025": 10}, {"2023": 14}), date(2024, 1, 1))
    assert s.actual is not None and s.target is not None
    assert (s.actual[0].text, s.target[0].text) == ("2023", "2025")


# -- the bundled records and the command -------------------------------------------------------


def test_bundled_records_as_of_end_of_2023() -> None:
    rows = {r["id"]: r for r in indicator_rows(load(SAMPLE).records, date(2023, 12, 31))}
    assert list(rows) == sorted(rows)
    nd = rows["nd-hoso-online-rate"]
    assert (nd["period"], nd["actual"], nd["target"], nd["on_track"]) == ("2023", 52.1, 50, True)
    assert (nd["previous_period"], nd["change"], nd["trend"]) == ("2022", 24.3, "better")
    bd = rows["bd-hoso-online-rate"]
    assert (bd["actual"], bd["target"], bd["on_track"], bd["previous_period"]) == (
        47.9, 50, False, "2023-Q3")  # fmt: skip
    hd = rows["hd-dti-rank"]  # rank 14 (for 2020) against the 2022 target of 20
    assert (hd["period"], hd["target_period"], hd["on_track"]) == ("2020", "2022", True)
    tg = rows["tg-dti-rank"]  # no actual yet; the 2030 target
    assert (tg["actual"], tg["target"], tg["target_period"], tg["on_track"]) == (
        None, 20, "2030", None)  # fmt: skip


def test_bundled_records_mid_2022() -> None:
    rows = {r["id"]: r for r in indicator_rows(load(SAMPLE).records, date(2022, 6, 30))}
    nd = rows["nd-hoso-online-rate"]  # 2022-H1 ends on 30 June; the year's figure is not known
    assert (nd["period"], nd["actual"]) == ("2022-H1", 12.4)
    assert rows["bd-hoso-online-rate"]["period"] is None  # 2023 had not begun


def test_json_output_equals_the_library_rows() -> None:
    code, out = invoke("indicators", "--records", str(SAMPLE), "--as-of", "2023-12-31",
                       "--format", "json")  # fmt: skip
    assert code == 0
    assert json.loads(out) == indicator_rows(load(SAMPLE).records, date(2023, 12, 31))


def test_table_csv_and_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ("indicators", "--records", str(SAMPLE), "--as-of", "2023-12-31")
    code, table = invoke(*args)
    assert code == 0
    lines = {line.split()[0]: line for line in table.splitlines()[3:]}
    assert lines["nd-hoso-online-rate"].split("│")[1:] == [
        " 2023   ", "   52.1% ", "        50 ", " yes      ", " +24.3 better"]  # fmt: skip
    assert "14 hạng │ 20 (2022) │ yes" in lines["hd-dti-rank"]  # a later period's target
    assert max(map(len, table.splitlines())) <= 80  # fits the README's 80 columns
    code, csv = invoke(*args, "--format", "csv")
    header, *rows = csv.splitlines()
    assert header == ("id,name,unit,better,period,actual,target,target_period,on_track,"
                      "previous_period,previous,change,trend")  # fmt: skip
    assert len(rows) == 7 and rows[-1].endswith(",hạng,lower,,,20,2030,,,,,")
    assert rows[0].endswith(",2023,47.9,50,2023,false,2023-Q3,41.3,6.6,better")
    code, md = invoke(*args, "--format", "md")
    assert code == 0 and md.startswith("| id | name | period | actual | target | on track |")
    assert "Vân Canh | 2023 | 92% | 95 | no | +6 better |" in md  # names are not cut


def test_a_bad_as_of_exits_2() -> None:
    code, _ = invoke("indicators", "--records", str(SAMPLE), "--as-of", "someday")
    assert code == 2


# -- which actuals are known on D (spec 1.1), against an oracle --------------------------------


def _oracle_end(text: str) -> tuple[date, int]:
    """A period's last day and its length in months, worked out from the text alone."""
    year, _, rest = text.partition("-")
    if not rest:
        first, months = 1, 12
    elif rest[0] == "Q":
        first, months = 3 * int(rest[1]) - 2, 3
    elif rest[0] == "H":
        first, months = 6 * int(rest[1]) - 5, 6
    else:
        first, months = int(rest), 1
    after = date(int(year) + (first + months - 1) // 12, (first + months - 1) % 12 + 1, 1)
    return date.fromordinal(after.toordinal() - 1), months


def _oracle(actuals: list[Measure], as_of: date) -> list[tuple[str, float]]:
    """(period, value) of the known actuals, the latest period last."""
    latest: dict[str, float] = {}
    for m in actuals:
        if (m.date or _oracle_end(m.period)[0]) <= as_of:
            latest[m.period] = m.value  # the later entry of a period wins
    return sorted(latest.items(), key=lambda item: _oracle_end(item[0]))


_FORMS = {"y": "", "q": "-Q{}", "h": "-H{}", "m": "-{:02d}"}
_LENGTHS = {"y": 1, "q": 4, "h": 2, "m": 12}
_periods = st.builds(
    lambda y, form, n: str(y) + _FORMS[form].format(n % _LENGTHS[form] + 1),
    st.integers(2020, 2024),
    st.sampled_from("yqhm"),
    st.integers(0, 11),
)
_dates = st.none() | st.dates(date(2019, 6, 1), date(2026, 6, 1))
_actuals = st.lists(
    st.builds(Measure, _periods, st.integers(0, 100).map(float), st.none(), _dates), max_size=8
)


@settings(max_examples=200, deadline=None)
@given(actuals=_actuals, as_of=st.dates(date(2019, 1, 1), date(2026, 12, 31)))
def test_known_actuals_match_the_oracle(actuals: list[Measure], as_of: date) -> None:
    ind = Indicator("x", "X", "higher", Source("x.yaml"), None, (), tuple(actuals))
    row = _row(ind, as_of.isoformat())
    want = _oracle(actuals, as_of)
    latest, previous = (want[-1] if want else (None, None)), (
        want[-2] if len(want) > 1 else (None, None))  # fmt: skip
    assert (row["period"], row["actual"]) == latest
    assert (row["previous_period"], row["previous"]) == previous
