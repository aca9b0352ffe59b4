"""Format sniffing by content and whole-file reading: real fixtures, misleading names, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readerapp.errors import FeedError, FormatError
from readerapp.formats.sniff import read_import_file, sniff_format

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

KNOWN = [
    ("hf_daily_papers_2025-09-16.json", "hf-json", 43),
    ("hf_daily_papers_2026_item.json", "hf-json", 1),
    ("arxiv_atom_sample.xml", "arxiv-atom", 6),
    ("arxiv_rss_cs.LG.xml", "arxiv-rss", 6),
    ("arxiv_rss_empty_weekend.xml", "arxiv-rss", 0),
    ("jsonl_papers.jsonl", "jsonl", 3),
    ("readerapp_export_sample.json", "readerapp-json", 4),
    ("bibtex_sample.bib", "bibtex", 7),
    ("daily_page_2025-09-16.txt", "daily-page", 43),
]


@pytest.mark.parametrize(("name", "kind", "count"), KNOWN)
def test_fixtures_are_recognised_and_read_whole(name: str, kind: str, count: int, tmp_path: Path) -> None:
    content = (FIXTURES / name).read_bytes()
    assert sniff_format(content[:4096]) == kind
    # the name says nothing: the content decides
    disguised = tmp_path / "download.txt"
    disguised.write_bytes(content)
    imported = read_import_file(disguised)
    assert (imported.format, len(list(imported.records))) == (kind, count)


def test_rss_file_import_keeps_every_announce_type(tmp_path: Path) -> None:
    imported = read_import_file(FIXTURES / "arxiv_rss_cs.LG.xml")
    assert {r.arxiv_id for r in imported.records} >= {"2506.19741", "2404.02151"}


def test_our_export_carries_collections_and_searches() -> None:
    imported = read_import_file(FIXTURES / "readerapp_export_sample.json")
    assert [c.name for c in imported.collections] == ["Reading group: sparsity", "Empty for now"]
    assert [s.name for s in imported.saved_searches] == ["Diffusion with code"]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'\xef\xbb\xbf[{"paper": {"id": "2401.01234"', "hf-json"),
        (b'  \n{\n  "paper": {\n    "id": "2401.01234",', "hf-json"),
        (b'{"id": "2401.01234", "title": "T", "upvotes": 3, "discussionId": "x"}', "hf-json"),
        (b'{"format": "readerapp", "version": 1, "papers": [', "readerapp-json"),
        (b'{\n  "format": "readerapp",\n  "version": 1', "readerapp-json"),
        (b'{"paper": {"id": "1"}, "title": "T"}\n{"paper": {"id": "2"}}\n', "jsonl"),
        (b'{"source": "x", "arxiv_id": null, "title": "T"}', "jsonl"),
        (b'{"paper": {"id": "2401.01234", "title": "' + b"long " * 900, "jsonl"),
        (b"<?xml version='1.0'?>\n<!-- c -->\n<feed xmlns='http://www.w3.org/2005/Atom'>", "arxiv-atom"),
        (b'<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">', "arxiv-atom"),
        (b"<?xml version='1.0' encoding='UTF-8'?>\n<rss version='2.0'>", "arxiv-rss"),
        (b"% exported by Zotero\n\n@article{frankle2018,\n  title = {T}", "bibtex"),
        (b"@InProceedings ( key,", "bibtex"),
        (b"Daily Papers\nby AK and the research community\n\nSep 16\n\nA title\n\nAbstract.", "daily-page"),
        ("\ufeffDaily Papers\n\nSeptember 3\n\nTitle\n\nAbstract.".encode(), "daily-page"),
        ("[{\"paper\": {\"title\": \"Ωmega\"}}]".encode("utf-16"), "hf-json"),
    ],
)
def test_sniff_by_content(head: bytes, kind: str) -> None:
    assert sniff_format(head) == kind


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00\x00>>", "binary data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"<html><body>hi</body></html>", "neither an Atom feed nor an RSS listing"),
        (b"just some notes\nwithout any date line\n", "not a format readerapp reads"),
    ],
)
def test_sniff_refuses_what_it_cannot_read(head: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        sniff_format(head)


def _write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "import.dat"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "cut", "message"),
    [
        ("hf_daily_papers_2025-09-16.json", 0.5, "JSON cut off before the end"),
        ("hf_daily_papers_2025-09-16.json", 0.999, "JSON cut off before the end"),
        ("readerapp_export_sample.json", 0.6, "JSON cut off before the end"),
        ("arxiv_atom_sample.xml", 0.999, "XML .*cut off before the end"),
        ("arxiv_rss_cs.LG.xml", 0.5, "not well-formed XML"),
        ("jsonl_papers.jsonl", 0.3, r"line 1: JSON cut off before the end$"),
        ("jsonl_papers.jsonl", 0.95, r"line 4: JSON cut off before the end$"),
    ],
)
def test_truncated_files_are_refused_whole(tmp_path: Path, name: str, cut: float, message: str) -> None:
    content = (FIXTURES / name).read_bytes()
    path = _write(tmp_path, content[: int(len(content) * cut)])
    with pytest.raises(FormatError, match=message) as caught:
        read_import_file(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and "\n" not in text and text.count(str(path)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (bytes(range(256)) * 4, "binary data"),
        (b'[{"paper": {"id": "2401.01234", "title": 5}}]', r"read \(2401.01234: 'title' is a number"),
        (b'{"format": "readerapp", "version": 9, "papers": []}', "newer readerapp"),
        (b"[1, 2, 3]", r"no paper could be read \(item 0: expected an object"),
        ('[{"paper": {}}]'.encode("utf-16") + b"\x00", "not valid UTF-16"),
    ],
)
def test_malformed_files_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(FormatError, match=message) as caught:
        read_import_file(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_error_feed_saved_to_a_file_is_a_feed_error_naming_the_file() -> None:
    path = FIXTURES / "arxiv_atom_error.xml"
    with pytest.raises(FeedError, match="arXiv API error: incorrect id format") as caught:
        read_import_file(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        read_import_file(tmp_path / "nope.json")
    with pytest.raises(FormatError, match="cannot read"):
        read_import_file(tmp_path)


def test_windows_1252_file_is_read_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = [{"paper": {"id": "2401.01234", "title": "Caf\u00e9 \u2013 na\u00efve"}}]
    path = _write(tmp_path, json.dumps(data, ensure_ascii=False).encode("cp1252"))
    imported = read_import_file(path)
    assert imported.records[0].title == "Café – naïve"
    assert "not UTF-8" in caplog.text and "Windows-1252" in caplog.text
