"""A keyboard selection over a PDF page's words (no Qt): it starts on a word and extends by a word, a
line or a sentence, forward or back, as vim's visual mode does; the mouse sets its two ends directly.

Words come in PyMuPDF's reading order (``pdfs.annotations.page_words``); the selection is the words
between its ``anchor`` and its ``head`` (either may come first), its text those words joined by spaces,
its quads one per line (``span_quads``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from readerapp.pdfs.annotations import Word, span_quads
from readerapp.records import Quad

SENTENCE_ENDS = (".", "!", "?", ".)", ".”", '."', "?)", "!)")


@dataclass(frozen=True, slots=True)
class WordSelection:
    """Words ``anchor``..``head`` (indexes into ``words``, inclusive) of one page."""

    page: int  # 1-based
    words: Sequence[Word]
    anchor: int
    head: int

    @classmethod
    def at(cls, page: int, words: Sequence[Word], index: int) -> WordSelection:
        index = min(max(index, 0), len(words) - 1)
        return cls(page, words, index, index)

    @property
    def span(self) -> Sequence[Word]:
        first, last = sorted((self.anchor, self.head))
        return self.words[first : last + 1]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.span)

    @property
    def quads(self) -> tuple[Quad, ...]:
        return span_quads(self.span)

    def to(self, head: int) -> WordSelection:
        """The selection from the same anchor to word ``head`` (where the mouse is)."""
        return replace(self, head=min(max(head, 0), len(self.words) - 1))

    def by_word(self, step: int) -> WordSelection:
        """The head moves ``step`` words (back when negative)."""
        return self.to(self.head + step)

    def by_line(self, step: int) -> WordSelection:
        """The head moves to the end of its line, or from there to the end of the next one (``step`` > 0);
        back, to the end of the line before."""
        head = self.head
        for _ in range(abs(step)):
            if step > 0:
                end = _line_end(self.words, head)
                head = end if end != head or end + 1 == len(self.words) else _line_end(self.words, end + 1)
            else:
                start = head
                while start > 0 and _line(self.words[start - 1]) == _line(self.words[head]):
                    start -= 1
                head = max(start - 1, 0)
        return self.to(head)

    def by_sentence(self, step: int) -> WordSelection:
        """The head moves to the end of the next sentence (``step`` > 0) or of the previous one."""
        head = self.head
        for _ in range(abs(step)):
            if step > 0:
                head = next((i for i in range(head + 1, len(self.words)) if _ends(self.words[i])),
                            len(self.words) - 1)  # fmt: skip
            else:
                head = next((i for i in range(head - 1, -1, -1) if _ends(self.words[i])), 0)
        return self.to(head)


def _line(word: Word) -> tuple[int, int]:
    return word.block, word.line


def _line_end(words: Sequence[Word], index: int) -> int:
    line = _line(words[index])
    while index + 1 < len(words) and _line(words[index + 1]) == line:
        index += 1
    return index


def _ends(word: Word) -> bool:
    return word.text.endswith(SENTENCE_ENDS)


def word_at(words: Sequence[Word], x: float, y: float) -> int | None:
    """The index of the word under (x, y) in points, or of the nearest one on that line; None off text."""
    best: tuple[float, int] | None = None
    for index, word in enumerate(words):
        x0, y0, x1, y1 = word.box
        if y0 <= y <= y1:
            distance = 0.0 if x0 <= x <= x1 else min(abs(x - x0), abs(x - x1))
            if best is None or distance < best[0]:
                best = (distance, index)
    return best[1] if best else None


def first_word_in(words: Sequence[Word], box: tuple[float, float, float, float]) -> int:
    """The first word (in reading order) inside ``box`` (a hit, the part of the page in view); 0 if none."""
    x0, y0, x1, y1 = box
    for index, word in enumerate(words):
        wx0, wy0, wx1, wy1 = word.box
        if wx1 > x0 and wx0 < x1 and wy1 > y0 and wy0 < y1:
            return index
    return 0
