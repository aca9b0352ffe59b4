"""Settings resolve from the default, settings.toml, the environment and overrides, each read by type."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerapp.config import load_config


@pytest.mark.parametrize(("word", "value"), [("true", True), ("1", True), ("On", True), ("false", False),
                                             ("0", False), ("no", False), ("", False)])  # fmt: skip
def test_a_yes_or_no_setting_reads_words_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, value: bool
) -> None:
    monkeypatch.setenv("READERAPP_PDF_ON_READING", word)
    assert load_config(tmp_path).pdf_on_reading is value


def test_a_yes_or_no_setting_refuses_other_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READERAPP_PDF_ON_READING", "sometimes")
    with pytest.raises(ValueError, match="'pdf_on_reading': 'sometimes' is not true or false"):
        load_config(tmp_path)


def test_settings_file_then_environment_then_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.toml").write_text("pdf_on_reading = true\nretries = 2\n", encoding="utf-8")
    assert load_config(tmp_path).pdf_on_reading is True
    monkeypatch.setenv("READERAPP_PDF_ON_READING", "off")
    config = load_config(tmp_path)
    assert config.pdf_on_reading is False and config.retries == 2
    assert load_config(tmp_path, pdf_on_reading=True).pdf_on_reading is True
