"""Key tokens, keymap overrides and the sequence parser, all without widgets."""

from __future__ import annotations

import pytest

from readerapp.interaction.key_tokens import KeySyntaxError, normalize_token, parse_sequence
from readerapp.interaction.keymap import DEFAULT_BINDINGS, Keymap, KeyParser, KeyResult
from readerapp.interaction.registry import HIGHLIGHT, READER


@pytest.mark.parametrize(
    ("written", "token"),
    [("j", "j"), ("J", "J"), ("Shift+j", "J"), ("shift+J", "J"), ("ctrl+k", "Ctrl+K"),
     ("Shift+Ctrl+z", "Ctrl+Shift+Z"), ("esc", "Escape"), ("enter", "Return"), ("down", "Down"),
     ("?", "?"), ("Ctrl++", "Ctrl++"), ("+", "+"), ("f5", "F5")],
)
def test_tokens_have_one_spelling(written: str, token: str) -> None:
    assert normalize_token(written) == token


@pytest.mark.parametrize("bad", ["Hyper+k", "Ctrl+", "Ctrl+nosuchkey", ""])
def test_bad_tokens_say_what_is_wrong(bad: str) -> None:
    with pytest.raises(KeySyntaxError):
        parse_sequence(bad)


def test_sequences_split_on_spaces_or_letters() -> None:
    assert parse_sequence("g g") == ("g", "g")
    assert parse_sequence("gi") == ("g", "i")
    assert parse_sequence("Ctrl+K") == ("Ctrl+K",)
    assert parse_sequence("g Down") == ("g", "Down")


def test_default_keymap_has_every_key_the_issue_asks_for() -> None:
    keymap = Keymap.build()
    assert not keymap.problems
    for keys in ("j", "k", "Down", "Up", "g g", "G", "Return", "o", "s", "e", "r", "d", "i", "x", "J", "K",
                 "t", "1", "9", "n", "h", "u", "Ctrl+Z", "Ctrl+Shift+Z", "/", "Escape", ":", "Ctrl+K", "?",
                 "g i", "g f", "g r", "g d", "g a", "g s", "Ctrl+R", "Ctrl+E", "Ctrl+Q"):
        assert parse_sequence(keys) in keymap.bindings, keys
    assert keymap.keys_for("undo") == ["u", "Ctrl+Z"]


def test_user_overrides_rebind_unbind_and_report_conflicts() -> None:
    def check(line: str) -> None:
        if line.split()[0] not in {"star", "next", "select", "quit"}:
            raise ValueError(f"no such command: {line.split()[0]}")

    keymap = Keymap.build(
        {"shift+x": "star", "x": "", "q": "frobnicate", "Hyper+q": "quit", "ctrl+j": 3, "s": "next"},
        check=check, defaults={"x": "select", "s": "star", "j": "next"},
    )
    assert keymap.bindings == {("X",): "star", ("s",): "next", ("j",): "next"}
    text = "\n".join(keymap.problems)
    assert "no such command: frobnicate" in text
    assert "'Hyper+q'" in text and "not a modifier" in text
    assert "must be a string" in text
    assert "replaces the default binding 'star' with 'next'" in text


def test_a_user_prefix_hides_longer_defaults_and_says_so() -> None:
    keymap = Keymap.build({"g": "first"}, defaults={"g g": "first", "g i": "go inbox", "j": "next"})
    assert keymap.bindings == {("g",): "first", ("j",): "next"}
    assert len(keymap.problems) == 2 and all("hides" in p for p in keymap.problems)


def test_a_user_sequence_wins_over_the_default_it_extends() -> None:
    keymap = Keymap.build({"j j": "last"}, defaults={"j": "next"})
    assert keymap.bindings == {("j", "j"): "last"}
    assert "hides 'j'" in keymap.problems[0]


def test_parser_runs_single_and_multi_key_bindings() -> None:
    parser = KeyParser(Keymap.build().bindings)
    assert parser.feed("j").line == "next"
    assert parser.feed("g").kind == "partial"
    assert parser.pending == ("g",)
    result = parser.feed("g")
    assert (result.kind, result.line) == ("match", "first")
    assert parser.feed("g").kind == "partial"
    assert parser.feed("i").line == "go inbox"
    assert parser.feed("Ctrl+Shift+Z").line == "redo"


def test_a_broken_sequence_is_swallowed_not_run() -> None:
    parser = KeyParser(Keymap.build().bindings)
    parser.feed("g")
    assert parser.feed("e").kind == "cancelled"
    assert parser.pending == ()
    assert parser.feed("e").line == "set-state archived"
    assert parser.feed("F9").kind == "none"


