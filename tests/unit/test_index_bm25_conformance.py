"""Our numpy evaluator ranks as Whoosh's own BM25F scorer does (same k1, b and idf) on a corpus:
the fast path is an implementation of BM25, not a different ranking."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_support import build_index, fixture_documents
from whoosh import index as whoosh_index
from whoosh import scoring

from readerapp.index import evaluate, query_syntax
from readerapp.index.query_compile import compile_query
from readerapp.index.search_index import SearchIndex


class _LuceneIdfBM25F(scoring.BM25F):
    """Whoosh's BM25F with the idf our evaluator documents (Robertson-Sparck Jones, plus one)."""

    def idf(self, searcher: object, fieldname: str, text: str) -> float:
        import math

        n = searcher.doc_count()  # type: ignore[attr-defined]
        df = searcher.doc_frequency(fieldname, text)  # type: ignore[attr-defined]
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return build_index(Path(tmp_path_factory.mktemp("bm25")) / "index", fixture_documents())


@pytest.mark.parametrize(
    "query",
    ["detection", "language model", "diffusion image generation", "reasoning", "video", "agent OR robot"],
)
def test_our_top_results_and_scores_are_whoosh_bm25f(index: SearchIndex, query: str) -> None:
    ours = index.search(query, limit=10)
    assert ours, "the corpus must match the query"
    whoosh_ix = whoosh_index.open_dir(str(index.folder))
    with whoosh_ix.searcher(weighting=_LuceneIdfBM25F(B=evaluate.B, K1=evaluate.K1)) as searcher:
        compiled = compile_query(query_syntax.parse_query(query), searcher.reader())
        theirs = searcher.search(compiled.query, limit=None)
        expected = {searcher.stored_fields(hit.docnum)["id"]: hit.score for hit in theirs}
    for hit in ours:
        assert hit.score == pytest.approx(expected[hit.id], rel=1e-4)
    best = sorted(expected.values(), reverse=True)[: len(ours)]
    assert [hit.score for hit in ours] == pytest.approx(best, rel=1e-4)
