"""``list`` and ``show`` never pass a feed's control characters to the terminal (issue 12, finding 7):
a title cannot retitle the window, ring the bell or hide what follows; ``--json`` escapes them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from readerapp.formats.readerapp_json import dump_readerapp_json
from readerapp.records import Annotations, HighlightRecord, PaperRecord
from tests.e2e.cli_support import run_cli

TITLE = "Evil\x1b]0;pwned\x07 title\x1b[2J\x00 with\x9b31m C1\x7f"
ABSTRACT = "First line\r\nsecond\x1b[8m hidden\x1b[0m line.\n\nA paragraph\x08\x08 after."
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _library(tmp_path: Path) -> Path:
    record = PaperRecord(
        source="hf",
        title=TITLE,
        abstract=ABSTRACT,
        arxiv_id="2401.00001",
        authors=["Ann\x1b[31m Red", "Bob"],
        annotations=Annotations(
            tags=["tag\x07"],
            note="note\x1b]8;;http://x\x07link",
            highlights=[HighlightRecord(text="second", comment="why\x1b[5m")],
        ),
    )
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(dump_readerapp_json([record], [], [])), encoding="utf-8")
    folder = tmp_path / "library"
    run_cli(folder, "import", str(seed))
    return folder


def test_list_and_show_print_no_control_characters(tmp_path: Path) -> None:
    library = _library(tmp_path)
    listed = run_cli(library, "list").stdout
    assert not CONTROLS.search(listed)
    assert "Evil]0;pwned title[2J with31m C1" in listed and listed.count("\n") == 1
    shown = run_cli(library, "show", "2401.00001").stdout
    assert not CONTROLS.search(shown)
    assert "Evil]0;pwned title" in shown and "Ann[31m Red, Bob" in shown
    assert "First line\nsecond[8m hidden[0m line.\n\nA paragraph after." in shown  # line breaks kept
    assert "note]8;;http://xlink" in shown and "why[5m" in shown


def test_json_output_escapes_control_characters_and_reads_back_exactly(tmp_path: Path) -> None:
    library = _library(tmp_path)
    for args in (("list", "--json"), ("show", "2401.00001", "--json")):
        out = run_cli(library, *args).stdout
        assert not CONTROLS.search(out)
        value = json.loads(out)
        paper = value[0] if isinstance(value, list) else value
        assert paper["title"] == TITLE  # the data is exact; only its spelling is escaped
