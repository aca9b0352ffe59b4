"""Highlight a PDF by keys in the real app, in a real X window (run under ``xvfb-run -a``):

    python tests/ui/xvfb_pdf_drive.py LIBRARY OUT.png

The first inbox paper gets a generated PDF; then, as from a keyboard: ``o`` reads it, ``/`` finds a
word and ``h 2`` highlights it green, ``g g v j j )`` selects the first sentence of the text and
``h Tab comment Return`` highlights it with a comment, ``a`` pins a note, ``]`` chooses the first
highlight; the window is saved to OUT.png (docs/screenshots/pdf-highlights.png) and the app quits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from xvfb_drive import idle, loaded, main_window, when

from readerapp.ui import app as ui_app

FIND = "quokkasphere"
COMMENT = "the claim to check"
NOTE = "compare with figure 3"
Step = tuple[str, Callable[[], bool]]


def prepare(path: str) -> None:
    from readerapp import Library
    from readerapp.resources import sample_feed_path
    from tests.pdfs_samples import make_pdf

    with Library.open(path) as lib:
        lib.import_file(sample_feed_path())
        paper_id = lib.list_ids(state="inbox")[0]
        pdf = lib.path / "incoming.pdf"
        pdf.write_bytes(make_pdf(3))
        lib.attach_pdfs([(paper_id, pdf)])
        pdf.unlink()


def _view() -> Any:
    from readerapp.ui.pdf_view import PdfView

    window = main_window()
    views = window.findChildren(PdfView) if window is not None else []
    return views[0] if views else None


def _annotator() -> Any:
    from readerapp.ui.pdf_annotator import PdfAnnotator

    window = main_window()
    found = window.findChildren(PdfAnnotator) if window is not None else []
    return found[0] if found else None


def _popup_open() -> bool:
    annotator = _annotator()
    return bool(annotator and annotator._popup and annotator._popup.isVisible())


def _popup_closed() -> bool:
    return not _popup_open() and idle()


def _marks(n: int) -> Callable[[], bool]:
    return lambda: bool((view := _view()) and len(view.marks.marks) == n and idle())


def steps() -> list[Step]:
    view_ready: Callable[[], bool] = lambda: bool((v := _view()) and v.ready and v.cache.get(0))  # noqa: E731
    typed = [(ch, idle) for ch in FIND]
    return [
        ("o", view_ready),
        ("/", lambda: bool((w := QApplication.focusWidget()) and w.metaObject().className() == "QLineEdit")),
        *typed,
        ("Return", lambda: bool((v := _view()) and v.hits)),
        ("h", _popup_open),
        ("2", _marks(1)),
        ("Escape", idle), ("g", idle), ("g", idle),
        ("v", lambda: bool((a := _annotator()) and a.selection is not None)),
        ("j", idle), ("j", idle), (")", idle),
        ("h", _popup_open),
        ("Tab", idle),
        *[(ch, idle) for ch in COMMENT],
        ("Return", _marks(2)),
        ("a", _popup_open),
        *[(ch, idle) for ch in NOTE],
        ("Return", _marks(3)),
        ("]", idle),
    ]


def press(remaining: list[Step], then: Callable[[], None]) -> None:
    if not remaining:
        then()
        return
    (key, ready), rest = remaining[0], remaining[1:]
    target = QApplication.focusWidget() or main_window()
    named = {"Return": Qt.Key.Key_Return, "Escape": Qt.Key.Key_Escape, "Tab": Qt.Key.Key_Tab}
    if key in named:
        QTest.keyClick(target, named[key])
    elif key == " ":
        QTest.keyClick(target, Qt.Key.Key_Space)
    else:
        QTest.keyClick(target, key)
    when(ready, lambda: press(rest, then))


def shoot(path: str) -> None:
    window = main_window()
    assert window is not None

    def grab() -> None:
        window.grab().save(path)
        window.close()

    QTimer.singleShot(400, grab)


def main() -> int:
    library, out = sys.argv[1], sys.argv[2]
    QApplication([sys.argv[0]])
    prepare(library)

    def start() -> None:
        window = main_window()
        assert window is not None
        window.resize(1400, 900)
        press(steps(), lambda: shoot(out))

    when(loaded, start)
    return ui_app.run(library)


if __name__ == "__main__":
    sys.exit(main())
