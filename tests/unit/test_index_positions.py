"""Exact phrases from the positions file a bulk build writes beside each segment (``index.positions``),
checked against a brute-force scan of the analysed texts of a generated corpus: on built segments,
on segments later changes wrote (no positions: their text is checked), and on both at once."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from index_support import build_index, fixture_documents

from readerapp.index import writer
from readerapp.index.analysis import stems
from readerapp.index.document import IndexDocument
from readerapp.index.positions import EXT, MAX_TERM_BYTES, SegmentPositions, TermRecorder
from readerapp.index.search_index import SearchIndex

VOCABULARY = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "model",
    "language",
    "network",
    "graph",
    "learning",
    "vision",
]


def corpus(rng: random.Random, count: int, prefix: str) -> list[IndexDocument]:
    """Papers of a few words from a tiny vocabulary: every pair of words is next to each other
    somewhere and apart elsewhere, so a phrase has many candidates that do not hold it."""
    base = fixture_documents()[0]
    docs = []
    for n in range(count):
        title = " ".join(rng.choices(VOCABULARY, k=rng.randint(2, 5)))
        abstract = " ".join(rng.choices(VOCABULARY, k=rng.randint(5, 30)))
        docs.append({**base, "id": f"{prefix}{n}", "title": title, "abstract": abstract, "pdf_text": ""})
    return docs  # type: ignore[return-value]


def holds(doc: IndexDocument, phrase: str, field: str | None) -> bool:
    want = stems(phrase)
    for name in (field,) if field else ("title", "abstract"):
        got = stems(doc[name])  # type: ignore[literal-required]
        if any(got[i : i + len(want)] == want for i in range(len(got))):
            return True
    return False


def phrases(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choices(VOCABULARY, k=rng.choice((2, 3)))) for _ in range(count)]


def found(index: SearchIndex, query: str) -> set[str]:
    return {hit.id for hit in index.search(query, limit=100_000)}


@pytest.mark.parametrize("processes", [1, 2])
def test_built_segments_answer_phrases_exactly_from_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    rng = random.Random(15)
    docs = corpus(rng, 600, "p")
    monkeypatch.setattr(writer, "PARALLEL_FROM", 100)
    monkeypatch.setattr(writer, "BATCH", 50)
    monkeypatch.setattr(writer, "SEGMENT_TOKENS", 2_000)  # several segments per build process
    index = SearchIndex.create(tmp_path / "index")
    index.rebuild(docs, procs=processes)
    segments = {path.stem for path in (tmp_path / "index").glob("*.trm")}
    assert len(segments) > processes
    assert {path.stem for path in (tmp_path / "index").glob(f"*{EXT}")} == segments, "each has positions"
    for phrase in phrases(rng, 40):
        for field in (None, "title", "abstract"):
            query = f'{field}:"{phrase}"' if field else f'"{phrase}"'
            brute = {d["id"] for d in docs if holds(d, phrase, field)}
            assert found(index, query) == brute, query


def test_segments_without_positions_check_their_text_and_the_two_kinds_mix(tmp_path: Path) -> None:
    rng = random.Random(16)
    built = corpus(rng, 300, "b")
    later = corpus(rng, 120, "l")
    index = build_index(tmp_path / "index", built)
    for start in range(0, len(later), 40):  # small commits, as changes are applied
        index.apply(later[start : start + 40])
    replaced = [{**d, "abstract": "graph vision delta"} for d in built[:30]]  # the built copies go
    index.apply(replaced)  # type: ignore[arg-type]
    docs = {d["id"]: d for d in [*built, *later, *replaced]}.values()
    for phrase in phrases(rng, 30):
        brute = {d["id"] for d in docs if holds(d, phrase, None)}
        assert found(index, f'"{phrase}"') == brute, phrase
        without = {d["id"] for d in docs if "gamma" in stems(d["title"] + " " + d["abstract"])}
        assert found(index, f'"{phrase}" -gamma') == brute - without


@pytest.mark.parametrize("terms", [["alpha", "beta", "alpha", "beta"], ["x" * (MAX_TERM_BYTES + 1), "beta"]])
def test_a_positions_file_reads_back_what_was_written(tmp_path: Path, terms: list[str]) -> None:
    recorder = TermRecorder(["abstract", "author", "title"], ["abstract", "title"])
    recorder.add("abstract", 0, terms)
    recorder.add("author", 0, ["ann"])
    recorder.add("abstract", 3, ["beta", "alpha"])
    recorder.add("title", 3, ["gamma"])
    recorder.write(tmp_path / "seg.rpos", dict(recorder.fields()))
    positions = SegmentPositions(tmp_path / "seg.rpos")
    assert positions.phrase_docs("abstract", ("beta", "alpha")).tolist() == (
        [0, 3] if terms[0] == "alpha" else [3]
    )
    assert positions.phrase_docs("title", ("gamma",)).tolist() == [3]
    assert positions.phrase_docs("abstract", ("gamma", "beta")).tolist() == []
    assert positions.phrase_docs("author", ("ann",)).tolist() == [], "only positional fields are kept"
    first = positions.phrase_docs("abstract", (terms[0], "beta"))  # too long to keep: cannot say
    assert first is None if len(terms[0]) > MAX_TERM_BYTES else first is not None and first.tolist() == [0]
