"""The schema evolves only through Alembic, and opening an older library backs it up first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from readerapp import Library
from readerapp.errors import LibraryError
from readerapp.store.database import HEAD_REVISION, _alembic_config, create_library_engine, sqlite_url
from readerapp.store.models import Base
from tests.conftest import SAMPLE_FEED
from tests.unit.reference_fixtures import ARTICLE, write_article


def _engine(path: Path):
    return create_library_engine(sqlite_url(path))


def test_head_constant_matches_the_scripts(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        heads = ScriptDirectory.from_config(_alembic_config(engine, conn)).get_heads()
    assert heads == [HEAD_REVISION]


def test_models_match_the_migrations(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib, lib.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_older_library_is_backed_up_then_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    engine = _engine(folder / "library.sqlite3")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0001")
    engine.dispose()
    # Data written by the old version must survive.
    db = sqlite3.connect(folder / "library.sqlite3")
    db.execute(
        "INSERT INTO papers (local_id, title, title_key, abstract, authors, categories, upvotes, comments,"
        " ai_keywords, withdrawn, sources, is_sample, first_seen, metadata_updated, revision)"
        " VALUES ('Lold', 'Old paper', 'old paper', '', '[]', '[]', 0, 0, '[]', 0, '[]', 0,"
        " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
    )
    db.commit()
    db.close()

    with Library.open(folder) as lib:
        assert [p.title for p in lib.list()] == ["Old paper"]
        lib.import_file(SAMPLE_FEED)
    (backup,) = (folder / "backups").glob(f"library-*-before-{HEAD_REVISION}.sqlite3")
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT title FROM papers").fetchall() == [("Old paper",)]
    old.close()


def test_library_from_a_newer_readerapp_is_refused(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib, lib.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(LibraryError, match="newer readerapp"):
        Library.open(tmp_path / "lib")


def test_a_0004_library_keeps_its_papers_and_gains_the_full_reference(
    tmp_path: Path, database_url: str
) -> None:
    """Revision 0005 adds the full reference's columns to a filled library, on SQLite and PostgreSQL."""
    folder = tmp_path / "lib"
    folder.mkdir()
    engine = create_library_engine(database_url or sqlite_url(folder / "library.sqlite3"))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0004")
        conn.exec_driver_sql(
            "INSERT INTO papers (local_id, title, title_key, abstract, authors, categories, upvotes,"
            " comments, ai_keywords, withdrawn, sources, is_sample, first_seen, metadata_updated, revision)"
            " VALUES ('Lold', 'Preserving statistical validity in adaptive data analysis',"
            " 'preserving statistical validity in adaptive data analysis', '', '[\"C. Dwork\"]', '[]', 0, 0,"
            " '[]', false, '[\"page\"]', false, '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
        )
    engine.dispose()

    with Library.open(folder, database_url=database_url) as lib:
        old = lib.get("Lold")
        assert (old.authors, old.venue, old.keywords, old.editors, old.date_precision) == (
            ["C. Dwork"],
            None,
            [],
            [],
            None,
        )
        lib.import_file(write_article(tmp_path / "article.json"))
        (paper,) = lib.list()
        full = lib.get(paper.id)
        assert full.id == "Lold" and full.authors == ARTICLE.authors
        assert (full.venue, full.volume, full.issue, full.pages) == (ARTICLE.venue, "7", "3", "117–126")
        assert (full.item_type, full.publisher, full.url) == ("article-journal", "ACM", ARTICLE.url)
        assert (full.keywords, full.editors, full.published_text) == (
            ARTICLE.keywords,
            ARTICLE.editors,
            "2015-06",
        )
        assert paper.venue == ARTICLE.venue and paper.keywords == []  # light rows leave the lists out


def test_a_0006_library_gains_auto_exports_that_pin_keys(tmp_path: Path, database_url: str) -> None:
    """Revision 0007 adds the auto-export tables to a library with a collection, on SQLite and PostgreSQL."""
    folder = tmp_path / "lib"
    folder.mkdir()
    engine = create_library_engine(database_url or sqlite_url(folder / "library.sqlite3"))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0006")
    engine.dispose()

    with Library.open(folder, database_url=database_url) as lib:
        lib.import_file(write_article(tmp_path / "article.json"))
        (paper,) = lib.list()
        lib.add_to_collection("Thesis", [paper.id])
        lib.autoexport("Thesis", "csl-json", tmp_path / "refs.json")
        (info,) = lib.autoexports()
        assert (info.collection, info.format, info.error) == ("Thesis", "csl-json", None)
        (item,) = json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))
        lib.delete_collection("Thesis")  # its auto-export (and its pinned keys) go with it
        assert lib.autoexports() == []
    assert item["title"] == ARTICLE.title
