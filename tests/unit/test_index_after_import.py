"""An import leaves its papers searchable: the index is brought up to it as part of the import (with
progress), so the first search after it never builds the index (issue 15 item 3)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY

from readerapp.api import Library
from readerapp.index import keeper
from readerapp.index.search_index import SearchIndex


def no_build(*_args: object, **_kwargs: object) -> int:
    raise AssertionError("the first search after an import built the index")


@pytest.mark.parametrize("indexed_before", [False, True])
def test_an_imported_paper_is_found_by_the_first_search_without_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed_before: bool
) -> None:
    monkeypatch.setattr(keeper, "REBUILD_ABOVE", 5)  # the fixture day is a "big" import: a rebuild
    steps: list[tuple[str, int, int | None]] = []
    with Library.open(tmp_path / "lib") as library:
        if indexed_before:
            assert library.search("lottery") == []  # an index exists, of an empty library
        library.import_file(FIXTURE_DAY, progress=lambda what, done, total: steps.append((what, done, total)))
        assert ("indexing", 43, 43) in steps, "the import reports the indexing"
    monkeypatch.setattr(SearchIndex, "rebuild", no_build)
    with Library.open(tmp_path / "lib") as library:  # a new process's view: the CLI's next command
        assert [hit.id for hit in library.search("lottery ticket hypothesis")][:1] == ["1803.03635"]


def test_segments_keep_their_own_files_when_the_random_module_is_reset(tmp_path: Path) -> None:
    """Hypothesis resets ``random`` for every example, and a program may seed it: Whoosh drew segment
    names from it, so two imports' segments got one name and the second clobbered the first's files."""

    with Library.open(tmp_path / "lib") as library:
        for n, title in enumerate(["Quokka attention", "Wombat retrieval", "Numbat diffusion"]):
            source = tmp_path / f"{n}.json"
            source.write_text(json.dumps([{"paper": {"id": f"2001.0000{n}", "title": title}}]))
            random.seed(7)
            library.import_file(source)
            library.tag([f"2001.0000{n}"], add=["seen"])
        for word in ("quokka", "wombat", "numbat"):
            assert len(library.search(word)) == 1, word
