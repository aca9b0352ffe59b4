"""The list controller without Qt, over a real Library: a triage key applied before the write agrees
with the library after it (the view it leaves, the counts), and undo goes through its history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.interaction.controller import ListController, with_fields
from readerapp.interaction.views import View, ViewKind
from readerapp.paper import Changes, Paper
from tests.conftest import SAMPLE_FEED


@pytest.fixture
def lib(tmp_path: Path, database_url: str) -> Iterator[Library]:
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        yield library


@pytest.fixture
def lists(lib: Library) -> ListController:
    """A controller showing the inbox with the counts read, as the window has it after its first load."""
    controller = ListController(lib, lambda key, paper: str(getattr(paper, key)))
    assert controller.take_sidebar(controller.read_sidebar(), controller.ask_counts())
    return controller


def key(lists: ListController, ids: list[str], edit: Callable[[Paper], Paper],
        write: Callable[[], Changes]) -> tuple[list[str], Changes]:
    """What a triage key does: apply the edit to the rows on screen, then run the write, recorded."""
    library = lists.library
    assert library is not None
    applied = lists.apply(ids, library.rows(ids), edit)
    return applied.leaving, lists.recorded(write)()


def agrees(lists: ListController, lib: Library) -> bool:
    return lists.counts == lib.counts() and lists.sidebar.tags == lib.tag_counts()


def test_a_triage_key_leaves_the_view_and_moves_the_counts_as_the_library_then_does(
        lists: ListController, lib: Library) -> None:
    a, b = lib.list_ids(state="inbox")[:2]
    inbox_before = lists.counts["inbox"]
    leaving, _ = key(lists, [a], with_fields(state="archived"), lambda: lib.set_state([a], "archived"))
    assert leaving == [a]
    assert lists.counts["inbox"] == inbox_before - 1 and lists.counts["archived"] == 1
    assert agrees(lists, lib)
    leaving, _ = key(lists, [b], with_fields(starred=True), lambda: lib.star([b]))
    assert leaving == [], "a starred paper stays in the inbox"
    assert agrees(lists, lib)


def test_counts_follow_every_kind_of_key_as_the_library_counts_them(
        lists: ListController, lib: Library) -> None:
    a, b, c = lib.list_ids()[:3]
    key(lists, [a, b], with_fields(state="reading"), lambda: lib.set_state([a, b], "reading"))
    key(lists, [b, c], with_fields(starred=True), lambda: lib.star([b, c]))
    assert agrees(lists, lib)
    paper = lib.rows([c])[0]
    key(lists, [c], with_fields(tags=[*paper.tags, "llm"]), lambda: lib.tag([c], add=["llm"]))
    assert lists.recount, "a new tag: the library numbers the tags, read them after the write"
    assert agrees(lists, lib) and lists.tag_names == ["llm"]
    key(lists, [a], with_fields(state="inbox"), lambda: lib.set_state([a], "inbox"))
    assert agrees(lists, lib)


def test_undo_and_redo_replay_the_recorded_writes(lists: ListController, lib: Library) -> None:
    a = lib.list_ids(state="inbox")[0]
    key(lists, [a], with_fields(state="done"), lambda: lib.set_state([a], "done"))
    said: list[str] = []
    inverse = lists.replay("undo", said)()
    assert inverse is not None and inverse.ids == (a,)
    assert lib.get(a).state == "inbox" and said
    assert lists.replay("redo", said)() is not None and lib.get(a).state == "done"
    assert lists.replay("redo", said)() is None, "nothing left to redo"


def test_a_tag_view_keeps_a_tag_spelled_in_another_case_after_a_key(
        lists: ListController, lib: Library) -> None:
    """``go tag:llm`` lists papers tagged ``LLM`` (the store compares without case); a key on one of them
    must not drop it from the list, as the window's own copy of the rule once did."""
    a = lib.list_ids()[0]
    lib.tag([a], add=["LLM"])
    lists.switch(View(ViewKind.TAG, "llm"), None, [], fresh=True, current=None)
    assert lists.ids_for(lists.view, None) == [a]
    leaving, _ = key(lists, [a], with_fields(starred=True), lambda: lib.star([a]))
    assert leaving == []
