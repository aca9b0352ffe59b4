"""Snippets: the best short fragment of a text, with the matched words marked.

Marking: a matched word is wrapped as ``[[word]]`` and the rest is plain text. Any ``[[`` or ``]]``
already in the source is split (``[ [``, ``] ]``) so the markers are unambiguous. A consumer calls
``readerapp.text.split_marks`` and renders each piece its own way (the CLI styles it, the Qt view
escapes the text and wraps marked pieces in ``<b>``), so a hostile abstract is never read as markup.

Cost matters (snippets are cut for every hit shown): one C-level regex finds candidate words by
their stems' prefixes, and only those candidates are stemmed and checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from readerapp.index.analysis import fold, stem

MARK_OPEN = "[["
MARK_CLOSE = "]]"
WINDOW = 220  # characters in a snippet, about two lines of a list view
_LEAD = 40  # characters of context kept before the first match
_MAX_STARTS = 24  # matches tried as a window's start (the first ones: a snippet is a glance)


def _candidate_re(marks: Iterable[str]) -> re.Pattern[str] | None:
    """Words that may stem to a mark: a Porter stem is its word's prefix bar the last letter."""
    roots = sorted({m[:-1] if len(m) > 3 else m for m in marks if " " not in m}, key=len, reverse=True)
    if not roots:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(r) for r in roots) + r")\w*", re.IGNORECASE)


class Snippeter:
    """Cuts snippets for one query's marks (the regex is built once per query)."""

    def __init__(self, marks: Iterable[str]) -> None:
        self.marks = frozenset(marks)
        self._candidates = _candidate_re(self.marks)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, stem)`` of every word of ``text`` that matches a mark."""
        if self._candidates is None:
            return []
        found = []
        for match in self._candidates.finditer(text):
            term = stem(fold(match.group()))
            if term in self.marks:
                found.append((match.start(), match.end(), term))
        return found

    def cut(self, texts: Iterable[str]) -> str:
        """The best fragment from the first text with a match; the start of the first text if none."""
        first = ""
        for raw in texts:
            text = _one_line(raw)
            if not text:
                continue
            first = first or text
            found = self.matches(text)
            if found:
                return _fragment(text, found)
        return _fragment(first, []) if first else ""


def _fragment(text: str, found: list[tuple[int, int, str]]) -> str:
    start = _best_start(found)
    start = max(0, start - _LEAD) if found else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + WINDOW)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + WINDOW // 2 else end
    pieces = ["…" if start else ""]
    cursor = start
    for m_start, m_end, _ in found:
        if m_start < start or m_end > end:
            continue
        pieces.append(_plain(text[cursor:m_start]))
        pieces.append(f"{MARK_OPEN}{_plain(text[m_start:m_end])}{MARK_CLOSE}")
        cursor = m_end
    pieces.append(_plain(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)


def _best_start(found: list[tuple[int, int, str]]) -> int:
    """The match that opens the window holding the most distinct marks (then the most matches)."""
    best, best_key = 0, (-1, -1)
    for i, (start, _, _) in enumerate(found[:_MAX_STARTS]):
        inside = [term for s, e, term in found[i:] if e <= start + WINDOW - _LEAD]
        key = (len(set(inside)), len(inside))
        if key > best_key:
            best, best_key = start, key
    return best


def _one_line(text: str) -> str:
    """Whitespace runs as single spaces; stored abstracts are normalised already, so check first."""
    return " ".join(text.split()) if ("\n" in text or "  " in text or "\t" in text) else text


def _plain(text: str) -> str:
    return text.replace(MARK_OPEN, "[ [").replace(MARK_CLOSE, "] ]")
