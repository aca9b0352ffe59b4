"""Daily backups, a damaged database detected at open and by doctor with the newest backup named, and
restoring that backup through the API and the CLI; backups of one second apart, and no restore while
another process has the library open."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readerapp.api import DB_FILE, Library
from readerapp.errors import Busy, DatabaseDamaged, DiskFull, LibraryError
from readerapp.store import backups
from readerapp.store.backups import backup_if_due, backup_sqlite, list_backups
from readerapp.store.lock import LOCK_FILE
from tests.e2e.cli_support import ROOT
from tests.pg_server import PostgresServer
from tests.reliability.support import checkpoint, cli_command, middle_page, overwrite_pages, run

PAPER = "2509.12201"
IN_USE = "the library is open in another readerapp process: close it first"
# Opens the library, says so, and keeps it open until a line arrives on stdin (or it is killed).
HOLD = (
    "import sys; from readerapp import Library\n"
    "with Library.open(sys.argv[1]) as lib:\n"
    "    print(lib.counts()['all'], flush=True); sys.stdin.readline()"
)

Holder = Callable[[Path], AbstractContextManager[subprocess.Popen[str]]]


@pytest.fixture
def library(tmp_path: Path, sample_feed: Path) -> Library:
    lib = Library.open(tmp_path / "lib", backups_kept=3)
    lib.import_file(sample_feed)
    return lib


@pytest.fixture
def held() -> Iterator[Holder]:
    """``with held(path) as proc``: the library open in another process until ``proc`` is told to
    close it (a line on its stdin) or killed; ended at the latest when the block ends."""

    @contextmanager
    def hold(path: Path) -> Iterator[subprocess.Popen[str]]:
        proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "43", "the holder opened it"
            yield proc
        finally:
            proc.kill()
            proc.wait(timeout=30)

    yield hold


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the clock the backups are named by, so several backups fall in one second for sure."""

    def set_clock(when: datetime) -> None:
        monkeypatch.setattr(backups, "utcnow", lambda: when)

    return set_clock


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time: what a refused restore keeps
    (but SQLite's shared-memory file, which every reader writes to)."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith("-shm")}  # fmt: skip


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

    with pytest.raises(DatabaseDamaged, match="restore the newest backup") as caught:
        Library.open(library.path)
    assert str(good.path) in str(caught.value)
    listed = run(cli_command(library.path, "list"))
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert str(good.path) in listed.stderr and len(listed.stderr.strip().splitlines()) == 1

    assert run(cli_command(library.path, "backup", "--restore", good.path.name)).returncode == 0
    with Library.open(library.path) as lib:
        assert lib.counts()["all"] == 43 and lib.doctor().consistent


def test_damage_met_by_an_ordinary_read_is_database_damaged_by_type(library: Library) -> None:
    """What the app's restore offer waits for is a type, not words: a read of a scribbled-over table
    raises DatabaseDamaged (a LibraryError, so the CLI still prints its one line)."""
    library.db.engine.dispose()  # (no connection keeps pages read before the damage)
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, 2, middle_page(db) - 2)
    with pytest.raises(DatabaseDamaged, match="the library database is damaged") as caught:
        library.list_ids()
    assert isinstance(caught.value, LibraryError) and not isinstance(caught.value, DiskFull)
    library.close()


def test_a_damaged_database_is_never_rotated_into_the_backups(library: Library) -> None:
    good = library.backup_now()
    library.close()
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, middle_page(db), 3)
    before = list_backups(library.path / "backups")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(DatabaseDamaged, match="damaged") as caught:
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
    with Library.open(tmp_path / "lib", database_url=postgres_server.new_database()) as lib:
        assert lib.backup_if_due() is None and lib.backups() == []
        with pytest.raises(LibraryError, match="administrator"):
            lib.restore_backup(tmp_path / "x.sqlite3")
        assert not (lib.path / LOCK_FILE).exists(), "a server's library takes no file lock"


