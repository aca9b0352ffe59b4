"""For you that learns (issue 14 item 7): the inbox ranked by a linear model over tf-idf vectors of what
the user keeps against what they archive unread, with reasons that are never stop words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.index import learned
from readerapp.index.stop_words import STOP_WORDS


def _item(n: int, title: str, abstract: str) -> dict[str, object]:
    paper_id = f"2501.{n:05d}"
    return {"paper": {"id": paper_id, "title": title, "summary": abstract, "authors": [{"name": "A. Author"}],
                      "publishedAt": "2025-01-02T00:00:00.000Z", "upvotes": 1},
            "title": title, "publishedAt": "2025-01-02T00:00:00.000Z"}


PROTEIN = ("Diffusion models for protein structure design",
           "We show that our two diffusion models generate protein backbones and folded protein structures; "
           "the protein design benchmarks confirm designable proteins.")
IMAGE = ("Diffusion models for image synthesis",
         "We show that our two diffusion models generate image samples at high resolution; image quality "
         "and image benchmarks confirm photorealistic images.")
OTHER = ("Graph networks for traffic forecasting",
         "We show that our two graph networks forecast road traffic; traffic benchmarks confirm it.")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """12 protein-diffusion papers, 12 image-diffusion papers and 8 on traffic."""
    items = []
    for n in range(32):
        title, abstract = PROTEIN if n < 12 else IMAGE if n < 24 else OTHER
        items.append(_item(n, f"{title} {n}", f"{abstract} Variant {n}."))
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(items))
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        lib.import_file(feed)
        yield lib


def test_discarded_papers_teach_for_you_what_to_rank_low(library: Library) -> None:
    ids = library.list_ids(sort="title")
    protein = [i for i in ids if "protein" in library.get(i).title]
    image = [i for i in ids if "image" in library.get(i).title]
    library.star(protein[:4])
    library.set_state(protein[4:6], "done")
    centroid = [hit.id for hit in library.for_you(limit=10)]
    assert any(i in image for i in centroid[:8]), "likeness alone ranks the image papers up: 'diffusion'"

    library.set_state(image[:6], "archived")  # archived unread: discarded
    hits = library.for_you(limit=10)
    ranked = [hit.id for hit in hits]
    assert ranked[:6] == [i for i in ranked if i in protein][:6] and set(ranked[:6]) <= set(protein[6:])
    assert all(i not in image[:6] for i in ranked)  # decided papers are not ranked again
    assert all(set(hit.reasons) and not set(hit.reasons) & STOP_WORDS for hit in hits)
    assert "protein" in hits[0].reasons or "proteins" in hits[0].reasons


def test_a_star_tag_note_or_highlight_keeps_an_archived_paper_out_of_the_discarded(library: Library) -> None:
    from readerapp.store import queries

    ids = library.list_ids()
    library.set_state(ids[:5], "archived")
    library.star([ids[0]])
    library.tag([ids[1]], add=["keep"])
    library.set_note(ids[2], "read it")
    with library.db.session() as session:
        assert set(queries.discarded_ids(session, library.user_id)) == set(ids[3:5])


def test_without_enough_decisions_for_you_ranks_by_likeness_and_its_reasons_have_no_stop_words(
        library: Library) -> None:
    ids = library.list_ids()
    library.star(ids[:2])
    hits = library.for_you(limit=10)
    assert hits and all(not set(hit.reasons) & {"two", "our", "show", "we", "that"} for hit in hits)
    assert not learned.can_learn(ids[:2], [])


def test_the_model_learns_a_negative_weight_for_what_is_discarded() -> None:
    kept = [{"diffus": 0.6, "protein": 0.8}, {"protein": 1.0}, {"diffus": 0.5, "protein": 0.5, "fold": 0.7}]
    dropped = [{"diffus": 0.6, "imag": 0.8}, {"imag": 1.0}, {"diffus": 0.7, "imag": 0.7}]
    model = learned.train(kept, dropped)
    assert model.weights["protein"] > 0 > model.weights["imag"]
    assert model.score({"diffus": 0.6, "protein": 0.8}) > model.score({"diffus": 0.6, "imag": 0.8})
    assert model.reasons({"diffus": 0.6, "imag": 0.8}, {}) == tuple(
        t for t in ("diffus",) if model.weights["diffus"] > 0)
