"""Reference files as reference managers write them (Zotero, JabRef, BibDesk, biblatex BibTeX; Zotero's
RIS and CSL-JSON), read into full references: item types, venues, volumes, pages, publishers, URLs,
keywords, editors and dates at their precision; broken items skipped and reported with their place;
PDFs named by the entries attached; JabRef groups as collections. The real parsers (bibtexparser,
rispy, json) read the same files, so the fixtures are what those tools accept."""

from __future__ import annotations

import gc
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import pytest
import rispy

from readerapp import Library
from readerapp.formats.bibtex import parse_bibtex
from readerapp.formats.bibtex_blocks import CHUNK_BLOCKS
from readerapp.formats.latex import _DECODER, latex_to_text
from readerapp.formats.sniff import read_import_file, sniff_format
from readerapp.records import PaperRecord
from readerapp.sync import gc_paused
from tests.pdfs_samples import make_pdf

REFERENCES = Path(__file__).resolve().parents[1] / "fixtures" / "references"


# "Attention Is All You Need" as every format here describes it (a NeurIPS paper, no arXiv id given)
ATTENTION = {
    "item_type": "article-journal",
    "venue": "Advances in Neural Information Processing Systems",
    "volume": "30",
    "issue": None,
    "pages": "5998-6008",
    "publisher": None,
    "date_precision": "year",
}


def read(name: str) -> tuple[dict[str, PaperRecord], list[str]]:
    imported = read_import_file(REFERENCES / name)
    records = {r.title: r for r in imported.records}
    return records, [f"{s.where}: {s.reason}" for s in imported.skipped]


def fields(record: PaperRecord) -> dict[str, object]:
    names = ("item_type", "venue", "volume", "issue", "pages", "publisher", "date_precision")
    return {name: getattr(record, name) for name in names}


def test_zotero_bibtex_broken_entries_are_skipped_with_their_line() -> None:
    records, skipped = read("zotero.bib")
    assert skipped == [
        "line 55: unbalanced braces or quotes, or the file is cut off",  # no comma after the key
        "line 75 (no_title_2022): no title",
        "line 80: unbalanced braces or quotes, or the file is cut off",  # cut off at the end
    ]
    assert len(records) == 6
    attention = records["Attention Is All You Need"]
    assert fields(attention) == ATTENTION
    assert attention.authors[6] == "Łukasz Kaiser"
    resnet = records["Deep Residual Learning for Image Recognition"]
    assert fields(resnet)["item_type"] == "paper-conference" and resnet.publisher == "IEEE"
    assert (resnet.published, resnet.date_precision) == (datetime(2016, 6, 1, tzinfo=UTC), "month")
    assert resnet.keywords == ["Deep learning", "Residual networks"]
    lottery = records["The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"]
    assert (lottery.arxiv_id, lottery.item_type, lottery.doi) == ("1803.03635", "article", None)
    assert records["GPT-4 Technical Report"].authors == ["OpenAI"]  # {Corporate Name} stays whole
    assert records["GPT-4 Technical Report"].arxiv_id is None  # a report number is no arXiv id
    thesis = records["Über Lernverfahren für Graphen & Netze"]
    assert (thesis.item_type, thesis.publisher, thesis.authors) == (
        "thesis",
        "Technische Universität München",
        ["Jörg Müller"],
    )


def test_jabref_strings_crossref_keyless_entries_and_groups() -> None:
    imported = read_import_file(REFERENCES / "jabref.bib")
    records = {r.title: r for r in imported.records}
    assert imported.skipped == []
    ddpm = records["Denoising Diffusion Probabilistic Models"]
    assert ddpm.venue == "Advances in Neural Information Processing Systems"  # @String macro
    assert ddpm.keywords == ["diffusion", "generative models"]
    score = records["Score-Based Generative Modeling through Stochastic Differential Equations"]
    # the crossref parent comes later in the file; its title (macro # literal) is the child's venue
    assert (score.venue, score.publisher, score.published) == (
        "Proceedings of the International Conference on Learning Representations",
        "OpenReview.net",
        datetime(2021, 1, 1, tzinfo=UTC),
    )
    keyless = records["An entry JabRef saved without a key"]
    assert keyless.authors == ["Jan van der Berg", "Maria de la Cruz", "Bob Jones Jr."]
    assert (keyless.item_type, keyless.url) == ("webpage", "https://example.org/keyless")
    assert {c.name: c.papers for c in imported.collections} == {
        "To read": ["2006.11239"],
        "Diffusion": ["2006.11239", "2011.13456"],
        "Empty child": [],
        "Generative": ["2006.11239"],  # a keyword group: the entries whose keywords say so
    }


