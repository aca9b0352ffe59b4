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


def queries(lib: Library) -> dict[str, str]:
    return {c.name: c.query for c in lib.collections() if c.query is not None}


SAVED = {
    "Reading LLMs": "tag:LLM is:reading",
    "Not the phrase": '"tag:llm" title:llm llm OR -tag:llm',
    "Grouped": "tag:(llm OR agents)   NOT tag:llm*",
    "Other tag": "tag:LLMs",
    "New name already": 'tag:"large language models"',
}


def test_saved_searches_follow_a_rename_and_undo_puts_them_back_exactly(lib: Library) -> None:
    for name, query in SAVED.items():
        lib.save_search(name, query)
    before = tagged(lib, "llm")
    lib.save_search("Only llm", "tag:llm")
    assert set(lib.collection_ids("Only llm")) == before

    changes = lib.rename_tag("llm", "large language models")
    assert changes.searches == ("Reading LLMs", "Not the phrase", "Grouped", "Only llm")
    assert queries(lib) == {
        "Reading LLMs": 'tag:"large language models" is:reading',
        "Not the phrase": '"tag:llm" title:llm llm OR -tag:"large language models"',
        "Grouped": 'tag:("large language models" OR agents)   NOT tag:llm*',
        "Other tag": "tag:LLMs",
        "New name already": 'tag:"large language models"',
        "Only llm": 'tag:"large language models"',
    }
    assert set(lib.collection_ids("Only llm")) == before, "the saved search still finds its papers"

    redo = lib.undo(changes)
    assert queries(lib) == {**SAVED, "Only llm": "tag:llm"}, "byte for byte, the untouched ones too"
    assert set(redo.searches) == set(changes.searches) and tagged(lib, "llm") == before
    lib.undo(redo)
    assert queries(lib)["Only llm"] == 'tag:"large language models"'
    assert queries(lib)["New name already"] == 'tag:"large language models"'


def test_saved_searches_follow_a_merge_and_a_case_change(lib: Library) -> None:
    lib.save_search("Either", 'tag:LLMs OR tag:"language-models" OR cat:llms')
    lib.save_search("Target", "tag:llm -tag:LLMs")
    changes = lib.merge_tags(["LLMs", "language-models"], "llm")
    assert changes.searches == ("Either", "Target")
    assert queries(lib) == {"Either": 'tag:llm OR tag:"llm" OR cat:llms', "Target": "tag:llm -tag:llm"}
    redo = lib.undo(changes)
    assert queries(lib) == {"Either": 'tag:LLMs OR tag:"language-models" OR cat:llms',
                            "Target": "tag:llm -tag:LLMs"}  # fmt: skip
    lib.undo(redo)
    assert queries(lib)["Either"] == 'tag:llm OR tag:"llm" OR cat:llms'

    renamed = lib.rename_tag("llm", "LLM")
    assert renamed.searches == ("Either", "Target")
    assert queries(lib) == {"Either": 'tag:LLM OR tag:"LLM" OR cat:llms', "Target": "tag:LLM -tag:LLM"}


def test_a_tag_on_no_paper_renamed_with_its_saved_search_is_still_one_undoable_change(lib: Library) -> None:
    a = lib.list_ids()[0]
    lib.tag([a], add=["lonely"])
    lib.tag([a], remove=["lonely"])
    lib.save_search("Lonely", "tag:lonely")
    changes = lib.rename_tag("lonely", "alone")
    assert changes.ids == () and changes.searches == ("Lonely",) and not changes.empty
    assert queries(lib) == {"Lonely": "tag:alone"}
    lib.undo(changes)
    assert queries(lib) == {"Lonely": "tag:lonely"}
    assert lib.rename_tag("lonely", "lonely").empty, "no rename, nothing to undo"


def test_a_saved_query_the_parser_refuses_is_left_as_it_was(lib: Library) -> None:
    from readerapp.store.models import SavedSearch

    with lib.db.session() as session:  # as an import from an older version may have stored it
        session.add(SavedSearch(name="Old", query="tag:llm foo:bar"))
    changes = lib.rename_tag("llm", "nlp")
    assert changes.searches == () and queries(lib) == {"Old": "tag:llm foo:bar"}
