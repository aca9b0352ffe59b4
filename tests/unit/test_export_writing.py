"""Writing exports: a clear error for a bad destination or scope, never a partial file, progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from readerapp.api import Library
from readerapp.errors import Cancelled, ExportError, NotFoundError, ReaderappError
from readerapp.export import obsidian
from readerapp.export.bundle import FORMATS
from readerapp.export.names import split_name
from readerapp.export.scope import Scope
from readerapp.paper import Paper
from tests.unit.export_fixtures import seeded

__all__ = ["seeded"]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "obsidian"])
def test_unwritable_destinations_get_a_clear_error_and_leave_nothing(
    seeded: Library, tmp_path: Path, fmt: str
) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        seeded.export(Scope.all(), fmt, tmp_path / "missing" / "out")
    with pytest.raises(ExportError, match="cannot write"):
        seeded.export(Scope.all(), fmt, Path("/proc/readerapp-export"))  # read-only even for root
    with pytest.raises(ExportError, match="is a folder"):
        seeded.export(Scope.all(), fmt, tmp_path)
    assert not list(tmp_path.glob(".*.part"))


def test_a_failed_write_keeps_the_old_file_and_no_temporary(
    seeded: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.md"
    out.write_text("the previous export\n", encoding="utf-8")

    def full_disk(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ExportError, match="No space left"):
        seeded.export(Scope.all(), "markdown", out)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_obsidian_destination_that_is_a_file_is_refused(seeded: Library, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="needs a folder"):
        seeded.export(Scope.all(), "obsidian", target)


def test_progress_reaches_the_total(seeded: Library, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    seeded.export(Scope.all(), "html", tmp_path / "o.html", progress=lambda *a: seen.append(a))
    assert seen[:2] == [("reading papers", 0, None), ("reading papers", 4, 4)]
    assert seen[2] == ("export", 0, 4) and seen[-1] == ("export", 4, 4)


def test_scopes_select_and_order_papers(seeded: Library) -> None:
    assert seeded.scope_ids(Scope.of("collection", "Reading group")) == ["2401.00001", "1803.03635"]
    assert sorted(seeded.scope_ids(Scope.of("tag", "pruning"))) == ["1803.03635", "1812.00001"]
    assert seeded.scope_ids(Scope.of("state", "done")) == ["2401.00001"]
    assert seeded.scope_ids(Scope.ids(["https://arxiv.org/abs/1812.00001v2", "1803.03635"])) == [
        "1812.00001",
        "1803.03635",
    ]
    assert len(seeded.scope_ids(Scope.all())) == 4
    with pytest.raises(NotFoundError):
        seeded.scope_ids(Scope.ids(["9999.99999"]))
    with pytest.raises(NotFoundError):
        seeded.scope_ids(Scope.of("collection", "nope"))


def test_bad_scopes_and_formats_are_clear_errors(seeded: Library, tmp_path: Path) -> None:
    with pytest.raises(ReaderappError, match="unknown state"):
        Scope.of("state", "later")
    with pytest.raises(ReaderappError, match="non-empty"):
        Scope.of("tag", " ")
    with pytest.raises(ExportError, match="unknown export format"):
        seeded.export(Scope.all(), "docx", tmp_path / "x")
    with pytest.raises(ExportError, match="nothing to export"):
        seeded.export(Scope.of("tag", "no such tag"), "markdown", tmp_path / "x.md")
    assert not (tmp_path / "x.md").exists()


def test_preview_shows_the_first_papers_in_the_format(seeded: Library) -> None:
    preview = seeded.export_preview(Scope.of("collection", "Reading group"), "bibtex", papers=1)
    assert preview.startswith("@misc{") and preview.count("@misc") == 1
    assert seeded.export_preview(Scope.all(), "obsidian").startswith("---\nid: ")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jonathan Frankle", ("Frankle", "Jonathan")),
        ("Ludwig van Beethoven", ("van Beethoven", "Ludwig")),
        ("Martin Luther King Jr.", ("King Jr.", "Martin Luther")),
        ("Hopper, Grace", ("Hopper", "Grace")),
        ("张伟", ("张伟", "")),
        ("  Ada   Lovelace ", ("Lovelace", "Ada")),
    ],
)
def test_names_split_into_family_and_given(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


def test_a_vault_export_that_fails_midway_writes_no_file(
    seeded: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    real = obsidian.render_file

    def fail_on_third(paper: Paper, existing: str | None, pdf_link: str | None = None) -> str:
        if len(rendered) == 2:
            raise ExportError("disk gone")
        rendered.append(paper.id)
        return real(paper, existing, pdf_link)

    monkeypatch.setattr(obsidian, "render_file", fail_on_third)
    with pytest.raises(ExportError, match="disk gone"):
        seeded.export(Scope.all(), "obsidian", tmp_path / "vault")
    assert list((tmp_path / "vault").iterdir()) == []


@pytest.mark.parametrize("fmt", ["markdown", "obsidian"])
def test_a_cancelled_export_writes_nothing(seeded: Library, tmp_path: Path, fmt: str) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled, match="nothing was written"):
        seeded.export(Scope.all(), fmt, tmp_path / "out", cancel=cancel)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert not list(tmp_path.glob(".*"))


HELD_EXPORT = """
import sys, threading
from pathlib import Path
from readerapp.api import Library
from readerapp.export import atomic
from readerapp.export.scope import Scope

def held(temp, path):  # every temporary file is on disk, none renamed yet
    print("written", flush=True)
    threading.Event().wait()

atomic._replace = held
Library.open(Path(sys.argv[1])).export(Scope.all(), sys.argv[2], sys.argv[3])
"""


def _killed_export(library: Library, fmt: str, destination: Path) -> None:
    """The export in another process, SIGKILLed once its temporary files are written."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD_EXPORT, str(library.path), fmt, str(destination)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "written\n", proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_the_next_export_to_a_target_removes_what_a_killed_one_left(seeded: Library, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "papers.json"
    _killed_export(seeded, "json", out)
    (left,) = folder.iterdir()
    assert left.name.startswith(".papers.json.readerapp-") and left.name.endswith(".part")
    live = folder / f".papers.json.readerapp-{os.getpid()}-abc.part"  # a write under way in a live process
    other = folder / ".other.json.readerapp-4999999-abc.part"  # another target's: not looked at
    mine = folder / ".papers.json.notes.part"  # not a name readerapp makes
    for path in (live, other, mine):
        path.write_text("", encoding="utf-8")

    seeded.export(Scope.all(), "json", out)
    assert sorted(p.name for p in folder.iterdir()) == sorted([out.name, live.name, other.name, mine.name])


def test_the_next_vault_export_removes_what_a_killed_one_left(seeded: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    _killed_export(seeded, "obsidian", vault)
    left = sorted(vault.iterdir())
    assert left and all(".readerapp-" in p.name and p.name.endswith(".part") for p in left)

    report = seeded.export(Scope.all(), "obsidian", vault)
    assert report.papers and sorted(p.suffix for p in vault.iterdir()) == [".md"] * len(left)
