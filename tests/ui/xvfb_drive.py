"""Drive the real app as a user would, in a real X window (run under ``xvfb-run -a``).

    python tests/ui/xvfb_drive.py triage LIBRARY          # j s e r u t gui-test Enter Ctrl+Q
    python tests/ui/xvfb_drive.py screenshot LIBRARY OUT  # a demo library's window into OUT (PNG)
    python tests/ui/xvfb_drive.py shared LIBRARY OUT      # ada's detail pane with bob's note into OUT
    python tests/ui/xvfb_drive.py similar LIBRARY OUT     # m on a diffusion paper: its neighbours, why
    python tests/ui/xvfb_drive.py latex LIBRARY OUT       # an abstract whose LaTeX reads as text
    python tests/ui/xvfb_drive.py first-launch LIBRARY OUT  # an empty library's first window into OUT

The app is started through ``readerapp.ui.app.run``, exactly what ``readerapp gui`` calls; keys go to
whichever widget has focus, as from a keyboard. The theme comes from ``READERAPP_THEME``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from readerapp.interaction.views import parse_view
from readerapp.ui import app as ui_app
from readerapp.ui.window import MainWindow

TRIAGE = ["j", "s", "e", "r", "u", "t", *"gui-test", "Return", "Ctrl+Q"]


def main_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def when(ready: Callable[[], bool], then: Callable[[], None], tries: int = 400) -> None:
    """Poll every 25 ms (the app keeps running) until ``ready``; give up after ten seconds."""
    if ready():
        then()
    elif tries:
        QTimer.singleShot(25, lambda: when(ready, then, tries - 1))
    else:
        print("the app did not get ready", file=sys.stderr)
        QApplication.exit(3)


def loaded() -> bool:
    window = main_window()
    return bool(window and window.isVisible() and window.current_paper() is not None
                and window.detail.toPlainText())


def idle() -> bool:
    window = main_window()
    return bool(window and window.workers.busy == 0)


def press(keys: list[str]) -> None:
    """One key, then wait for the app to be idle before the next (as a human's pace allows)."""
    if not keys:
        return
    key, rest = keys[0], keys[1:]
    target = QApplication.focusWidget() or main_window()
    assert target is not None
    if key == "Ctrl+Q":
        QTest.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    elif key == "wait":
        return
    elif key == "Return":
        QTest.keyClick(target, Qt.Key.Key_Return)
    else:
        QTest.keyClick(target, key)
    opens_prompt = key == "t" and target is not None and target.objectName() == "paper-list"
    when(lambda: idle() and (not opens_prompt or QApplication.focusWidget() is not target),
         lambda: press(rest))


def screenshot(path: str) -> None:
    window = main_window()
    assert window is not None
    window.select_row(1)  # the paper with a note and a highlight

    def grab() -> None:
        window.grab().save(path)
        window.close()

    when(lambda: idle() and window.current_row() == 1, lambda: QTimer.singleShot(300, grab))


LATEX_PAPER = "2302.04265"  # "D{to}infty", "64{times}64" in the feed's abstract (archived in the demo)
SIMILAR_PAPER = "2402.13352"  # KetGPT, quantum circuits: the demo inbox's first paper


def paper_screenshot(path: str, paper_id: str, keys: list[str], view: str = "inbox") -> None:
    """Show ``view``, select ``paper_id``, type ``keys``, and once the list and the detail pane have
    settled, grab the window."""
    window = main_window()
    assert window is not None

    def grab() -> None:
        print(window.view.key, *window.model.ids[:5])  # what the list shows, for the test to check
        window.grab().save(path)
        window.close()

    def shown(wanted: str | None) -> bool:
        paper = getattr(window, "detail_paper", None)
        current = window.current_id()
        return idle() and paper is not None and paper.id == current and wanted in (None, current)

    def chosen() -> None:
        press([*keys, "wait"])
        done = (lambda: window.view.kind == "similar") if keys else (lambda: True)
        when(lambda: shown(None) and done(), lambda: QTimer.singleShot(600, grab), tries=800)

    window.loader.show_view(parse_view(view))
    when(lambda: idle() and paper_id in window.model.ids,
         lambda: (window.select_row(window.model.row_of(paper_id)), when(lambda: shown(paper_id), chosen)))


def shared_screenshot(path: str) -> None:
    """The detail pane, widened and scrolled to its end: highlights with their authors, the notes."""
    window = main_window()
    assert window is not None
    window.splitter.setSizes([150, 430, 700])

    def grab() -> None:
        bar = window.detail.verticalScrollBar()
        bar.setValue(bar.maximum())
        window.detail.grab().save(path)
        window.close()

    when(idle, lambda: QTimer.singleShot(300, grab))


def first_launch_screenshot(path: str) -> None:
    """The window once the sample day came in: the welcome line, the marked samples."""
    window = main_window()
    assert window is not None

    def grab() -> None:
        window.grab().save(path)
        window.close()

    when(lambda: idle() and window.messages.isVisible(), lambda: QTimer.singleShot(300, grab))


def prepare_shared(path: str) -> None:
    """A library two readers share: ada (who runs the app) and bob each highlighted and wrote a note."""
    from readerapp import Library
    from readerapp.resources import sample_feed_path

    with Library.open(path, user="ada") as ada, Library.open(path, user="bob") as bob:
        if ada.counts()["all"]:
            return
        ada.import_file(sample_feed_path())
        ident = ada.list_ids(state="inbox")[0]
        sentences = ada.get(ident).abstract.split(". ")
        ada.set_note(ident, "Read **section 4** before the group meeting.")
        ada.add_highlight(ident, sentences[0].split(",")[0], color="yellow")
        bob.add_highlight(ident, sentences[1].split(",")[0], comment="same trick as last week's paper",
                          color="blue")
        bob.set_note(ident, "Their baseline is *weak*:\n\n- table 2 omits variance\n- `<b>` tags stay text")


def prepare_demo(path: str, offline: bool = False) -> None:
    """The sample day with what a morning of triage leaves: stars, tags, a note, papers moved on
    (``offline``: a library that does not sync when the app opens)."""
    from pathlib import Path

    from readerapp import Library
    from readerapp.resources import sample_feed_path

    if offline:
        Path(path).mkdir(parents=True, exist_ok=True)
        (Path(path) / "settings.toml").write_text('sync_on_start = "never"\n')
    with Library.open(path) as lib:
        if lib.counts()["all"]:
            return
        lib.import_file(sample_feed_path())
        ids = lib.list_ids(state="inbox")
        lib.star([ids[0], ids[2], ids[5]])
        lib.tag([ids[0], ids[2]], add=["quantum"])
        lib.tag([ids[2], ids[3], ids[7]], add=["to-discuss"])
        lib.tag([ids[4]], add=["llm-eval"])
        lib.set_note(ids[2], "Compare with the lottery ticket paper.")
        lib.set_state([ids[1], ids[6]], "reading")
        lib.set_state([ids[8]], "archived")
        lib.set_state([ids[9]], "done")
        abstract = lib.get(ids[2]).abstract
        lib.add_highlight(ids[2], abstract.split(". ")[1].split(",")[0])


def main() -> int:
    mode, library = sys.argv[1], sys.argv[2]
    QApplication([sys.argv[0]])  # run() takes this instance; the timers below need it to exist
    if mode == "triage":
        when(loaded, lambda: press(list(TRIAGE)))
    elif mode == "shared":
        prepare_shared(library)
        when(loaded, lambda: shared_screenshot(sys.argv[3]))
        return ui_app.run(library, user="ada")
    elif mode in ("similar", "latex"):
        prepare_demo(library, offline=True)
        if mode == "similar":
            when(loaded, lambda: paper_screenshot(sys.argv[3], SIMILAR_PAPER, ["m"]))
        else:
            when(loaded, lambda: paper_screenshot(sys.argv[3], LATEX_PAPER, [], view="archived"))
    elif mode == "first-launch":
        when(loaded, lambda: first_launch_screenshot(sys.argv[3]))
    else:
        prepare_demo(library)
        when(loaded, lambda: screenshot(sys.argv[3]))
    return ui_app.run(library)


if __name__ == "__main__":
    sys.exit(main())
