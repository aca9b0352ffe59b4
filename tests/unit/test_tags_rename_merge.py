"""Renaming and merging tags across the library: what changes, what is refused, and undo/redo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.errors import NotFoundError, ReaderappError
from tests.conftest import SAMPLE_FEED


@pytest.fixture
def lib(tmp_path: Path, database_url: str) -> Iterator[Library]:
    """The sample day with three overlapping tags: llm on a b c, LLMs on c d, language-models on e."""
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        a, b, c, d, e = library.list_ids()[:5]
        library.tag([a, b, c], add=["llm"])
        library.tag([c, d], add=["LLMs"])
        library.tag([e], add=["language-models"])
        yield library


def tagged(lib: Library, tag: str) -> set[str]:
    return {p.id for p in lib.list(tag=tag)}


def test_rename_moves_every_paper_and_undo_renames_back(lib: Library) -> None:
    before = tagged(lib, "llm")
    changes = lib.rename_tag("LLM", "  large language models ")
    assert set(changes.ids) == before
    assert tagged(lib, "large language models") == before and tagged(lib, "llm") == set()
    assert "llm" not in lib.tag_counts() and lib.tag_counts()["large language models"] == 3
    assert all("large language models" in lib.get(i).tags for i in before)
    redo = lib.undo(changes)
    assert tagged(lib, "llm") == before and "large language models" not in lib.tag_counts()
    lib.undo(redo)
    assert tagged(lib, "large language models") == before


def test_rename_changes_case_but_refuses_another_tags_name(lib: Library) -> None:
    lib.rename_tag("llm", "LLM")
    assert "LLM" in lib.tag_counts() and "llm" not in lib.tag_counts()
    with pytest.raises(ReaderappError, match="exists already: merge"):
        lib.rename_tag("LLM", "llms")
    with pytest.raises(NotFoundError, match="no tag called 'nope'"):
        lib.rename_tag("nope", "x")
    with pytest.raises(ValueError, match="needs a name"):
        lib.rename_tag("LLM", "  # ")
    assert lib.tag_counts() == {"language-models": 1, "LLM": 3, "LLMs": 2}


def test_merge_unites_papers_deletes_sources_and_undo_restores_each(lib: Library) -> None:
    a, b, c, d, e = lib.list_ids()[:5]
    changes = lib.merge_tags(["LLMs", "language-models"], "llm")
    assert set(changes.ids) == {c, d, e}
    assert tagged(lib, "llm") == {a, b, c, d, e}
    assert lib.tag_counts() == {"llm": 5}
    assert lib.get(c).tags == ["llm"], "a paper that had both keeps one"
    redo = lib.undo(changes)
    assert tagged(lib, "llm") == {a, b, c} and tagged(lib, "LLMs") == {c, d}
    assert tagged(lib, "language-models") == {e}
    assert lib.tag_counts() == {"language-models": 1, "llm": 3, "LLMs": 2}
    lib.undo(redo)
    assert lib.tag_counts() == {"llm": 5}


def test_merge_into_a_new_tag_and_bad_input_merges_nothing(lib: Library) -> None:
    a, b, c, d, _ = lib.list_ids()[:5]
    with pytest.raises(NotFoundError, match="no tag called 'typo'"):
        lib.merge_tags(["llm", "typo"], "nlp")
    assert lib.tag_counts() == {"language-models": 1, "llm": 3, "LLMs": 2}
    with pytest.raises(ReaderappError, match="at least one"):
        lib.merge_tags([], "nlp")
    changes = lib.merge_tags(["llm", "LLMs", "llm"], "nlp")
    assert tagged(lib, "nlp") == {a, b, c, d} and set(changes.ids) == {a, b, c, d}
    lib.undo(changes)
    assert tagged(lib, "nlp") == set() and tagged(lib, "llm") == {a, b, c}


def test_merge_into_itself_changes_nothing(lib: Library) -> None:
    changes = lib.merge_tags(["LLM"], "llm")
    assert changes.empty and lib.tag_counts()["llm"] == 3


def test_search_index_follows_a_rename(lib: Library) -> None:
    before = tagged(lib, "llm")
    lib.rename_tag("llm", "foundation")
    assert {hit.id for hit in lib.search("tag:foundation")} == before
    assert list(lib.search("tag:llm")) == []