def test_biblatex_dates_types_and_fields() -> None:
    records, skipped = read("biblatex.bib")
    assert skipped == []
    kaplan = records["Scaling Laws for Neural Language Models"]
    assert (kaplan.arxiv_id, kaplan.version, kaplan.primary_category) == ("2001.08361", 1, "cs.LG")
    assert (kaplan.published, kaplan.date_precision) == (datetime(2020, 1, 23, tzinfo=UTC), "day")
    assert (kaplan.item_type, kaplan.venue) == ("article", "CoRR")  # eprinttype = arxiv: a preprint
    online = records["The Unreasonable Effectiveness of Recurrent Neural Networks"]
    assert (online.item_type, online.date_precision) == ("webpage", "month")
    chapter = records["Pattern Recognition: A Chapter on Bayes"]  # subtitle joined as Zotero does
    assert fields(chapter) | {"editors": chapter.editors} == {
        "item_type": "chapter",
        "venue": "Encyclopedia of Things",
        "volume": None,
        "issue": None,
        "pages": "1-20",  # an en dash in the file
        "publisher": "Springer",
        "date_precision": "year",
        "editors": ["Alice Smith", "John Doe"],
    }
    report = records["An $O(n \\log n)$ Sorting Method for GPUs"]  # math kept as $...$
    assert (report.item_type, report.publisher, report.issue) == ("report", "Analytical Engines Ltd", None)
    thesis = records["Learning with Few Labels"]
    assert (thesis.item_type, thesis.published.year if thesis.published else None) == ("thesis", 2018)
    same_key = records["A Different Paper Under the Same Key"]  # a duplicated key is another paper
    assert (same_key.volume, same_key.issue, same_key.item_type) == ("7", "4", "article-journal")


def test_bibdesk_file_and_url_fields(tmp_path: Path) -> None:
    shutil.copy(REFERENCES / "bibdesk.bib", tmp_path / "library.bib")
    (tmp_path / "Papers").mkdir()
    (tmp_path / "Papers" / "Kingma2014.pdf").write_bytes(make_pdf(1))
    imported = read_import_file(tmp_path / "library.bib")
    records = {r.title: r for r in imported.records}
    adam = records["Adam: A Method for Stochastic Optimization"]
    assert (adam.arxiv_id, adam.url) == ("1412.6980", "https://arxiv.org/abs/1412.6980")
    assert imported.attachments == [("1412.6980", tmp_path / "Papers" / "Kingma2014.pdf")]
    ldm = records["High-Resolution Image Synthesis with Latent Diffusion Models"]
    assert ldm.authors[-1] == "Björn Ommer" and ldm.date_precision == "month"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("{Full Text PDF:files/12/A paper.pdf:application/pdf}", "files/12/A paper.pdf"),  # Zotero
        ("{:A paper.pdf:PDF}", "A paper.pdf"),  # JabRef, relative
        ("{Snapshot:snap.html:text/html;Full Text:A paper.pdf:application/pdf}", "A paper.pdf"),
        ("{A paper.pdf}", "A paper.pdf"),  # a bare path
    ],
)
def test_file_field_syntaxes(tmp_path: Path, value: str, written: str) -> None:
    target = tmp_path / written
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"%PDF-1.4")
    imported = parse_bibtex(f"@article{{k, title={{T}}, eprint={{2401.01234}}, file = {value}}}", tmp_path)
    list(imported.records)
    assert imported.attachments == [("2401.01234", target)]


def test_a_file_field_naming_a_missing_file_attaches_nothing(tmp_path: Path) -> None:
    imported = parse_bibtex("@article{k, title={T}, file = {:C\\:\\\\Users\\\\ann\\\\x.pdf:PDF}}", tmp_path)
    assert [r.title for r in imported.records] == ["T"] and imported.attachments == []


def test_zotero_ris_records_are_read_one_by_one() -> None:
    records, skipped = read("zotero.ris")
    assert skipped == ["line 50: no title (TI)"]
    assert len(records) == 4  # the last record has no ER line and is read all the same
    attention = records["Attention Is All You Need"]
    assert (fields(attention), attention.keywords) == (ATTENTION, ["attention", "transformers"])
    resnet = records["Deep Residual Learning for Image Recognition"]
    assert (resnet.doi, resnet.editors) == ("10.1109/CVPR.2016.90", ["Some Editor"])
    assert resnet.date_precision == "month"
    lottery = records["The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"]
    assert (lottery.arxiv_id, lottery.item_type, lottery.published) == (
        "1803.03635",
        "article",
        datetime(2019, 3, 4, tzinfo=UTC),
    )
    assert lottery.abstract and lottery.abstract.endswith("by over 90%, decreasing storage requirements.")


def test_zotero_csl_json_items() -> None:
    records, skipped = read("zotero.json")
    assert skipped == ["item 5 (notitle): no title", "item 6: not an object"]
    attention = records["Attention Is All You Need"]
    assert (attention.pages, attention.date_precision) == ("5998-6008", "year")
    assert attention.authors[1] == "Łukasz Kaiser"
    lottery = records["The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"]
    assert (lottery.arxiv_id, lottery.item_type, lottery.date_precision) == ("1803.03635", "article", "day")
    assert lottery.keywords == ["Computer Science - Machine Learning", "pruning"]
    book = records["A Book"]
    assert (book.authors, book.editors, book.date_precision) == (
        ["Jan van der Berg", "OpenAI"],
        ["Alice Smith"],
        "month",
    )


