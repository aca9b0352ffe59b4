"""Collections: ordered, many per paper, made from a selection, tag, view or search; renamed,
reordered and deleted, each undoable; saved searches are live collections."""

from __future__ import annotations

import pytest

from readerapp.api import Library
from readerapp.errors import NotFoundError, ReaderappError
from readerapp.export.scope import Scope
from tests.unit.export_fixtures import seeded

__all__ = ["seeded"]


def _summary(library: Library) -> list[tuple[str, int | None, str | None]]:
    return [(c.name, c.count, c.query) for c in library.collections()]


def test_add_keeps_order_skips_members_and_a_paper_can_be_in_many(seeded: Library) -> None:
    changes = seeded.add_to_collection("  Weekly   picks ", ["1812.00001", "1803.03635"])
    assert changes.ids == ("1812.00001", "1803.03635")
    again = seeded.add_to_collection("Weekly picks", ["1803.03635", "2401.00001"])
    assert again.ids == ("2401.00001",)
    assert seeded.collection_ids("Weekly picks") == ["1812.00001", "1803.03635", "2401.00001"]
    assert ("Reading group", 2, None) in _summary(seeded) and ("Weekly picks", 3, None) in _summary(seeded)
    assert seeded.list_ids(collection="Weekly picks") == seeded.collection_ids("Weekly picks")


def test_remove_and_its_undo_restore_the_order(seeded: Library) -> None:
    seeded.add_to_collection("C", ["1812.00001", "1803.03635", "2401.00001"])
    changes = seeded.remove_from_collection("C", ["1803.03635"])
    assert seeded.collection_ids("C") == ["1812.00001", "2401.00001"]
    seeded.undo(changes)
    assert seeded.collection_ids("C") == ["1812.00001", "1803.03635", "2401.00001"]


def test_reorder_needs_every_member_once_and_undoes(seeded: Library) -> None:
    changes = seeded.reorder_collection("Reading group", ["1803.03635", "2401.00001"])
    assert seeded.collection_ids("Reading group") == ["1803.03635", "2401.00001"]
    seeded.undo(changes)
    assert seeded.collection_ids("Reading group") == ["2401.00001", "1803.03635"]
    with pytest.raises(ReaderappError, match="each of its papers once"):
        seeded.reorder_collection("Reading group", ["1803.03635"])
    with pytest.raises(ReaderappError, match="each of its papers once"):
        seeded.reorder_collection("Reading group", ["1803.03635", "1803.03635", "2401.00001"])


def test_rename_delete_and_undo(seeded: Library) -> None:
    renamed = seeded.rename_collection("Reading group", "Journal club")
    assert seeded.collection_ids("Journal club") == ["2401.00001", "1803.03635"]
    with pytest.raises(ReaderappError, match="already"):
        seeded.rename_collection("Journal club", "Empty one")
    seeded.undo(renamed)
    deleted = seeded.delete_collection("Reading group")
    with pytest.raises(NotFoundError):
        seeded.collection_ids("Reading group")
    assert len(seeded.list_ids()) == 4  # the papers stay in the library
    seeded.undo(deleted)
    assert seeded.collection_ids("Reading group") == ["2401.00001", "1803.03635"]
    undone = seeded.undo(seeded.add_to_collection("Brand new", ["1812.00001"]))
    assert "Brand new" not in [c.name for c in seeded.collections()]
    assert undone.op == "undo:add_to_collection"


def test_create_from_a_tag_a_view_and_a_selection(seeded: Library) -> None:
    seeded.create_collection("From tag", Scope.of("tag", "reading group"))
    seeded.create_collection("From view", Scope.of("state", "reading"))
    seeded.create_collection("From selection", Scope.ids(["1812.00001"]))
    seeded.create_collection("Copy", Scope.of("collection", "Reading group"))
    assert sorted(seeded.collection_ids("From tag")) == ["1803.03635", "2401.00001"]
    assert seeded.collection_ids("From view") == ["1803.03635"]
    assert seeded.collection_ids("From selection") == ["1812.00001"]
    assert seeded.collection_ids("Copy") == ["2401.00001", "1803.03635"]


def test_names_must_be_non_empty_and_saved_searches_are_not_edited_by_hand(seeded: Library) -> None:
    with pytest.raises(ReaderappError, match="needs a name"):
        seeded.add_to_collection("   ", ["1812.00001"])
    with pytest.raises(ReaderappError, match="saved search"):
        seeded.add_to_collection("Pruning", ["1812.00001"])
    with pytest.raises(ReaderappError, match="saved search"):
        seeded.remove_from_collection("Pruning", ["1812.00001"])
    with pytest.raises(NotFoundError):
        seeded.add_to_collection("C", ["9999.99999"])
    assert ("Pruning", None, "tag:pruning") in _summary(seeded)


def test_saved_search_rename_and_delete(seeded: Library) -> None:
    seeded.rename_collection("Pruning", "Sparse")
    assert ("Sparse", None, "tag:pruning") in _summary(seeded)
    seeded.delete_collection("Sparse")
    assert "Sparse" not in [c.name for c in seeded.collections()]


def test_saved_search_is_a_live_collection(seeded: Library) -> None:
    assert sorted(seeded.collection_ids("Pruning")) == ["1803.03635", "1812.00001"]
    seeded.tag(["2401.00001"], add=["pruning"])
    assert "2401.00001" in seeded.collection_ids("Pruning")
    seeded.save_search("Attention", "attention")
    assert seeded.collection_ids("Attention") == ["2401.00001"]
    assert seeded.scope_ids(Scope.of("collection", "Attention")) == ["2401.00001"]
    assert seeded.scope_ids(Scope.of("query", "lottery")) != []
    seeded.undo(seeded.delete_collection("Attention"))
    assert ("Attention", None, "attention") in _summary(seeded)
    with pytest.raises(ReaderappError):
        seeded.save_search("Broken", 'title:"unclosed')


def test_deleting_a_saved_search_is_a_change_undo_brings_back_as_it_was(seeded: Library) -> None:
    seeded.save_search("Attention", "attention")
    seeded.save_search("Zebra", "lottery")
    listed = seeded.collections()
    deleted = seeded.delete_collection("Attention")
    assert not deleted.empty and deleted.ids == () and deleted.searches == ("Attention",)
    assert "Attention" not in [c.name for c in seeded.collections()]
    redo = seeded.undo(deleted)
    assert seeded.collections() == listed, "same name, query, creation time and place"
    assert redo.searches == ("Attention",)
    seeded.undo(redo)
    assert "Attention" not in [c.name for c in seeded.collections()]
