"""Sync in the app: on a worker, with progress, errors as a dismissable message, never blocking."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from ui_support import StallMeter, open_window
from werkzeug import Request, Response

from readerapp import Library

SlowLibrary = tuple[Library, threading.Event]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hf_daily_papers_2025-09-16.json"


def fresh_items(count: int = 30) -> list[dict]:  # type: ignore[type-arg]
    """Fixture items under new ids, so the sync brings papers the library does not have."""
    items = json.loads(FIXTURE.read_text())[:count]
    for n, item in enumerate(items):
        item["paper"]["id"] = f"2509.{90000 + n}"
    return items


@pytest.fixture
def slow_library(tmp_path: Path, httpserver: HTTPServer, sample_feed: Path) -> Iterator[SlowLibrary]:
    """A library whose Daily Papers server holds every answer until the test releases it."""
    release = threading.Event()

    def answer(request: Request) -> Response:
        release.wait(timeout=20)
        page = fresh_items() if request.args.get("p", "0") == "0" else []
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/api/daily_papers").respond_with_handler(answer)
    url = httpserver.url_for("/").rstrip("/")
    with Library.open(tmp_path / "lib", sync_on_start="never", hf_url=url, retries=0) as lib:
        lib.import_file(sample_feed)
        yield lib, release
    release.set()


def test_sync_from_a_slow_server_never_stalls_the_gui(qtbot: QtBot, slow_library: SlowLibrary) -> None:
    library, release = slow_library
    session = open_window(qtbot, library)
    w = session.window
    selected = w.model.ids[3]
    w.select_row(3)
    qtbot.waitExposed(w)

    meter = StallMeter()
    gaps = meter.gaps
    meter.start()
    try:
        # The window's first paint (fonts, glyph caches) is start-up, not sync: wait until it is idle.
        qtbot.waitUntil(lambda: len(gaps) > 10 and max(gaps[-10:]) < 0.015, timeout=5000)
        meter.clear()
        qtbot.keyClick(w.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        assert w.syncing.progress.isVisible() and w.syncing.cancel_button.isVisible()
        qtbot.waitUntil(lambda: len(gaps) >= 60, timeout=5000)  # the server is holding the answer
        for _ in range(3):
            qtbot.keyClick(w.table, "j")
            qtbot.keyClick(w.table, "k")
        release.set()
        qtbot.waitUntil(lambda: len(w.model.ids) == 43 + 30, timeout=10000)
        qtbot.waitUntil(lambda: session.workers.busy == 0, timeout=5000)
    finally:
        meter.stop()
    assert max(gaps) < 0.050, f"the GUI thread stalled {max(gaps) * 1000:.0f} ms (run-queue waits excluded)"
    assert w.current_id() == selected, "new papers arrive without losing the selection"
    assert not w.syncing.progress.isVisible()
    assert "30 new" in w.statusBar().currentMessage()
    assert library.counts()["inbox"] == 73
    session.close()


def test_an_offline_feed_shows_a_dismissable_message(qtbot: QtBot, tmp_path: Path) -> None:
    # The test settings point the feed at a closed port; no retries, so the failure comes at once.
    library = Library.open(tmp_path / "lib", sync_on_start="never", retries=0)
    session = open_window(qtbot, library)
    w = session.window
    with qtbot.waitSignal(w.failed, timeout=20000):
        qtbot.keyClick(w.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert w.messages.isVisible() and "Sync failed" in w.messages.label.text()
    qtbot.mouseClick(w.messages.close_button, Qt.MouseButton.LeftButton)
    assert not w.messages.isVisible()
    qtbot.waitUntil(lambda: w.syncing.task is None)
    assert not w.syncing.progress.isVisible()
    session.close()
    library.close()


def test_a_sync_that_left_items_out_names_them_in_the_message_bar(
    qtbot: QtBot, tmp_path: Path, httpserver: HTTPServer
) -> None:
    items = fresh_items(5)
    del items[1]["paper"]["title"], items[1]["title"]  # this one cannot be read
    items[3]["paper"]["title"] = items[3]["title"] = "A lone \ud800 surrogate"  # this one is cleaned
    httpserver.expect_request("/api/daily_papers").respond_with_json(items)
    url = httpserver.url_for("/").rstrip("/")
    library = Library.open(tmp_path / "lib", sync_on_start="never", hf_url=url, retries=0)
    session = open_window(qtbot, library)
    w = session.window
    qtbot.keyClick(w.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # the first launch's welcome
    qtbot.waitUntil(lambda: not w.messages.isVisible())
    qtbot.keyClick(w.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.messages.isVisible(), timeout=20000)
    text = w.messages.label.text()
    assert "4 new" in text and "1 skipped" in text and "Skipped 2509.90001: 'title' is missing" in text
    qtbot.waitUntil(lambda: {"2509.90000", "2509.90003"} <= set(w.model.ids))
    assert "2509.90001" not in w.model.ids
    session.close()
    library.close()


def test_a_failed_sync_leaves_no_syncing_status(qtbot: QtBot, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", sync_on_start="never", retries=0)
    session = open_window(qtbot, library)
    w = session.window
    try:
        qtbot.keyClick(w.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        assert w.statusBar().currentMessage().startswith("Syncing")
        qtbot.waitUntil(lambda: w.syncing.task is None, timeout=20000)
        assert not w.statusBar().currentMessage().startswith("Syncing")
        assert "Sync failed" in w.statusBar().currentMessage()
    finally:
        session.close()
        library.close()
