"""Property-based tests: id parsing, text normalisation, the copied-page parser, and fuzzed imports.

Example counts stay modest so the whole suite stays fast; hypothesis still finds the odd cases
(unicode whitespace, combining marks, prefixes and suffixes) that hand-written examples miss.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readerapp.errors import FeedError
from readerapp.formats.daily_page import parse_daily_page
from readerapp.formats.sniff import read_import_file, sniff_format
from readerapp.ids import ArxivId, find_arxiv_id, parse_arxiv_id, safe_filename
from readerapp.text import normalize_abstract, normalize_space, title_key

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAST = settings(max_examples=150, deadline=None)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- arXiv ids ---------------------------------------------------------------------------------------

new_ids = st.builds(
    lambda yy, mm, number: f"{yy:02d}{mm:02d}.{number}",
    st.integers(0, 99),
    st.integers(1, 12),
    st.from_regex(r"\A\d{4,5}\Z"),
)
old_ids = st.builds(
    lambda archive, subject, number: f"{archive}{'.' + subject if subject else ''}/{number}",
    st.sampled_from(["hep-th", "hep-ph", "math", "cs", "astro-ph", "cond-mat", "quant-ph", "gr-qc", "q-bio"]),
    st.one_of(st.none(), st.from_regex(r"\A[A-Z]{2}\Z")),
    st.from_regex(r"\A\d{7}\Z"),
)
versions = st.one_of(st.none(), st.integers(1, 99))
prefixes = st.sampled_from(
    [
        "",
        "arXiv:",
        "arxiv:",
        "  arXiv:",
        "https://arxiv.org/abs/",
        "http://arxiv.org/pdf/",
        "https://www.arxiv.org/abs/",
        "http://export.arxiv.org/abs/",
        "oai:arXiv.org:",
        "https://huggingface.co/papers/",
        "10.48550/arXiv.",
    ]
)
suffixes = st.sampled_from(["", " ", "/"])


@FAST
@given(st.one_of(new_ids, old_ids), versions, prefixes, suffixes)
def test_valid_ids_round_trip(base: str, version: int | None, prefix: str, suffix: str) -> None:
    written = str(ArxivId(base, version))
    canonical = ArxivId(re.sub(r"\.[A-Z]{2}/", "/", base), version)  # old ids drop the subject class
    parsed = parse_arxiv_id(prefix + written + suffix)
    assert parsed == canonical
    assert find_arxiv_id(f"see {written} for details") == parsed


@FAST
@given(new_ids, versions)
def test_pdf_urls_round_trip(base: str, version: int | None) -> None:
    written = str(ArxivId(base, version))
    assert parse_arxiv_id(f"https://arxiv.org/pdf/{written}.pdf") == ArxivId(base, version)


_STRICT_BASE = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}")


@FAST
@given(st.text(max_size=60))
def test_garbage_never_raises_and_never_makes_a_path(text: str) -> None:
    for found in (parse_arxiv_id(text), find_arxiv_id(text)):
        if found is not None:
            assert _STRICT_BASE.fullmatch(found.base)
            assert ".." not in found.base and not found.base.startswith("/")
            assert "/" not in safe_filename(str(found))


@FAST
@given(st.from_regex(r"\A(\.\./)+[a-z0-9]{1,8}\Z") | st.from_regex(r"\A/?[a-z]{1,5}(/\.\.)+/?\Z"))
def test_path_traversal_is_never_an_id(text: str) -> None:
    assert parse_arxiv_id(text) is None


# --- text normalisation ------------------------------------------------------------------------------


@FAST
@given(st.text())
def test_normalize_space_is_idempotent_and_trimmed(text: str) -> None:
    once = normalize_space(text)
    assert normalize_space(once) == once
    assert once == once.strip()
    assert not re.search(r"\s\s", once) and "\n" not in once


@FAST
@given(st.text())
def test_normalize_abstract_is_idempotent_and_keeps_only_paragraph_breaks(text: str) -> None:
    once = normalize_abstract(text)
    assert normalize_abstract(once) == once
    assert once == once.strip()
    for paragraph in once.split("\n\n") if once else []:
        assert paragraph and paragraph == normalize_space(paragraph)


@FAST
@given(st.text())
def test_title_key_is_idempotent_and_ignores_spacing_and_case(text: str) -> None:
    key = title_key(text)
    assert title_key(key) == key
    assert key == key.strip() and "  " not in key
    assert title_key(normalize_space(text)) == key
    assert title_key(f"  {text}\n") == key
    assert title_key(text.casefold()) == key


# --- the copied Daily Papers page --------------------------------------------------------------------

_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_LINE = st.text(_PRINTABLE, min_size=1, max_size=40).filter(lambda s: any(c.isalpha() for c in s))
_PAPERS = st.lists(st.tuples(_LINE, st.lists(_LINE, min_size=1, max_size=4)), max_size=8)


def render_page(papers: list[tuple[str, list[str]]], day: str) -> str:
    """The page as a user copies it: header lines, the date, then title and abstract paragraphs."""
    blocks = ["Daily Papers\nby AK and the research community", day]
    for title, abstract_lines in papers:
        blocks += [title, "\n".join(abstract_lines)]
    return "\n\n".join(blocks) + "\n"


@FAST
@given(_PAPERS, st.sampled_from(["Sep 16", "September 16", "sep. 16"]))
def test_daily_page_round_trips(papers: list[tuple[str, list[str]]], day: str) -> None:
    records = parse_daily_page(render_page(papers, day), year=2025)
    assert [(r.title, r.abstract) for r in records] == [
        (normalize_space(title), normalize_abstract("\n".join(lines))) for title, lines in papers
    ]
    assert all(r.feed_day is not None and (r.feed_day.month, r.feed_day.day) == (9, 16) for r in records)


# --- imports never crash --------------------------------------------------------------------------------

_SAMPLES = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".json", ".xml", ".bib", ".txt", ".jsonl"})


def _never_crashes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.dat"
    path.write_bytes(content)
    try:
        sniff_format(content[:65536])
        read_import_file(path)
    except FeedError as error:
        assert str(error) and "\n" not in str(error).strip()


@SLOW
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_give_records_or_a_clear_error(tmp_path: Path, content: bytes) -> None:
    _never_crashes(tmp_path, content)


@SLOW
@given(
    sample=st.sampled_from(_SAMPLES),
    cut=st.floats(0, 1),
    flip=st.integers(0, 2**20),
    byte=st.integers(0, 255),
)
def test_cut_or_corrupted_fixtures_give_records_or_a_clear_error(
    tmp_path: Path, sample: Path, cut: float, flip: int, byte: int
) -> None:
    content = bytearray(sample.read_bytes()[: max(1, int(len(sample.read_bytes()) * cut))])
    content[flip % len(content)] = byte
    _never_crashes(tmp_path, bytes(content))
