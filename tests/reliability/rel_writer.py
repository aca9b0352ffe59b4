"""One writer process of the concurrency test: as user ``--user`` it triages, stars, tags (only tags
named ``<user>-*``), annotates and highlights the given papers as fast as it can for ``--seconds``, and
logs every write that returned (one JSON line each, flushed) so the test can replay what it expects.

Run as ``python -m tests.reliability.rel_writer --library DIR --user NAME --seconds S --log FILE IDS...``
(``READERAPP_DATABASE_URL`` in the environment puts it on a shared PostgreSQL library).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from readerapp.api import Library
from readerapp.records import STATES
from readerapp.store.undo import DeleteHighlight


def _one_write(lib: Library, rng: random.Random, user: str, ids: list[str], own: list[int]) -> dict[str, Any]:
    paper = rng.choice(ids)
    kind = rng.choice(("state", "star", "tag", "untag", "note", "highlight", "unhighlight"))
    if kind == "state":
        state = rng.choice(STATES)
        lib.set_state([paper], state)
        return {"op": kind, "id": paper, "value": state}
    if kind == "star":
        on = rng.random() < 0.5
        lib.star([paper], on=on)
        return {"op": kind, "id": paper, "value": on}
    if kind in ("tag", "untag"):
        tag = f"{user}-{rng.randint(0, 3)}"
        lib.tag([paper], add=[tag] if kind == "tag" else [], remove=[tag] if kind == "untag" else [])
        return {"op": kind, "id": paper, "value": tag}
    if kind == "note":
        note = f"{user} wrote this at {time.monotonic_ns()}"
        lib.set_note(paper, note)
        return {"op": kind, "id": paper, "value": note}
    if kind == "unhighlight" and own:
        highlight = own.pop(rng.randrange(len(own)))
        lib.delete_highlight(highlight)
        return {"op": kind, "id": paper, "value": highlight}
    words = lib.get(paper).abstract.split()
    start = rng.randrange(max(len(words) - 4, 1))
    changes = lib.add_highlight(paper, " ".join(words[start : start + 4]))
    (undo,) = changes.inverse
    assert isinstance(undo, DeleteHighlight)
    highlight = undo.highlight_id
    own.append(highlight)
    return {"op": "highlight", "id": paper, "value": highlight}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("ids", nargs="+")
    args = parser.parse_args()
    rng = random.Random(args.user)
    own: list[int] = []
    with Library.open(args.library, user=args.user) as lib, args.log.open("w") as log:
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            try:
                entry = _one_write(lib, rng, args.user, args.ids, own)
            except Exception as exc:  # the test fails on any: a busy error must never reach a user
                entry = {"error": f"{type(exc).__name__}: {exc}"}
            log.write(json.dumps(entry) + "\n")
            log.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
