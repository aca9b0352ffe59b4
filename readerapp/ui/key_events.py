"""Qt's side of key handling: a key event becomes a canonical token, the token goes to the parser.

The dispatcher filters key presses on the widgets the user triages from (the list, the sidebar, the
detail pane) before those widgets see them, so ``j`` moves through papers instead of starting Qt's
keyboard search. Each PDF viewer has a dispatcher of its own over the reader's keys (``pdf_view``);
a key neither takes goes on to the widget and from there up to the window's. In text fields only
keys with Ctrl/Alt/Meta and Escape reach the keymap, so typing a search or a note never triggers a
command.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from readerapp.interaction.key_tokens import format_sequence
from readerapp.interaction.keymap import KeyParser
from readerapp.interaction.registry import LineRunner
from readerapp.ui.signals import emit

_NAMED = {
    Qt.Key.Key_Return: "Return", Qt.Key.Key_Enter: "Return", Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_Tab: "Tab", Qt.Key.Key_Backtab: "Backtab", Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Delete: "Delete", Qt.Key.Key_Insert: "Insert", Qt.Key.Key_Space: "Space",
    Qt.Key.Key_Up: "Up", Qt.Key.Key_Down: "Down", Qt.Key.Key_Left: "Left", Qt.Key.Key_Right: "Right",
    Qt.Key.Key_Home: "Home", Qt.Key.Key_End: "End", Qt.Key.Key_PageUp: "PageUp",
    Qt.Key.Key_PageDown: "PageDown",
    **{getattr(Qt.Key, f"Key_F{n}"): f"F{n}" for n in range(1, 13)},
}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                  Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_unknown}
_MODS = ((Qt.KeyboardModifier.ControlModifier, "Ctrl"), (Qt.KeyboardModifier.AltModifier, "Alt"),
         (Qt.KeyboardModifier.MetaModifier, "Meta"), (Qt.KeyboardModifier.ShiftModifier, "Shift"))


def token_from_event(event: QKeyEvent) -> str | None:
    """The canonical token of a key press (``readerapp.interaction.key_tokens``); None for a modifier."""
    key = Qt.Key(event.key())
    if key in _MODIFIER_KEYS:
        return None
    mods = event.modifiers()
    held = [name for flag, name in _MODS if mods & flag]
    text = event.text()
    commanding = any(m in held for m in ("Ctrl", "Alt", "Meta"))
    if not commanding and key not in _NAMED and len(text) == 1 and text.isprintable():
        # What the key types, so Shift+/ is "?" on any layout; Shift+j is "J" even when a synthetic
        # event (QTest, some remote-input tools) carries the lower-case text.
        return text.upper() if "Shift" in held and text.isalpha() else text
    name = _NAMED.get(key)
    if name is None:
        code = int(key)
        if not 0x20 < code < 0x7F:
            return None
        name = chr(code).upper()
    if name == "Backtab":
        held = [m for m in held if m != "Shift"]
    return "+".join([*held, name])


def is_text_input(widget: QObject | None) -> bool:
    """Widgets where plain keys type text instead of running commands."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox):
        return True
    return isinstance(widget, QTextEdit) and not widget.isReadOnly()


class KeyDispatcher(QObject):
    """Feeds key presses on the watched widgets through the parser and runs what they match."""

    pending_changed = Signal(str)

    def __init__(self, parser: KeyParser, run: LineRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._parser = parser
        self._run = run

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        token = token_from_event(event)
        if token is None:
            return False
        if is_text_input(watched) and not self._reaches_keymap(token):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Claim the key so no Qt shortcut takes it; the KeyPress that follows runs it.
            event.accept()
            return True
        return self.feed(token)

    def feed(self, token: str) -> bool:
        """Run ``token`` through the parser; True when the key was ours (matched or part of a sequence).
        A key bound to an empty line is taken and runs nothing."""
        result = self._parser.feed(token)
        emit(self.pending_changed, format_sequence(self._parser.pending))
        if result.kind == "match" and result.line:
            self._run(result.line, result.count)
        return result.kind != "none"

    @staticmethod
    def _reaches_keymap(token: str) -> bool:
        return token == "Escape" or any(token.startswith(m + "+") for m in ("Ctrl", "Alt", "Meta"))
