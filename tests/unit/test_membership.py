"""The one rule of which papers a list holds: what the store lists and counts by, and what a window's
local edit asks (``ListFilter.admits``), agree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.membership import COUNTED, ListFilter
from readerapp.paper import Paper
from tests.conftest import SAMPLE_FEED


@pytest.fixture
def lib(tmp_path: Path, database_url: str) -> Iterator[Library]:
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        yield library


def test_each_counted_view_counts_what_it_lists(lib: Library) -> None:
    """The one rule: the sidebar's count of a view is the number of papers the view lists."""
    ids = lib.list_ids()
    lib.set_state(ids[:3], "reading")
    lib.set_state(ids[3:5], "inbox")  # an explicit inbox row counts as the inbox, as no row does
    lib.set_state(ids[5:6], "archived")
    lib.star(ids[2:8])
    assert lib.counts() == {name: len(lib.ids_in(where)) for name, where in COUNTED.items()}


def test_a_list_filter_admits_what_its_query_lists(lib: Library) -> None:
    ids = lib.list_ids()
    lib.set_state(ids[:4], "done")
    lib.star(ids[2:6])
    lib.tag(ids[3:9], add=["Agents"])
    rows: list[Paper] = lib.rows(ids)
    for where in (ListFilter(state="done", starred=True), ListFilter(tag="agents"),
                  ListFilter(state="inbox", starred=False, tag="AGENTS")):  # fmt: skip
        assert [p.id for p in rows if where.admits(p)] == [i for i in ids if i in set(lib.ids_in(where))]
