"""The command registry, undo history and view values, without widgets."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from readerapp.interaction.history import History
from readerapp.interaction.registry import CommandError, CommandRegistry, command
from readerapp.interaction.views import View, ViewKind, parse_view
from readerapp.membership import ListFilter


class Owner:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    @command("star", menu="Paper")
    def star(self) -> None:
        """Star or unstar the selected papers.

        More detail that the palette does not show.
        """
        self.calls.append(("star",))

    @command("go", menu="Go", title="Go to view")
    def go(self, view: str) -> None:
        """Show a view."""
        self.calls.append(("go", view))


def test_registry_collects_marked_methods_with_their_docstrings() -> None:
    owner = Owner()
    registry = CommandRegistry.collect(owner)
    assert [c.name for c in registry] == ["star", "go"]
    star = registry.get("star")
    assert (star.title, star.menu, star.help) == ("Star", "Paper", "Star or unstar the selected papers.")
    assert not star.takes_arguments and registry.get("go").takes_arguments
    assert list(registry.menus()) == ["Paper", "Go"]
    registry.run("go 'tag:deep learning'")
    registry.run("star")
    assert owner.calls == [("go", "tag:deep learning"), ("star",)]


@pytest.mark.parametrize(("line", "message"), [
    ("nope", "no such command: nope"), ("go", "usage: go view"), ("star now", "usage: star"),
    ("", "empty command line"), ("go 'unclosed", "cannot read"),
])
def test_bad_command_lines_get_clear_errors(line: str, message: str) -> None:
    registry = CommandRegistry.collect(Owner())
    with pytest.raises(CommandError, match=message):
        registry.run(line)


def test_registering_a_name_twice_is_a_programming_error() -> None:
    registry = CommandRegistry.collect(Owner())
    with pytest.raises(ValueError, match="twice"):
        registry.register(registry.get("star"))


def test_history_undo_redo_and_new_actions_clear_redo() -> None:
    history: History[str] = History(limit=3)
    for change in "abcd":
        history.record(change)
    assert history.replay("undo", lambda change: "-" + change) == ("d", "-d")
    assert history.can_redo
    assert history.replay("redo", lambda change: change.lstrip("-")) == ("-d", "d")
    assert history.replay("undo", lambda change: "-" + change) == ("d", "-d")
    history.record("e")
    assert not history.can_redo
    undone = [history.replay("undo", str.upper) for _ in range(4)]
    assert undone == [("e", "E"), ("c", "C"), ("b", "B"), None]


def test_a_failed_undo_keeps_its_record_to_try_again() -> None:
    history: History[str] = History()
    history.record("a")

    def refused(_change: str) -> str:
        raise RuntimeError("the database refused")

    with pytest.raises(RuntimeError):
        history.replay("undo", refused)
    assert history.can_undo and not history.can_redo
    assert history.replay("undo", str.upper) == ("a", "A")


def test_views_round_trip_and_admit_papers() -> None:
    paper = SimpleNamespace(state="inbox", starred=False, tags=["llm"], feed_day=date(2025, 9, 16))
    for key in ("inbox", "for-you", "starred", "tag:llm", "day:2025-09-16", "search:diffusion"):
        assert parse_view(key).key == key
    assert View("inbox").admits(paper) and View("for-you").admits(paper)
    assert not View("archived").admits(paper) and not View("starred").admits(paper)
    assert View("tag", "llm").admits(paper) and not View("tag", "rl").admits(paper)
    assert View("day", "2025-09-16").admits(paper)
    assert View("search", "x").admits(paper)
    assert View("tag", "llm").listing() == ListFilter(tag="llm")
    assert View("reading").listing() == ListFilter(state="reading")
    assert View("day", "2025-09-16").listing() == ListFilter(feed_day=date(2025, 9, 16))
    assert View("search", "x").listing() is None and View("for-you").listing() is None
    assert View("inbox").kind is ViewKind.INBOX, "a kind given as its word is the member"
    assert View("tag", "llm").title == "Tag: llm"


@pytest.mark.parametrize("key", ["nowhere", "tag:", "day:yesterday"])
def test_unknown_views_are_clear_errors(key: str) -> None:
    with pytest.raises(CommandError):
        parse_view(key)


class Counted:
    def __init__(self) -> None:
        self.moves: list[int | None] = []

    @command("scroll", menu="Reader", context="reader")
    def scroll(self, *, count: int | None = None) -> None:
        """Scroll down a line (3j: three)."""
        self.moves.append(count)


def test_a_count_goes_to_the_handlers_that_take_one() -> None:
    owner, plain = Counted(), Owner()
    registry = CommandRegistry.collect(owner, plain)
    assert registry.get("scroll").context == "reader" and registry.get("star").context == "main"
    assert not registry.get("scroll").takes_arguments
    registry.run("scroll", 3)
    registry.run("scroll")
    registry.run("star", 3)  # a command without a count ignores it, as in vim
    assert owner.moves == [3, None] and plain.calls == [("star",)]
    with pytest.raises(CommandError, match=r"usage: scroll$"):
        registry.run("scroll 3")  # the count comes from the keys, not from the command line
