"""Start-up: the window paints before the store is imported, and the library opens behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.cli import gui_settings
from readerapp.interaction.view_cache import ViewCache
from readerapp.interaction.views import View
from readerapp.ui.app import build_session

HEAVY = ("sqlalchemy", "whoosh", "pymupdf", "fitz", "httpx", "readerapp.api", "readerapp.store")


def test_the_start_path_imports_no_store_index_pdf_or_network_code() -> None:
    """The ``readerapp`` command too: it reaches the app before importing any subcommand module."""
    probe = ("import sys, readerapp.ui.app, readerapp.cli\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)  # fmt: skip
    assert done.stdout.strip() == ""


def test_the_command_hands_global_options_to_the_app_and_anything_else_to_the_parser() -> None:
    assert gui_settings([]) == {}
    assert gui_settings(["--library", "lab", "--user", "ada", "gui"]) == {"library_path": "lab",
                                                                         "user": "ada"}
    assert gui_settings(["--database-url", "postgresql://h/db"]) == {"database_url": "postgresql://h/db"}
    assert gui_settings(["list"]) is None and gui_settings(["--help"]) is None


def test_the_window_shows_before_its_library_and_loads_once_attached(qtbot: QtBot, library: Library) -> None:
    session = build_session(library.config)
    window = session.window
    qtbot.addWidget(window)
    window.show()
    assert window.library is None and "Opening library" in window.detail.toPlainText()
    session.run_line("next")  # keys before the library opens do nothing, and say nothing went wrong
    session.run_line("star")
    assert not window.messages.isVisible()
    window.attach(library)
    with qtbot.waitSignal(window.view_loaded, timeout=5000):
        session.start()
    lists = window.controller
    qtbot.waitUntil(lambda: window.current_paper() is not None and lists.counts.get("inbox") == 43)
    session.close()


def test_a_cached_view_loses_papers_moved_out_and_goes_stale_when_one_moves_in(library: Library) -> None:
    inbox, starred = View("inbox"), View("starred")
    papers = library.rows(library.list_ids()[:2])
    cache = ViewCache()
    cache.put(inbox, None, [p.id for p in papers], fresh=True)
    cache.put(starred, None, [], fresh=True)
    archived = [replace(papers[0], state="archived")]
    cache.moved(papers[:1], archived)
    assert cache.get(inbox, None).ids == [papers[1].id]  # type: ignore[union-attr]
    assert cache.get(inbox, None).fresh  # type: ignore[union-attr]
    cache.moved(papers[1:], [replace(papers[1], starred=True)], skip=inbox)
    assert not cache.get(starred, None).fresh  # type: ignore[union-attr]
    epoch = cache.epoch
    cache.invalidate()
    assert cache.epoch > epoch and not cache.get(inbox, None).fresh  # type: ignore[union-attr]

