"""CLI benchmark: wall time of whole ``readerapp`` commands on an N-paper library, next to a bare
``python -c 'import sqlite3'`` in the same run (the floor any Python CLI pays).

Each command runs in a fresh process, as a user runs it. Ids, tags and search words are drawn anew
each run from a seed taken from the clock (printed), so no command repeats one measured before; the
file cache is warm (the library was just built or used), as it is for a user's second command.

Usage: ``python benchmarks/cli_bench.py [N] [--runs R]`` (default 100,000 papers, 10 runs). The library
is built once under ``bench-data/cli-library-N`` (the index too) and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_bench import DATA, machine, synthetic_file

from readerapp import Library

WORDS = ("diffusion", "reasoning", "agents", "retrieval", "alignment", "quantization", "video", "robot")


def library(n: int) -> Path:
    folder = DATA / f"cli-library-{n}"
    if not (folder / "library.sqlite3").exists():
        with Library.open(folder) as lib:
            lib.import_file(synthetic_file(n))
            lib.search("model")  # builds the index, so `search` measures searching
    return folder


# A user's Python caches bytecode: without it every module is compiled again at each start.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("papers", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    folder = library(args.papers)
    seed = time.time_ns()
    rng = random.Random(seed)
    with Library.open(folder) as lib:
        ids = lib.list_ids()
    cli = [sys.executable, "-m", "readerapp", "--library", str(folder)]
    commands = {
        "bare python -c 'import sqlite3'": lambda: [sys.executable, "-c", "import sqlite3"],
        "--help": lambda: [*cli, "--help"],
        "show ID": lambda: [*cli, "show", rng.choice(ids)],
        "list --limit 20": lambda: [*cli, "list", "--limit", "20", "--sort", rng.choice(["date", "title"])],
        "state ID reading": lambda: [*cli, "state", rng.choice(ids), rng.choice(["reading", "done"])],
        "tag ID +T": lambda: [*cli, "tag", rng.choice(ids), f"+bench{rng.randrange(10**6)}"],
        "search WORD WORD": lambda: [*cli, "search", " ".join(rng.sample(WORDS, 2))],
    }
    print(f"{args.papers:,} papers; {machine()}; seed {seed}; {args.runs} runs each, interleaved")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, make in commands.items():  # interleaved: a busy moment hits every command alike
            times[name].append(wall(make()))
    bare = statistics.median(times["bare python -c 'import sqlite3'"])
    print(f"{'command':<34}{'p50 ms':>9}{'max ms':>9}{'x bare':>8}")
    for name, samples in times.items():
        p50 = statistics.median(samples)
        print(f"{name:<34}{p50 * 1000:>9.0f}{max(samples) * 1000:>9.0f}{p50 / bare:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
