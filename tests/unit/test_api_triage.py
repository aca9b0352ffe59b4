"""The Library's writes: what they change, what they report, and undo/redo built from those reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.errors import NotFoundError, ReaderappError
from tests.conftest import SAMPLE_FEED


@pytest.fixture
def lib(tmp_path: Path, database_url: str):
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        yield library


def ids(lib: Library, n: int) -> list[str]:
    return lib.list_ids()[:n]


def test_list_filters_and_counts(lib: Library) -> None:
    a, b, c = ids(lib, 3)
    lib.set_state([a], "archived")
    lib.set_state([b], "reading")
    lib.star([b, c])
    lib.tag([c], add=["rl"])
    assert lib.counts() == {"all": 43, "inbox": 41, "reading": 1, "done": 0, "archived": 1, "starred": 2}
    assert [p.id for p in lib.list(state="reading")] == [b]
    assert {p.id for p in lib.list(starred=True)} == {b, c}
    assert [p.id for p in lib.list(tag="RL")] == [c]
    assert len(lib.list(state="inbox")) == 41
    assert lib.tag_counts() == {"rl": 1}


def test_writes_report_changes_and_undo_redo(lib: Library) -> None:
    a, b = ids(lib, 2)
    lib.set_state([a], "reading")
    changes = lib.set_state([a, b], "archived")
    assert set(changes.ids) == {a, b}
    redo = lib.undo(changes)
    assert (lib.get(a).state, lib.get(b).state) == ("reading", "inbox")
    lib.undo(redo)
    assert (lib.get(a).state, lib.get(b).state) == ("archived", "archived")


def test_noop_write_reports_nothing(lib: Library) -> None:
    (a,) = ids(lib, 1)
    assert lib.star([a], on=False).empty
    assert lib.tag([a], remove=["absent"]).empty


def test_tag_note_highlight_undo(lib: Library) -> None:
    (a,) = ids(lib, 1)
    tagged = lib.tag([a], add=["x", "y"])
    lib.undo(tagged)
    assert lib.get(a).tags == []
    lib.set_note(a, "first")
    edit = lib.set_note(a, "second")
    lib.undo(edit)
    assert lib.get(a).note == "first"
    quote = lib.get(a).abstract[:20]
    added = lib.add_highlight(a, quote, color="green")
    (h,) = lib.get(a).highlights
    lib.undo(lib.edit_highlight(h.id, color="red", comment="c"))
    assert (lib.get(a).highlights[0].color, lib.get(a).highlights[0].comment) == ("green", None)
    lib.undo(added)
    assert lib.get(a).highlights == []


def test_errors_are_clear(lib: Library) -> None:
    with pytest.raises(NotFoundError, match=r"no paper '9999\.99999'"):
        lib.get("9999.99999")
    with pytest.raises(ReaderappError, match="unknown state"):
        lib.set_state(ids(lib, 1), "later")
    with pytest.raises(ReaderappError, match="not in the paper"):
        lib.add_highlight(ids(lib, 1)[0], "words that are not there")


def test_sample_is_marked_and_removable(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        assert lib.import_sample_if_empty() is not None
        assert lib.import_sample_if_empty() is None
        assert all(p.is_sample for p in lib.list())
        assert len(lib.remove_sample().ids) == 43
        assert lib.counts()["all"] == 0


def test_show_json_shape(lib: Library) -> None:
    (a,) = ids(lib, 1)
    detail = lib.get(a).detail_dict()
    json.dumps(detail)
    for key in (
        "id",
        "title",
        "authors",
        "published",
        "state",
        "starred",
        "tags",
        "code_url",
        "abstract",
        "note",
        "highlights",
        "pdf_path",
    ):
        assert key in detail
