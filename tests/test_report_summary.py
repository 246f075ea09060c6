"""A report's summary in slots (cdsctl.checks.index.ReportSummary), by generated reports.

A validation that only checks holds each report as a few slots, not its values: the rules
across files must read the same of it either way.  Reports are drawn with the forms a file
may hold (an item without a task, a task written as a number, a status the spec does not
know, an item that is not a mapping, no agency or an alias, no date, more items than a
small int's bits), checked on their own, and their summary compared with the values and
references the check gave.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.checks.crossfile import full_checks
from cdsctl.checks.index import ReportSummary, lean_wire, summary_from_wire
from cdsctl.validation.onefile import check_bytes_wire

from .test_crossfile import EXPIRING

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ITEMS = [
    "{task: T0, status: done}",
    "{task: T1, status: in-progress, progress: 50}",
    "{task: T9, status: done}",  # (names no task)
    "{task: D0, status: done}",  # (names a directive)
    "{status: done}",  # no task
    "{task: 12, status: done}",  # a number
    "{task: T2, status: finished}",  # no such status
    "just text",  # not a mapping
    "{task: T3, status: blocked, note: Chưa có kinh phí}",
]
FIELDS = {
    "agency": [None, "SCT", "Sở TT&TT", "[SCT, UBND]"],
    "date": [None, "2022-05-01", "2022-07-20", "2022-13-01"],
    "period": [None, '"2022-07"', '"2022-Q3"', "bad"],
    "number": [None, "12/BC-SCT", "xx"],
}


@st.composite
def reports(draw: Any, ident: str = "R0") -> str:
    lines = ["kind: report", f"id: {ident}"]
    for key, choices in FIELDS.items():
        value = draw(st.sampled_from(choices))
        if value is not None:
            lines.append(f"{key}: {value}")
    items = draw(st.lists(st.sampled_from(ITEMS), max_size=12))
    if items or draw(st.booleans()):
        lines += ["tasks:", *(f"  - {item}" for item in items)] if items else ["tasks: []"]
    return "\n".join(lines) + "\n"


def _wire(text: str, path: str = "reports/R0.yaml") -> tuple[Any, ...] | None:
    return check_bytes_wire(path, text.encode())[2]


@SETTINGS
@given(reports())
def test_a_report_summary_reads_as_its_values_and_references(text: str) -> None:
    wire = _wire(text)
    if wire is None:  # (no summary: nothing to hold)
        return
    _, record_id, file, values, references = wire
    for summary in (summary_from_wire(wire, whole=False), summary_from_wire(wire)):
        assert isinstance(summary, ReportSummary)
        items = values.get("tasks", ())
        assert (summary.id, summary.file) == (record_id, file)
        assert summary.date == values.get("date") and summary.period == values.get("period")
        assert summary.tasks == tuple(item.get("task") for item in items)
        done = [i["task"] for i in items if i.get("status") == "done" and "task" in i]
        assert summary.done_tasks() == done
        assert list(summary.references.items()) == list(references.items())  # (in order)
        assert [(k, list(v)) for k, v in summary.reference_items()] == list(references.items())
        assert summary.get("number") == values.get("number")
        assert summary.get("agency", "none") == values.get("agency", "none")
    lean = summary_from_wire(wire, whole=False)
    assert lean.whole is None and summary_from_wire(lean.to_wire(), whole=False) == lean
    assert summary_from_wire(wire).values is values
    with pytest.raises(ValueError, match="without its values"):
        lean.values  # noqa: B018  (never a part of them taken for the whole)
    assert summary_from_wire(lean_wire(wire), whole=False) == lean
    assert summary_from_wire(wire).to_wire() == wire  # (what the shards hold, unchanged)


ROOT = {
    "agencies.yaml": EXPIRING,
    "directives/D0.yaml": "kind: directive\nid: D0\ntype: TB\nnumber: 1/TB-UBND\n"
    "issuer: UBND\nissued: 2022-06-01\ntitle: Thông báo kết luận\n",
    **{f"tasks/T{n}.yaml": f"kind: task\nid: T{n}\ndirective: D0\ntitle: Nhiệm vụ\n"
       f"lead: STTTT\n{due}\n"
       for n, due in enumerate(["due: 2022-12-31", "every: monthly\nstart: 2022-06-01",
                                "due: 2022-05-20", "every: quarterly\nstart: 2022-04-01"])},
}  # fmt: skip


@SETTINGS
@given(st.lists(reports(), min_size=1, max_size=4))
def test_the_rules_find_the_same_in_a_report_held_whole_or_lean(texts: list[str]) -> None:
    """Every rule across files, over a root with the drawn reports: the same findings from
    summaries holding reports' values as from those holding slots only."""
    wires = {p: w for p, t in ROOT.items() if (w := _wire(t, p)) is not None}
    for n, text in enumerate(texts):
        path = f"reports/R{n}.yaml"
        wire = _wire(text.replace("id: R0", f"id: R{n}"), path)
        if wire is not None:
            wires[path] = wire
    found = []
    for whole in (True, False):
        summaries = [summary_from_wire(w, whole) for _, w in sorted(wires.items())]
        findings, span, days = full_checks(summaries, date(2022, 8, 1))
        found.append(([(f.file, f.path, f.code, str(f.message)) for f in findings], span, days))
    assert found[0] == found[1]


def test_the_rules_read_a_lean_report() -> None:
    """A report dated before its task's directive, on a recurring task without `period`,
    saying done a task led by an agency that has ceased: each rule finds it in slots."""
    text = ("kind: report\nid: R0\nagency: SCT\nnumber: 12/BC-SCT\ndate: 2022-05-01\n"
            "tasks:\n  - {task: T1, status: done}\n  - {task: T9, status: done}\n")  # fmt: skip
    wires = [_wire(t, p) for p, t in {**ROOT, "reports/R0.yaml": text}.items()]
    summaries = [summary_from_wire(w, whole=False) for w in wires if w is not None]
    report = summaries[-1]
    assert isinstance(report, ReportSummary) and report.whole is None
    assert report.refs is None  # (its references are its agency's and tasks': not kept twice)
    findings, _, days = full_checks(summaries, date(2022, 8, 1))
    codes = {(f.file, f.code) for f in findings}
    assert ("reports/R0.yaml", "report-before-directive") in codes
    assert ("reports/R0.yaml", "report-period") in codes
    assert ("reports/R0.yaml", "unresolved-reference") in codes  # (T9)
    assert days["reports/R0.yaml"] == ["2022-05-01"]  # (T1's lead ceased: the day counts)
