"""Key tokens: one canonical spelling for every key, shared by the keymap, the settings file and Qt.

A token is either the character a key types (``j``, ``J``, ``?``, ``1``) or a named key with its
modifiers (``Ctrl+K``, ``Ctrl+Shift+Z``, ``Down``, ``Escape``). A sequence is tokens separated by
spaces (``g g``); ``gg`` is accepted as a shorthand. Canonical spelling makes user overrides compare
equal to the defaults however the user typed them (``ctrl+k``, ``Shift+j``, ``esc``).
"""

from __future__ import annotations

from readerapp.errors import ReaderappError

MODIFIERS: tuple[str, ...] = ("Ctrl", "Alt", "Meta", "Shift")
NAMED_KEYS: dict[str, str] = {
    name.lower(): name
    for name in (
        "Return", "Escape", "Tab", "Backtab", "Backspace", "Delete", "Insert", "Space", "Up", "Down",
        "Left", "Right", "Home", "End", "PageUp", "PageDown",
        *(f"F{n}" for n in range(1, 13)),
    )
}
ALIASES: dict[str, str] = {"enter": "Return", "esc": "Escape", "del": "Delete", "pgup": "PageUp",
                           "pgdown": "PageDown", "control": "Ctrl", "cmd": "Meta", "plus": "+",
                           "minus": "-"}


class KeySyntaxError(ReaderappError):
    """A key or key sequence in the keymap or the settings file cannot be read."""


def _modifier(word: str) -> str | None:
    word = ALIASES.get(word.lower(), word)
    for mod in MODIFIERS:
        if word.lower() == mod.lower():
            return mod
    return None


def _key_name(word: str) -> str | None:
    alias = ALIASES.get(word.lower())
    if alias and _modifier(alias) is None:
        return alias
    named = NAMED_KEYS.get(word.lower())
    if named:
        return named
    return word if len(word) == 1 and word.isprintable() and word != " " else None


def normalize_token(text: str) -> str:
    """The canonical token for one key as a user may write it (``ctrl+k`` -> ``Ctrl+K``)."""
    words = text.split("+") if len(text) > 1 else [text]
    if len(text) > 1 and text.endswith("+"):  # "Ctrl++": the key itself is the plus sign
        words = [*text[:-2].split("+"), "+"]
    *mods_raw, key_raw = words
    mods = []
    for word in mods_raw:
        mod = _modifier(word)
        if mod is None:
            raise KeySyntaxError(f"{text!r}: {word!r} is not a modifier (use {', '.join(MODIFIERS)})")
        mods.append(mod)
    key = _key_name(key_raw)
    if key is None:
        raise KeySyntaxError(f"{text!r}: {key_raw!r} is not a key")
    if len(key) == 1 and mods == ["Shift"] and key.isalpha():
        return key.upper()  # Shift+j types "J": the same key as the token "J"
    if not mods:
        return key
    if len(key) == 1:
        key = key.upper()
    ordered = [m for m in MODIFIERS if m in mods]
    return "+".join([*ordered, key])


def parse_sequence(text: str) -> tuple[str, ...]:
    """Split ``g g`` (or the shorthand ``gg``) into canonical tokens."""
    tokens: list[str] = []
    for part in text.split():
        named = "+" in part[1:] or _key_name(part) is not None or part.lower() in ALIASES
        if named:
            tokens.append(normalize_token(part))
        else:
            tokens.extend(normalize_token(ch) for ch in part)
    if not tokens:
        raise KeySyntaxError("empty key sequence")
    return tuple(tokens)


def format_sequence(seq: tuple[str, ...]) -> str:
    """How a sequence is shown in menus, the palette and the help overlay."""
    return " ".join(seq)
