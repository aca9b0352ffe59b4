"""The query language as users read it: ``readerapp search --help`` and the user guide print this text.

It lives here, beside the shared types, so the CLI and the app's guide generator read it without
importing the index (``index.query_syntax`` implements it) or each other.
"""

from __future__ import annotations

QUERY_SECTION = """\
Search queries
--------------
- Free words: every word must match (``diffusion transformer``); ranked by BM25F, a title match
  weighing most. Prose is stemmed, so ``detector`` finds "detectors"; common words (the, of) are
  ignored.
- ``"exact phrase"``: the words next to each other (after dropping common words).
- ``AND``, ``OR``, ``NOT`` (upper case) and parentheses: ``(gan OR diffusion) NOT survey``;
  ``-word`` is short for ``NOT word`` (``-tag:done`` for ``NOT tag:done``). Juxtaposed terms are ANDed.
- Prefix: ``diffus*`` (at least 3 characters; expands to the most frequent matching terms).
- Fields: ``title:`` ``abstract:`` ``author:`` ``tag:`` ``note:`` ``cat:`` ``id:`` ``state:``,
  each taking a word, a ``"phrase"`` or a ``(group)``. ``note:`` also searches highlight quotes and
  comments; ``author:"Geoffrey Hinton"`` matches the whole name, ``author:hinton`` any name part;
  ``tag:``, ``cat:``, ``id:`` and ``state:`` match exactly (case-insensitive).
- ``is:starred`` (also ``is:inbox``, ``is:reading``, ``is:done``, ``is:archived``),
  ``has:pdf`` ``has:note`` ``has:code``.
- ``year:2023`` or ``year:2020..2023``; ``date:2025-09-01..2025-09-30`` (either end may be left
  open, ``date:2025-09`` is a month, ``date:2025`` a year); the date is the arXiv publication date,
  else the feed day.
- ``upvotes:>20`` (also ``>=``, ``<``, ``<=``, an exact number, or ``10..50``)."""
