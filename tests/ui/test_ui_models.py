"""Every model passes Qt's model tester; the list model stays correct through edits; HTML is escaped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.interaction.catalog import catalog
from readerapp.interaction.keymap import HIGHLIGHT_BINDINGS, Keymap
from readerapp.interaction.registry import HIGHLIGHT
from readerapp.paper import HighlightView, Paper
from readerapp.ui.app import Session
from readerapp.ui.detail_html import paper_html, safe_url
from readerapp.ui.palette import PaletteModel, WordFilter
from readerapp.ui.paper_model import ID_ROLE, PaperTableModel
from readerapp.ui.sidebar import VIEW_ROLE, SidebarModel


def test_paper_model_under_the_model_tester(qtmodeltester: ModelTester, library: Library) -> None:
    model = PaperTableModel(lambda ids: model.deliver(library.rows(ids)))
    model.set_ids(library.list_ids())
    qtmodeltester.check(model)
    assert model.paper(0) is not None and model.rowCount() == 43
    first, second, third = model.ids[:3]
    model.remove_ids([second])
    model.merge_ids([first, second, *model.ids[1:]])
    assert model.ids[:3] == [first, second, third]
    model.merge_ids(list(reversed(model.ids)))
    assert model.ids[-1] == first
    model.patch([dataclasses.replace(library.rows([first])[0], starred=True)])
    assert model.index(model.row_of(first), 0).data().startswith("starred")
    assert model.index(0, 1).data(ID_ROLE) == model.ids[0]
    qtmodeltester.check(model)


def test_paper_model_keeps_painted_rows_while_blocks_arrive(qtbot: QtBot, library: Library) -> None:
    asked: list[list[str]] = []
    model = PaperTableModel(asked.append)
    model.set_ids(library.list_ids())
    assert model.paper(0) is None and len(asked) == 1 and len(asked[0]) == 43
    assert model.paper(1) is None and len(asked) == 1, "a block is asked for once"
    with qtbot.waitSignal(model.dataChanged):
        model.deliver(library.rows(asked[0]))
    assert model.index(0, 1).data() == library.rows([model.ids[0]])[0].title


def test_sidebar_model(qtmodeltester: ModelTester) -> None:
    model = SidebarModel()
    counts = {"inbox": 40, "reading": 2, "done": 1, "archived": 0, "starred": 3, "all": 43}
    days = [(date(2025, 9, 16), 43)]
    model.update(counts, {"llm": 3, "rl": 1}, days, [("reading group", 2)], ["diffusion"])
    qtmodeltester.check(model)
    inbox = model.index_of("inbox")
    assert inbox.data() == "Inbox" and inbox.siblingAtColumn(1).data() == "40"
    assert model.index_of("tag:llm").data() == "1  llm"
    model.update({**counts, "inbox": 39}, {"llm": 3, "rl": 1}, [(date(2025, 9, 16), 43)])
    assert model.index_of("inbox").siblingAtColumn(1).data() == "39"
    assert not model.index_of("collection:reading group").isValid()
    assert model.index_of("day:2025-09-16").data(VIEW_ROLE) == "day:2025-09-16"
    qtmodeltester.check(model)


def test_palette_models(qtmodeltester: ModelTester, session: Session) -> None:
    model = PaletteModel(session.actions.catalog)
    qtmodeltester.check(model)
    proxy = WordFilter()
    proxy.setSourceModel(model)
    proxy.set_text("tag tog")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 9 and all("Toggle tag" in proxy.index(r, 0).data() for r in range(9))
    proxy.set_text("undo")
    assert proxy.index(0, 0).data().startswith("Undo")


def test_every_default_binding_runs_a_real_command(session: Session) -> None:
    assert not session.keymap.problems
    entries = catalog(session.registry, Keymap.build(check=session.registry.check))
    lines = {e.line for e in entries}
    assert {"star", "set-state archived", "go for-you", "toggle-tag 9", "palette", "help"} <= lines
    assert all(e.help for e in entries), "every command has help text"
    menus = [a.text().replace("&", "") for a in session.window.menuBar().actions()]
    assert menus == ["Go", "Paper", "Highlight", "Edit", "Library", "Reader", "Help"]
    chosen = {c.name for c in session.registry if c.context == HIGHLIGHT}
    assert chosen == {line.split()[0] for line in HIGHLIGHT_BINDINGS.values()}


def paper(**fields: object) -> Paper:
    base = dict(id="2509.00001", arxiv_id="2509.00001", version=1, doi=None, title="T", abstract="A",
                authors=["A. Author"], categories=["cs.LG"], primary_category="cs.LG", published=None,
                updated=None, feed_day=date(2025, 9, 16), upvotes=3, comments=0, code_url=None,
                project_url=None, ai_summary=None, ai_keywords=[], journal_ref=None, sources=["hf"],
                is_sample=False, first_seen=datetime(2025, 9, 16, tzinfo=UTC), state="inbox",
                state_changed=None, starred=False, tags=[], has_note=False)
    return Paper(**{**base, **fields})  # type: ignore[arg-type]


def test_detail_html_treats_hostile_text_as_text() -> None:
    hostile = paper(title="<script>alert(1)</script>", authors=["<b>Eve</b>"],
                    code_url="javascript:alert(1)", project_url="https://example.org/p?a=1&b=\"2\"",
                    abstract="Use <img src=x onerror=alert(1)> here.", note="<i>mine</i>", tags=["<t>"])
    html = paper_html(hostile, muted="#777", highlight="#ff0")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<b>Eve" not in html and "<i>mine" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org/p?a=1&amp;b=%222%22"' in html  # quotes percent-encoded, then escaped
    assert safe_url("file:///etc/passwd") is None and safe_url("https:///nohost") is None


def test_highlights_are_marked_and_colours_cannot_inject_styles() -> None:
    created = datetime(2025, 9, 16, tzinfo=UTC)
    marks = [
        HighlightView(1, "abstract", 4, 9, "quick", "red;background:url(x)", "why", created, True, "me"),
        # overlaps the first: skipped
        HighlightView(2, "abstract", 6, 12, "ick br", "green", None, created, True, "me"),
        HighlightView(3, "abstract", 0, 0, "gone", "blue", None, created, False, "me"),
    ]
    html = paper_html(paper(abstract="The quick brown fox", highlights=marks), muted="#777", highlight="#ff0")
    assert '<span style="background-color:#ff0; color:#000" title="why">quick</span>' in html
    assert "url(x)" not in html and "ick br</span>" not in html
    assert "no longer match" in html and "gone" in html


def test_window_title_and_status_show_the_view_and_counts(qtbot: QtBot, session: Session) -> None:
    w = session.window
    qtbot.waitUntil(lambda: w.detail.toPlainText() != "")
    assert w.windowTitle() == "Inbox (43) — readerapp"
    assert "Inbox 43" in w.counts_label.text()
    assert w.table.currentIndex().row() == 0
    assert w.detail.toPlainText().startswith(w.current_paper().title)  # type: ignore[union-attr]
    assert w.table.horizontalHeader().sectionResizeMode(1) == w.table.horizontalHeader().ResizeMode.Stretch
    assert w.table.verticalHeader().sectionResizeMode(0) == w.table.verticalHeader().ResizeMode.Fixed
    assert Qt.ItemFlag.ItemIsEnabled in w.model.flags(w.model.index(0, 0))