def test_backups_of_one_second_never_overwrite_each_other_and_list_newest_first(
    library: Library, frozen_clock: Callable[[datetime], None]
) -> None:
    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    frozen_clock(now)
    folder = library.path / "backups"
    daily = library.backup_if_due()
    first, second = library.backup_now(), library.backup_now()
    migration = backup_sqlite(library.path / DB_FILE, folder, "before-0004")

    assert daily is not None
    assert [p.name for p in (daily.path, first.path, second.path, migration)] == [
        "library-20260304T050607-daily.sqlite3",  # the first of a second keeps the name it always had
        "library-20260304T050607-manual.1.sqlite3",
        "library-20260304T050607-manual.2.sqlite3",
        "library-20260304T050607-before-0004.3.sqlite3",
    ]
    listed = library.backups()
    assert [b.path for b in listed] == [migration, second.path, first.path, daily.path]
    assert [b.label for b in listed] == ["before-0004", "manual", "manual", "daily"]
    assert {b.taken for b in listed} == {now}
    assert all(b.size > 0 for b in listed) and not list(folder.glob("*.part"))


def test_the_last_n_dailies_are_kept_when_two_fell_in_one_second(
    library: Library, frozen_clock: Callable[[datetime], None]
) -> None:
    """Two processes opening the library at once both take the day's backup: the rotation still keeps
    exactly ``backups_kept`` (3 here), the newest ones."""
    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    folder, db = library.path / "backups", library.path / DB_FILE
    taken = []
    for days in (3, 2, 1, 1):
        frozen_clock(now - timedelta(days=days))
        taken.append(backup_sqlite(db, folder, "daily"))
    assert taken[-1].name == "library-20260303T050607-daily.1.sqlite3"
    frozen_clock(now)

    today = library.backup_if_due()

    assert today is not None
    assert [b.path for b in library.backups()] == [today.path, taken[3], taken[2]]


def test_two_backup_commands_at_once_keep_two_backups(library: Library) -> None:
    library.close()
    backup = cli_command(library.path, "backup")
    commands = [subprocess.Popen(backup, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]  # fmt: skip
    outputs = [proc.communicate(timeout=120) for proc in commands]
    assert [proc.returncode for proc in commands] == [0, 0], outputs
    said = {out.removeprefix("backed up to ").strip() for out, _err in outputs}
    assert said == {str(b.path) for b in list_backups(library.path / "backups")} and len(said) == 2


def test_a_restore_is_refused_while_another_process_has_the_library_open(
    library: Library, held: Holder
) -> None:
    ident = _first_id(library)
    taken = library.backup_now()
    library.set_note(ident, "after the backup")
    library.search("model")  # the index exists, and a refused restore must not drop it
    with held(library.path) as other:
        before = _files(library.path)
        with pytest.raises(Busy, match=IN_USE):
            library.restore_backup(taken.path)
        assert _files(library.path) == before, "a refused restore touches no file"
        assert library.get(ident).note == "after the backup", "and this Library still works"
        other.kill()  # even a crashed holder: the kernel drops its lock
        other.wait(timeout=30)
        library.restore_backup(taken.path)
    assert library.get(ident).note == ""
    library.close()


def test_the_cli_refuses_a_restore_until_the_app_closes_the_library(library: Library, held: Holder) -> None:
    taken = library.backup_now()
    library.close()
    with held(library.path) as other:
        before = _files(library.path)
        refused = run(cli_command(library.path, "backup", "--restore", str(taken.path)))
        assert refused.returncode == 1 and refused.stderr.strip() == f"readerapp: error: {IN_USE}"
        assert _files(library.path) == before
        assert run(cli_command(library.path, "list")).returncode == 0, "reading beside it is fine"
        assert other.stdin is not None
        other.stdin.write("close\n")
        other.stdin.flush()
        assert other.wait(timeout=30) == 0
        restored = run(cli_command(library.path, "backup", "--restore", str(taken.path)))
    assert restored.returncode == 0, restored.stderr


def test_another_library_open_in_this_process_also_refuses_the_restore(library: Library) -> None:
    taken = library.backup_now()
    with Library.open(library.path) as other:
        with pytest.raises(Busy, match=IN_USE):
            library.restore_backup(taken.path)
        assert other.counts() == library.counts()
    library.restore_backup(taken.path)  # closed: only this Library's own share is left, which it drops
    library.close()
