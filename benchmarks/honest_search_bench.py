"""Search latency on queries never seen before, by kind, through ``Library.search``, beside SQLite FTS5
and tantivy answering the same queries in the same run (issue 15, item 7).

Each run draws its queries from a fresh seed (printed; ``--seed`` repeats a run) out of the library's
own papers: single terms, ANDs of words from one abstract, the commonest words, 2- and 3-word phrases
of adjacent abstract words, author names, prefixes, a word with a filter (year, upvotes, has code), OR
and NOT. None is timed twice and none is the warm-up's. Warm: one process, each query once, the three
engines taking turns query by query (so a busy moment of the shared machine falls on all three). Cold:
a new process that imports, opens and answers one query (the interpreter's start included).

The references index title, abstract and authors (stemmed: FTS5's porter, tantivy's en_stem) with the
filter fields beside them, and return the 50 best by BM25, as ``Library.search(q, limit=50)`` does. The
libraries are cli_bench's, built once under ``bench-data/`` (the first 300k run takes many minutes),
and the FTS5 and tantivy indexes of each are built once beside them.

Usage: ``python benchmarks/honest_search_bench.py [N ...] [--per-kind K] [--cold R] [--seed S]``
(default 10,000 100,000 300,000 papers, 30 queries per kind, 5 cold processes per engine).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tantivy
from cli_bench import ENV, library
from import_bench import DATA, machine
from readerapp.store.search_source import LibraryDocuments
from whoosh.analysis.filters import STOP_WORDS

from readerapp import Library
from readerapp.index.document import IndexDocument

KINDS = ("term", "and", "common", "phrase2", "phrase3", "author", "prefix", "filter", "or", "not")
LIMIT = 50
STOP = frozenset(STOP_WORDS)  # what readerapp's analyser drops (FTS5 and tantivy would search them)
WORD = re.compile(r"^[a-z]{3,}$")


@dataclass(frozen=True, slots=True)
class Query:
    """One query in a neutral form, written out in each engine's own language."""

    kind: str
    words: tuple[str, ...]  # the words (or a name, or a prefix without its *)
    year: int | None = None
    upvotes: int | None = None  # more than this many
    code: bool = False

    def readerapp(self) -> str:
        w = self.words
        match self.kind:
            case "phrase2" | "phrase3":
                return f'"{" ".join(w)}"'
            case "author":
                return f"author:{w[0]}"
            case "prefix":
                return f"{w[0]}*"
            case "or":
                return f"{w[0]} OR {w[1]}"
            case "not":
                return f"{w[0]} -{w[1]}"
            case "filter":
                return f"{w[0]} {self._filter_text()}"
        return " ".join(w)

    def _filter_text(self) -> str:
        if self.year is not None:
            return f"year:{self.year}"
        return f"upvotes:>{self.upvotes}" if self.upvotes is not None else "has:code"

    def fts5(self) -> tuple[str, str, tuple[int, ...]]:
        """The MATCH expression, and an SQL condition on the unindexed columns with its parameters."""
        w = [f'"{x}"' for x in self.words]
        match self.kind:
            case "phrase2" | "phrase3":
                return f'"{" ".join(self.words)}"', "", ()
            case "author":
                return f"authors : {w[0]}", "", ()
            case "prefix":
                return f"{w[0]}*", "", ()
            case "or":
                return f"{w[0]} OR {w[1]}", "", ()
            case "not":
                return f"{w[0]} NOT {w[1]}", "", ()
            case "filter":
                if self.year is not None:
                    return w[0], " AND year = ?", (self.year,)
                if self.upvotes is not None:
                    return w[0], " AND upvotes > ?", (self.upvotes,)
                return w[0], " AND code = 1", ()
        return " ".join(w), "", ()

    def tantivy(self) -> str:
        w = self.words
        match self.kind:
            case "author":
                return f"authors:{w[0]}"
            case "or":
                return f"({w[0]} OR {w[1]})"
            case "filter":
                if self.year is not None:
                    return f"{w[0]} year:{self.year}"
                return f"{w[0]} upvotes:>{self.upvotes}" if self.upvotes is not None else f"{w[0]} code:1"
        return self.readerapp()


# -- queries from the library's own papers ----------------------------------------------------------


