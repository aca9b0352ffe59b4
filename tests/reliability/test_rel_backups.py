"""Daily backups, a damaged database detected at open and by doctor with the newest backup named, and
restoring that backup through the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readerapp.api import DB_FILE, Library
from readerapp.errors import LibraryError
from readerapp.store.backups import backup_if_due, list_backups
from tests.pg_server import PostgresServer
from tests.reliability.support import checkpoint, cli_command, middle_page, overwrite_pages, run

PAPER = "2509.12201"


@pytest.fixture
def library(tmp_path: Path, sample_feed: Path) -> Library:
    lib = Library.open(tmp_path / "lib", backups_kept=3)
    lib.import_file(sample_feed)
    return lib


def _first_id(lib: Library) -> str:
    return lib.list_ids()[0]


def test_one_backup_a_day_keeping_the_last_n(library: Library) -> None:
    folder = library.path / "backups"
    first = library.backup_if_due()
    assert first is not None and first.label == "daily" and first.path.is_file()
    assert library.backup_if_due() is None  # already taken today: only a folder listing
    now = datetime.now(UTC)

    def older(days: int, label: str) -> Path:
        return folder / f"library-{now - timedelta(days=days):%Y%m%dT%H%M%S}-{label}.sqlite3"

    for days in range(1, 6):
        older(days, "daily").write_bytes(first.path.read_bytes())
    migration = older(10, "before-0003")
    migration.write_bytes(first.path.read_bytes())
    first.path.unlink()  # today's is gone: the next open takes one

    taken = library.backup_if_due()

    assert taken is not None
    dailies = [b.path for b in library.backups() if b.label == "daily"]
    assert dailies == [taken.path, older(1, "daily"), older(2, "daily")]  # backups_kept=3 below
    assert migration.is_file()
    assert not list(folder.glob("*.part"))


def test_no_backups_when_kept_is_zero(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", backups_kept=0) as lib:
        assert lib.backup_if_due() is None
        assert lib.backups() == []


def test_restore_brings_back_the_notes_and_saves_the_current_file(library: Library) -> None:
    ident = _first_id(library)
    library.set_note(ident, "before the accident")
    library.tag([ident], add=["keep"])
    taken = library.backup_now()
    library.set_note(ident, "overwritten")
    library.tag([ident], remove=["keep"])
    library.search("keep")  # builds the index, which the restore must drop

    saved = library.restore_backup(taken.path)

    paper = library.get(ident)
    assert paper.note == "before the accident" and paper.tags == ["keep"]
    assert saved.is_file() and "before-restore" in saved.name
    assert [h.id for h in library.search("tag:keep")] == [ident]  # the index follows the restored papers
    assert library.doctor().consistent
    library.close()


def test_a_damaged_page_is_found_by_doctor_which_names_the_newest_backup(library: Library) -> None:
    ident = _first_id(library)
    library.set_note(ident, "precious")
    good = library.backup_now()
    library.close()
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, middle_page(db), 3)

    doctor = run(cli_command(library.path, "doctor"))
    assert doctor.returncode == 1, doctor.stdout
    assert "Traceback" not in doctor.stderr + doctor.stdout
    assert "PROBLEM" in doctor.stdout and str(good.path) in doctor.stdout

    restored = run(cli_command(library.path, "backup", "--restore", str(good.path)))
    assert restored.returncode == 0, restored.stderr
    assert run(cli_command(library.path, "doctor")).returncode == 0
    with Library.open(library.path) as lib:
        assert lib.get(ident).note == "precious"
        damaged = [b for b in lib.backups() if not b.restorable]
        assert damaged, "the damaged file is kept for inspection, never offered for a restore"


def test_a_damaged_header_is_refused_at_open_naming_the_backup(library: Library) -> None:
    good = library.backup_now()
    library.close()
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, 0, 1)

    with pytest.raises(LibraryError, match="restore the newest backup") as caught:
        Library.open(library.path)
    assert str(good.path) in str(caught.value)
    listed = run(cli_command(library.path, "list"))
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert str(good.path) in listed.stderr and len(listed.stderr.strip().splitlines()) == 1

    assert run(cli_command(library.path, "backup", "--restore", good.path.name)).returncode == 0
    with Library.open(library.path) as lib:
        assert lib.counts()["all"] == 43 and lib.doctor().consistent


def test_a_damaged_database_is_never_rotated_into_the_backups(library: Library) -> None:
    good = library.backup_now()
    library.close()
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, middle_page(db), 3)
    before = list_backups(library.path / "backups")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(LibraryError, match="damaged") as caught:
        backup_if_due(db, library.path / "backups", keep=1, now=tomorrow)
    assert str(good.path) in str(caught.value)
    assert list_backups(library.path / "backups") == before


def test_restoring_something_that_is_no_backup_changes_nothing(library: Library, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    counts = library.counts()
    with pytest.raises(LibraryError, match="not a usable backup"):
        library.restore_backup(junk)
    assert library.counts() == counts and library.doctor().consistent
    library.close()


def test_a_shared_library_has_no_file_backups(tmp_path: Path, postgres_server: PostgresServer) -> None:
    with Library.open(tmp_path / "lib", database_url=postgres_server.new_database(), user="ann") as lib:
        assert lib.backup_if_due() is None and lib.backups() == []
        with pytest.raises(LibraryError, match="administrator"):
            lib.restore_backup(tmp_path / "x.sqlite3")
