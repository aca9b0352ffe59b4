"""HF Daily Papers JSON: the real 43-paper day, the newest item shape, and the traps in feeds.md."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from readerapp.errors import FormatError
from readerapp.formats.hf_json import parse_hf_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def day() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "hf_daily_papers_2025-09-16.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def item_2026() -> dict[str, Any]:
    return json.loads((FIXTURES / "hf_daily_papers_2026_item.json").read_text("utf-8"))[0]


def test_real_day_gives_43_papers_in_order(day: list[dict[str, Any]]) -> None:
    records = parse_hf_json(day)
    assert [r.arxiv_id for r in records] == [item["paper"]["id"] for item in day]
    assert all(r.source == "hf" and r.version is None for r in records)
    assert all(r.feed_day == date(2025, 9, 16) for r in records)
    first = records[0]
    assert first.title == "Can AI-Generated Text be Reliably Detected?"
    assert first.authors == ["Vinu Sankar Sadasivan", "A. Kumar", "S. Balasubramanian", "W. Wang", "S. Feizi"]
    assert first.published == datetime(2023, 3, 1, tzinfo=UTC)
    assert first.upvotes == day[0]["paper"]["upvotes"]
    assert first.comments == day[0]["numComments"]


def test_code_link_from_github_repo_else_from_abstract(day: list[dict[str, Any]]) -> None:
    records = {r.arxiv_id: r for r in parse_hf_json(day)}
    assert records["2306.10015"].code_url == "https://github.com/ezelikman/justonebyte"
    # no githubRepo, but the abstract names the code: trailing punctuation is not part of the link
    assert records["2306.09702"].code_url == "https://github.com/minyoungkim21/niwmeta"
    assert records["2303.11156"].code_url is None


def test_newest_item_carries_every_field(item_2026: dict[str, Any]) -> None:
    (record,) = parse_hf_json([item_2026])
    assert record.arxiv_id == "2602.23229"
    assert record.feed_day == date(2026, 3, 6)
    assert record.published == datetime(2026, 2, 26, 17, 8, 18, tzinfo=UTC)
    assert record.upvotes == 10 and record.comments == 1
    assert record.code_url == "https://github.com/marco-garosi/CIRCLE"
    assert record.project_url == "https://circle-lmm.github.io/"
    assert record.ai_summary is not None and record.ai_summary.startswith("Large Multimodal Models")
    assert record.ai_keywords[:2] == ["Vision-Language Models", "Large Multimodal Models"]
    assert record.withdrawn is None


def test_one_item_and_one_bare_paper_are_accepted(item_2026: dict[str, Any]) -> None:
    assert parse_hf_json(item_2026)[0].arxiv_id == "2602.23229"
    bare = parse_hf_json(item_2026["paper"])
    assert bare[0].arxiv_id == "2602.23229"
    assert bare[0].comments is None  # the count lives on the item wrapper


def test_null_means_missing_and_floats_are_counts(item_2026: dict[str, Any]) -> None:
    item = copy.deepcopy(item_2026)
    paper = item["paper"]
    paper.update(githubRepo=None, projectPage=None, ai_summary=None, ai_keywords=None, upvotes=12.0)
    paper["submittedOnDailyAt"] = None
    item["numComments"] = 3.0
    (record,) = parse_hf_json([item])
    assert record.code_url is None and record.project_url is None and record.ai_summary is None
    assert record.ai_keywords == [] and record.feed_day == date(2026, 2, 26)  # as if missing: the item's day
    assert record.upvotes == 12 and isinstance(record.upvotes, int) and record.comments == 3


def test_older_answer_without_top_level_summary(day: list[dict[str, Any]]) -> None:
    item = {k: v for k, v in day[1].items() if k not in ("summary", "title")}
    (record,) = parse_hf_json([item])
    assert record.abstract == " ".join(day[1]["paper"]["summary"].split())
    assert record.title.startswith("Just One Byte")


def test_an_older_answer_without_submitted_on_daily_at_takes_the_feed_day_from_published_at(
    day: list[dict[str, Any]],
) -> None:
    older = copy.deepcopy(day)
    for item in older:
        del item["paper"]["submittedOnDailyAt"]
    records = parse_hf_json(older)
    assert [r.feed_day for r in records] == [date(2025, 9, 16)] * 43
    assert records[0].published == datetime(2023, 3, 1, tzinfo=UTC)  # the paper's own date stays its own
    bare = copy.deepcopy(day[0]["paper"])
    del bare["submittedOnDailyAt"]
    assert parse_hf_json(bare)[0].feed_day is None  # a bare paper's publishedAt is its arXiv date


def test_wrapper_fills_a_missing_paper_abstract(day: list[dict[str, Any]]) -> None:
    item = copy.deepcopy(day[1])
    del item["paper"]["summary"]
    assert parse_hf_json([item])[0].abstract == " ".join(day[1]["summary"].split())


def test_hard_wrapped_title_and_abstract_are_unwrapped(item_2026: dict[str, Any]) -> None:
    item = copy.deepcopy(item_2026)
    item["paper"]["title"] = "Large Multimodal Models\n  as General\tIn-Context Classifiers "
    item["paper"]["summary"] = "First line\n  goes on.\n\nSecond paragraph."
    (record,) = parse_hf_json([item])
    assert record.title == "Large Multimodal Models as General In-Context Classifiers"
    assert record.abstract == "First line goes on.\n\nSecond paragraph."


def test_authors_keep_order_and_hidden_ones_skip_nameless(item_2026: dict[str, Any]) -> None:
    item = copy.deepcopy(item_2026)
    item["paper"]["authors"] = [
        {"_id": "1", "name": "  Zoë   Ångström ", "hidden": True},
        None,
        {"_id": "2", "name": None, "hidden": False},
        {"_id": "3", "name": "Ann Bee", "hidden": False, "user": {"user": "annbee"}},
    ]
    assert parse_hf_json([item])[0].authors == ["Zoë Ångström", "Ann Bee"]


def test_withdrawn_and_version_in_id(item_2026: dict[str, Any]) -> None:
    item = copy.deepcopy(item_2026)
    item["paper"]["withdrawnAt"] = "2026-03-08T10:00:00.000Z"
    item["paper"]["id"] = "2602.23229v3"
    (record,) = parse_hf_json([item])
    assert record.withdrawn is True
    assert (record.arxiv_id, record.version) == ("2602.23229", 3)


def test_hostile_text_stays_literal(item_2026: dict[str, Any]) -> None:
    item = copy.deepcopy(item_2026)
    item["paper"]["title"] = "<script>alert('x')</script> &amp; <b>bold</b>"
    (record,) = parse_hf_json([item])
    assert record.title == "<script>alert('x')</script> &amp; <b>bold</b>"


@pytest.mark.parametrize("raw_id", ["../../x", "2401.99999/../../etc", "", "not an id"])
def test_odd_ids_never_become_ids(item_2026: dict[str, Any], raw_id: str) -> None:
    item = copy.deepcopy(item_2026)
    item["paper"]["id"] = raw_id
    if not raw_id:
        with pytest.raises(FormatError, match="'id' is missing"):
            parse_hf_json([item])
        return
    assert parse_hf_json([item])[0].arxiv_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"error": "Invalid date"}, "not a Hugging Face papers answer"),
        ("papers", "not a Hugging Face papers answer"),
        (42, "not a Hugging Face papers answer"),
        ([{"paper": {"id": "2401.01234"}}], r"item 0 \(2401.01234\): 'title' is missing"),
        ([{"paper": {"id": "2401.01234", "title": "T", "upvotes": "many"}}], "'upvotes' is a string"),
        ([{"paper": {"id": "2401.01234", "title": "T", "upvotes": True}}], "'upvotes' is a boolean"),
        ([{"paper": {"id": "2401.01234", "title": ["T"]}}], "'title' is a list"),
        ([{"paper": {"id": "2401.01234", "title": "T", "authors": "A, B"}}], "'authors' is a string"),
        ([{"paper": {"id": "2401.01234", "title": "T", "publishedAt": "yesterday"}}], "not an ISO 8601"),
        ([{"paper": {"id": "2401.01234", "title": "T", "ai_keywords": [1]}}], "must hold only strings"),
        ([{"paper": {"id": "2401.01234", "title": "T"}}, 7], "item 1: expected an object, found a number"),
    ],
)
def test_wrong_shapes_raise_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_hf_json(data)


def test_empty_day_is_empty() -> None:
    assert parse_hf_json([]) == []
