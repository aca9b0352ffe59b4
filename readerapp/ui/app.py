"""Start the app: the Qt application, the theme, the window, the registry, the keymap, the first load.

``run(library_path)`` is what ``readerapp gui`` calls: the window paints first (an empty list, "Opening
library…") and the library opens on a worker, because importing the store costs more than the whole
first paint. ``open_session`` builds the same thing around an already open Library, which is how the
tests and the benchmark drive the real window. Nothing imported here may pull in SQLAlchemy, Whoosh,
PyMuPDF or httpx (a test keeps it so).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from readerapp.config import Config, load_config, read_settings_file
from readerapp.errors import ReaderappError
from readerapp.interaction.catalog import catalog
from readerapp.interaction.keymap import Keymap, KeyParser
from readerapp.interaction.registry import HIGHLIGHT, READER, CommandRegistry, LineRunner
from readerapp.resources import resources_dir
from readerapp.ui import theme
from readerapp.ui.actions import Actions
from readerapp.ui.cite_commands import CiteCommands
from readerapp.ui.first_launch import FirstLaunchCommands, welcome_line
from readerapp.ui.key_events import KeyDispatcher
from readerapp.ui.pdf_actions import PdfActions
from readerapp.ui.pdf_view import ViewerKeys
from readerapp.ui.recovery import Recovery
from readerapp.ui.smoke import quit_when_shown
from readerapp.ui.upkeep import Upkeep
from readerapp.ui.watcher import ChangeWatcher
from readerapp.ui.window import MainWindow, state_file
from readerapp.ui.workers import Workers

if TYPE_CHECKING:
    from readerapp.api import Library

GIL_SWITCH_INTERVAL = 0.001


@dataclass(slots=True, weakref_slot=True)  # weak-referenceable: Qt signals connect to its methods
class Session:
    """One open window with everything that drives it."""

    window: MainWindow
    actions: Actions
    registry: CommandRegistry
    keymap: Keymap
    dispatcher: KeyDispatcher
    workers: Workers
    run_line: LineRunner
    config: Config
    upkeep: Upkeep
    recovery: Recovery
    watcher: ChangeWatcher | None = None
    opened: list[Library] = field(default_factory=list)  # every library opened, closed at exit

    def open_library(self, settings: dict[str, Any], refuse: Callable[[object], None]) -> None:
        """Open the library on a worker behind the painted window, then ``start``; a damaged file goes
        to ``recovery`` (which asks for this again once it restored a backup), other errors to ``refuse``."""
        task = self.workers.read("open", _open_library, self.config.library, settings, self.opened)
        task.done.connect(self._attach)
        task.failed.connect(lambda error: self._refuse_unless_damaged(error, refuse))

    def _refuse_unless_damaged(self, error: object, refuse: Callable[[object], None]) -> None:
        if not self.recovery.handle(error, refuse):
            refuse(error)

    def _attach(self, library: Library) -> None:
        if not self.workers.closed:
            self.window.attach(library)
            self.start()

    def start(self) -> None:
        """Once the library is attached: first launch brings in the sample day; then the last view
        loads and, if due, a sync starts; behind them, today's backup and the search index warm-up.
        Shared libraries get a watcher for other people's changes."""
        library = self.window.library
        if library is None:
            return
        self.watcher = ChangeWatcher(library, self.window)
        self.watcher.changed.connect(self.window.loader.changed_elsewhere)
        self.watcher.failed.connect(lambda exc: self.window.report_error(exc, prefix="Watching changes: "))
        self.watcher.start()
        task = self.workers.write("sample", library.import_sample_if_empty)
        task.failed.connect(self.window.report_error)
        task.done.connect(self._welcome)
        task.finished.connect(self.window.load)
        task.finished.connect(self._warm_up)
        if sync_due(library.config.sync_on_start, self.window.state.value("sync/last")):
            task.finished.connect(self.window.start_sync)

    def _welcome(self, report: object) -> None:
        """The sample day was just brought in (a first launch): one line says what to press, until
        dismissed."""
        if report is not None:
            self.window.messages.show_message(welcome_line(self.actions.catalog))

    def _warm_up(self) -> None:
        """Today's backup and the search index, on a worker (see ``upkeep``); also after a restore,
        which dropped the index.

        Everything alive now (Qt wrappers, the imported store, the first view) lives as long as the
        window: frozen out of the garbage collector, it is not rescanned by every full collection.
        Without this, a full collection that the index writer's allocations trigger walks the whole
        heap while holding the GIL, and the GUI thread stalls for ~100 ms (tests/ui/test_ui_sync.py).
        ``close`` unfreezes it.
        """
        gc.freeze()
        self.upkeep.start()

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.window.save_state()
        self.workers.shutdown()
        gc.unfreeze()


def sync_due(setting: str, last: object) -> bool:
    """``always``, or ``daily`` when the app has not synced today; ``never`` (or nonsense) is never."""
    if setting == "always":
        return True
    return setting == "daily" and last != date.today().isoformat()


