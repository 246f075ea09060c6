"""Filters never fail in silence: a value names one thing, or the command exits 2 and says why.

`--agency HT-SNVV` (a typo), `--agency "Sở Nội vụ"` (a name), `--group chinh-phu`,
`--state late` printed an empty table and exited 0, so a scheduled `--fail-if-any` job always
passed.  Here values are generated from the bundled records — ids in any case, names, short
names and aliases with or without diacritics, typos of each — and run through every command
that takes the filter (`overdue`, `tasks`, `due`, `calendar`; `stats` and `indicators` take
none), against an oracle that folds text its own way.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl import filters
from cdsctl.repository import load
from cdsctl.schema import GROUPS
from cdsctl.state import State

from .conftest import SAMPLE, invoke

RECORDS = load(SAMPLE).records
AGENCIES = sorted(RECORDS.agencies.values(), key=lambda a: a.id)
DIRECTIVES = sorted(RECORDS.directives.values(), key=lambda d: d.id)
COMMANDS = ["overdue", "tasks", "due", "calendar"]
AS_OF = "2023-10-10"


def plain(text: str) -> str:
    """The oracle's folding: no accents, no đ, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def spellings(agency: Any) -> list[str]:
    return [s for s in (agency.id, agency.name, agency.short, *agency.aliases) if s]


def agencies_named(text: str) -> set[str]:
    if text in RECORDS.agencies:
        return {text}
    return {a.id for a in AGENCIES if plain(text) in map(plain, spellings(a))}


def run(command: str, *args: str) -> tuple[int, str]:
    """A command's output as of AS_OF (calendar: its events' UIDs), or its error."""
    fmt = [] if command == "calendar" else ["--format", "json"]
    code, out = invoke(command, "--records", str(SAMPLE), "--as-of", AS_OF, *fmt, *args)
    if code == 0 and command == "calendar":
        return code, "\n".join(line for line in out.splitlines() if line.startswith("UID:"))
    return code, out


def error(command: str, *args: str) -> str:
    from typer.testing import CliRunner

    from cdsctl.cli import app

    fmt = [] if command == "calendar" else ["--format", "json"]
    result = CliRunner().invoke(app, [command, "--records", str(SAMPLE), "--as-of", AS_OF, *fmt,
                                      *args], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("cdsctl: ")]
    return line


# -- generated spellings -----------------------------------------------------------------------


def respelt(draw: st.DrawFn, text: str) -> str:
    """`text` as someone might type it: accents dropped or not, any case, odd spaces."""
    if draw(st.booleans()):
        text = plain(text)
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    text = "".join(c.upper() if draw(st.booleans()) else c for c in text) if draw(
        st.booleans()) else text  # fmt: skip
    return draw(st.sampled_from(["", " "])) + text.replace(" ", draw(st.sampled_from([" ", "  "])))


@st.composite
def agency_spellings(draw: st.DrawFn) -> tuple[str, set[str]]:
    agency = draw(st.sampled_from(AGENCIES))
    text = respelt(draw, draw(st.sampled_from(spellings(agency))))
    return text, agencies_named(text)


def typo(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text) - 1))
    change = draw(st.sampled_from(["drop", "double", "swap", "replace"]))
    letter = draw(st.sampled_from("ABCDEFGHKLMNPQRSTUVXY"))
    if change == "drop":
        return text[:at] + text[at + 1 :]
    if change == "double":
        return text[:at] + text[at] + text[at:]
    if change == "swap" and at + 1 < len(text):
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text[:at] + letter + text[at + 1 :]


@settings(max_examples=60, deadline=None)
@given(case=agency_spellings(), command=st.sampled_from(COMMANDS), involved=st.booleans())
def test_an_agency_by_any_spelling(case: tuple[str, set[str]], command: str,
                                   involved: bool) -> None:  # fmt: skip
    text, named = case
    more = ["--involved"] if involved else []
    if len(named) == 1:
        assert run(command, "--agency", text, *more) == run(command, "--agency", *named, *more)
    else:  # a name several agencies share: each is listed, none is chosen
        line = error(command, "--agency", text, *more)
        assert f"names {len(named)} agencies" in line
        assert all(f"{i} (" in line for i in named)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_an_agency_typo_exits_2_with_suggestions(data: st.DataObject, command: str) -> None:
    agency = data.draw(st.sampled_from(AGENCIES))
    text = typo(data.draw, agency.id)
    if agency_id_of(text) is not None:
        return  # the typo spells an agency (or several): not a typo
    line = error(command, "--agency", text)
    assert f"'{text}' names no agency" in line
    if len(text) > 2:  # (two letters are too few to guess from)
        suggested = line.split("did you mean ")[1]
        assert agency.id in suggested or suggested.count("(") == 3, line


