"""JSON Lines: HF items, HF papers and our own paper objects mixed; bad lines named by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readerapp.errors import FormatError
from readerapp.formats.jsonl import parse_jsonl
from readerapp.records import Skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = (FIXTURES / "jsonl_papers.jsonl").read_text("utf-8")


def test_mixed_objects_and_blank_lines() -> None:
    records = parse_jsonl(TEXT)
    assert [(r.source, r.arxiv_id, r.version) for r in records] == [
        ("hf", "2303.11156", None),
        ("hf", "2602.23229", None),
        ("arxiv", "hep-th/9901001", 2),
    ]
    assert records[0].comments is not None  # the item wrapper's numComments
    assert records[2].journal_ref == "Nucl.Phys. B550 (1999) 151-168"


def test_crlf_and_trailing_blank_lines() -> None:
    assert len(parse_jsonl(TEXT.replace("\n", "\r\n") + "\r\n\r\n")) == 3


def test_empty_text_is_empty() -> None:
    assert parse_jsonl("") == [] and parse_jsonl("\n  \n") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TEXT + '{"paper": {"id": "2401.01234", "title": "T"', "line 5: JSON cut off before the end"),
        (TEXT.replace("\n\n", "\n{oops}\n"), "line 3: not valid JSON"),
        (TEXT + "[1, 2]\n", "line 5: not a paper"),
        (TEXT + '{"name": "not a paper"}\n', "line 5: not a paper"),
        (json.dumps({"paper": {"id": "2401.01234"}}), r"line 1 \(2401.01234\): 'title' is missing"),
        (
            json.dumps({"source": "x", "arxiv_id": "../../x", "title": "T"}),
            "line 1: 'arxiv_id' '../../x' is not",
        ),
    ],
)
def test_bad_line_is_named(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_jsonl(text)


def test_a_bad_line_is_skipped_by_number_and_the_others_kept() -> None:
    skipped: list[Skipped] = []
    records = parse_jsonl(TEXT.replace("\n\n", "\n{oops}\n[1, 2]\n"), skipped)
    assert len(records) == 3
    assert [s.where for s in skipped] == ["line 3", "line 4"]
    assert skipped[1].reason == "not a paper (an HF item, an HF paper or a readerapp paper object)"


def test_a_file_cut_off_inside_its_last_line_is_refused_whole() -> None:
    with pytest.raises(FormatError, match="line 5: JSON cut off before the end"):
        parse_jsonl(TEXT + '{"paper": {"id": "2401.01234", "title": "T"', [])
