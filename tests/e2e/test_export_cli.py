"""``readerapp export`` and ``readerapp collection`` as a user runs them, in a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli_support import cli_json, run_cli
from tests.unit.export_fixtures import write_seed


def _library(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    run_cli(library, "import", str(write_seed(tmp_path / "seed.json")))
    return library


def test_collections_from_the_command_line(tmp_path: Path) -> None:
    library = _library(tmp_path)
    run_cli(library, "collection", "add", "Picks", "1812.00001", "1803.03635")
    run_cli(library, "collection", "add", "Picks", "--tag", "reading group")
    shown = cli_json(library, "collection", "show", "Picks", "--json")
    assert [p["id"] for p in shown] == ["1812.00001", "1803.03635", "2401.00001"]
    run_cli(library, "collection", "reorder", "Picks", "2401.00001", "1812.00001", "1803.03635")
    run_cli(library, "collection", "remove", "Picks", "1812.00001")
    run_cli(library, "collection", "rename", "Picks", "Best")
    listed = cli_json(library, "collection", "list", "--json")
    assert {(c["name"], c["count"], c["live"]) for c in listed} >= {
        ("Best", 2, False),
        ("Pruning", None, True),
    }
    assert [p["id"] for p in cli_json(library, "collection", "show", "Best", "--json")] == [
        "2401.00001",
        "1803.03635",
    ]
    run_cli(library, "collection", "delete", "Best")
    assert "Best" not in run_cli(library, "collection", "list").stdout
    failed = run_cli(library, "collection", "remove", "Nope", "1812.00001", check=False)
    assert failed.returncode == 1 and "no collection called 'Nope'" in failed.stderr


def test_export_every_format_and_errors(tmp_path: Path) -> None:
    library = _library(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for fmt, scope in [
        ("markdown", ["--collection", "Reading group"]),
        ("bibtex", ["--tag", "pruning"]),
        ("csl-json", ["--state", "done"]),
        ("ris", ["--ids", "1803.03635", "1812.00001"]),
        ("html", ["--all"]),
        ("json", ["--all"]),
    ]:
        result = run_cli(library, "export", *scope, "--format", fmt, "-o", str(out / f"x.{fmt}"))
        assert result.stdout.startswith("exported ") and (out / f"x.{fmt}").stat().st_size > 0
    assert (out / "x.bibtex").read_text(encoding="utf-8").count("@misc") == 2
    assert [i["id"] for i in json.loads((out / "x.csl-json").read_text(encoding="utf-8"))] == [
        "anon2024braces"
    ]
    found = run_cli(library, "export", "--query", "lottery", "-f", "markdown", "-o", str(out / "q.md"))
    assert found.stdout.startswith("exported 2 papers") and "# Search: lottery" in (out / "q.md").read_text()
    vault = run_cli(library, "export", "--all", "--format", "obsidian", "-o", str(out / "vault"))
    assert "4 new" in vault.stdout and len(list((out / "vault").glob("*.md"))) == 4

    restored = tmp_path / "restored"
    run_cli(restored, "import", str(out / "x.json"))
    assert cli_json(restored, "show", "1803.03635", "--json")["note"] == "Classic. Re-read section 4."

    missing = run_cli(
        library, "export", "--all", "-f", "html", "-o", str(tmp_path / "no" / "x.html"), check=False
    )
    assert (
        missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    )
    usage = run_cli(library, "export", "--tag", "x", "--all", "-f", "ris", "-o", "x.ris", check=False)
    assert usage.returncode == 2 and "not allowed with" in usage.stderr


def test_a_json_export_imported_and_exported_again_is_the_same_file(tmp_path: Path) -> None:
    library = _library(tmp_path)
    run_cli(library, "tag", "1812.00001", "+cli")  # a change made here, after the seed import
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run_cli(library, "export", "--all", "--format", "json", "-o", str(first))
    written = json.loads(first.read_text(encoding="utf-8"))
    assert (written["version"], written["pdf_files_included"]) == (3, False)

    restored = tmp_path / "restored"
    assert "4 new" in run_cli(restored, "import", str(first)).stdout
    run_cli(restored, "export", "--all", "--format", "json", "-o", str(second))
    again = json.loads(second.read_text(encoding="utf-8"))
    again.pop("exported"), written.pop("exported")
    assert again == written
    assert "0 new, 0 updated" in run_cli(restored, "import", str(first)).stdout  # nothing twice
