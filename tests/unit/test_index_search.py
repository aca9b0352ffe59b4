"""Search over the 43-paper fixture day: every query form, ranking, stemming, snippets, sorting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from index_support import build_index, changed, fixture_documents

from readerapp.errors import QueryError
from readerapp.index.document import IndexDocument
from readerapp.index.search_index import SearchIndex
from readerapp.index.snippets import MARK_CLOSE, MARK_OPEN
from readerapp.text import split_marks

DETECTED = "2303.11156"  # "Can AI-Generated Text be Reliably Detected?"
LOTTERY = "1803.03635"  # "The Lottery Ticket Hypothesis: ..."
PNDM = "2202.09778"  # "Pseudo Numerical Methods for Diffusion Models on Manifolds"
DWORK = "1411.2664"  # by Cynthia Dwork et al.


def annotated_documents() -> list[IndexDocument]:
    """The fixture day with a few papers the user has worked on."""
    docs = {d["id"]: d for d in fixture_documents()}
    docs[DETECTED] = changed(
        docs[DETECTED],
        tags=["Detection", "to read"],
        note="Great overview of watermark attacks; compare with <b>[[spoofing]]</b> work.",
        has_note=True,
        state="reading",
        starred=True,
        categories=["cs.CL"],
    )
    docs[LOTTERY] = changed(
        docs[LOTTERY],
        has_pdf=True,
        pdf_text="Appendix. We also observe zanzibarite effects when rewinding the winning tickets early.",
        categories=["cs.LG"],
    )
    docs[PNDM] = changed(
        docs[PNDM],
        highlights=["pseudo numerical methods are neat", "check the manifold part again"],
        state="done",
        categories=["cs.CV", "cs.LG"],
    )
    return list(docs.values())


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return build_index(tmp_path_factory.mktemp("search") / "index", annotated_documents())


def ids(index: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [hit.id for hit in index.search(query, **kwargs)]  # type: ignore[arg-type]


def published_year(year: int) -> set[str]:
    return {d["id"] for d in fixture_documents() if d["published"] and d["published"].year == year}


def test_free_words_must_all_match(index: SearchIndex) -> None:
    both = ids(index, "lottery pruning")
    assert both and set(both) <= set(ids(index, "lottery")) & set(ids(index, "pruning"))
    assert ids(index, "lottery zzzunknownword") == []


def test_stemming_finds_other_forms(index: SearchIndex) -> None:
    assert DETECTED in ids(index, "detector")
    assert DETECTED in ids(index, "detecting")
    assert ids(index, "detector") == ids(index, "detectors")


def test_title_match_ranks_above_abstract_only_match(index: SearchIndex) -> None:
    hits = index.search("lottery")
    in_title = [("lottery" in h.title.lower()) for h in hits]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True), "every title match comes before abstract-only ones"
    assert hits[0].score > hits[-1].score > 0


def test_phrase_needs_adjacent_words_in_order(index: SearchIndex) -> None:
    assert LOTTERY in ids(index, '"lottery ticket hypothesis"')
    assert ids(index, '"hypothesis ticket lottery"') == []
    assert DETECTED in ids(index, '"reliably detected"')
    phrase = set(ids(index, '"language model"'))
    assert phrase and phrase <= set(ids(index, "language model"))


def test_hyphenated_word_is_a_phrase(index: SearchIndex) -> None:
    assert "2401.00873" in ids(index, "self-supervised")


def test_boolean_operators_and_parentheses(index: SearchIndex) -> None:
    lottery, pruning = set(ids(index, "lottery")), set(ids(index, "pruning"))
    assert set(ids(index, "lottery OR pruning")) == lottery | pruning
    assert set(ids(index, "lottery AND pruning")) == lottery & pruning
    assert set(ids(index, "lottery NOT pruning")) == lottery - pruning
    assert set(ids(index, "lottery -pruning")) == lottery - pruning
    assert set(ids(index, "(lottery OR pruning) year:2018")) == (lottery | pruning) & published_year(2018)


def test_prefix_expands_to_matching_terms(index: SearchIndex) -> None:
    found = set(ids(index, "prun*"))
    assert "2202.02643" in found and "2106.10404" in found
    assert ids(index, "zzqx*") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:diffusion", PNDM),
        ("abstract:paraphrasing", DETECTED),
        ("author:dwork", DWORK),
        ('author:"Cynthia Dwork"', DWORK),
        ("author:Ścibior", "1711.03219"),
        ("author:scibior", "1711.03219"),
        ("tag:detection", DETECTED),
        ('tag:"to read"', DETECTED),
        ("note:watermark", DETECTED),
        ("note:manifold", PNDM),
        ("cat:cs.cv", PNDM),
        ("id:2303.11156", DETECTED),
        ("id:arXiv:2303.11156v3", DETECTED),
        ("2303.11156", DETECTED),
        ("state:done", PNDM),
        ("is:starred", DETECTED),
        ("is:reading", DETECTED),
        ("has:pdf", LOTTERY),
        ("has:note", DETECTED),
        ("zanzibarite", LOTTERY),
    ],
)
def test_field_queries(index: SearchIndex, query: str, expected: str) -> None:
    assert ids(index, query)[:1] == [expected]


def test_fields_do_not_leak(index: SearchIndex) -> None:
    assert PNDM not in ids(index, "abstract:manifold NOT note:manifold")
    assert ids(index, 'author:"Dwork Cynthia"') == []
    assert ids(index, "tag:detect") == [], "tags match exactly, without stemming"
    assert DETECTED not in ids(index, "title:paraphrasing")


def test_has_code_and_year_and_dates(index: SearchIndex) -> None:
    docs = fixture_documents()
    assert set(ids(index, "has:code")) == {d["id"] for d in docs if d["has_code"]}
    assert set(ids(index, "year:2023")) == published_year(2023)
    assert set(ids(index, "year:2014..2017")) == {"1411.2664", "1711.03219"}
    june = {d["id"] for d in docs if d["published"] and d["published"].date() == date(2023, 6, 1)}
    assert set(ids(index, "date:2023-06-01..2023-06-30")) == june
    assert set(ids(index, "date:2023-06")) == june
    assert set(ids(index, "date:..2015-01-01")) == {"1411.2664"}


def test_upvotes_comparisons(index: SearchIndex) -> None:
    docs = fixture_documents()
    assert set(ids(index, "upvotes:>84")) == {d["id"] for d in docs if d["upvotes"] > 84}
    assert set(ids(index, "upvotes:<=4")) == {d["id"] for d in docs if d["upvotes"] <= 4}
    assert set(ids(index, "upvotes:20..22")) == {d["id"] for d in docs if 20 <= d["upvotes"] <= 22}


def test_sort_by_date_and_upvotes(index: SearchIndex) -> None:
    by_votes = {d["id"]: d["upvotes"] for d in fixture_documents()}
    votes = [by_votes[i] for i in ids(index, "diffusion", sort="upvotes")]
    assert votes == sorted(votes, reverse=True) and len(votes) > 3
    days = {d["id"]: d["published"] for d in fixture_documents()}
    dated = [days[i] for i in ids(index, "diffusion", sort="date")]
    assert dated == sorted(dated, reverse=True)
    with pytest.raises(ValueError):
        index.search("diffusion", sort="title")


def test_a_filter_nothing_passes_gives_nothing(index: SearchIndex) -> None:
    assert ids(index, "diffusion year:1990") == []
    assert ids(index, "year:1990") == []


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("model", limit=3)) == 3


def test_snippet_marks_the_matched_words(index: SearchIndex) -> None:
    hit = index.search("detector")[0]
    assert f"{MARK_OPEN}detectors{MARK_CLOSE}" in hit.snippet
    assert len(hit.snippet) < 300
    marked = [text for text, is_marked in split_marks(hit.snippet) if is_marked]
    assert marked and all(t.lower().startswith("detect") for t in marked)


def test_snippet_comes_from_note_or_pdf_when_the_abstract_has_no_match(index: SearchIndex) -> None:
    assert f"{MARK_OPEN}zanzibarite{MARK_CLOSE}" in index.search("zanzibarite")[0].snippet
    note_hit = index.search("note:spoofing")[0]
    assert "[[spoofing]]" in note_hit.snippet or "spoofing" in note_hit.snippet


def test_hostile_text_in_a_snippet_stays_text(index: SearchIndex) -> None:
    hit = index.search("note:compare")[0]
    pieces = split_marks(hit.snippet)
    assert [t for t, marked in pieces if marked] == ["compare"]
    plain = "".join(t for t, _ in pieces)
    assert "<b>" in plain, "markup in a note is returned as text for the view to escape"


def test_filter_only_query_lists_newest_first(index: SearchIndex) -> None:
    hits = index.search("has:code")
    assert all(h.score == 0.0 for h in hits)
    days = {d["id"]: d["published"] for d in fixture_documents()}
    assert [days[h.id] for h in hits] == sorted((days[h.id] for h in hits), reverse=True)


def test_common_words_only_is_an_error(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="common words"):
        index.search("the of and")


def test_stopwords_inside_a_query_are_ignored(index: SearchIndex) -> None:
    assert ids(index, "the lottery") == ids(index, "lottery")


def test_a_new_index_is_empty(tmp_path: Path) -> None:
    index = SearchIndex.create(tmp_path / "index")
    assert index.doc_count() == 0
    assert index.search("anything") == []
    assert index.stamps() == {}


def test_date_sort_tells_neighbouring_days_apart(tmp_path: Path) -> None:
    base = fixture_documents()[:3]
    days = [datetime(2025, 9, d, tzinfo=UTC) for d in (29, 30, 28)]
    docs = [changed(doc, published=day, abstract="quokka") for doc, day in zip(base, days, strict=True)]
    index = build_index(tmp_path / "index", docs)
    assert ids(index, "quokka", sort="date") == [base[1]["id"], base[0]["id"], base[2]["id"]]


def test_a_title_only_match_shows_the_abstract_unmarked(tmp_path: Path) -> None:
    doc = changed(fixture_documents()[0], title="Quokka Dynamics", abstract="Nothing else here.")
    hit = build_index(tmp_path / "index", [doc]).search("quokka")[0]
    assert hit.title == "Quokka Dynamics" and hit.snippet == "Nothing else here."


def test_a_phrase_finds_every_paper_that_holds_it_however_many_candidates_outrank_them(
    tmp_path: Path,
) -> None:
    """7,000 short papers hold the three words apart and outrank the few long ones that hold them
    together: every one of those is found (a cap on the candidates checked used to lose them)."""
    base = fixture_documents()[0]
    scattered = "gamma lattice beta sparrow alpha"
    together = "alpha beta gamma " + " ".join(f"filler{n}" for n in range(60))
    docs = [{**base, "id": f"s{n}", "title": f"paper {n}", "abstract": scattered} for n in range(7_000)]
    docs += [{**base, "id": f"t{n}", "title": f"long paper {n}", "abstract": together} for n in range(5)]
    index = build_index(tmp_path / "index", docs)  # type: ignore[arg-type]
    brute = {d["id"] for d in docs if "alpha beta gamma" in d["abstract"]}
    assert {h.id for h in index.search('"alpha beta gamma"', limit=50)} == brute
    assert {h.id for h in index.search('abstract:"alpha beta gamma" paper', limit=50)} == brute
