"""The Obsidian vault against hostile titles and notes (issue 12, finding 2) and the user's own front
matter (issue 11): markers no title or note can move, names that keep the id, tags that merge."""

from __future__ import annotations

from pathlib import Path

import yaml

from readerapp.export.bundle import ExportBundle
from readerapp.export.obsidian import BEGIN, END, file_name
from readerapp.export.writer import write_export
from tests.unit.export_fixtures import make_paper

MARKERS = f"{END} and {BEGIN}"


def _export(folder: Path, *papers: object) -> tuple[int, int, int]:
    result = write_export(ExportBundle("vault", list(papers)), "obsidian", folder)  # type: ignore[arg-type]
    return result.created, result.updated, result.unchanged


def _front(path: Path) -> dict[str, object]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
    assert isinstance(loaded, dict)
    return loaded


def test_markers_in_a_title_or_note_never_make_a_reexport_grow(tmp_path: Path) -> None:
    paper = make_paper(
        id="2401.00001",
        arxiv_id="2401.00001",
        title=f"Title {MARKERS}",
        note=f"First line\n{END}\n{BEGIN}\n  {END}  \nlast line",
        tags=["t"],
    )
    vault = tmp_path / "vault"
    assert _export(vault, paper) == (1, 0, 0)
    (path,) = vault.glob("*.md")
    first = path.read_text(encoding="utf-8")
    path.write_text(first + "\nMy own text after the block.\n", encoding="utf-8")
    for _ in range(3):
        assert _export(vault, paper) == (0, 0, 1)  # unchanged, not grown
    text = path.read_text(encoding="utf-8")
    assert text == first + "\nMy own text after the block.\n"
    lines = text.split("\n")
    assert (
        lines.count(END) == 1 and len([line for line in lines if line.startswith("%% readerapp:begin")]) == 1
    )
    assert f"\\{END}" in lines and f"\\{BEGIN}" in lines  # the note's marker lines, escaped


def test_a_changed_note_replaces_only_the_block(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    _export(vault, make_paper(id="p-0001", title="T", note=f"old\n{END}\nstill old"))
    (path,) = vault.glob("*.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nMine.\n", encoding="utf-8")
    assert _export(vault, make_paper(id="p-0001", title="T", note="new")) == (0, 1, 0)
    text = path.read_text(encoding="utf-8")
    assert "new" in text and "old" not in text and text.endswith(f"{END}\n\nMine.\n")


def test_file_names_keep_the_id_whatever_the_titles_script_and_length(tmp_path: Path) -> None:
    prefix = "深度学习中的注意力机制研究" * 10  # 130 characters, 390 bytes
    first = make_paper(id="2401.00001", arxiv_id="2401.00001", title=prefix + "第一部分")
    second = make_paper(id="2401.00002", arxiv_id="2401.00002", title=prefix + "第二部分")
    old = make_paper(id="hep-th/9901001", arxiv_id="hep-th/9901001", title="Ω" * 300)
    names = [file_name(p) for p in (first, second, old)]
    assert names[0].endswith("(2401.00001).md") and names[1].endswith("(2401.00002).md")
    assert names[2].endswith("(hep-th_9901001).md")
    assert all(len(name.encode()) <= 210 for name in names)
    vault = tmp_path / "vault"
    assert _export(vault, first, second, old) == (3, 0, 0)
    assert len(list(vault.glob("*.md"))) == 3
    assert _export(vault, first, second, old) == (0, 0, 3)


def test_a_reexport_keeps_the_users_front_matter_and_merges_tags(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    paper = make_paper(id="p-0001", title="T", tags=["pruning", "reading group"])
    _export(vault, paper)
    (path,) = vault.glob("*.md")
    text = path.read_text(encoding="utf-8")
    text = text.replace("tags:\n", "aliases: [Ticket]\ncssclasses:\n  - wide\ntags:\n  - mine\n", 1)
    text = text.replace("---\nid:", "---\nrating: 4\nid:", 1)
    path.write_text(text, encoding="utf-8")
    changed = make_paper(id="p-0001", title="T", tags=["reading group", "sparsity"])  # pruning removed
    assert _export(vault, changed) == (0, 1, 0)
    front = _front(path)
    assert front["tags"] == ["reading-group", "sparsity", "mine"]  # ours, then the user's own
    assert (front["rating"], front["aliases"], front["cssclasses"]) == (4, ["Ticket"], ["wide"])
    assert _export(vault, changed) == (0, 0, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("tags:\n", "tags: [mine, also-mine]\nx:\n", 1))
    _export(vault, changed)
    assert _front(path)["tags"] == ["reading-group", "sparsity", "mine", "also-mine"]


def test_a_file_from_an_older_export_drops_a_removed_tag_and_keeps_the_users(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    old = (
        '---\nid: "p-0001"\ntitle: "T"\ntags:\n  - "pruning"\n  - "reading-group"\n  - "mine"\n---\n'
        f"{BEGIN}\n\n# T\n\n**Tags:** pruning, reading group\n\n{END}\n"
    )
    (vault / "T (p-0001).md").write_text(old, encoding="utf-8")
    assert _export(vault, make_paper(id="p-0001", title="T", tags=["reading group"])) == (0, 1, 0)
    assert _front(vault / "T (p-0001).md")["tags"] == ["reading-group", "mine"]
