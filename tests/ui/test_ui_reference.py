"""A full reference in the window: the list's Year and Venue columns and the detail pane's reference line,
with hostile text shown as typed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window

from readerapp import Library
from readerapp.paper import Paper
from readerapp.records import PaperRecord
from readerapp.ui import theme
from readerapp.ui.detail_html import links, paper_html
from readerapp.ui.paper_model import COLUMN
from tests.ui.test_ui_models import paper as paper_view
from tests.unit.reference_fixtures import ARTICLE, write_article

HOSTILE = dataclasses.replace(
    ARTICLE,
    venue='Journal of <b>Privacy</b> & <script>alert("v")</script>',
    publisher="<i>ACM</i>",
    url="https://dl.acm.org/doi/10.1145/2746539.2746580?a=1&b=<x>",
)
LINE = 'Journal of <b>Privacy</b> & <script>alert("v")</script> 7(3), pp. 117–126 · <i>ACM</i> · 2015-06'


def test_the_list_and_the_detail_pane_show_the_reference(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    theme.apply(qapp, "light")
    other = PaperRecord(source="page", title="A talk with only a title")
    with Library.open(tmp_path / "lib", sync_on_start="never") as library:
        library.import_file(write_article(tmp_path / "article.json", HOSTILE))
        library.import_file(write_article(tmp_path / "talk.json", other))
        session = open_window(qtbot, library)
        w = session.window
        try:
            headers = [w.model.headerData(c, Qt.Orientation.Horizontal) for c in range(w.model.columnCount())]
            assert {"Year", "Venue"} <= set(headers)
            row = next(r for r, i in enumerate(w.model.ids) if library.get(i).venue)
            keys(qtbot, w.table, *(["j"] * row))
            qtbot.waitUntil(lambda: LINE in w.detail.toPlainText())
            assert w.model.index(row, COLUMN["year"]).data() == "2015"
            assert w.model.index(row, COLUMN["venue"]).data() == HOSTILE.venue
            assert w.model.index(row, COLUMN["venue"]).data(Qt.ItemDataRole.ToolTipRole) == HOSTILE.venue
            assert "publisher's page" in w.detail.toPlainText()
            assert "Keywords: differential privacy, adaptive data analysis" in w.detail.toPlainText()
            keys(qtbot, w.table, "j" if row == 0 else "k")  # the other paper: no reference to show
            qtbot.waitUntil(lambda: w.detail.toPlainText().startswith(other.title))
            assert LINE not in w.detail.toPlainText()
            assert w.model.index(1 - row, COLUMN["venue"]).data() == ""
        finally:
            session.close()


def test_the_reference_in_the_detail_html_is_text_and_only_web_links_are_links() -> None:
    with_js = dataclasses.replace(HOSTILE, url="javascript:alert(1)")
    for record in (HOSTILE, with_js):
        html = paper_html(_paper(record), muted="#777", highlight="#ff0")
        assert "<script>" not in html and "<b>Privacy" not in html and "<i>ACM" not in html
        assert "&lt;b&gt;Privacy&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "javascript:" not in paper_html(_paper(with_js), muted="#777", highlight="#ff0")
    assert 'href="https://dl.acm.org/doi/10.1145/2746539.2746580?a=1&amp;b=%3Cx%3E"' in paper_html(
        _paper(HOSTILE), muted="#777", highlight="#ff0"
    )


def _paper(record: PaperRecord) -> Paper:
    return paper_view(
        title=record.title,
        published=record.published,
        **{name: getattr(record, name) for name in ("venue", "volume", "issue", "pages", "publisher", "url")},
        keywords=list(record.keywords),
        date_precision=record.date_precision,
    )


def test_a_url_that_is_the_arxiv_page_again_is_one_link() -> None:
    arxiv = paper_view(url="https://arxiv.org/abs/2509.00001", venue=None)
    assert [label for label, _ in links(arxiv)] == ["abstract", "PDF", "HF page"]
    assert ("publisher's page", ARTICLE.url) in links(_paper(ARTICLE))


def test_the_date_column_shows_a_reference_date_at_its_precision() -> None:
    from datetime import UTC, datetime

    from readerapp.ui.paper_model import COLUMN, COLUMNS
    from tests.unit.export_fixtures import make_paper

    show = COLUMNS[COLUMN["date"]].show
    when = datetime(2018, 1, 1, tzinfo=UTC)
    assert show(make_paper(published=when, date_precision="year")) == "2018"
    assert show(make_paper(published=when, date_precision="month")) == "2018-01"
    assert show(make_paper(published=when)) == "2018-01-01"
