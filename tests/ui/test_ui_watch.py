"""Live updates: a change made through another Library on the same library shows in the window."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_support import open_window

from readerapp import Library
from readerapp.store.changes import LISTEN_CONNECTION, Listener
from readerapp.ui.app import Session
from readerapp.ui.paper_model import COLUMN
from readerapp.ui.watcher import THREAD_NAME, ChangeWatcher
from tests.pg_server import PostgresServer, backend_pids, waiting_in


def test_a_star_from_another_library_shows_within_five_seconds_and_keeps_the_selection(
        qtbot: QtBot, session: Session, library: Library) -> None:  # fmt: skip
    w = session.window
    w.select_row(2)
    qtbot.waitUntil(lambda: w.detail.toPlainText().startswith(w.current_paper().title))  # type: ignore[union-attr]
    chosen = w.current_id()
    assert chosen is not None and not w.current_paper().starred  # type: ignore[union-attr]
    starred_before = w.controller.counts["starred"]
    with Library.open(library.path, sync_on_start="never") as other:
        other.star([chosen])
        other.set_state([w.model.ids[5]], "archived")
    moved = w.model.ids[5]

    def shown() -> bool:
        paper = w.current_paper()
        return (paper is not None and paper.starred and "starred" in w.model.index(2, COLUMN["marks"]).data()
                and w.controller.counts["starred"] == starred_before + 1 and moved not in w.model.ids
                and "starred" in w.detail.toPlainText())  # fmt: skip

    qtbot.waitUntil(shown, timeout=5000)
    assert w.current_id() == chosen


def test_the_watcher_ignores_the_windows_own_writes_and_stops(qtbot: QtBot, session: Session) -> None:
    w = session.window
    assert session.watcher is not None
    reloads: list[object] = []
    reported: list[object] = []
    w.counts_loaded.connect(lambda: reloads.append(None))
    session.watcher.changed.connect(reported.append)
    qtbot.keyClick(w.table, "s")
    qtbot.waitUntil(lambda: bool(reported) and session.workers.busy == 0, timeout=5000)
    assert reloads == []  # the window's own star moved the counts already: nothing read again
    assert session.watcher.stop(), "the watcher's thread has ended"


def test_on_a_shared_postgresql_library_a_star_and_a_tag_from_other_apps_show_within_five_seconds(
        qtbot: QtBot, tmp_path: Path, sample_feed: Path, postgres_server: PostgresServer) -> None:
    lab = postgres_server.shared_library("ada", "bob")
    with (Library.open(tmp_path / "a", database_url=lab["ada"], sync_on_start="never") as mine,
          Library.open(tmp_path / "b", database_url=lab["ada"]) as my_laptop,
          Library.open(tmp_path / "c", database_url=lab["bob"]) as colleague):  # fmt: skip
        mine.import_file(sample_feed)
        session = open_window(qtbot, mine)
        w = session.window
        chosen = w.current_id()
        assert chosen is not None
        my_laptop.star([chosen])
        colleague.tag([chosen], add=["reading-group"])

        def shown() -> bool:
            paper = w.current_paper()
            return (paper is not None and paper.starred and "reading-group" in paper.tags
                    and w.controller.sidebar.tags.get("reading-group") == 1)  # fmt: skip

        qtbot.waitUntil(shown, timeout=5000)
        assert w.current_id() == chosen
        session.close()


def listeners(url: str) -> list[int]:
    return backend_pids(url, LISTEN_CONNECTION["application_name"])


def listening() -> bool:
    """A watcher's thread waits on its LISTEN connection (having read the log); each test here runs one."""
    return any(waiting_in(t, Listener.wait) for t in threading.enumerate() if t.name == THREAD_NAME)


@dataclass
class Watched:
    """A watcher on ada's shared library, what it reported, and a colleague's library to write from."""

    url: str
    watcher: ChangeWatcher
    colleague: Library
    seen: list[str] = field(default_factory=list)
    failures: list[object] = field(default_factory=list)


@pytest.fixture
def watched(
    qtbot: QtBot, tmp_path: Path, sample_feed: Path, postgres_server: PostgresServer
) -> Iterator[Watched]:
    lab = postgres_server.shared_library("ada", "bob")
    url = lab["ada"]
    with (Library.open(tmp_path / "a", database_url=url) as mine,
          Library.open(tmp_path / "b", database_url=lab["bob"]) as colleague):  # fmt: skip
        colleague.import_file(sample_feed)
        watched = Watched(url, ChangeWatcher(mine), colleague)
        watched.watcher.changed.connect(watched.seen.extend)
        watched.watcher.failed.connect(watched.failures.append)
        watched.watcher.start()
        qtbot.waitUntil(listening, timeout=5000)
        try:
            yield watched
        finally:
            watched.watcher.stop()


def test_after_a_server_restart_the_watcher_reports_a_change_made_meanwhile_on_one_new_connection(
    qtbot: QtBot, watched: Watched, postgres_server: PostgresServer
) -> None:
    paper = watched.colleague.list_ids()[0]
    [before] = listeners(watched.url)
    postgres_server.stop()
    postgres_server.start()
    watched.colleague.tag([paper], add=["while-away"])  # before the watcher is back, or as it comes back
    qtbot.waitUntil(lambda: paper in watched.seen, timeout=15000)
    qtbot.waitUntil(listening, timeout=5000)
    [after] = listeners(watched.url)
    assert after != before and len(watched.failures) <= 1  # a lost server is one message at most


def test_the_watcher_uses_one_connection_for_many_wake_ups_and_stops_at_once(
    qtbot: QtBot, watched: Watched
) -> None:
    first = listeners(watched.url)
    assert len(first) == 1
    for paper in watched.colleague.list_ids()[:15]:
        watched.colleague.star([paper])
        qtbot.waitUntil(lambda: paper in watched.seen, timeout=5000)  # noqa: B023 (waited on at once)
    qtbot.waitUntil(listening, timeout=5000)  # blocked in a 30 s wait
    assert listeners(watched.url) == first
    started = time.monotonic()
    assert watched.watcher.stop() and time.monotonic() - started < 0.5
    qtbot.waitUntil(lambda: listeners(watched.url) == [], timeout=5000)  # closed, not left to time out
