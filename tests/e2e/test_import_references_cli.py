"""``readerapp import`` of reference files end to end: the good entries of a file with broken ones are
imported and each skipped one is named on stderr (exit 0); a file with nothing readable is one line and
exit 1; PDFs named by the entries are attached; JabRef groups become collections."""

from __future__ import annotations

import shutil
from pathlib import Path

from readerapp import Library
from tests.e2e.cli_support import run_cli
from tests.pdfs_samples import make_pdf

REFERENCES = Path(__file__).resolve().parents[1] / "fixtures" / "references"


def test_broken_entries_are_reported_and_the_rest_imported_with_the_pdf(tmp_path: Path) -> None:
    shutil.copy(REFERENCES / "zotero.bib", tmp_path / "My Library.bib")
    pdf = tmp_path / "files" / "12" / "Vaswani et al. - 2017 - Attention Is All You Need.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(make_pdf(2, title="Attention"))
    result = run_cli(tmp_path / "lib", "import", str(tmp_path / "My Library.bib"))
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'My Library.bib'}: 9 read, 6 new, 0 updated, 3 skipped, 1 PDFs attached"
    ]
    warnings = result.stderr.splitlines()
    assert len(warnings) == 3 and all(w.startswith("skipped ") for w in warnings)
    assert warnings[1] == "skipped line 75 (no_title_2022): no title"
    with Library.open(tmp_path / "lib") as library:
        (attention,) = [p for p in library.list() if p.title == "Attention Is All You Need"]
        stored = library.pdf_file(attention.id)
        assert stored is not None and stored.read_bytes() == pdf.read_bytes()
        assert attention.pdf_path and "pdfs" in attention.pdf_path  # a copy in the library, not a link


def test_a_file_with_nothing_readable_fails_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bib"
    bad.write_text("@article{a, author = {X}}\n@article{b, title = {Cut\n", "utf-8")
    result = run_cli(tmp_path / "lib", "import", str(bad), check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"readerapp: error: {bad}: no BibTeX entry could be read: line 1 (a): no title (and 1 more)"
    ]


def test_jabref_groups_become_collections_and_a_ris_pdf_is_attached(tmp_path: Path) -> None:
    run_cli(tmp_path / "lib", "import", str(REFERENCES / "jabref.bib"))
    shutil.copy(REFERENCES / "zotero.ris", tmp_path / "export.ris")
    pdf = tmp_path / "files" / "12" / "Vaswani et al. - 2017 - Attention Is All You Need.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(make_pdf(1))
    result = run_cli(tmp_path / "lib", "import", str(tmp_path / "export.ris"))
    assert result.stdout.endswith("4 new, 0 updated, 1 skipped, 1 PDFs attached\n")
    assert "skipped line 50: no title (TI)" in result.stderr.splitlines()
    with Library.open(tmp_path / "lib") as library:
        assert {c.name: library.collection_ids(c.name) for c in library.collections()} == {
            "To read": ["2006.11239"],
            "Diffusion": ["2006.11239", "2011.13456"],
            "Empty child": [],
            "Generative": ["2006.11239"],
        }
