"""The copied Daily Papers page: the real 43-paper day, loose layouts, and what makes it unreadable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from readerapp.errors import FormatError
from readerapp.formats.daily_page import parse_daily_page
from readerapp.text import normalize_space, title_key

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGE = (FIXTURES / "daily_page_2025-09-16.txt").read_text("utf-8")


def test_real_day_matches_the_api_answer_by_title() -> None:
    records = parse_daily_page(PAGE, year=2025)
    day = json.loads((FIXTURES / "hf_daily_papers_2025-09-16.json").read_text("utf-8"))
    assert len(records) == 43
    assert [title_key(r.title) for r in records] == [title_key(item["paper"]["title"]) for item in day]
    assert [r.abstract for r in records] == [normalize_space(item["paper"]["summary"]) for item in day]
    assert all(r.source == "page" and r.arxiv_id is None and r.feed_day == date(2025, 9, 16) for r in records)


def test_code_links_from_abstracts_without_trailing_punctuation() -> None:
    records = {r.title: r for r in parse_daily_page(PAGE, year=2025)}
    assert records["Pseudo Numerical Methods for Diffusion Models on Manifolds"].code_url == (
        "https://github.com/luping-liu/PNDM"
    )
    assert records["Can AI-Generated Text be Reliably Detected?"].code_url is None


@pytest.mark.parametrize(
    ("today", "day"),
    [
        (date(2026, 3, 1), date(2025, 9, 16)),  # the case: never 2026-09-16, a day to come
        (date(2025, 9, 16), date(2025, 9, 16)),  # copied on the day itself
        (date(2025, 9, 15), date(2024, 9, 16)),
        (date(2025, 12, 31), date(2025, 9, 16)),
    ],
)
def test_a_date_line_without_a_year_is_the_nearest_day_not_in_the_future(today: date, day: date) -> None:
    assert parse_daily_page(PAGE, today=today)[0].feed_day == day


def test_without_a_year_the_page_is_never_dated_in_the_future() -> None:
    day = parse_daily_page(PAGE)[0].feed_day
    assert day is not None and day <= date.today() and (day.month, day.day) == (9, 16)


def test_feb_29_without_a_year_is_the_last_leap_day() -> None:
    assert parse_daily_page("Feb 29\n\nT\n\nA.", today=date(2026, 3, 1))[0].feed_day == date(2024, 2, 29)
    with pytest.raises(FormatError, match="'Feb 30' is not a real day"):
        parse_daily_page("Feb 30\n\nT\n\nA.", today=date(2026, 3, 1))


def test_year_on_the_date_line_wins() -> None:
    page = "Daily Papers\n\nSeptember 3, 2024\n\nA title\n\nAn abstract."
    assert parse_daily_page(page, year=2025)[0].feed_day == date(2024, 9, 3)
    later = page.replace("2024", "2027")
    assert parse_daily_page(later, today=date(2025, 1, 1))[0].feed_day == date(2027, 9, 3)


def test_loose_layouts() -> None:
    page = (
        "Daily Papers\r\nby AK and the research community\r\n\r\nsep. 16\r\n\r\n"
        "Title directly above\r\nits abstract, which is\r\nhard-wrapped. See https://gitlab.com/g/p).\r\n\r\n"
        "A title alone\r\n\r\n  12  \r\n\r\nIts abstract after an upvote count.\r\n\r\n\r\n"
        "Last title without abstract\r\n"
    )
    records = parse_daily_page(page, year=2025)
    assert [(r.title, r.abstract) for r in records] == [
        (
            "Title directly above",
            "its abstract, which is hard-wrapped. See https://gitlab.com/g/p).",
        ),
        ("A title alone", "Its abstract after an upvote count."),
        ("Last title without abstract", None),
    ]
    assert records[0].code_url == "https://gitlab.com/g/p"


def test_hostile_text_stays_literal() -> None:
    page = "Sep 16\n\n<script>alert('t')</script>\n\n<img src=x onerror=alert(1)> & &amp;"
    (record,) = parse_daily_page(page, year=2025)
    assert record.title == "<script>alert('t')</script>"
    assert record.abstract == "<img src=x onerror=alert(1)> & &amp;"


def test_a_date_with_no_papers_is_empty() -> None:
    assert parse_daily_page("Daily Papers\n\nSep 16\n\n", year=2025) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no date line such as 'Sep 16'"),
        ("Daily Papers\n\nA title\n\nAn abstract.", "no date line"),
        ("Sep 16 was a good day\n\nA title", "no date line"),
        ("Feb 30\n\nA title\n\nAn abstract.", "'Feb 30' is not a real day in 2025"),
    ],
)
def test_unreadable_pages(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_daily_page(text, year=2025)


def test_feb_29_needs_a_leap_year() -> None:
    assert parse_daily_page("Feb 29\n\nT\n\nA.", year=2024)[0].feed_day == date(2024, 2, 29)
    with pytest.raises(FormatError, match="not a real day in 2025"):
        parse_daily_page("Feb 29\n\nT\n\nA.", year=2025)
