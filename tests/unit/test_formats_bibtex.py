"""BibTeX: arXiv ids wherever tools hide them, LaTeX decoded, names turned around, bad files refused,
and what our BibTeX export writes read back as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readerapp.api import Library
from readerapp.errors import FormatError
from readerapp.export.scope import Scope
from readerapp.formats.bibtex import parse_bibtex
from readerapp.formats.readerapp_json import dump_readerapp_json
from readerapp.records import PaperRecord
from tests.unit.export_fixtures import HOSTILE_TITLE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = (FIXTURES / "bibtex_sample.bib").read_text("utf-8")


def read(text: str) -> list[PaperRecord]:
    return list(parse_bibtex(text).records)


def one(body: str) -> dict[str, object]:
    (record,) = read("@article{key,\n" + body + "\n}\n")
    return {
        "id": record.arxiv_id,
        "version": record.version,
        "doi": record.doi,
        "title": record.title,
        "authors": record.authors,
        "published": record.published,
        "code": record.code_url,
        "abstract": record.abstract,
    }


def test_sample_file() -> None:
    records = read(SAMPLE)
    assert [(r.arxiv_id, r.version) for r in records] == [
        ("1803.03635", None),
        ("2202.09778", None),
        ("1411.2664", 3),
        ("2404.02151", None),
        ("2509.09488", 1),
        ("hep-th/9901001", None),
        (None, None),
    ]
    assert all(r.source == "bibtex" for r in records)
    lottery = records[0]
    assert lottery.title == "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
    assert lottery.authors == ["Jonathan Frankle", "Michael Carbin"]
    assert lottery.published == datetime(2019, 5, 1, tzinfo=UTC)
    assert lottery.venue == "International Conference on Learning Representations"  # @string resolved
    assert (lottery.item_type, lottery.date_precision) == ("paper-conference", "month")
    assert lottery.keywords == ["pruning", "lottery tickets"]  # the source's, not the user's tags
    assert (lottery.primary_category, lottery.categories) == ("cs.LG", ["cs.LG"])
    assert lottery.abstract is not None and "over 90%, decreasing" in lottery.abstract
    assert "\n" not in lottery.abstract


def test_dois_venues_and_types() -> None:
    records = {r.arxiv_id: r for r in read(SAMPLE)}
    assert records["1411.2664"].doi == "10.1145/2746539.2746580"
    assert records["1411.2664"].pages == "117-126"  # CSL's range, not BibTeX's "--"
    assert records["2404.02151"].doi is None  # arXiv's own DOI is only the id again
    # the journal is kept as written (what Zotero imports), but the paper is a preprint
    assert (records["2202.09778"].venue, records["2202.09778"].item_type) == (
        "arXiv preprint arXiv:2202.09778",
        "article",
    )
    assert records["2509.09488"].item_type == "article"  # CoRR is arXiv
    assert records["2404.02151"].item_type == "article"  # @misc with an arXiv eprint


def test_latex_accents_and_others() -> None:
    records = read(SAMPLE)
    assert records[4].authors[0] == "Felix Mächtle" and records[4].authors[4] == "Sören Pirk"
    assert records[6].authors == ["Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"]


@pytest.mark.parametrize(
    ("body", "arxiv_id", "version"),
    [
        ("title={T}, eprint={2401.01234v2}, archivePrefix={arXiv}", "2401.01234", 2),
        ("title={T}, eprint={arXiv:2401.01234}", "2401.01234", None),
        ("title={T}, eprint={math.CA/0611800v2}, archiveprefix={arXiv}", "math/0611800", 2),
        ("title={T}, eprint={0611800}, archivePrefix={arXiv}, primaryClass={math.CA}", "math/0611800", None),
        ("title={T}, eprint={12345}, archivePrefix={PubMed}", None, None),
        ("title={T}, url={https://arxiv.org/pdf/2401.01234v4.pdf}", "2401.01234", 4),
        ("title={T}, url={http://export.arxiv.org/abs/hep-th/9901001}", "hep-th/9901001", None),
        ("title={T}, doi={10.48550/arXiv.2401.01234}", "2401.01234", None),
        ("title={T}, journal={arXiv preprint arXiv:1803.03635}", "1803.03635", None),
        ("title={T}, howpublished={arXiv 2401.01234}", "2401.01234", None),
        ("title={T}, arxivid={2401.01234}", "2401.01234", None),
        ("title={T}, eprint={../../x}, archivePrefix={arXiv}", None, None),
        ("title={T}, url={https://example.org/../../x}", None, None),
    ],
)
def test_arxiv_id_sources(body: str, arxiv_id: str | None, version: int | None) -> None:
    found = one(body)
    assert (found["id"], found["version"]) == (arxiv_id, version)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (
            "title={T}, author={M{\\\"u}ller, J{\\\"o}rg and van der Berg, Jan}",
            ["Jörg Müller", "Jan van der Berg"],
        ),
        ("title={T}, author={Jones, Jr., Bob and {Google Research}}", ["Bob Jones Jr.", "Google Research"]),
        ("title={T}, author={{\\AA}str{\\\"o}m, K. J.}", ["K. J. Åström"]),
        ("title={T}, author={Smith, John, Jr., Extra, More}", ["Jr. Extra More Smith John"]),
        ("title={T}, author={Ay{\\c{s}}e {\\\"O}zt{\\\"u}rk and others}", ["Ayşe Öztürk"]),
        ("title={T}, author={ , }", []),
    ],
)
def test_names_never_refuse_an_entry(body: str, names: list[str]) -> None:
    assert one(body)["authors"] == names


@pytest.mark.parametrize(
    ("month", "expected"),
    [("mar", 3), ("{March}", 3), ("{Sep.}", 9), ("11", 11), ("13", 1), ("", 1), ("{spring}", 1)],
)
def test_year_and_month_become_published(month: str, expected: int) -> None:
    body = f"title={{T}}, year={{2020}}, month={month or '{}'}"
    assert one(body)["published"] == datetime(2020, expected, 1, tzinfo=UTC)


def test_bad_year_is_unknown() -> None:
    assert one("title={T}, year={forthcoming}")["published"] is None


def test_title_abstract_and_code_link() -> None:
    found = one(
        "title={{\\\"U}ber {GAN}s: $O(n^2)$ \\& 50\\% <script>alert(1)</script>},\n"
        "abstract={We study   things.\n\n   Code: \\url{https://github.com/a/b}.},\n"
        "keywords={tag-like, not tags}, doi={doi:10.1000/XYZ}"
    )
    assert found["title"] == "Über GANs: $O(n^2)$ & 50% <script>alert(1)</script>"
    assert found["abstract"] == "We study things.\n\nCode: https://github.com/a/b."
    assert found["code"] == "https://github.com/a/b"
    assert found["doi"] == "10.1000/XYZ"


def test_duplicate_keys_keep_both_papers() -> None:
    text = "@misc{a, title={First}}\n@misc{a, title={Caf{\\'e} second}, eprint={2401.01234}}\n"
    records = read(text)
    assert [(r.title, r.arxiv_id) for r in records] == [("First", None), ("Café second", "2401.01234")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no BibTeX entries found"),
        ("% only a comment\n@string{x = {y}}\n", "no BibTeX entries found"),
        ("just prose, no entries", "no BibTeX entries found"),
        ("@misc{a, author={X}}", r"no BibTeX entry could be read: line 1 \(a\): no title"),
        (
            "@misc{a, title={Cut\n@misc{b, author={X}}\n@misc{c, title={}}",
            r"line 1: unbalanced braces.*\(and 2 more\)",
        ),
    ],
)
def test_a_file_with_nothing_readable_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read(text)


def test_bad_entries_are_skipped_with_their_line_and_the_rest_is_read() -> None:
    cut = SAMPLE.replace("@article{liu2022pseudo,", "@article{liu2022pseudo")  # no comma after the key
    imported = parse_bibtex(cut)
    records = list(imported.records)
    assert len(records) == 6 and "2202.09778" not in {r.arxiv_id for r in records}
    (skipped,) = imported.skipped
    assert skipped.where == f"line {SAMPLE[: SAMPLE.index('@article{liu2022pseudo')].count(chr(10)) + 1}"
    truncated = parse_bibtex(SAMPLE[: SAMPLE.index("@book") + 40])  # the file is cut off in its last entry
    assert len(list(truncated.records)) == 6
    assert [s.reason for s in truncated.skipped] == ["unbalanced braces or quotes, or the file is cut off"]


HOSTILE_TITLES = [
    "An unmatched { brace",
    "A closing } first, then an opening {",
    "Nested {{braces}} and a stray { too",
    "}{",
    "Only 50% & more: #1 of_the_best",
    "Cost $O(n^2)$ and $5 for a_b",
    "Tilde ~ caret ^ and x^2~y",
    "Back\\slash, \\emph{not a macro} and \\textbraceleft{} written out",
    "Ends with a backslash \\",
    "Ünïcödé — 张伟, naïve café, Ελληνικά",
    "Dashes -- and --- quotes ``a'' ,,b'' <<c>> !` ?`",
    HOSTILE_TITLE,
]


def test_hostile_titles_survive_a_bibtex_export_and_import(tmp_path: Path) -> None:
    records = [
        PaperRecord("arxiv", title, arxiv_id=f"2401.{n:05d}", authors=["Ada Lovelace"])
        for n, title in enumerate(HOSTILE_TITLES, 1)
    ]
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(dump_readerapp_json(records, [], [])), "utf-8")
    with Library.open(tmp_path / "a") as source, Library.open(tmp_path / "b") as target:
        source.import_file(seed)
        source.export(Scope.all(), "bibtex", tmp_path / "all.bib")
        target.import_file(tmp_path / "all.bib")
        assert {p.arxiv_id: p.title for p in target.list()} == {r.arxiv_id: r.title for r in records}


def test_thesis_variants_and_a_year_with_a_letter_as_real_files_have_them() -> None:
    text = (
        "@masterthesis{a, title = {One}, author = {de Vries, Loran}, school = {UvA}, year = {2012a}}\n"
        "@bachelorthesis{b, title = {Two}, author = {Bartels, Richard}, year = {2012}, month = jan}\n"
    )
    one, two = parse_bibtex(text).records
    assert one.published is not None and one.published.year == 2012
    assert (one.item_type, one.date_precision) == ("thesis", "year")
    assert (two.item_type, two.date_precision) == ("thesis", "month")