def test_real_parsers_read_the_fixtures_alike() -> None:
    """bibtexparser and rispy see the entries we read plus the ones we skip (they are in the files)."""
    for name in ("zotero.bib", "jabref.bib", "bibdesk.bib", "biblatex.bib"):
        text = (REFERENCES / name).read_text("utf-8")
        library = bibtexparser.parse_string(text)
        imported = parse_bibtex(text)
        read_count = len(list(imported.records))
        assert len(library.entries) + len(library.failed_blocks) == read_count + len(imported.skipped), name
    ris = rispy.loads((REFERENCES / "zotero.ris").read_text("utf-8"))
    assert [r.get("title") for r in ris][:3] == [
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
        "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
    ]
    assert len(json.loads((REFERENCES / "zotero.json").read_text("utf-8"))) == 6


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'[\n\t{"id":"x","type":"article-journal","title":"T"}\n]', "csl-json"),
        (b'[{"type": "article", "id": "k", "title": "' + b"long " * 20000, "csl-json"),
        (b'[{"paper": {"id": "2401.01234", "authors": [], "type": "x"}, "title": "T"}]', "hf-json"),
        (b'[{"paper": {"id": "2401.01234", "title": "' + b"long " * 20000, "hf-json"),
        (b'[{"id": "2401.01234", "title": "T", "submittedBy": {"type": "user"}}]', "hf-json"),
        (b"[]", "hf-json"),
        (b"TY  - JOUR\nTI  - T\nER  - \n", "ris"),
        (b"\xef\xbb\xbfTY  - JOUR\r\nTI  - T\r\nER  - \r\n", "ris"),
        (b"Provider: Publisher\nDatabase: X\n\nTY  - JOUR\nTI  - T\nER  - \n", "ris"),
    ],
)
def test_reference_formats_are_sniffed_by_content(head: bytes, kind: str) -> None:
    assert sniff_format(head) == kind


def test_our_own_csl_json_export_is_never_taken_for_daily_papers(tmp_path: Path) -> None:
    """Issue 11: importing a CSL-JSON file made title-only papers ("8 new", no authors, date or DOI)."""
    with Library.open(tmp_path / "lib") as library:
        report = library.import_file(REFERENCES / "zotero.json")
        assert len(report.new) == 4 and len(report.skipped) == 2
        paper = library.get("1803.03635")
        assert paper.authors == ["Jonathan Frankle", "Michael Carbin"]
        assert paper.published is not None and paper.published.date().isoformat() == "2019-03-04"


def test_the_fast_latex_path_gives_what_pylatexenc_gives() -> None:
    samples = [
        "Plain title, with: punctuation (and more)!",
        "{GAN}s and {{Nested}} braces",
        "A {stray brace",
        "Math $O(n^2)$ and {$x$}",
        "Quotes ``a'' and dashes -- --- and ~ and 50\\%",
        "Ünïcödé — 张伟",
        "a}{b",
    ]
    for text in samples:
        assert latex_to_text(text) == _DECODER.latex_to_text(text), text


def test_reading_bibtex_frees_the_decoders_cycles_while_the_collector_is_paused() -> None:
    """Issue 12, finding 4: imports pause the collector, and pylatexenc's parse trees are cycles, so a
    5k-entry file kept 726 MB of them. Now each piece of the file's are freed as it is read."""
    entry = (
        "@article{{k{n}, title={{Caf{{\\'e}} -- {n} \\& {{\\\"U}}ber}}, "
        'author={{M{{\\"u}}ller, J}}, year=2020}}\n'
    )
    text = "".join(entry.format(n=n) for n in range(600))
    gc.collect()  # what earlier tests left is not this reader's
    with gc_paused():
        records = list(parse_bibtex(text).records)
        assert len(records) == 600 and records[0].title == "Café – 0 & Über"
        left = gc.collect()
    assert left < 2_000  # without the fix: 93,000 (pylatexenc leaves ~155 objects in cycles per title)


def test_lines_macros_and_parents_carry_across_the_pieces_a_big_file_is_read_in() -> None:
    good = "@article{{k{n},\n  title = {{Paper {n}}},\n  journal = jn,\n}}\n"
    entries = [good.format(n=n) for n in range(CHUNK_BLOCKS * 2 + 10)]
    entries[CHUNK_BLOCKS + 5] = "@article{cut,\n  title = {Never closed,\n"
    entries.append("@inproceedings{child, title={Child}, crossref={parent}}\n")
    text = '@string{jn = "Journal of Pieces"}\n' + "".join(entries) + "@proceedings{parent, title={Parent}}\n"
    imported = parse_bibtex(text)
    records = list(imported.records)
    assert len(records) == CHUNK_BLOCKS * 2 + 9 + 2
    assert {r.venue for r in records if r.title.startswith("Paper")} == {"Journal of Pieces"}
    assert next(r for r in records if r.title == "Child").venue == "Parent"
    (skipped,) = imported.skipped
    assert skipped.where == f"line {2 + 4 * (CHUNK_BLOCKS + 5)}"
