"""How much merging one commit may do: a bounded amount, so a small write never stalls the index.

Whoosh's default policy (``MERGE_SMALL``) may fold most of an index into one segment on an ordinary
commit: on a 300k-paper index rebuilt as 30 segments, the first 100-paper tag merged 23 of them and took
422 s, every later change waiting behind it. Here a commit merges only the smallest segments, and only
when enough of them have piled up to slow searches, never more than ``MERGE_BUDGET`` documents in all:
the segments a rebuild writes (``writer.SEGMENT_TOKENS`` terms each) are never rewritten by a change.
A rebuild (``reindex``) compacts everything again.
"""

from __future__ import annotations

from typing import Any

from whoosh.reading import SegmentReader

MERGE_BUDGET = 1_000  # documents one commit may rewrite from older segments (about a second at most)
MERGE_FROM = 8  # segments under the budget that make a merge worth its work


def bounded_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh ``mergetype``: add the smallest segments to ``writer`` while their documents (deleted
    ones included: they are read too) fit in the budget, if there are ``MERGE_FROM`` of them; returns
    the segments kept as they are."""
    chosen: list[Any] = []
    total = 0
    for segment in sorted(segments, key=lambda s: s.doc_count_all()):
        total += segment.doc_count_all()
        if total > MERGE_BUDGET:
            break
        chosen.append(segment)
    if len(chosen) < MERGE_FROM:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]
