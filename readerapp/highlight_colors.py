"""The highlight colours, shared by the detail pane and the HTML export so a green highlight is drawn
green in both: a stored colour is one of these names or a ``#rrggbb`` value, and anything else (a
colour from another tool's file) is drawn in a default rather than written into a style attribute."""

from __future__ import annotations

import re

# The colours keys 1-5 pick, in that order.
HIGHLIGHT_COLORS = {"yellow": "#ffe066", "green": "#9be59b", "blue": "#9cc9ff", "pink": "#ffadd2",
                    "orange": "#ffc078"}  # fmt: skip
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def color_value(name: str | None, default: str) -> str:
    """The CSS colour for a stored colour name: known names and ``#rrggbb`` only, else ``default``."""
    if name and _HEX.fullmatch(name):
        return name
    return HIGHLIGHT_COLORS.get((name or "").lower(), default)
