"""arXiv RSS listings: announce types, the description preamble, authors in one string, empty days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readerapp.errors import FormatError
from readerapp.formats.arxiv_rss import parse_rss, split_authors
from readerapp.formats.sniff import read_import_file
from readerapp.records import Skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LISTING = (FIXTURES / "arxiv_rss_cs.LG.xml").read_bytes()


def listing(*items: str) -> bytes:
    return (
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'version="2.0"><channel><title>cs.LG</title>' + "".join(items) + "</channel></rss>"
    ).encode()


def item(
    title: str = "A title",
    description: str = "arXiv:2509.12001v1 Announce Type: new \nAbstract: An abstract.",
    extra: str = "<guid>oai:arXiv.org:2509.12001v1</guid>",
) -> str:
    return f"<item><title>{title}</title><description>{description}</description>{extra}</item>"


def test_daily_triage_keeps_new_and_cross() -> None:
    records = parse_rss(LISTING)
    assert [(r.arxiv_id, r.version) for r in records] == [
        ("2509.09488", 1),
        ("2509.12001", 1),
        ("2509.12047", 1),
        ("2509.12110", 1),
    ]
    assert all(r.source == "arxiv-rss" and r.feed_day == date(2025, 9, 16) for r in records)


def test_none_keeps_every_announce_type_and_a_set_selects() -> None:
    assert len(parse_rss(LISTING, None)) == 6
    replaced = parse_rss(LISTING, {"replace", "replace-cross"})
    assert [(r.arxiv_id, r.version) for r in replaced] == [("2506.19741", 3), ("2404.02151", 4)]
    assert replaced[1].journal_ref == "ICLR 2025"


def test_preamble_is_stripped_and_fields_are_read() -> None:
    pirates = parse_rss(LISTING)[0]
    assert pirates.title == "Prompt Pirates Need a Map: Stealing Seeds helps Stealing Prompts"
    assert pirates.abstract is not None
    assert pirates.abstract.startswith("Diffusion models have significantly advanced text-to-image")
    assert "Announce Type" not in pirates.abstract and "arXiv:" not in pirates.abstract
    assert pirates.authors == [
        "Felix Mächtle", "Ashwath Shetty", "Jonas Sander", "Nils Loose", "Sören Pirk", "Thomas Eisenbarth",
    ]
    assert pirates.categories == ["cs.CR", "cs.LG"]
    assert pirates.published is None  # pubDate is the announcement day, kept as feed_day


def test_authors_joined_with_and_and_code_link_from_abstract() -> None:
    lora = parse_rss(LISTING)[1]
    assert lora.authors == ["Ana Lima", "Wei Zhang", "Kofi Mensah"]
    assert lora.code_url == "https://github.com/example-lab/sparse-lora-mix"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("A B, C D and E F", ["A B", "C D", "E F"]),
        ("A B, C D, and E F", ["A B", "C D", "E F"]),
        ("Alexander Anderson and Brandon Sand", ["Alexander Anderson", "Brandon Sand"]),
        ("A B (MIT, CSAIL), C D (ETH)", ["A B", "C D"]),
        ("  Solo\n  Author ", ["Solo Author"]),
        ("", []),
        (None, []),
    ],
)
def test_split_authors(text: str | None, names: list[str]) -> None:
    assert split_authors(text) == names


def test_empty_weekend_listing_is_empty() -> None:
    assert parse_rss((FIXTURES / "arxiv_rss_empty_weekend.xml").read_bytes()) == []
    assert parse_rss((FIXTURES / "arxiv_rss_empty_weekend.xml").read_bytes(), None) == []


def test_announce_type_from_preamble_when_element_missing() -> None:
    replaced = item(description="arXiv:2301.00001v3 Announce Type: replace \nAbstract: Old.", extra="")
    new = item(description="arXiv:2509.00002v1 Announce Type: new \nAbstract: New.", extra="")
    records = parse_rss(listing(replaced, new))
    assert [(r.arxiv_id, r.version, r.abstract) for r in records] == [("2509.00002", 1, "New.")]


def test_id_falls_back_to_link_and_odd_ids_never_become_ids() -> None:
    from_link = item(description="Just an abstract.", extra="<link>https://arxiv.org/abs/hep-th/9901001</link>")
    odd = item(description="Abstract: x", extra="<guid>../../x</guid><link>http://example.org/../../x</link>")
    records = parse_rss(listing(from_link, odd), None)
    assert [(r.arxiv_id, r.version) for r in records] == [("hep-th/9901001", None), (None, None)]
    assert records[0].abstract == "Just an abstract."


def test_doi_link_is_reduced_to_the_doi() -> None:
    extra = "<guid>oai:arXiv.org:2509.12001v1</guid><arxiv:DOI>https://doi.org/10.1000/xyz.1</arxiv:DOI>"
    (record,) = parse_rss(listing(item(extra=extra)))
    assert record.doi == "10.1000/xyz.1"


def test_hostile_text_stays_literal() -> None:
    title = "&lt;script&gt;alert(1)&lt;/script&gt;"
    description = "arXiv:2509.12001v1 Announce Type: new \nAbstract: &lt;img src=x onerror=alert(1)&gt;"
    (record,) = parse_rss(listing(item(title=title, description=description)))
    assert record.title == "<script>alert(1)</script>"
    assert record.abstract == "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (LISTING[: len(LISTING) // 2], "not well-formed XML"),
        (LISTING[:-4], "cut off before the end"),
        (b"", "empty document"),
        ((FIXTURES / "arxiv_atom_sample.xml").read_bytes(), "not an RSS 2.0 listing"),
        (b"<rss version='2.0'/>", "not an RSS 2.0 listing"),
        (listing(item(title=" ")), "item 0: no title"),
        (listing(item(extra="<pubDate>someday</pubDate>")), "not an RFC 822 date"),
        (b'<!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel/></rss>', "entity declaration"),
    ],
)
def test_malformed_input_raises_a_clear_error(content: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_rss(content)


def test_an_item_that_cannot_be_read_is_skipped_and_named() -> None:
    skipped: list[Skipped] = []
    bad = item(title=" ", extra="<guid>oai:arXiv.org:2509.12002v1</guid>")
    records = parse_rss(listing(item(), bad), skipped=skipped)
    assert [r.arxiv_id for r in records] == ["2509.12001"]
    assert skipped == [Skipped("2509.12002", "no title")]


def test_a_file_with_no_readable_item_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "listing.xml"
    path.write_bytes(listing(item(title=" ")))
    with pytest.raises(FormatError, match=r"listing.xml: no paper could be read \(2509.12001: no title\)"):
        read_import_file(path)
