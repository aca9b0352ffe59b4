"""English stop words for similarity and its reasons: the ``stop-words`` package's list (about 1,300
words: "two", "our", "however"...), not the index's short list, which only keeps search terms lean.
Search still indexes every word but those few, so a phrase query finds "the state of the art"."""

from __future__ import annotations

from stop_words import get_stop_words

from readerapp.index.analysis import fold

STOP_WORDS: frozenset[str] = frozenset(fold(word) for word in get_stop_words("en"))