def sample_documents(folder: Path, rng: random.Random, count: int) -> list[IndexDocument]:
    with Library.open(folder) as lib:
        ids = rng.sample(lib.list_ids(), count)
        return list(LibraryDocuments(lib.db, lib.user_id).documents(ids))


def words_of(text: str) -> list[str]:
    return [w for w in text.lower().split() if WORD.match(w)]


def runs_of(text: str, length: int) -> list[tuple[str, ...]]:
    """Runs of ``length`` adjacent words of the text with nothing but spaces between them."""
    tokens = text.lower().split()
    return [
        tuple(tokens[i : i + length])
        for i in range(len(tokens) - length + 1)
        if all(WORD.match(t) and t not in STOP for t in tokens[i : i + length])
    ]


def draw_queries(docs: list[IndexDocument], rng: random.Random, per_kind: int) -> list[Query]:
    """``per_kind`` queries of every kind, none repeated, in a shuffled order."""
    content = [[w for w in words_of(d["abstract"]) if w not in STOP] for d in docs]
    frequency = Counter(w for words in content for w in set(words))
    common = [w for w, _ in frequency.most_common(40)]
    rare = [w for w, n in frequency.items() if n <= max(2, len(docs) // 200)]
    makers: dict[str, Callable[[IndexDocument, list[str]], Query | None]] = {
        "term": lambda d, ws: Query("term", (rng.choice(ws),)),
        "and": lambda d, ws: Query("and", tuple(rng.sample(ws, 2))) if len(set(ws)) > 1 else None,
        "common": lambda d, ws: Query("common", tuple(rng.sample(common, rng.choice((1, 2))))),
        "phrase2": lambda d, ws: _phrase(d, rng, 2),
        "phrase3": lambda d, ws: _phrase(d, rng, 3),
        "author": lambda d, ws: _author(d, rng),
        "prefix": lambda d, ws: _prefix(ws, rng),
        "filter": lambda d, ws: _filtered(d, ws, rng),
        "or": lambda d, ws: Query("or", (rng.choice(ws), rng.choice(rare))),
        "not": lambda d, ws: Query("not", (rng.choice(ws), rng.choice(common))),
    }
    queries: list[Query] = []
    seen: set[Query] = set()
    for kind in KINDS:
        made = 0
        for _ in range(per_kind * 50):
            pick = rng.randrange(len(docs))
            if not content[pick]:
                continue
            query = makers[kind](docs[pick], content[pick])
            if query is not None and query not in seen and len(set(query.words)) == len(query.words):
                seen.add(query)
                queries.append(query)
                made += 1
                if made == per_kind:
                    break
    rng.shuffle(queries)
    return queries


def _phrase(doc: IndexDocument, rng: random.Random, length: int) -> Query | None:
    runs = runs_of(doc["abstract"], length)
    return Query(f"phrase{length}", rng.choice(runs)) if runs else None


def _author(doc: IndexDocument, rng: random.Random) -> Query | None:
    names = [w for a in doc["authors"] if a.split() for w in words_of(a.split()[-1])]
    return Query("author", (rng.choice(names),)) if names else None


def _prefix(words: list[str], rng: random.Random) -> Query | None:
    long = [w for w in words if len(w) >= 7]
    return Query("prefix", (rng.choice(long)[: rng.choice((4, 5))],)) if long else None


def _filtered(doc: IndexDocument, words: list[str], rng: random.Random) -> Query:
    word = (rng.choice(words),)
    which = rng.randrange(3)
    published = doc["published"] or doc["feed_day"]
    if which == 0 and published is not None:
        return Query("filter", word, year=published.year)
    if which == 1:
        return Query("filter", word, upvotes=rng.choice((2, 5, 10)))
    return Query("filter", word, code=True)


# -- the reference engines, built once per library ----------------------------------------------------


def all_documents(folder: Path) -> Iterator[IndexDocument]:
    with Library.open(folder) as lib:
        yield from LibraryDocuments(lib.db, lib.user_id).documents()


def _year(doc: IndexDocument) -> int:
    published: date | None = doc["published"] or doc["feed_day"]
    return published.year if published is not None else 0


def tantivy_schema() -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    for name in ("title", "abstract"):
        schema.add_text_field(name, tokenizer_name="en_stem")
    schema.add_text_field("authors")
    for name in ("year", "upvotes", "code"):
        schema.add_integer_field(name, indexed=True, fast=True)
    return schema.build()


def reference_indexes(folder: Path, n: int) -> tuple[Path, Path]:
    """The FTS5 database and tantivy folder of the library's papers, built together in one pass over
    them the first time (a finished build is marked, so a killed one is built again)."""
    fts5, tantivy_folder = DATA / f"honest-fts5-{n}.sqlite3", DATA / f"honest-tantivy-{n}"
    if fts5.exists() and (tantivy_folder / "complete").exists():
        return fts5, tantivy_folder
    partial = fts5.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, abstract, authors, year UNINDEXED, upvotes UNINDEXED,"
        " code UNINDEXED, tokenize='porter unicode61')"
    )
    tantivy_folder.mkdir(parents=True, exist_ok=True)
    for old in tantivy_folder.iterdir():
        old.unlink()
    writer = tantivy.Index(tantivy_schema(), path=str(tantivy_folder)).writer(heap_size=200_000_000)
    for d in all_documents(folder):
        row = (d["title"], d["abstract"], "; ".join(d["authors"]), _year(d), d["upvotes"], int(d["has_code"]))
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", row)
        fields = dict(zip(("title", "abstract", "authors", "year", "upvotes", "code"), row, strict=True))
        writer.add_document(tantivy.Document(**fields))
    db.commit()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()
    partial.rename(fts5)
    writer.commit()
    writer.wait_merging_threads()
    (tantivy_folder / "complete").touch()
    return fts5, tantivy_folder


# -- timing ---------------------------------------------------------------------------------------------


Engine = Callable[[Query], int]


def readerapp_engine(lib: Library) -> Engine:
    return lambda q: len(lib.search(q.readerapp(), limit=LIMIT))


def fts5_engine(db: sqlite3.Connection) -> Engine:
    def run(q: Query) -> int:
        match, where, params = q.fts5()
        sql = f"SELECT rowid FROM docs WHERE docs MATCH ?{where} ORDER BY rank LIMIT {LIMIT}"
        return len(db.execute(sql, (match, *params)).fetchall())

    return run


def tantivy_engine(index: tantivy.Index) -> Engine:
    searcher = index.searcher()

    schema = index.schema

    def run(q: Query) -> int:
        if q.kind == "prefix":  # the parser's `word*` stems the prefix: expand it over the terms instead
            parsed = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.regex_query(schema, f, f"{q.words[0]}.*"))
                    for f in FIELDS
                ]
            )
        else:
            parsed = index.parse_query(q.tantivy(), FIELDS, conjunction_by_default=True)
        return len(searcher.search(parsed, LIMIT).hits)

    return run


