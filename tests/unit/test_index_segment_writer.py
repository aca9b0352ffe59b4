"""The bulk build's segment writer (``whoosh_shim.BulkSegmentWriter``: postings written from arrays in
Whoosh's block format) gives back, through Whoosh's own reader, exactly what Whoosh's writer does."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from index_support import fixture_documents
from whoosh import index as whoosh_index

from readerapp.index.schema import build_schema, to_fields
from readerapp.index.writer import _segment_writer


def read_back(folder: Path) -> dict[Any, Any]:
    """Every term's statistics and postings, every document's lengths and stored fields."""
    reader = whoosh_index.open_dir(str(folder)).reader()
    seen: dict[Any, Any] = {}
    for name in reader.schema.names():
        if not reader.schema[name].indexed:
            continue
        for term in reader.lexicon(name):
            info = reader.term_info(name, term)
            matcher = reader.postings(name, term)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            seen[(name, term)] = (*stats, info.max_weight(), info.min_id(), info.max_id(), postings)
    count = reader.doc_count_all()
    seen["lengths"] = [[reader.doc_field_length(n, f) for f in ("title", "abstract")] for n in range(count)]
    seen["totals"] = [reader.field_length(f) for f in ("title", "abstract", "author")]
    seen["stored"] = [reader.stored_fields(n) for n in range(count)]
    return seen


def test_the_bulk_segment_writer_reads_back_as_whooshs_own(tmp_path: Path) -> None:
    rng = random.Random(3)
    docs: list[Any] = fixture_documents()
    for n in range(300):  # long and short abstracts: terms in one block, in several, and alone
        doc = rng.choice(docs[:43])
        words = rng.choices(doc["abstract"].split(), k=rng.randint(1, 400))
        docs.append({**doc, "id": f"x{n}", "abstract": " ".join(words)})
    found = []
    for kind in ("whoosh", "bulk"):
        folder = tmp_path / kind
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema())
        writer = ix.writer(compound=False) if kind == "whoosh" else _segment_writer(ix)
        for doc in docs:
            writer.add_document(**to_fields(doc))
        writer.commit(merge=False)
        found.append(read_back(folder))
    assert found[0].keys() == found[1].keys()
    assert [k for k in found[0] if found[0][k] != found[1][k]] == []
