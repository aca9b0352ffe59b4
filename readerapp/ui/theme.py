"""Light and dark themes: Fusion with our own palettes, following the system's colour scheme by default.

Fusion draws the same on every platform, so the two palettes below are the whole theme, and a
screenshot under Xvfb looks like the app on a desktop.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")
Role = QPalette.ColorRole

_LIGHT = {
    Role.Window: "#f4f4f5", Role.WindowText: "#1f2328", Role.Base: "#ffffff", Role.AlternateBase: "#f6f8fa",
    Role.Text: "#1f2328", Role.Button: "#eceef1", Role.ButtonText: "#1f2328", Role.BrightText: "#ffffff",
    Role.Highlight: "#2f6fdf", Role.HighlightedText: "#ffffff", Role.ToolTipBase: "#ffffee",
    Role.ToolTipText: "#1f2328", Role.PlaceholderText: "#6e7781", Role.Link: "#0b5cd5",
    Role.LinkVisited: "#6639ba", Role.Mid: "#c9ccd1", Role.Dark: "#a0a4aa", Role.Light: "#ffffff",
}
_DARK = {
    Role.Window: "#1e2026", Role.WindowText: "#e6e6e6", Role.Base: "#16181d", Role.AlternateBase: "#1c1f25",
    Role.Text: "#e6e6e6", Role.Button: "#2a2d34", Role.ButtonText: "#e6e6e6", Role.BrightText: "#ffffff",
    Role.Highlight: "#3d6fd1", Role.HighlightedText: "#ffffff", Role.ToolTipBase: "#2a2d34",
    Role.ToolTipText: "#e6e6e6", Role.PlaceholderText: "#8b929c", Role.Link: "#79b0ff",
    Role.LinkVisited: "#c0a0ff", Role.Mid: "#3a3e46", Role.Dark: "#0f1013", Role.Light: "#3a3e46",
}
# What marks and highlights use on top of the palette, per scheme.
ACCENTS = {
    "light": {"star": "#c98a00", "muted": "#6e7781", "highlight": "#fff1a8"},
    "dark": {"star": "#ffcc4d", "muted": "#8b929c", "highlight": "#6b5a12"},
}


def system_scheme() -> str:
    """``dark`` when the desktop asks for dark, else ``light`` (also when it does not say)."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve(choice: str) -> str:
    """The scheme a theme setting means right now; an unknown setting falls back to the system."""
    return choice if choice in ("light", "dark") else system_scheme()


def palette_for(scheme: str) -> QPalette:
    palette = QPalette()
    for role, color in (_DARK if scheme == "dark" else _LIGHT).items():
        palette.setColor(role, QColor(color))
    disabled = QColor("#6e7781" if scheme == "light" else "#5c626b")
    for role in (Role.Text, Role.WindowText, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply(app: QApplication, choice: str) -> str:
    """Apply the theme ``choice`` (system, light or dark) and return the scheme now showing."""
    scheme = resolve(choice)
    app.setStyle("Fusion")
    app.setPalette(palette_for(scheme))
    app.setProperty("readerapp_scheme", scheme)
    return scheme


def current_scheme(app: QObject | None) -> str:
    """The scheme ``apply`` last set (widgets pick accent colours by it)."""
    value = app.property("readerapp_scheme") if app is not None else None
    return str(value or resolve("system"))
