"""The one registry of named commands (qutebrowser-style).

Every user action is a method marked with ``@command``; its docstring is its help text. The menu bar,
the command palette, the help overlay and the keymap are all generated from the registry, so an action
can never exist in the menu but not on a key, or be documented in one place and behave in another.
Nothing here imports Qt: the registry is tested without widgets.
"""

from __future__ import annotations

import inspect
import shlex
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from readerapp.errors import ReaderappError

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__readerapp_command__"


class KeyContext(StrEnum):
    """Where a command's keys apply: the window, the PDF reader, or a highlight chosen in the detail
    pane (the names of the keymap's tables: ``[keys]``, ``[keys.reader]``, ``[keys.highlight]``)."""

    MAIN = "main"
    READER = "reader"
    HIGHLIGHT = "highlight"


# The short names the command modules mark their commands with.
MAIN, READER, HIGHLIGHT = KeyContext.MAIN, KeyContext.READER, KeyContext.HIGHLIGHT


class CommandError(ReaderappError):
    """A command line names no command, or gives it the wrong arguments."""


class LineRunner(Protocol):
    """Runs a command line from a key, the menu or the palette; ``count`` was typed before the key."""

    def __call__(self, line: str, count: int | None = None) -> Any: ...


# A check of one argument: raises CommandError saying what is wrong with the word typed or bound.
Check = Callable[[str], object]


def one_of(choices: Sequence[str], what: str) -> Check:
    """The check of an argument that must be one of ``choices``."""

    def check(word: str) -> None:
        if word not in choices:
            raise CommandError(f"unknown {what} {word!r}; choose one of {', '.join(choices)}")

    return check


def number_in(low: int, high: int, what: str) -> Check:
    """The check of an argument that must be a whole number from ``low`` to ``high``."""

    def check(word: str) -> None:
        if not word.isdigit() or not low <= int(word) <= high:
            raise CommandError(f"{what} are {low}-{high}, not {word!r}")

    return check


def a_name(word: str) -> None:
    """The check of a name argument (a collection's, a saved search's): something to call it."""
    if not word.strip():
        raise CommandError("the name is empty")


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    menu: str
    title: str | None
    context: KeyContext
    checks: Mapping[str, Check]


@dataclass(frozen=True, slots=True)
class Command:
    """A named action: what the palette lists, the menu shows and the keymap binds to."""

    name: str
    menu: str
    title: str
    help: str
    handler: Callable[..., Any]
    context: KeyContext = MAIN
    checks: Mapping[str, Check] = field(default_factory=dict)  # by parameter name

    @property
    def takes_arguments(self) -> bool:
        """Commands with required arguments are reached through their bound invocations."""
        params = inspect.signature(self.handler).parameters.values()
        return any(p.default is inspect.Parameter.empty for p in params)


def command(name: str, *, menu: str, title: str | None = None, context: KeyContext = MAIN,
            checks: Mapping[str, Check] | None = None) -> Callable[[F], F]:
    """Mark a method as the handler of the command ``name``, listed under ``menu``; its default keys are
    in the keymap's ``context`` table. A keyword-only ``count`` parameter receives a count typed before
    the key (``12G``). ``checks`` validate arguments by parameter name, so a key bound to a line that
    could never run (``set-state archivd``) is refused when the keymap is read, not when it is pressed."""

    def mark(fn: F) -> F:
        setattr(fn, _MARK, _Spec(name, menu, title, context, dict(checks or {})))
        return fn

    return mark


def _first_line(doc: str | None) -> str:
    return inspect.cleandoc(doc).splitlines()[0] if doc else ""


class CommandRegistry:
    """Commands by name, in declaration order (which is also menu order)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    @classmethod
    def collect(cls, *owners: object) -> CommandRegistry:
        """Register every ``@command`` method of ``owners``, bound to its instance."""
        registry = cls()
        for owner in owners:
            marked = []
            for klass in reversed(type(owner).__mro__):
                for attr, value in vars(klass).items():
                    spec = getattr(value, _MARK, None)
                    if isinstance(spec, _Spec):
                        marked.append((attr, spec, value))
            for attr, spec, fn in marked:
                title = spec.title or spec.name.replace("-", " ").capitalize()
                registry.register(Command(spec.name, spec.menu, title, _first_line(fn.__doc__),
                                          getattr(owner, attr), spec.context, spec.checks))
        return registry

    def register(self, cmd: Command) -> None:
        if cmd.name in self._commands:
            raise ValueError(f"command {cmd.name!r} is registered twice")
        self._commands[cmd.name] = cmd

    def __contains__(self, name: object) -> bool:
        return name in self._commands

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def get(self, name: str) -> Command:
        try:
            return self._commands[name]
        except KeyError:
            raise CommandError(f"no such command: {name}") from None

    def menus(self) -> dict[str, list[Command]]:
        """Commands grouped by menu, both in declaration order."""
        grouped: dict[str, list[Command]] = {}
        for cmd in self:
            grouped.setdefault(cmd.menu, []).append(cmd)
        return grouped

    def check(self, line: str) -> tuple[Command, list[str]]:
        """Resolve a command line (``name arg...``) without running it; raise CommandError if wrong."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise CommandError(f"cannot read command line {line!r}: {exc}") from None
        if not words:
            raise CommandError("empty command line")
        cmd = self.get(words[0])
        try:
            bound = inspect.signature(cmd.handler).bind(*words[1:])
        except TypeError:
            params = " ".join(p.name for p in inspect.signature(cmd.handler).parameters.values()
                              if p.kind is not inspect.Parameter.KEYWORD_ONLY)
            usage = f"{cmd.name} {params}".strip()
            raise CommandError(f"usage: {usage}") from None
        for parameter, word in bound.arguments.items():
            if parameter in cmd.checks:
                cmd.checks[parameter](word)
        return cmd, words[1:]

    def run(self, line: str, count: int | None = None) -> Any:
        """Run a command line such as ``go inbox`` or ``toggle-tag 3``; ``count`` (typed before a key)
        goes to a handler that takes one and is ignored by the others, as in vim."""
        cmd, args = self.check(line)
        if count is not None and "count" in inspect.signature(cmd.handler).parameters:
            return cmd.handler(*args, count=count)
        return cmd.handler(*args)
