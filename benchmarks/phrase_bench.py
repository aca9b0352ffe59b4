"""Phrase benchmark: exact 2- and 3-word phrases through ``Library.search`` beside SQLite FTS5 on the
same queries, in the same run (issue 15 item 2).

The phrases are real adjacent words of the library's abstracts (no stop words, none a single letter),
drawn with a fresh seed each run (printed, for a rerun), so no timed query was ever seen before; the
warm-up runs other phrases of the same kind. FTS5 gets its own table of titles and abstracts (Porter
stemming) built in a temporary file beside the library, whose build time is printed too. Both sides
return the best 50 by their own ranking; the figures are per query, in milliseconds.

Usage: ``python benchmarks/phrase_bench.py LIBRARY [--queries 200] [--seed N]`` (``LIBRARY``: a folder
``readerapp`` opened, with its search index built: ``readerapp --library LIBRARY reindex``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: a run may measure another checkout

from whoosh.analysis.filters import STOP_WORDS  # noqa: E402

from readerapp import Library  # noqa: E402

WORD = re.compile(r"[A-Za-z]+")
LIMIT = 50


def pick_phrases(db: Path, rng: random.Random, count: int) -> list[str]:
    """``count`` phrases of 2 or 3 words standing next to each other in random papers' abstracts."""
    with sqlite3.connect(db) as conn:
        top = conn.execute("SELECT max(id) FROM papers").fetchone()[0]
        found: list[str] = []
        while len(found) < count:
            row = conn.execute("SELECT abstract FROM papers WHERE id >= ? LIMIT 1", (rng.randint(1, top),))
            text = (row.fetchone() or ("",))[0]
            tokens = re.findall(r"\S+", text)
            size = rng.choice((2, 3))
            starts = list(range(len(tokens) - size + 1))
            rng.shuffle(starts)
            for start in starts[:20]:
                window = tokens[start : start + size]
                if all(WORD.fullmatch(w) and len(w) > 1 and w.lower() not in STOP_WORDS for w in window):
                    found.append(" ".join(w.lower() for w in window))
                    break
        return found


def fts5_table(db: Path, folder: Path) -> tuple[sqlite3.Connection, float]:
    """An FTS5 table of every paper's title and abstract in a new file; returns it and its build time."""
    path = folder / "fts5.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("ATTACH DATABASE ? AS lib", (f"file:{db}?mode=ro",))
    start = time.perf_counter()
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, abstract, tokenize='porter unicode61')")
    conn.execute("INSERT INTO fts(rowid, title, abstract) SELECT id, title, abstract FROM lib.papers")
    conn.commit()
    return conn, time.perf_counter() - start


def timed(run: object, queries: list[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter()
        run(query)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[94]


def summary(times: list[float]) -> str:
    cut = statistics.quantiles(times, n=100, method="inclusive")
    return (
        f"p50 {statistics.median(times):6.1f}  p95 {cut[94]:6.1f}  p99 {cut[98]:6.1f}  max {max(times):6.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--queries", type=int, default=200, help="timed phrases (each engine)")
    parser.add_argument("--seed", type=int, default=None, help="default: a fresh one, printed")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    db = args.library / "library.sqlite3"
    warm = pick_phrases(db, rng, 20)
    queries = [q for q in pick_phrases(db, rng, args.queries * 2) if q not in warm][: args.queries]
    load = os.getloadavg()[0]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; seed {seed}; load {load:.1f}; {args.library}"
    )
    with tempfile.TemporaryDirectory(dir=args.library.parent) as scratch:
        conn, fts_build = fts5_table(db, Path(scratch))
        print(f"FTS5 table built in {fts_build:.1f} s")

        def fts5(phrase: str) -> list[int]:
            sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?"
            return [r[0] for r in conn.execute(sql, (f'"{phrase}"', LIMIT))]

        with Library.open(args.library) as lib:
            lib.search("warm up the index", limit=LIMIT)
            for phrase in warm:
                lib.search(f'"{phrase}"', limit=LIMIT)
                fts5(phrase)
            for size in (2, 3):
                subset = [q for q in queries if len(q.split()) == size]
                ours = timed(lambda q: lib.search(f'"{q}"', limit=LIMIT), subset)
                theirs = timed(fts5, subset)
                ratio = p95(ours) / p95(theirs)
                print(f"{size}-word phrases ({len(subset)}):")
                print(f"  readerapp  {summary(ours)}")
                print(f"  FTS5       {summary(theirs)}")
                print(f"  p95 ratio readerapp/FTS5: {ratio:.2f}")
            missing = sum(
                1 for q in queries[:20] if {h.id for h in lib.search(f'"{q}"', limit=10_000)} == set()
            )
            print(
                f"phrases with no hit among the first 20 (should be 0: they come from the papers): {missing}"
            )
        conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