ENGINES = ("readerapp", "FTS5", "tantivy")
FIELDS = ["title", "abstract", "authors"]


@dataclass(slots=True)
class Timings:
    """Per engine and kind: the milliseconds of each query, and how many hits each returned."""

    ms: dict[str, dict[str, list[float]]]
    cpu: dict[str, dict[str, list[float]]]  # the thread's CPU ms: the machine's run-queue waits left out
    hits: dict[str, dict[str, list[int]]]


def warm(engines: dict[str, Engine], queries: list[Query]) -> Timings:
    """Each query once on every engine, the engines taking turns (rotating who goes first)."""
    done = Timings(*({e: {k: [] for k in KINDS} for e in engines} for _ in range(3)))  # type: ignore[arg-type]
    order = list(engines)
    for n, query in enumerate(queries):
        for name in order[n % 3 :] + order[: n % 3]:
            start, cpu = time.perf_counter(), time.thread_time()
            found = engines[name](query)
            done.ms[name][query.kind].append((time.perf_counter() - start) * 1000)
            done.cpu[name][query.kind].append((time.thread_time() - cpu) * 1000)
            done.hits[name][query.kind].append(found)
    return done


COLD = {
    "readerapp": (
        "import sys\nfrom readerapp import Library\n"
        "with Library.open(sys.argv[1]) as lib:\n    lib.search(sys.argv[2], limit=50)\n"
    ),
    "FTS5": (
        "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n"
        "sql = 'SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 50'\n"
        "db.execute(sql, (sys.argv[2],)).fetchall()\n"
    ),
    "tantivy": (
        "import sys, tantivy\nindex = tantivy.Index.open(sys.argv[1])\n"
        "q = index.parse_query(sys.argv[2], ['title', 'abstract', 'authors'], conjunction_by_default=True)\n"
        "index.searcher().search(q, 50)\n"
    ),
}


