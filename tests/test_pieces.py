"""A shard's piece (cdsctl.validation.pieces) gives a query the records the shard itself
gives: a task's row is the snapshot's columns of its typed record, for any values; a clean
validation leaves a piece beside each shard; the records made from the pieces equal those
made from the shards and a full load's; and a piece never serves a shard written again,
damaged, or holding a file with errors."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl import model, repository
from cdsctl.model import ROW_FIELDS
from cdsctl.snapshot import columns, fromshards
from cdsctl.validation import pieces
from cdsctl.validation.cache import Store
from cdsctl.validation.shards import FILES

from .test_fromshards import aged, generated, without_descriptions  # noqa: F401  (a fixture)

# -- a task's row ------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
#: a date's text in the forms date.fromisoformat reads (the extended one, and the basic one)
_day = st.dates(date(1900, 1, 1), date(2200, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%Y%m%d")]))  # fmt: skip
_maybe_day = st.one_of(_day, st.just(""))


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


_values = st.tuples(
    st.fixed_dictionaries({"id": _text, "directive": _text, "title": _text, "lead": _text}),
    _optional(
        item=_text, description=_text, support=st.lists(_text, max_size=3), report_to=_text,
        via=st.lists(_text, max_size=2), group=_text, tags=st.lists(_text, max_size=3),
        parent=_text, indicators=st.lists(_text, max_size=2),
        due=st.one_of(_day, st.just(""), st.fixed_dictionaries({"working_days": st.integers(0, 90)},
                                                               optional={"from": _day})),
        every=st.sampled_from(["month", "quarter", "year", "week"]), due_day=st.integers(1, 31),
        due_month=st.integers(1, 12), start=_maybe_day, end=_maybe_day, completed=_maybe_day,
        extensions=st.lists(st.fixed_dictionaries({"due": _day, "granted": _day},
                                                  optional={"by": _text, "reason": _text}),
                            max_size=3),
        cancelled=st.one_of(st.none(), st.fixed_dictionaries(
            {"date": _day}, optional={"reason": _text, "by": _text})),
    ),
).map(lambda parts: {**parts[0], **parts[1]})  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_values, min_size=1, max_size=4, unique_by=lambda v: v["id"]), file=_text)
def test_a_task_row_is_the_snapshots_columns_of_its_typed_record(values: list[dict[str, Any]],
                                                                 file: str) -> None:  # fmt: skip
    typed = [model.task(v, model.Source(file)) for v in values]
    iso = pieces.isos()
    rows = [model.task_row(v, file, iso) for v in values]
    expected = columns.task_columns(typed, {}.setdefault)
    assert {name: [row[i] for row in rows] for i, name in enumerate(ROW_FIELDS)} == expected
    decoded = columns.tasks_of(expected, columns.days(), None)
    assert list(decoded.values()) == [_without_description(t) for t in typed]


def _without_description(task: model.Task) -> model.Task:
    from dataclasses import replace

    return replace(task, description=None)


# -- the pieces of a validation ----------------------------------------------------------------


def validated(root: Path, cache: Path) -> tuple[repository.Repository, Store, list[str]]:
    full = repository.load(root, cache_dir=cache)
    store = Store.for_root(cache, root)
    return full, store, list(store.read(FILES)["shards"])


def lean_made(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    """A query's records from `store`, and the shards it read whole (not their piece)."""
    read_whole: list[str] = []
    real = Store.read

    def spy(self: Store, name: str) -> Any:
        if name.startswith(f"{FILES}."):
            read_whole.append(name)
        return real(self, name)

    monkeypatch.setattr(Store, "read", spy)
    made = fromshards.made(store, lean=True)
    monkeypatch.setattr(Store, "read", real)
    assert made is not None
    return made, read_whole


def assert_as_full(made: Any, full: repository.Repository) -> None:
    assert without_descriptions(made.records) == without_descriptions(full.records)
    assert made.records.report_entries == columns.encode(full.records)[0]["entries"]
    assert made.records.internal == full.records.internal
    view = columns.encode(made.records)[0]
    expected = columns.encode(full.records)[0]
    expected["tasks"] = columns.task_columns(
        [_without_description(t) for t in full.records.tasks.values()], {}.setdefault
    )
    assert view == expected