def test_defaults_cover_the_issue_table() -> None:
    assert DEFAULT_BINDINGS["e"] == "set-state archived"
    assert {DEFAULT_BINDINGS[str(n)] for n in range(1, 10)} == {f"toggle-tag {n}" for n in range(1, 10)}


def test_the_reader_keys_lie_over_the_window_keys_they_leave_free() -> None:
    keymap = Keymap.build()
    reader = keymap.in_reader()
    assert reader[("j",)] == "pdf-scroll-down" and reader[("g", "g")] == "pdf-first-page"
    assert reader[("Return",)] == "pdf-scroll-down"  # not the window's detail, which the reader hides
    assert reader[("s",)] == "star" and reader[("g", "i")] == "go inbox" and reader[("?",)] == "help"
    assert ("1",) not in reader  # digits are counts in the reader, not toggle-tag
    assert keymap.bindings[("j",)] == "next"  # in the list, j is still the next paper
    assert keymap.keys_for("pdf-first-page", READER) == ["g g", "Home"]
    assert keymap.keys_for("next", READER) == [] and keymap.keys_for("next") == ["j", "Down"]


def test_user_reader_keys_rebind_silence_and_report_conflicts() -> None:
    keymap = Keymap.build({"z": "star", "reader": {"l": "pdf-next-page", "j": "pdf-last-page", "s": "",
                                                   "3": "star", "g": "pdf-fit-page"}})
    reader = keymap.in_reader()
    assert reader[("l",)] == "pdf-next-page" and reader[("j",)] == "pdf-last-page"
    assert reader[("s",)] == "" and "" not in keymap.lines(READER)  # s does nothing in the reader
    assert reader[("z",)] == "star" and ("g", "g") not in reader and ("g", "i") not in reader
    assert keymap.bindings[("z",)] == "star" and ("reader",) not in keymap.bindings
    text = "\n".join(keymap.problems)
    assert "[keys.reader] 'j' replaces the default binding 'pdf-scroll-down' with 'pdf-last-page'" in text
    assert "[keys.reader] '3': a digit starts a count" in text
    assert "[keys.reader] 'g' hides 'g g' ('pdf-first-page')" in text
    assert len(keymap.problems) == 3


def test_chosen_highlight_keys_lie_over_the_window_keys_and_take_user_overrides() -> None:
    keymap = Keymap.build({"highlight": {"d": "delete-highlight", "x": "", "g c": "comment-highlight"}})
    chosen = keymap.table(HIGHLIGHT)
    assert chosen[("3",)] == "recolor-highlight 3" and chosen[("Escape",)] == "unchoose-highlight"
    assert chosen[("6",)] == "toggle-tag 6" and chosen[("s",)] == "star"  # the window's keys left free
    assert chosen[("d",)] == "delete-highlight" and chosen[("x",)] == ""  # x does nothing there
    assert ("g", "g") not in chosen and chosen[("g", "c")] == "comment-highlight"  # g starts the user's key
    assert keymap.keys_for("delete-highlight", HIGHLIGHT) == ["Delete", "d"]
    assert keymap.bindings[("x",)] == "select" and keymap.keys_for("toggle-tag 3") == ["3"]
    assert keymap.problems == []


def test_a_count_before_a_reader_key_goes_with_it() -> None:
    parser = KeyParser(Keymap.build().in_reader(), counts=True)
    assert [parser.feed(t).kind for t in ("1", "2")] == ["partial", "partial"]
    assert parser.pending == ("12",)
    assert parser.feed("G") == KeyResult("match", "pdf-last-page", 12)
    parser.feed("3")
    assert parser.feed("g").kind == "partial" and parser.pending == ("3", "g")
    assert parser.feed("g") == KeyResult("match", "pdf-first-page", 3)
    assert [parser.feed(t).kind for t in ("1", "0")] == ["partial", "partial"]
    assert parser.feed("j") == KeyResult("match", "pdf-scroll-down", 10)
    assert parser.feed("0").kind == "none"  # 0 only continues a count
    parser.feed("4")
    assert parser.feed("Escape").kind == "cancelled" and parser.pending == ()  # Escape drops the count
    assert parser.feed("s") == KeyResult("match", "star")
    assert KeyParser(Keymap.build().bindings).feed("1").line == "toggle-tag 1"  # no counts in the list
