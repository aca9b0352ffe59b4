"""A small library full of hostile text and annotations, shared by the export and collection tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from readerapp.api import Library
from readerapp.formats.readerapp_json import CollectionRecord, SavedSearchRecord, dump_readerapp_json
from readerapp.paper import Paper
from readerapp.records import Annotations, HighlightRecord, PaperRecord

HOSTILE_TITLE = (
    "Braces {x} and a stray { with 100% & $O(n)$ cost </script><script>alert(1)</script> "
    "# _ ~ \\ -- ``quoted'' *bold* [link](javascript:x) | ^"
)
HOSTILE_ABSTRACT = (
    "We study $\\mathcal{O}(n^2)$ attention & 50% fewer {tokens}. </script><b>bold</b>\n\n"
    "A second paragraph with -- dashes and ~tildes~."
)
HOSTILE_AUTHORS = ["张伟", "José Álvarez-Núñez", "Ludwig van Beethoven", "Anne O'Brien & {Co}", "Ünal Şahin"]
HOSTILE_NOTE = "My note: <script>alert('x')</script> costs $5 & {more}; 100% sure.\n\n- a *list* item"
HOSTILE_COMMENT = "</script> & {comment} $y$ 100%"
HOSTILE_QUOTE = "attention & 50% fewer {tokens}"

LOTTERY = PaperRecord(
    source="arxiv",
    title="The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
    abstract="Neural network pruning techniques can reduce the parameter counts of trained networks.",
    arxiv_id="1803.03635",
    version=5,
    authors=["Jonathan Frankle", "Michael Carbin"],
    categories=["cs.LG", "cs.AI"],
    primary_category="cs.LG",
    published=datetime(2018, 3, 9, tzinfo=UTC),
    feed_day=date(2018, 3, 12),
    upvotes=12,
    comments=3,
    code_url="https://github.com/google-research/lottery-ticket-hypothesis",
    journal_ref="ICLR 2019",
    comment="ICLR camera ready",
    annotations=Annotations(
        state="reading",
        state_changed=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        starred=True,
        tags=["pruning", "reading group"],
        note="Classic. Re-read section 4.",
        highlights=[
            HighlightRecord(
                text="pruning techniques",
                comment="the key idea",
                color="green",
                created=datetime(2024, 1, 3, tzinfo=UTC),
                author="alice",
            )
        ],
    ),
)
SAME_KEY = PaperRecord(
    source="arxiv",
    title="Lottery tickets revisited",
    abstract="More tickets.",
    arxiv_id="1812.00001",
    authors=["Jonathan Frankle"],
    published=datetime(2018, 12, 1, tzinfo=UTC),
    annotations=Annotations(tags=["pruning"]),
)
HOSTILE = PaperRecord(
    source="hf",
    title=HOSTILE_TITLE,
    abstract=HOSTILE_ABSTRACT,
    arxiv_id="2401.00001",
    version=2,
    authors=HOSTILE_AUTHORS,
    categories=["cs.CL"],
    primary_category="cs.CL",
    published=datetime(2024, 1, 1, 12, tzinfo=UTC),
    ai_summary="A summary & more",
    ai_keywords=["attention", "tokens"],
    project_url="javascript:alert(1)",
    withdrawn=True,
    annotations=Annotations(
        state="done",
        state_changed=datetime(2024, 2, 1, tzinfo=UTC),
        tags=["reading group", "a&b"],
        note=HOSTILE_NOTE,
        highlights=[HighlightRecord(text=HOSTILE_QUOTE, comment=HOSTILE_COMMENT, color="pink")],
    ),
)
NO_ARXIV = PaperRecord(
    source="bibtex",
    title="A Journal Paper Without an arXiv Id",
    abstract="Published elsewhere.",
    doi="10.1000/xyz_1",
    authors=["Grace Hopper"],
    published=datetime(1952, 5, 1, tzinfo=UTC),
)
RECORDS = [LOTTERY, SAME_KEY, HOSTILE, NO_ARXIV]
IDS = ["1803.03635", "1812.00001", "2401.00001"]  # NO_ARXIV has a local id


def write_seed(path: Path) -> Path:
    """The seed library as our own JSON, with a collection and a saved search."""
    collections = [
        CollectionRecord("Reading group", ["2401.00001", "1803.03635"]),
        CollectionRecord("Empty one", []),
    ]
    document = dump_readerapp_json(RECORDS, collections, [SavedSearchRecord("Pruning", "tag:pruning")])
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Library]:
    """A library holding the four papers above with their annotations, one collection, one search."""
    library = Library.open(tmp_path / "library")
    library.import_file(write_seed(tmp_path / "seed.json"))
    yield library
    library.close()


def make_paper(**values: Any) -> Paper:
    """A full paper view: the given fields over plain defaults (reference fields included)."""
    defaults: dict[str, Any] = dict(
        id=values.get("arxiv_id") or "p-0001", arxiv_id=None, version=None, doi=None, title="A title",
        abstract="", authors=[], categories=[], primary_category=None, published=None, updated=None,
        feed_day=None, upvotes=0, comments=0, code_url=None, project_url=None, ai_summary=None,
        ai_keywords=[], journal_ref=None, sources=["bibtex"], is_sample=False,
        first_seen=datetime(2024, 1, 1, tzinfo=UTC), state="inbox", state_changed=None, starred=False,
        tags=[], has_note=bool(values.get("note")),
    )  # fmt: skip
    return Paper(**{**defaults, **values})