def agency_id_of(text: str) -> str | None:
    named = agencies_named(text)
    return next(iter(named)) if named else None


@settings(max_examples=30, deadline=None)
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_a_directive_by_id_or_number(data: st.DataObject, command: str) -> None:
    directive = data.draw(st.sampled_from([d for d in DIRECTIVES if d.number]))
    text = respelt(data.draw, data.draw(st.sampled_from([directive.id, directive.number])))
    others = [d.id for d in DIRECTIVES if plain(text) in (plain(d.id), plain(d.number or ""))]
    if others == [directive.id]:
        assert run(command, "--directive", text) == run(command, "--directive", directive.id)
    misspelt = typo(data.draw, directive.id)
    if not any(plain(misspelt) in (plain(d.id), plain(d.number or "")) for d in DIRECTIVES):
        assert f"'{misspelt}' names no directive" in error(command, "--directive", misspelt)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_a_group_by_its_words_or_a_typo(data: st.DataObject, command: str) -> None:
    group = data.draw(st.sampled_from(GROUPS))
    words = respelt(data.draw, group.replace("-", data.draw(st.sampled_from(["-", " "]))))
    assert run(command, "--group", words) == run(command, "--group", group)
    misspelt = typo(data.draw, group)
    if "-".join(plain(misspelt).replace("-", " ").split()) not in GROUPS:  # words, any separators
        line = error(command, "--group", misspelt)
        assert f"'{misspelt}' is not a group" in line and ", ".join(GROUPS) in line


@settings(max_examples=40, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12))
def test_a_state_names_one_of_spec_4s_or_is_refused_with_the_list(text: str) -> None:
    states = [str(s) for s in State]
    wanted = "-".join(plain(text).replace("-", " ").split())
    if wanted in states:
        assert filters.states([text]) == {State(wanted)}
        return
    with pytest.raises(filters.FilterError, match="is not a state") as caught:
        filters.states([text])
    assert ", ".join(states) in str(caught.value)


# -- the issue's own cases ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_the_issues_cases(command: str) -> None:
    assert "did you mean QN-SNV" in error(command, "--agency", "QN-SNVV")
    line = error(command, "--agency", "Sở Nội vụ")  # two provinces' Sở Nội vụ
    assert "BD-SNV (Sở Nội vụ tỉnh Bình Định)" in line and "QN-SNV" in line
    assert "did you mean chinh-phu-so" in error(command, "--group", "chinh-phu")
    assert "names no directive" in error(command, "--directive", "X")
    assert run(command, "--agency", "so noi vu tinh quang ninh") == run(command, "--agency",
                                                                         "QN-SNV")  # fmt: skip


def test_state_late_lists_the_states() -> None:
    line = error("tasks", "--state", "late")
    assert "did you mean done-late?" in line and "overdue, open, no-deadline" in line


def test_fail_if_any_cannot_pass_on_a_typo() -> None:
    code, _ = invoke("overdue", "--records", str(SAMPLE), "--as-of", AS_OF, "--agency",
                     "ND-STTT", "--fail-if-any")  # fmt: skip
    assert code == 2


def test_an_id_only_tasks_use_still_resolves() -> None:
    """With agencies.yaml left out (it has an error), the ids tasks hold still filter."""
    records = load(SAMPLE).records
    records.agencies.clear()
    lead = next(iter(records.tasks.values())).lead
    assert filters.agency_id(records, lead) == lead
    assert filters.agency_id(records, lead.lower()) == lead


def test_json_of_a_resolved_filter_equals_the_ids() -> None:
    by_name = run("tasks", "--agency", "Sở Thông tin và Truyền thông tỉnh Nam Định")
    assert by_name[0] == 0 and json.loads(by_name[1]) == json.loads(
        run("tasks", "--agency", "ND-STTTT")[1]) != []  # fmt: skip
