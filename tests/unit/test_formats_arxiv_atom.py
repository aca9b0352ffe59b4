"""arXiv export API (Atom): the sample answer, the error feed, and malformed or hostile input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from readerapp.errors import FeedError, FormatError
from readerapp.formats.arxiv_atom import parse_atom
from readerapp.records import Skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = (FIXTURES / "arxiv_atom_sample.xml").read_bytes()

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
    "<opensearch:totalResults>{total}</opensearch:totalResults>"
)


def feed(*entries: str, total: str = "1") -> bytes:
    return (HEAD.format(total=total) + "".join(entries) + "</feed>").encode()


def entry(id_: str = "http://arxiv.org/abs/2401.01234v2", title: str = "A title", extra: str = "") -> str:
    return f"<entry><id>{id_}</id><title>{title}</title>{extra}</entry>"


def test_sample_answer() -> None:
    page = parse_atom(SAMPLE)
    assert (page.total_results, page.start_index) == (6, 0)
    ids = [(r.arxiv_id, r.version) for r in page.records]
    assert ids == [
        ("1803.03635", 5),
        ("2202.09778", 2),
        ("1411.2664", 3),
        ("2404.02151", 4),
        ("hep-th/9901001", 2),
        ("math/0611800", 2),
    ]
    lottery = page.records[0]
    assert lottery.source == "arxiv"
    assert lottery.title == "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
    assert lottery.authors == ["Jonathan Frankle", "Michael Carbin"]
    assert lottery.categories == ["cs.LG", "cs.AI", "cs.NE"] and lottery.primary_category == "cs.LG"
    assert lottery.published == datetime(2018, 3, 9, 18, 51, 28, tzinfo=UTC)
    assert lottery.updated == datetime(2019, 3, 4, 23, 16, 43, tzinfo=UTC)
    assert lottery.comment == "ICLR camera ready"
    assert lottery.abstract is not None and "\n" not in lottery.abstract
    assert lottery.abstract.startswith("Neural network pruning techniques can reduce the parameter counts")


def test_doi_journal_ref_and_code_links() -> None:
    records = {r.arxiv_id: r for r in parse_atom(SAMPLE).records}
    stoc = records["1411.2664"]
    assert stoc.doi == "10.1145/2746539.2746580"
    assert stoc.journal_ref is not None and stoc.journal_ref.startswith("STOC 2015: Proceedings of the")
    assert "  " not in stoc.journal_ref
    assert records["2202.09778"].code_url == "https://github.com/luping-liu/PNDM"
    assert records["2404.02151"].code_url == "https://github.com/tml-epfl/llm-adaptive-attacks"
    assert records["1803.03635"].code_url is None


def test_old_style_ids_and_paragraphs() -> None:
    records = {r.arxiv_id: r for r in parse_atom(SAMPLE).records}
    hep = records["hep-th/9901001"]
    assert hep.title == "Boundary States and Open String Duality in Curved Backgrounds"
    assert hep.abstract is not None and not hep.abstract.startswith(" ")
    math = records["math/0611800"]
    assert math.abstract is not None
    assert math.abstract.endswith("when $0<q<1$.\n\nA second paragraph treats the limit $q\\to 1$.")
    assert math.authors == ["C. Müller"]


def test_error_feed_raises_feed_error_with_arxiv_message() -> None:
    with pytest.raises(FeedError, match=r"arXiv API error: incorrect id format for 1234\.12345$") as caught:
        parse_atom((FIXTURES / "arxiv_atom_error.xml").read_bytes())
    assert not isinstance(caught.value, FormatError)


def test_legacy_serialisation_with_offsets_and_per_element_namespaces() -> None:
    legacy = (FIXTURES / "arxiv_atom_error.xml").read_text("utf-8")
    legacy = legacy.replace("http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345", "http://arxiv.org/abs/0704.0001v1")
    page = parse_atom(legacy.encode())
    (record,) = page.records
    assert (record.arxiv_id, record.version, record.title) == ("0704.0001", 1, "Error")
    assert record.updated == datetime(2007, 10, 12, tzinfo=timezone(timedelta(hours=-4)))
    assert page.total_results == 1


def test_empty_result_is_an_empty_page() -> None:
    page = parse_atom(feed(total="0"))
    assert page.records == [] and page.total_results == 0 and page.start_index is None


def test_hostile_text_stays_literal() -> None:
    title = "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; <![CDATA[<img src=x onerror=y>]]>"
    (record,) = parse_atom(feed(entry(title=title))).records
    assert record.title == "<script>alert(1)</script> &amp; <img src=x onerror=y>"


@pytest.mark.parametrize("raw_id", ["http://arxiv.org/abs/../../x", "../../x", "urn:uuid:1234", ""])
def test_odd_ids_never_become_ids(raw_id: str) -> None:
    (record,) = parse_atom(feed(entry(id_=raw_id))).records
    assert record.arxiv_id is None and record.version is None


def test_categories_are_unique_and_in_order() -> None:
    extra = '<category term="cs.LG"/><category term="stat.ML"/><category term="cs.LG"/><category/>'
    (record,) = parse_atom(feed(entry(extra=extra))).records
    assert record.categories == ["cs.LG", "stat.ML"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SAMPLE[: len(SAMPLE) // 2], "not well-formed XML"),
        (SAMPLE[:-3], "cut off before the end"),
        (SAMPLE[: SAMPLE.index(b"</entry>") + 2], "cut off before the end"),
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"<rss version='2.0'><channel/></rss>", "not an Atom feed"),
        (b'{"not": "xml"}', "not well-formed XML"),
        (feed(entry(title="  ")), "entry 0 .*no title"),
        (feed(entry(extra="<published>last week</published>")), "not an ISO 8601 date"),
        (feed(total="many"), "totalResults is 'many', not a number"),
    ],
)
def test_malformed_input_raises_a_clear_error(content: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_atom(content)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE feed [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!doctype feed SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_dtd_and_entity_declarations_are_refused(doctype: str) -> None:
    content = feed(entry(title="&lol2;")).replace(b"\n<feed", f"\n{doctype}<feed".encode())
    with pytest.raises(FormatError, match="DTD or entity declaration is refused"):
        parse_atom(content)


def test_bom_and_utf16_are_read() -> None:
    text = feed(entry(title="Ångström café")).decode()
    assert parse_atom(b"\xef\xbb\xbf" + text.encode()).records[0].title == "Ångström café"
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert parse_atom(utf16).records[0].title == "Ångström café"


def test_an_entry_that_cannot_be_read_is_skipped_and_named() -> None:
    skipped: list[Skipped] = []
    bad_date = entry("http://arxiv.org/abs/2401.00002v1", extra="<published>someday</published>")
    content = feed(entry(), entry("http://arxiv.org/abs/2401.00001v1", title=" "), bad_date)
    page = parse_atom(content, skipped=skipped)
    assert [r.arxiv_id for r in page.records] == ["2401.01234"]
    assert page.skipped is skipped
    assert [s.where for s in skipped] == ["2401.00001", "2401.00002"]
    assert skipped[0].reason == "no title"
    assert "not an ISO 8601" in skipped[1].reason
    with pytest.raises(FormatError, match="no title"):
        parse_atom(content)  # without a list: all or nothing, as for one paper asked for by id
