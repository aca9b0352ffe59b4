"""Auto-export (issue 11, item 6): a collection's BibTeX or CSL-JSON file kept current by whichever
process commits a write (a CLI command in another process, the Python API), with pinned citation keys."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from sqlalchemy import update

from readerapp.api import Library
from readerapp.errors import ExportError, NotFoundError, ReaderappError
from readerapp.store.models import Paper as PaperRow
from tests.e2e.cli_support import cli_json, run_cli
from tests.unit.export_fixtures import seeded

GROUP = "Reading group"  # the seed's collection: 2401.00001 and 1803.03635; 1812.00001 is outside it
__all__ = ["seeded"]
DEADLINE = 2.0  # seconds a change may take to reach the file


@pytest.fixture
def library(seeded: Library) -> Library:
    """The seeded library: four papers, the collection GROUP, a saved search."""
    return seeded


def _eventually(read: Callable[[], Any], check: Callable[[Any], bool]) -> Any:
    """``read()`` once ``check`` holds for it, polled until DEADLINE; the last value fails the test."""
    end = time.monotonic() + DEADLINE
    while True:
        value = read()
        if check(value):
            return value
        assert time.monotonic() < end, f"not within {DEADLINE} s: {value!r}"
        time.sleep(0.02)


def _bib(path: Path) -> dict[str, dict[str, str]]:
    """The file as bibtexparser reads it: fields by entry key."""
    parsed = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks
    return {entry.key: {f.key: f.value for f in entry.fields} for entry in parsed.entries}


def _by_eprint(entries: dict[str, dict[str, str]]) -> dict[str, str]:
    """Citation key by arXiv id."""
    return {fields["eprint"]: key for key, fields in entries.items()}


def _retitle(library: Library, arxiv_id: str, title: str, year: int = 2019) -> None:
    """A source corrects a title and date (no command edits them; a merge can)."""
    with library.db.session() as session:
        published = datetime(year, 5, 1, tzinfo=UTC)
        session.execute(
            update(PaperRow).where(PaperRow.arxiv_id == arxiv_id).values(title=title, published=published)
        )


def test_bibtex_follows_cli_and_api_writes_and_keeps_its_keys(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "paper" / "refs.bib"
    out.parent.mkdir()
    run_cli(library.path, "collection", "autoexport", GROUP, "--format", "bibtex", "-o", str(out))
    keys = _by_eprint(_bib(out))
    assert set(keys) == {"2401.00001", "1803.03635"} and keys["1803.03635"] == "frankle2018lottery"

    # Another process tags a paper of the collection: the file has the tag.
    run_cli(library.path, "tag", "1803.03635", "+thesis")
    entries = _eventually(lambda: _bib(out), lambda e: "thesis" in e["frankle2018lottery"]["keywords"])
    assert _by_eprint(entries) == keys

    # The API (this process) writes a note: the file has it.
    library.set_note("2401.00001", "The method we extend.")
    key = keys["2401.00001"]
    _eventually(lambda: _bib(out), lambda e: "The method we extend." in e[key].get("annote", ""))

    # A corrected title and year: the entry changes, its key does not.
    _retitle(library, "1803.03635", "Winning Tickets in 2019")
    library.tag(["1803.03635"], add=["retitled"])
    entries = _eventually(lambda: _bib(out), lambda e: "Winning" in e["frankle2018lottery"]["title"])
    assert _by_eprint(entries) == keys and entries["frankle2018lottery"]["year"] == "2019"

    # A paper added later whose natural key is taken gets a suffix; the old one keeps its key.
    run_cli(library.path, "collection", "add", GROUP, "1812.00001")
    entries = _eventually(lambda: _bib(out), lambda e: len(e) == 3)
    assert _by_eprint(entries) == {**keys, "1812.00001": "frankle2018lotteryb"}

    # Taken out, the entry goes; put back, it has its pinned key again.
    library.remove_from_collection(GROUP, ["1803.03635"])
    _eventually(lambda: _bib(out), lambda e: "frankle2018lottery" not in e)
    run_cli(library.path, "collection", "add", GROUP, "1803.03635")
    entries = _eventually(lambda: _bib(out), lambda e: len(e) == 3)
    assert _by_eprint(entries)["1803.03635"] == "frankle2018lottery"


def test_csl_json_follows_writes_with_the_same_ids(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    library.autoexport(GROUP, "csl-json", out)

    def items() -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in json.loads(out.read_text(encoding="utf-8"))}

    ids = set(items())
    assert "frankle2018lottery" in ids
    run_cli(library.path, "tag", "1803.03635", "+thesis")
    _eventually(items, lambda i: "thesis" in i["frankle2018lottery"].get("keyword", ""))
    _retitle(library, "1803.03635", "Another Title Entirely")
    library.tag(["1803.03635"], add=["renamed"])
    found = _eventually(items, lambda i: i["frankle2018lottery"]["title"] == "Another Title Entirely")
    assert set(found) == ids


def test_a_paper_outside_the_collection_does_not_rewrite_the_file(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    library.autoexport(GROUP, "bibtex", out)
    before = out.stat()
    run_cli(library.path, "tag", "1812.00001", "+elsewhere")
    library.set_note("1812.00001", "not in the group")
    after = out.stat()  # the writing processes have returned: a rewrite would have replaced the file
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_list_json_and_off(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    run_cli(library.path, "collection", "autoexport", GROUP, "--format", "bibtex", "-o", str(out))
    listed = run_cli(library.path, "collection", "autoexport", "--list").stdout
    assert listed.strip() == f"{GROUP}  bibtex  {out}"
    assert cli_json(library.path, "collection", "autoexport", "--list", "--json") == [
        {"collection": GROUP, "format": "bibtex", "path": str(out), "error": None}
    ]
    run_cli(library.path, "collection", "autoexport", GROUP, "--off")
    assert cli_json(library.path, "collection", "autoexport", "--list", "--json") == []
    text = out.read_text(encoding="utf-8")
    run_cli(library.path, "tag", "1803.03635", "+after-off")
    assert out.read_text(encoding="utf-8") == text  # the file stays as it was, no longer followed
    stopped = run_cli(library.path, "collection", "autoexport", GROUP, "--off", check=False)
    assert stopped.returncode == 1 and "has no auto-export" in stopped.stderr


def test_a_broken_destination_warns_and_the_write_stands(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "paper"
    folder.mkdir()
    out = folder / "refs.bib"
    library.autoexport(GROUP, "bibtex", out)
    folder.rename(tmp_path / "moved")

    tagged = run_cli(library.path, "tag", "1803.03635", "+kept")
    assert "warning: auto-export of 'Reading group' not written" in tagged.stderr
    assert "folder does not exist" in tagged.stderr
    assert "kept" in library.get("1803.03635").tags  # the user's write stood
    (listed,) = cli_json(library.path, "collection", "autoexport", "--list", "--json")
    assert "folder does not exist" in listed["error"]

    library.set_note("1803.03635", "written while the folder is away")
    (warning,) = library.take_autoexport_warnings()  # what the app shows
    assert "not written" in warning and library.take_autoexport_warnings() == []

    # Back in place: the next change (to any paper) retries, and the error is cleared.
    (tmp_path / "moved").rename(folder)
    run_cli(library.path, "tag", "1812.00001", "+unrelated")
    entries = _eventually(lambda: _bib(out) if out.exists() else {}, lambda e: "frankle2018lottery" in e)
    assert "kept" in entries["frankle2018lottery"]["keywords"]
    assert "written while" in entries["frankle2018lottery"]["annote"]
    assert library.autoexports()[0].error is None


def test_setting_one_up_refuses_what_it_cannot_keep(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        library.autoexport(GROUP, "bibtex", tmp_path / "missing" / "refs.bib")
    with pytest.raises(ExportError, match="bibtex or csl-json"):
        library.autoexport(GROUP, "ris", tmp_path / "refs.ris")
    with pytest.raises(ExportError, match="a folder"):
        library.autoexport(GROUP, "bibtex", tmp_path)
    with pytest.raises(NotFoundError, match="no collection"):
        library.autoexport("Nope", "bibtex", tmp_path / "refs.bib")
    searches = [c.name for c in library.collections() if c.live]
    with pytest.raises(ReaderappError, match="saved search"):
        library.autoexport(searches[0], "bibtex", tmp_path / "refs.bib")
    assert library.autoexports() == []
    target = str(tmp_path / "x.bib")
    missing = run_cli(library.path, "collection", "autoexport", GROUP, "-o", target, check=False)
    assert missing.returncode == 1 and "--format" in missing.stderr
    assert not os.path.exists(tmp_path / "x.bib")
