"""A user's Markdown (a note, a highlight's comment) placed under a heading of the export: its own
headings move down by as many levels as the heading they now sit under (a note's ``# Summary`` under
a paper's ``## Title`` becomes ``### Summary``), so the document's outline stays a tree.

Headings are found by a CommonMark parser (markdown-it-py), not by a pattern: a ``#`` line inside a
fenced code block is code and stays as it is. Setext headings (a line underlined with ``===``) become
ATX headings at their new level; levels past six stay at six, Markdown's deepest.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")


def nest_headings(text: str, levels: int) -> str:
    """``text`` with every top-level heading ``levels`` deeper."""
    if levels <= 0 or ("#" not in text and "=" not in text and "-" not in text):
        return text
    lines = text.split("\n")
    headings = [t for t in _PARSER.parse(text) if t.type == "heading_open" and t.level == 0 and t.map]
    for token in reversed(headings):  # from the end, so a setext heading's two lines become one safely
        start, end = token.map or (0, 0)
        depth = min(6, int(token.tag[1]) + levels)
        atx = _ATX.match(lines[start]) if token.markup.startswith("#") else None
        if atx:
            lines[start] = atx.group(1) + "#" * depth + lines[start][atx.end() :]
        else:
            title = " ".join(" ".join(lines[start : end - 1]).split())
            lines[start:end] = ["#" * depth + " " + title]
    return "\n".join(lines)
