"""The user guide's generated tables are what the app prints now (so the guide cannot drift), and they
cover every default key, every command and every setting."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from readerapp.config import SETTINGS
from readerapp.interaction.key_tokens import format_sequence
from readerapp.interaction.keymap import Keymap
from readerapp.ui.guide_tables import default_commands, fill, keys_markdown, main, settings_markdown

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


def test_the_guide_holds_what_the_generators_print(qapp: QApplication) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert fill(text) == text, "run: python -m readerapp.ui.guide_tables --write docs/user-guide.md"
    for name in ("keys", "query", "settings"):
        assert f"<!-- generated: {name} " in text and f"<!-- end generated: {name} -->" in text


def test_every_default_key_and_every_command_is_in_the_keys_table(qapp: QApplication) -> None:
    commands = default_commands()
    table = keys_markdown(commands)
    keymap = Keymap.build()
    for seq in [*keymap.bindings, *keymap.reader]:  # the window's keys and the PDF reader's
        assert f"`{format_sequence(seq)}`" in table
    for entry, help_text in commands:
        assert f"`{entry.line.split()[0]}`" in table
        assert help_text and help_text in table.replace("\\|", "|")


def test_every_setting_is_in_the_settings_table() -> None:
    table = settings_markdown()
    for setting in SETTINGS:
        assert f"| `{setting.key}` | `{setting.env}` |" in table


def test_write_refreshes_a_stale_block(tmp_path: Path, qapp: QApplication) -> None:
    stale = tmp_path / "guide.md"
    block = "<!-- generated: settings (x) -->\nold table\n<!-- end generated: settings -->\n"
    stale.write_text(f"intro\n{block}end\n")
    assert main(["--write", str(stale)]) == 0
    text = stale.read_text()
    assert "old table" not in text and settings_markdown() in text and text.endswith("end\n")
    assert main(["nonsense"]) == 2
