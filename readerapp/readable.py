"""LaTeX in titles and abstracts as readable text, with a map back to the stored characters.

Abstracts arrive with LaTeX: ``$D\\to\\infty$``, ``\\emph{very}``, ``` ``safe'' ```, and from the Daily
Papers feed with its backslashes already stripped (``D{to}infty``, ``64{times}64``). pylatexenc parses the
text into nodes that know where they stand in it; each node is turned into text on its own
(``LatexNodes2Text``), so every character shown maps back to the stored characters it came from. That
map is what lets the detail pane show readable text while highlights keep their offsets in the stored
abstract (and so in every export and on every other machine). Search indexes the stored text.

What pylatexenc would get wrong in prose is kept as typed: ``%`` (a comment in LaTeX: "50% of" is no
comment in an abstract), ``&`` and ``~``. A braced word that names a symbol macro (``{to}``, ``{times}``)
and the bare names of a few symbols no English word shares (``infty``, ``leq``) are read as those
macros, which is what the stripped feed text meant.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexGroupNode,
    LatexNode,
    LatexSpecialsNode,
    LatexWalker,
)

# Nothing in a text without these is LaTeX that reads differently once converted.
_MAYBE_LATEX = re.compile(r"[\\{}$`]|''|--")
# Symbol names that stand bare in feed text whose backslashes were stripped; none is an English word.
_BARE_SYMBOLS = frozenset({"infty", "ldots", "cdots", "leq", "geq", "neq", "approx", "rightarrow",
                           "leftarrow"})  # fmt: skip
_CONVERTED_SPECIALS = frozenset({"``", "''", "--", "---"})
_WORD = re.compile(r"[A-Za-z]+")
_CACHE = 4096

_TEXT = LatexNodes2Text(math_mode="text")


@dataclass(frozen=True, slots=True)
class Readable:
    """``text`` to show for ``raw``; character ``i`` of it came from ``raw[starts[i]:ends[i]]``."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The stored span a shown span ``[start, end)`` came from (empty spans stay empty)."""
        if not self.text:
            return 0, 0
        start, end = max(0, min(start, len(self.text))), max(0, min(end, len(self.text)))
        if start >= end:
            at = self.starts[start] if start < len(self.text) else len(self.raw)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def from_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """The shown span that shows the stored ``[start, end)``; None when nothing of it is shown."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end)
        return (first, last) if first < last else None


def readable(raw: str) -> Readable:
    """``raw`` as readable text, with the map back (the text itself when it holds no LaTeX)."""
    if _MAYBE_LATEX.search(raw) is None:
        return _identity(raw)
    return _converted(raw)


def readable_text(raw: str) -> str:
    """Just the readable text (a title in the list)."""
    return readable(raw).text if _MAYBE_LATEX.search(raw) else raw


def _identity(raw: str) -> Readable:
    positions = tuple(range(len(raw)))
    return Readable(raw, raw, positions, tuple(p + 1 for p in positions))


@functools.lru_cache(maxsize=_CACHE)
def _converted(raw: str) -> Readable:
    out = _Builder(raw)
    nodes, _pos, _len = LatexWalker(raw, tolerant_parsing=True).get_latex_nodes(pos=0)
    out.nodes(nodes)
    return Readable(raw, "".join(out.chars), tuple(out.starts), tuple(out.ends))


@functools.lru_cache(maxsize=256)
def _symbol(name: str) -> str:
    """What macro ``\\name`` reads as when that is a symbol (→, ×, α), else ""."""
    text = str(_TEXT.latex_to_text("\\" + name))
    return text if text and not text.isascii() else ""


class _Builder:
    """Shown characters with the stored span of each, built node by node."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._open_quote = False

    def put(self, text: str, start: int, end: int) -> None:
        for char in text:
            self.chars.append(char)
            self.starts.append(start)
            self.ends.append(end)

    def verbatim(self, start: int, end: int) -> None:
        for position in range(start, end):
            self.put(self.raw[position], position, position + 1)

    def nodes(self, nodes: list[LatexNode] | None) -> None:
        for node in nodes or []:
            self.node(node)

    def node(self, node: LatexNode) -> None:
        start, end = node.pos, node.pos + node.len
        if isinstance(node, LatexCharsNode):
            self.prose(start, end)
        elif isinstance(node, LatexCommentNode):
            self.verbatim(start, end)  # "50% of": a percent sign in prose, not a comment
        elif isinstance(node, LatexSpecialsNode) and node.specials_chars not in _CONVERTED_SPECIALS:
            self.verbatim(start, end)  # & and ~ are themselves in an abstract
        elif isinstance(node, LatexGroupNode):
            self.group(node, start, end)
        else:  # math, a macro, a quote or dash special: one piece of text for the whole span
            self.put(str(_TEXT.nodelist_to_text([node])), start, end)

    def group(self, node: LatexGroupNode, start: int, end: int) -> None:
        inner = node.nodelist or []
        if len(inner) == 1 and isinstance(inner[0], LatexCharsNode):
            symbol = _symbol(inner[0].chars) if _WORD.fullmatch(inner[0].chars) else ""
            if symbol:  # {to}: a macro whose backslash the feed stripped
                self.put(symbol, start, end)
                return
        first = len(self.chars)
        self.nodes(inner)  # {GAN}s: the braces go, what they hold stays as it is, braces included in its span
        if len(self.chars) > first:
            self.starts[first], self.ends[-1] = start, end

    def prose(self, start: int, end: int) -> None:
        """Plain characters as they are, but LaTeX's `single quotes' and bare symbol names."""
        position = start
        while position < end:
            char = self.raw[position]
            word = _WORD.match(self.raw, position, end) if char.isalpha() else None
            if word is not None:
                symbol = _symbol(word.group()) if word.group() in _BARE_SYMBOLS else ""
                if symbol:
                    self.put(symbol, position, word.end())
                else:
                    self.verbatim(position, word.end())
                position = word.end()
                continue
            if char == "`":
                self._open_quote = True
                self.put("‘", position, position + 1)
            elif char == "'" and self._open_quote and not self._letter_at(position + 1):
                self._open_quote = False
                self.put("’", position, position + 1)
            else:
                self.put(char, position, position + 1)
            position += 1

    def _letter_at(self, position: int) -> bool:
        return position < len(self.raw) and self.raw[position].isalpha()
