"""The Obsidian vault: YAML front matter a YAML parser reads, stable names, updates in place that keep
everything the user added."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readerapp.api import Library
from readerapp.errors import ExportError
from readerapp.export.obsidian import BEGIN, END, file_name
from readerapp.export.scope import Scope
from tests.unit.export_fixtures import HOSTILE_AUTHORS, HOSTILE_NOTE, HOSTILE_TITLE, seeded

__all__ = ["seeded"]


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    loaded = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    assert isinstance(loaded, dict)
    return loaded


def _by_id(vault: Path) -> dict[str, Path]:
    return {str(_front_matter(p)["id"]): p for p in vault.rglob("*.md")}


def test_front_matter_reads_back_exactly(seeded: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    result = seeded.export(Scope.all(), "obsidian", vault)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    files = _by_id(vault)
    hostile = _front_matter(files["2401.00001"])
    assert hostile == {
        "id": "2401.00001",
        "title": HOSTILE_TITLE,
        "authors": HOSTILE_AUTHORS,
        "year": 2024,
        "tags": ["ab", "reading-group"],
        "url": "https://arxiv.org/abs/2401.00001",
        "state": "done",
        "starred": False,
    }
    assert _front_matter(files["1803.03635"])["starred"] is True
    name = files["2401.00001"].name
    assert name.endswith("(2401.00001).md") and "/" not in name and "[" not in name and "#" not in name
    body = files["2401.00001"].read_text(encoding="utf-8")
    assert HOSTILE_NOTE.strip() in body and BEGIN in body and END in body
    assert not list(vault.glob(".*.part"))


def test_reexport_updates_in_place_and_keeps_what_the_user_added(seeded: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    seeded.export(Scope.all(), "obsidian", vault)
    path = _by_id(vault)["1803.03635"]
    text = path.read_text(encoding="utf-8")
    user_text = text.replace("---\nid:", "---\nrating: 5\n# my comment\nid:", 1)
    user_text += "\n## My thoughts\n\nWritten in Obsidian.\n"
    moved = vault / "sub" / "renamed by me.md"
    moved.parent.mkdir()
    moved.write_text(user_text, encoding="utf-8")
    path.unlink()
    (vault / "my own note.md").write_text("nothing to do with readerapp\n", encoding="utf-8")

    seeded.tag(["1803.03635"], add=["sparsity"], remove=["pruning"])
    seeded.set_note("1803.03635", "A new note.")
    result = seeded.export(Scope.all(), "obsidian", vault)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert not (vault / path.name).exists()  # the renamed file was updated, no new copy was made
    front = _front_matter(moved)
    assert front["rating"] == 5 and front["tags"] == ["reading-group", "sparsity"]
    updated = moved.read_text(encoding="utf-8")
    assert "# my comment" in updated and "## My thoughts\n\nWritten in Obsidian." in updated
    assert "A new note." in updated and "Re-read section 4" not in updated
    assert (vault / "my own note.md").read_text(encoding="utf-8") == "nothing to do with readerapp\n"
    assert len(list(vault.rglob("*.md"))) == 5


def test_a_scope_export_never_deletes_other_papers_files(seeded: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    seeded.export(Scope.all(), "obsidian", vault)
    result = seeded.export(Scope.of("tag", "pruning"), "obsidian", vault)
    assert result.papers == 2 and result.unchanged == 2
    assert len(list(vault.glob("*.md"))) == 4


def test_a_file_saved_with_windows_line_ends_is_still_updated_in_place(
    seeded: Library, tmp_path: Path
) -> None:
    vault = tmp_path / "vault"
    seeded.export(Scope.ids(["1812.00001"]), "obsidian", vault)
    (path,) = vault.glob("*.md")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b"Mine.\r\n")
    seeded.star(["1812.00001"])
    result = seeded.export(Scope.ids(["1812.00001"]), "obsidian", vault)
    assert result.updated == 1 and list(vault.glob("*.md")) == [path]
    text = path.read_text(encoding="utf-8")
    assert text.count("---\n") == 2 and "starred: true" in text and "Mine." in text


def test_a_foreign_binary_file_in_the_way_is_a_clear_error(seeded: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    paper = seeded.get("1812.00001")
    (vault / file_name(paper)).write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ExportError, match="not a readable UTF-8 text file"):
        seeded.export(Scope.ids(["1812.00001"]), "obsidian", vault)
    assert (vault / file_name(paper)).read_bytes() == b"\xff\xfe\x00binary"
