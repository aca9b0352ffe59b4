"""On the library's own SQLite file a user is a label: trimmed and case-folded, so " ann " and "ANN"
are one reader, and an upgrade folds the spellings an older readerapp kept apart into one user without
dropping a note, a star or a reading position."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from readerapp import Library
from readerapp.errors import ReaderappError
from readerapp.formats.readerapp_json import dump_readerapp_json
from readerapp.pdfs.position import PdfPosition
from readerapp.records import Annotations, NoteRecord, PaperRecord
from readerapp.store.database import _alembic_config, create_library_engine, sqlite_url
from readerapp.store.identity import normalize_user
from tests.conftest import SAMPLE_FEED


def _user_names(library: Path) -> list[str]:
    with sqlite3.connect(library / "library.sqlite3") as db:
        return [name for (name,) in db.execute("SELECT name FROM users ORDER BY name")]


def test_spaces_and_case_name_one_user(tmp_path: Path) -> None:
    with Library.open(tmp_path, user=" ann ") as spaced:
        spaced.import_file(SAMPLE_FEED)
        paper = spaced.list_ids()[0]
        spaced.set_note(paper, "ann's note")
        spaced.star([paper])
        assert spaced.user_name == "ann"
    with Library.open(tmp_path, user="ANN") as shouted:
        seen = shouted.get(paper)
        assert (seen.note, seen.starred, seen.other_notes) == ("ann's note", True, [])
    assert _user_names(tmp_path) == ["ann"]


def test_a_user_name_is_never_empty(tmp_path: Path) -> None:
    assert normalize_user("  Ann\tLee ") == "ann lee"
    with pytest.raises(ReaderappError, match="cannot be empty"):
        normalize_user("   ")
    with Library.open(tmp_path, user="   ") as blank:  # a blank setting is no setting: the login name
        assert blank.user_name == normalize_user(blank.config.user_name) != ""


def test_a_files_authors_are_labels_folded_alike(tmp_path: Path) -> None:
    with Library.open(tmp_path, user="ann") as ann:
        ann.import_file(SAMPLE_FEED)
        paper = ann.get(ann.list_ids()[0])
        record = PaperRecord(
            source="json",
            title=paper.title,
            arxiv_id=paper.arxiv_id,
            annotations=Annotations(
                other_notes=[NoteRecord(" Bob ", "bob's note"), NoteRecord("ANN", "mine")]
            ),
        )
        path = tmp_path / "notes.json"
        path.write_text(json.dumps(dump_readerapp_json([record], [], [])), "utf-8")
        assert ann.import_file(path).skipped == []  # a local library keeps every reader's note
        seen = ann.get(paper.id)
        assert (seen.note, seen.other_notes) == ("mine", [("bob", "bob's note")])
    assert _user_names(tmp_path) == ["ann", "bob"]


def test_an_upgrade_folds_one_readers_spellings_into_one_user(tmp_path: Path) -> None:
    engine = create_library_engine(sqlite_url(tmp_path / "library.sqlite3"))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0004")
    engine.dispose()
    with sqlite3.connect(tmp_path / "library.sqlite3") as db:
        db.execute(
            "INSERT INTO papers (id, local_id, title, title_key, abstract, authors, categories, upvotes,"
            " comments, ai_keywords, withdrawn, sources, is_sample, first_seen, metadata_updated, revision)"
            " VALUES (1, 'Lold', 'Old paper', 'old paper', 'Some words here.', '[]', '[]', 0, 0, '[]', 0,"
            " '[]', 0, '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
        )
        db.executemany(
            "INSERT INTO users (id, name, created) VALUES (?, ?, '2024-01-01 00:00:00')",
            [(1, "Ann"), (2, "bob"), (3, " ann ")],
        )
        db.executemany(
            "INSERT INTO notes (paper_id, user_id, markdown, updated) VALUES (1, ?, ?, ?)",
            [(1, "first thoughts", "2024-01-02 00:00:00"), (3, "second thoughts", "2024-01-05 00:00:00"),
             (2, "bob's", "2024-01-03 00:00:00")],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO paper_states (paper_id, user_id, state, state_changed, starred, starred_at)"
            " VALUES (1, ?, ?, ?, ?, ?)",
            [(1, "reading", "2024-01-02 00:00:00", 0, None), (3, "done", "2024-01-04 00:00:00", 1,
             "2024-01-04 00:00:00")],
        )  # fmt: skip
        db.execute(
            "INSERT INTO highlights (paper_id, user_id, field, start, \"end\", quote, color, created,"
            " anchored) VALUES (1, 3, 'abstract', 0, 4, 'Some', 'yellow', '2024-01-04 00:00:00', 1)"
        )
        db.execute(
            "INSERT INTO reading_positions (paper_id, user_id, page, \"offset\", zoom, updated)"
            " VALUES (1, 3, 5, 0.5, 'page', '2024-01-04 00:00:00')"
        )
    with Library.open(tmp_path, user="ann") as ann:
        seen = ann.get("Lold")
        assert seen.note == "first thoughts\n\n---\n\nsecond thoughts\n"
        assert (seen.state, seen.starred, seen.other_notes) == ("done", True, [("bob", "bob's")])
        assert [(h.text, h.author) for h in seen.highlights] == [("Some", "ann")]
        assert ann.reading_position("Lold") == PdfPosition(5, 0.5, "page")
    assert _user_names(tmp_path) == ["ann", "bob"]
