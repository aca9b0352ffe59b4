"""Phrase needs, and the text check of candidates where a segment has no positions.

A phrase query runs as "all the words" (ranked) restricted to the documents the segments' positions
files say hold the phrase (``positions``, read by ``evaluate.Evaluator.phrases``). Segments written
by later changes have no such file: there the candidates are checked here against their stored text,
best first, until enough pass (all of them if need be), so a phrase never misses a paper that holds
it. A phrase inside ``OR``/``NOT`` is not checked: there it means its words together (see the query
language notes in ``query_syntax``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from readerapp.index.analysis import stems

_CHARS_PER_TERM = 40  # room for a word plus dropped stop words, when cutting a text to check


@dataclass(frozen=True, slots=True)
class PhraseNeed:
    """The stems of one phrase, in order, and the field it must be in (``None``: any text field)."""

    terms: tuple[str, ...]
    field: str | None = None


class PhraseCheck:
    """Checks that a paper's texts hold every needed phrase."""

    def __init__(self, needs: list[PhraseNeed]) -> None:
        self.needs = needs
        self._starts = [_root_re(need.terms[0]) for need in needs]

    def holds(self, text_of: Callable[[str | None], Iterable[str]]) -> bool:
        """``text_of(field)`` gives the texts to look in (all text fields for ``None``)."""
        return all(
            any(_contains(text, need.terms, start) for text in text_of(need.field))
            for need, start in zip(self.needs, self._starts, strict=True)
        )


def _root_re(first: str) -> re.Pattern[str]:
    root = first[:-1] if len(first) > 3 else first
    return re.compile(r"\b" + re.escape(root), re.IGNORECASE)


def _contains(text: str, terms: tuple[str, ...], start: re.Pattern[str]) -> bool:
    span = _CHARS_PER_TERM * (len(terms) + 1)
    for match in start.finditer(text):
        found = stems(text[match.start() : match.start() + span])
        if tuple(found[: len(terms)]) == terms:
            return True
    return False