def _runner(registry: CommandRegistry, window: MainWindow) -> LineRunner:
    def run_line(line: str, count: int | None = None) -> None:
        """Run a command line from a key (with the count typed before it), the menu or the palette;
        errors become one message."""
        try:
            registry.run(line, count)
        except ReaderappError as exc:
            window.statusBar().showMessage(str(exc), 5000)
        except Exception as exc:  # a bug in a handler must not take the window down
            window.report_error(exc, prefix=f"{line}: ")

    return run_line


def open_session(library: Library) -> Session:
    """The window over an already open ``library`` (the tests and the benchmark drive it this way)."""
    session = build_session(library.config)
    session.window.attach(library)
    return session


def build_session(config: Config) -> Session:
    """Build the window for the library ``config`` names, before the library is open: registry,
    keymap with the user's ``[keys]``, menus, keys. Nothing here imports the store."""
    # Workers run pure Python (parsing, merging, SQLAlchemy) while the GUI thread releases the GIL on
    # every SQLite call and every Qt event wait; at the default 5 ms switch interval each hand-back
    # can cost the GUI 5 ms, and a handful of them is a visible stall. 1 ms keeps the GUI thread ahead.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    workers = Workers()
    window = MainWindow(None, workers, state_file(config.library))
    actions = Actions(window)
    pdf_actions = PdfActions(window)
    pdf_actions.recorded = actions._recorded  # annotations made in the reader are undone with u
    registry = CommandRegistry.collect(
        actions, pdf_actions, CiteCommands(window), FirstLaunchCommands(window)
    )
    window.moved_to_reading.connect(pdf_actions.fetch_for_reading)
    settings = read_settings_file(config.settings_file)
    overrides = settings.get("keys", {})
    problems = []
    if not isinstance(overrides, dict):
        problems.append("[keys] must be a table of \"key\" = \"command\" lines")
        overrides = {}
    keymap = Keymap.build(overrides, check=registry.check)
    problems.extend(keymap.problems)
    run_line = _runner(registry, window)
    dispatcher = KeyDispatcher(KeyParser(keymap.bindings), run_line, window)
    entries = catalog(registry, keymap)
    actions.catalog = entries
    actions.context_catalogs = {where: catalog(registry, keymap, where) for where in (READER, HIGHLIGHT)}
    actions.reading = lambda: pdf_actions.reading
    actions.run = run_line
    pdf_actions.keys = ViewerKeys(keymap.in_reader(), run_line, window.keys_label.setText)
    actions.reader.use_keys(keymap.highlight, window.keys_label.setText)
    window.build_menus(entries, run_line)
    dispatcher.watch(*window.watched_widgets())
    dispatcher.pending_changed.connect(window.keys_label.setText)
    if problems:
        window.messages.show_message("Key settings: " + " · ".join(problems))
    upkeep = Upkeep(window, workers)
    recovery = Recovery(window, workers, config.library)
    window.take_damage = recovery.handle
    session = Session(window, actions, registry, keymap, dispatcher, workers, run_line, config, upkeep,
                      recovery)
    upkeep.failed.connect(lambda error: window.report_error(error, prefix="Backup or search index: "))
    recovery.restored.connect(session._warm_up)
    return session


def _open_library(path: Path, settings: dict[str, Any], opened: list[Library]) -> Library:
    """Runs on a worker: the store's imports (SQLAlchemy, about half a second) and the open itself
    happen while the window is already on screen. ``opened`` keeps it for closing even if the
    window has gone by the time it is open."""
    from readerapp.api import Library

    library = Library.open(path, **settings)
    opened.append(library)
    return library


def app_icon() -> QIcon:
    """The app's icon in every size shipped in ``resources/icons`` (what X11 window lists show; a
    desktop file install names the same icon for launchers)."""
    icon = QIcon()
    for png in sorted((resources_dir() / "icons" / "hicolor").glob("*/apps/readerapp.png")):
        icon.addFile(str(png))
    return icon


def run(library_path: str | os.PathLike[str] | None = None, **settings: Any) -> int:
    """Show the window at once, open the library behind it, run until it closes; the exit code.
    ``settings`` override the library's (``--database-url``, ``--user``...), as for ``Library.open``."""
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "readerapp"])
    assert isinstance(app, QApplication)
    app.setApplicationName("readerapp")
    app.setDesktopFileName("readerapp")
    app.setWindowIcon(app_icon())
    try:
        config = load_config(library_path, **settings)
    except (ReaderappError, ValueError, TypeError, OSError) as exc:
        QMessageBox.critical(None, "readerapp", f"Cannot read the settings: {exc}")
        return 1
    choice = config.theme
    theme.apply(app, choice)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: theme.apply(app, choice))
    session = build_session(config)
    window = session.window
    window.show()
    window.activateWindow()
    window.table.setFocus()
    quit_when_shown(app, window)

    def refuse(error: object) -> None:
        QMessageBox.critical(window, "readerapp", str(error))
        app.exit(1)

    session.recovery.quit_requested.connect(lambda: app.exit(1))
    session.recovery.reopen.connect(lambda: session.open_library(settings, refuse))
    session.open_library(settings, refuse)
    try:
        return app.exec()
    finally:
        session.close()
        for library in session.opened:
            library.close()
        # Destroy the window tree now, while Python and Qt are both whole; left to interpreter
        # shutdown, PySide's garbage collection of the widgets can abort the process.
        shiboken6.delete(window)
        gc.collect()