def test_a_clean_validation_leaves_a_piece_beside_each_shard(generated: Path,  # noqa: F811
                                                             tmp_path: Path) -> None:  # fmt: skip
    _, store, shards = validated(generated, tmp_path)
    assert len(shards) > 2
    for shard in shards:
        piece = pieces.read(store, shard)
        assert piece is not None, shard
        files = [wire[0] for _, wire in store.read(shard)]
        assert pieces.may_hold(piece, files)
        assert all(pieces.may_hold(piece, [f]) for f in files)
        others = [f for s in shards if s != shard for _, (f, *_) in store.read(s)]
        assert not pieces.may_hold(piece, others)


def test_records_from_the_pieces_are_those_from_the_shards(generated: Path,  # noqa: F811
                                                           tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:  # fmt: skip
    full, store, shards = validated(generated, tmp_path)
    from_pieces, read_whole = lean_made(store, monkeypatch)
    assert read_whole == []
    assert_as_full(from_pieces, full)
    for shard in shards:
        (store.folder / pieces.piece_name(shard)).unlink()
    from_shards, read_whole = lean_made(store, monkeypatch)
    assert read_whole == shards
    assert columns.encode(from_shards.records) == columns.encode(from_pieces.records)


def test_a_shard_written_again_or_gone_is_read_not_its_piece(generated: Path,  # noqa: F811
                                                             tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:  # fmt: skip
    """A piece serves the shard as it was written (its length and CRC-32, as the shard's
    head carries them); its own payload is checked as any cache file's.  A shard damaged
    past its head is still the one the piece was made with: the piece still serves."""
    full, store, shards = validated(generated, tmp_path)
    again, damaged, gone = shards[1], shards[2], shards[3]
    store.write(again, list(reversed(store.read(again))))  # (the same files, another order)
    assert pieces.read(store, again) is None
    assert pieces.read(store, shards[0]) is not None
    blob = bytearray((store.folder / damaged).read_bytes())
    blob[-5] ^= 0xFF
    (store.folder / damaged).write_bytes(bytes(blob))
    assert pieces.read(store, damaged) is not None
    made, read_whole = lean_made(store, monkeypatch)
    assert read_whole == [again]
    assert_as_full(made, full)
    (store.folder / pieces.piece_name(shards[0])).write_bytes(b"not a piece")
    assert pieces.read(store, shards[0]) is None
    made, read_whole = lean_made(store, monkeypatch)
    assert read_whole == [shards[0], again]
    assert_as_full(made, full)
    (store.folder / gone).unlink()
    assert pieces.read(store, gone) is None
    assert fromshards.made(store, lean=True) is None  # (as without pieces: nothing trusted)


def test_a_shard_holding_a_file_with_errors_is_read(
        tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811  # fmt: skip
    root = tmp_path / "root"
    shutil.copytree(generated, root)
    tasks = sorted((root / "tasks").rglob("*.yaml"))
    bad = tasks[len(tasks) // 2]
    bad.write_text(bad.read_text("utf-8").replace("title:", "title: [", 1), "utf-8")
    twice = tasks[0].read_text("utf-8")  # (an id held twice: an error found across files)
    (tasks[-1].parent / ("zz-" + tasks[-1].name)).write_text(twice, "utf-8")
    full, store, shards = validated(aged(root), tmp_path / "cache")
    assert full.skipped
    made, read_whole = lean_made(store, monkeypatch)
    assert 0 < len(read_whole) < len(shards)
    holding = {
        s for s in shards if not set(full.skipped).isdisjoint(f for _, (f, *_) in store.read(s))
    }
    assert set(read_whole) == holding
    assert_as_full(made, full)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1))
def test_pieces_and_shards_together_in_any_order(generated: Path, tmp_path: Path,  # noqa: F811
                                                 seed: int) -> None:  # fmt: skip
    """Some shards written again with their files in another order (read whole), the others
    served by their pieces, all named in another order: the records of a full load."""
    import random

    cache = tmp_path / f"cache-{seed}"
    full, store, shards = validated(generated, cache)
    rng = random.Random(seed)
    for shard in shards:
        if rng.random() < 0.5:
            files = store.read(shard)
            rng.shuffle(files)
            store.write(shard, files)
    rng.shuffle(shards)
    store.write(FILES, {**store.read(FILES), "shards": shards})
    made = fromshards.made(store, lean=True)
    assert made is not None
    assert_as_full(made, full)
    shutil.rmtree(cache)
