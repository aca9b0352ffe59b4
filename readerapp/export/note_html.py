"""A user's Markdown note as HTML that is safe to put in a page: raw HTML in the note shows as text,
only http(s) and mailto links survive, and images become links (an export page loads nothing).
Its headings can be moved down under the page's own (``h1`` under an ``h2`` becomes ``h3``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from markdown.treeprocessors import Treeprocessor

from readerapp.export.links import safe_url

_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _SafeLinks(Treeprocessor):
    """Drop unsafe link targets, turn images into plain links to them, and nest the headings."""

    heading_shift = 0

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in _HEADINGS:
                element.tag = f"h{min(6, _HEADINGS[element.tag] + self.heading_shift)}"
            elif element.tag == "img":
                target = safe_url(element.get("src"))
                alt = element.get("alt") or target or ""
                element.attrib.clear()
                element.tag = "a" if target else "span"
                element.text = alt
                if target:
                    element.set("href", target)
            elif element.tag == "a":
                href = element.get("href") or ""
                target = href if href.startswith("mailto:") else safe_url(href)
                element.attrib.clear()  # a title or an unsafe target goes; a link with none is text
                element.tag = "a" if target else "span"
                if target:
                    element.set("href", target)


class NoteRenderer:
    """Renders notes; every HTML tag the user typed is escaped instead of passed through.

    One renderer per export (building the Markdown pipeline costs more than rendering a short note);
    not shared between threads, as Python-Markdown instances are not thread-safe.
    """

    def __init__(self, heading_shift: int = 0) -> None:
        """``heading_shift``: how many levels the note's headings move down (the page's heading level)."""
        self._md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        safe = _SafeLinks(self._md)
        safe.heading_shift = heading_shift
        self._md.treeprocessors.register(safe, "safe_links", 0)

    def __call__(self, note: str) -> str:
        return str(self._md.reset().convert(note))
