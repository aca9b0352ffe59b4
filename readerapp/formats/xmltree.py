"""Safe, namespace-aware XML reading for the arXiv Atom and RSS feeds.

Feeds come from the network and files from anywhere: a DTD can declare entities that expand into
gigabytes or read local files, and no feed we read needs one, so any DTD or entity declaration is
refused before the stdlib parser sees the text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from readerapp.errors import FormatError
from readerapp.formats.decoding import decode_text

_DECLARATION_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)\b", re.IGNORECASE)
_TRUNCATION_MESSAGES = frozenset({"no element found", "unclosed token", "unclosed CDATA section"})


def parse_xml(content: bytes | str, name: str) -> ET.Element:
    """The root element, or FormatError naming the problem (DTD, cut off, not well-formed)."""
    text = decode_text(content, name) if isinstance(content, bytes) else content
    if not text.strip():
        raise FormatError(f"{name}: empty document")
    if _DECLARATION_RE.search(text):
        raise FormatError(f"{name}: XML with a DTD or entity declaration is refused")
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        problem = str(error).split(":")[0]
        if problem in _TRUNCATION_MESSAGES and line > text.rstrip().count("\n"):
            problem = "cut off before the end"
        raise FormatError(f"{name}: not well-formed XML ({problem}, line {line} column {column})") from None


def child_text(element: ET.Element, tag: str) -> str | None:
    """The text of the first child with this (namespaced) tag, or None when absent."""
    child = element.find(tag)
    return None if child is None else "".join(child.itertext())