def cold(
    where: dict[str, Path], queries: list[Query]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU ms of a new process answering one query, per engine (plain term and AND queries,
    which every engine writes alike)."""
    wall: dict[str, list[float]] = {e: [] for e in ENGINES}
    cpu: dict[str, list[float]] = {e: [] for e in ENGINES}
    for query in queries:
        for name in ENGINES:
            text = query.fts5()[0] if name == "FTS5" else query.readerapp()
            start, used = time.perf_counter(), _children_cpu()
            subprocess.run(
                [sys.executable, "-c", COLD[name], str(where[name]), text], check=True, env=ENV, timeout=600
            )
            wall[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((_children_cpu() - used) * 1000)
    return wall, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- the report -----------------------------------------------------------------------------------------


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def table(n: int, warm_run: Timings, cold_ms: dict[str, list[float]], cpu: bool = False) -> str:
    """The Markdown table of one size: percentiles per kind and over the whole mix, the p95 ratios, the
    mean number of hits per engine (a reference that found nothing would be fast for nothing), cold."""
    head = (
        "| kind | readerapp p50 / p95 / p99 | FTS5 p50 / p95 / p99 | tantivy p50 / p95 / p99 "
        "| p95 ÷ FTS5 | p95 ÷ tantivy | mean hits (of 50) |"
    )
    what = "CPU ms (of the searching thread; of the whole process cold)" if cpu else "wall ms"
    lines = [f"**{n:,} papers**, {what}", "", head, "|---|---|---|---|---|---|---|"]
    ms = warm_run.cpu if cpu else warm_run.ms
    for kind in (*KINDS, "whole mix"):
        kinds = KINDS if kind == "whole mix" else (kind,)
        row = {e: percentiles([t for k in kinds for t in ms[e][k]]) for e in ENGINES}
        hits = [statistics.mean(h for k in kinds for h in warm_run.hits[e][k]) for e in ENGINES]
        cells = [" / ".join(f"{v:.1f}" for v in row[e]) for e in ENGINES]
        ratios = [row["readerapp"][1] / row[e][1] for e in ("FTS5", "tantivy")]
        name = f"**{kind}**" if kind == "whole mix" else kind
        lines.append(
            f"| {name} | {' | '.join(cells)} | {ratios[0]:.1f}x | {ratios[1]:.1f}x "
            f"| {' / '.join(f'{h:.0f}' for h in hits)} |"
        )
    first = {e: statistics.median(cold_ms[e]) for e in ENGINES}
    lines.append(
        f"| cold: a new process's first query (p50 of {len(cold_ms['readerapp'])}) | "
        + " | ".join(f"{first[e]:.0f}" for e in ENGINES)
        + f" | {first['readerapp'] / first['FTS5']:.1f}x | {first['readerapp'] / first['tantivy']:.1f}x | |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 300_000])
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = time.time_ns() if args.seed is None else args.seed
    print(f"{machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; seed {seed}", flush=True)
    for n in args.sizes:
        rng = random.Random(f"{seed}-{n}")
        folder = library(n)
        fts5, tantivy_folder = reference_indexes(folder, n)
        where = {"readerapp": folder, "FTS5": fts5, "tantivy": tantivy_folder}
        docs = sample_documents(folder, rng, min(n, 2_000))
        queries = draw_queries(docs, rng, args.per_kind)
        warm_up = draw_queries(docs, random.Random(f"{seed}-{n}-warm-up"), 2)
        warm_up = [q for q in warm_up if q not in set(queries)]
        plain = [q for q in draw_queries(docs, rng, args.cold) if q.kind in ("term", "and")]
        plain = [q for q in plain if q not in set(queries)][: args.cold]
        cold_wall, cold_cpu = cold(where, plain)
        index = tantivy.Index.open(str(where["tantivy"]))
        with Library.open(folder) as lib, sqlite3.connect(where["FTS5"]) as db:
            engines = {
                "readerapp": readerapp_engine(lib),
                "FTS5": fts5_engine(db),
                "tantivy": tantivy_engine(index),
            }
            warm(engines, warm_up)
            warm_run = warm(engines, queries)
        print(table(n, warm_run, cold_wall), "\n", flush=True)
        print(table(n, warm_run, cold_cpu, cpu=True), "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
