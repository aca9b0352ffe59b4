"""The keyboard selection over a PDF page's words: by word, line and sentence, and the mouse's ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerapp.pdfs.annotations import Word, page_words
from readerapp.pdfs.selection import WordSelection, first_word_in, word_at
from tests.pdfs_samples import make_pdf


@pytest.fixture
def words(tmp_path: Path) -> list[Word]:
    path = tmp_path / "p.pdf"
    path.write_bytes(make_pdf(1))
    return page_words(path, 1)


def test_extends_by_word_line_and_sentence(words: list[Word]) -> None:
    start = next(i for i, w in enumerate(words) if w.text == "Attention")
    selection = WordSelection.at(1, words, start)
    assert selection.by_word(1).text == "Attention layers"
    assert selection.by_word(2).by_word(-1).text == "Attention layers"
    sentence = "Attention layers mix tokens; the residual stream carries them between blocks."
    assert selection.by_sentence(1).text == sentence
    line = selection.by_line(1)
    assert len(line.quads) == 1 and line.span[-1].line == words[start].line
    two = line.by_line(1)
    assert len(two.quads) == 2 and two.text.startswith(line.text)
    assert two.by_line(-1).text == line.text
    assert selection.by_word(-500).span[0] == words[0]  # clamped at the first word


def test_the_mouse_finds_the_word_under_it(words: list[Word]) -> None:
    target = words[10]
    x0, y0, x1, y1 = target.box
    assert word_at(words, (x0 + x1) / 2, (y0 + y1) / 2) == 10
    assert word_at(words, 5, 5) is None
    assert first_word_in(words, target.box) == 10
