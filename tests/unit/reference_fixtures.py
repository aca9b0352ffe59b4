"""A journal article described as a reference manager describes it: every field of a full reference."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from readerapp.formats.readerapp_json import dump_readerapp_json
from readerapp.records import PaperRecord

ARTICLE = PaperRecord(
    source="bibtex",
    title="Preserving Statistical Validity in Adaptive Data Analysis",
    abstract="A great deal of effort has been devoted to reducing the risk of spurious discoveries.",
    doi="10.1145/2746539.2746580",
    authors=[
        "Cynthia Dwork",
        "Vitaly Feldman",
        "Moritz Hardt",
        "Toniann Pitassi",
        "Omer Reingold",
        "Aaron Roth",
    ],
    published=datetime(2015, 6, 1, tzinfo=UTC),
    date_precision="month",
    item_type="article-journal",
    venue="Journal of <b>Privacy</b> & Confidentiality",
    volume="7",
    issue="3",
    pages="117–126",
    publisher="ACM",
    url="https://dl.acm.org/doi/10.1145/2746539.2746580",
    keywords=["differential privacy", "adaptive data analysis"],
    editors=["Rocco Servedio", "Ronitt Rubinfeld"],
)


def write_article(path: Path, record: PaperRecord = ARTICLE) -> Path:
    """``record`` as our own lossless JSON, the one format that carries every field today."""
    path.write_text(json.dumps(dump_readerapp_json([record], [], [])), encoding="utf-8")
    return path
