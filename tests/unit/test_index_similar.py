"""Similar papers and "For you" on the fixture day."""

from __future__ import annotations

import pytest
from index_support import build_index, changed, fixture_documents

from readerapp.errors import NotFoundError
from readerapp.index.search_index import SearchIndex

LOTTERY = "1803.03635"
LOTTERY_FAMILY = {"2111.00162", "2104.08700", "2106.10404", "2202.02643"}  # tickets, pruning, sparsity
DIFFUSION = {"2202.09778", "2410.13643"}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    docs = [
        changed(d, state="reading") if d["id"] in DIFFUSION else d
        for d in fixture_documents()
    ]
    return build_index(tmp_path_factory.mktemp("similar") / "index", docs)


def test_similar_papers_share_the_topic(index: SearchIndex) -> None:
    hits = index.similar(LOTTERY, limit=4)
    assert len(hits) == 4
    assert LOTTERY not in {h.id for h in hits}
    assert {h.id for h in hits} == LOTTERY_FAMILY
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "lottery" in hits[0].reasons and all(h.reasons for h in hits)


def test_similar_unknown_paper(index: SearchIndex) -> None:
    with pytest.raises(NotFoundError):
        index.similar("9999.99999")


def test_for_you_ranks_the_inbox_by_the_seeds(index: SearchIndex) -> None:
    hits = index.for_you(DIFFUSION, limit=5)
    assert hits and not DIFFUSION & {h.id for h in hits}, "the seeds themselves are not recommended"
    assert all("diffusion" in (h.title + h.snippet).lower() for h in hits[:3])
    assert all("diffusion" in h.reasons for h in hits[:3])
    assert "[[" in hits[0].snippet


def test_for_you_respects_the_candidate_filter(index: SearchIndex) -> None:
    assert index.for_you(DIFFUSION, candidate_filter="state:done") == []
    in_2023 = index.for_you(DIFFUSION, candidate_filter="year:2023 -has:code")
    assert in_2023 and all(h.id.startswith("23") for h in in_2023)


def test_for_you_without_known_seeds_is_empty(index: SearchIndex) -> None:
    assert index.for_you([]) == []
    assert index.for_you(["0000.00000"]) == []
