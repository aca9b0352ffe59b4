"""One registry, no exceptions: every command is in the palette, the menus, ``?`` and the user guide, and
a key bound to a line that could never run is reported at start-up with the key and the reason."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window, settle
from werkzeug import Request, Response

from readerapp import Library
from readerapp.interaction.registry import MAIN
from readerapp.ui.app import Session
from readerapp.ui.help_overlay import help_html

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


def _menu_lines(session: Session) -> set[str]:
    lines = set()
    for menu_action in session.window.menuBar().actions():
        menu = menu_action.menu()
        lines |= {str(action.data()).split()[0] for action in menu.actions() if action.data()}
    return lines


def test_every_command_is_in_the_palette_the_menus_the_help_and_the_guide(
        qtbot: QtBot, session: Session) -> None:
    w, actions = session.window, session.actions
    keys(qtbot, w.table, ":")
    qtbot.waitUntil(lambda: actions.palette.isVisible())
    palette = {actions.palette.model.index(row, 0).data(0x0101).split()[0]
               for row in range(actions.palette.model.rowCount())}
    actions.palette.close()
    keys(qtbot, w.table, "?")
    qtbot.waitUntil(lambda: actions.help_overlay.isVisible())
    shown_help = actions.help_overlay.browser.toPlainText()
    actions.help_overlay.close()
    menus = _menu_lines(session)
    guide = GUIDE.read_text()
    missing = []
    for cmd in session.registry:
        if cmd.context == MAIN:
            in_palette, in_help = cmd.name in palette, cmd.title in shown_help
        else:  # the reader's and a chosen highlight's commands are listed there, with the keys of there
            here = [e for e in actions.context_catalogs[cmd.context] if e.line.split()[0] == cmd.name]
            in_palette, in_help = bool(here), bool(here) and cmd.title in help_html(here)
        for where, present in (("palette", in_palette), ("? help", in_help), ("menus", cmd.name in menus),
                               ("user guide", f"| `{cmd.name}` |" in guide)):
            if not present:
                missing.append(f"{cmd.name}: not in the {where}")
    assert not missing, "\n".join(missing)
    for name in ("collect", "collect-view", "save-search", "cancel-sync", "dismiss-message"):
        assert name in palette


def test_a_command_that_needs_a_name_asks_for_it_in_the_palette(
        qtbot: QtBot, session: Session, library: Library) -> None:
    w, palette = session.window, session.actions.palette
    first = w.current_id()
    keys(qtbot, w.table, ":")
    qtbot.keyClicks(palette.input, "add to collection")
    keys(qtbot, palette.input, "Return")
    assert palette.isVisible() and palette.input.text() == "collect "
    qtbot.keyClicks(palette.input, '"Reading group"')
    keys(qtbot, palette.input, "Return")
    settle(qtbot, session)
    assert library.list_ids(collection="Reading group") == [first]


def test_a_binding_with_an_argument_that_can_never_run_is_reported_at_start(
        qtbot: QtBot, qapp: QApplication, library: Library) -> None:
    settings = Path(library.path) / "settings.toml"
    settings.write_text('[keys]\n"z" = "set-state archivd"\n"Z" = "go inbx"\n"Ctrl+T" = "toggle-tag 12"\n'
                        '[keys.highlight]\n"9" = "recolor-highlight 9"\n')
    session = open_window(qtbot, library)
    try:
        message = session.window.messages.label.text()
        assert "[keys] 'z': unknown state 'archivd'" in message
        assert "[keys] 'Z': no such view: 'inbx'" in message
        assert "[keys] 'Ctrl+T': tags are 1-9, not '12'" in message
        assert "[keys.highlight] '9': colours are 1-5, not '9'" in message
        assert ("z",) not in session.keymap.bindings
    finally:
        session.close()


def test_cancel_sync_is_a_key(qtbot: QtBot, tmp_path: Path, httpserver: HTTPServer) -> None:
    held = threading.Event()

    def answer(_request: Request) -> Response:
        held.wait(timeout=20)
        return Response("[]", content_type="application/json")

    httpserver.expect_request("/api/daily_papers").respond_with_handler(answer)
    url = httpserver.url_for("/").rstrip("/")
    library = Library.open(tmp_path / "lib", sync_on_start="never", hf_url=url, retries=0)
    session = open_window(qtbot, library)
    w = session.window
    try:
        keys(qtbot, w.table, "Ctrl+D")  # the first launch's welcome line; the bar is then the sync's
        keys(qtbot, w.table, "Ctrl+R")
        assert w.syncing.cancel_button.isVisible() and "Ctrl+Shift+R" in w.syncing.cancel_button.text()
        keys(qtbot, w.table, "Ctrl+Shift+R")
        held.set()
        qtbot.waitUntil(lambda: w.syncing.task is None, timeout=10000)
        assert not w.syncing.cancel_button.isVisible()
        assert w.statusBar().currentMessage().startswith("Sync cancelled")
        assert w.messages.isHidden(), "a cancel the user asked for is no error"
    finally:
        held.set()
        session.close()
        library.close()
