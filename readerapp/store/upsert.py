"""Merge normalised records into the library: one paper per real paper, never a duplicate, and never
a change to what the user made.

A record matches an existing paper by arXiv id, else DOI, else normalised title (only when neither side
has a conflicting arXiv id), so a paper first seen without an id gains it when a later source has it.
Upstream metadata is updated; a less authoritative source only fills what is missing, and no source
replaces a value with one that knows less (``merge_rules``: a cut author list, a shorter abstract, a
year for a full date). What a library knows of its own papers (``PaperRecord.library``, from our
lossless JSON) makes a new paper as it was there (its local id, first-seen time, sample flag and PDF
path); a stored paper keeps its own, gaining only a PDF path when it has none, and stays a sample only
if both sides say so. Work is done in
batches with Core statements (bulk insert, bulk update by primary key) because an import of 100k papers
must run at thousands of papers a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from readerapp.cleaning import clean_record
from readerapp.records import (
    LISTS,
    METADATA,
    Annotations,
    DatePrecision,
    LibraryFields,
    PaperRecord,
    Skipped,
    record_name,
)
from readerapp.store.annotations import merge_annotations
from readerapp.store.bulk import bulk_insert
from readerapp.store.changes import log_changes
from readerapp.store.highlights import reanchor_highlights
from readerapp.store.identity import Authors
from readerapp.store.merge_rules import Standing, merged_date, merged_value, standing
from readerapp.store.models import Paper
from readerapp.store.queries import chunks
from readerapp.store.transactions import begin_write
from readerapp.store.types import utcnow
from readerapp.text import title_key

# Higher wins: a source only overrides metadata set by sources at most as authoritative as itself.
SOURCE_PRIORITY = {"arxiv": 6, "hf": 5, "arxiv-rss": 4, "json": 3, "jsonl": 3, "bibtex": 2, "page": 1}
# Fields only one source has (HF's counters): always taken when the record carries them.
_ALWAYS_FRESH = ("upvotes", "comments", "ai_summary", "ai_keywords", "withdrawn")
_DATED = ("published", "date_precision")  # merged together (``merge_rules.merged_date``)
# Columns a merge keeps current that say nothing new about the paper: the sample mark a synced sample
# paper loses, the sources that listed it. Written, but a paper they alone change is not "updated".
_BOOKKEEPING = frozenset({"is_sample", "sources"})
_IDENTITY = ("arxiv_id", "version", "doi")  # filled when missing, never overwritten (``_changes_for``)
# The rest of the metadata is merged field by field (``merge_rules.merged_value``).
_MERGED = tuple(name for name in METADATA if name not in (*_ALWAYS_FRESH, *_DATED, *_IDENTITY))
_COLUMNS = [c for c in Paper.__table__.columns]
BATCH_SIZE = 2000


@dataclass(slots=True)
class MergeReport:
    """What an import or sync did to the library, by public id."""

    fetched: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.fetched - len(self.new) - len(self.updated)


def new_local_ids(count: int) -> list[str]:
    """Stable ids for papers, valid whether or not they have (or later gain) an arXiv id.

    One call to the OS for the whole batch: a system call per paper is a tenth of an import's time.
    """
    hexed = os.urandom(6 * count).hex()
    return ["L" + hexed[12 * i : 12 * (i + 1)] for i in range(count)]


def _priority(source: str) -> int:
    return SOURCE_PRIORITY.get(source, 0)


def _identity_keys(record: PaperRecord) -> list[str]:
    keys = []
    if record.arxiv_id:
        keys.append("a:" + record.arxiv_id)
    if record.doi:
        keys.append("d:" + record.doi.lower())
    keys.append("t:" + title_key(record.title))
    return keys


def _combine(first: PaperRecord, later: PaperRecord) -> PaperRecord:
    """Two records of one paper inside one batch: the later fills or, if at least as authoritative,
    betters the first (the same rules as for a stored paper)."""
    stand = standing(later, _priority(later.source), _priority(first.source), first.version)
    merged = PaperRecord(**{f.name: getattr(first, f.name) for f in fields(PaperRecord)})
    for name in (name for name in METADATA if name not in _DATED):
        setattr(merged, name, merged_value(name, getattr(first, name), getattr(later, name), stand))
    published, precision = merged_date(
        (first.published, first.date_precision), (later.published, later.date_precision), stand
    )
    merged.published, merged.date_precision = published, cast(DatePrecision | None, precision)
    if later.annotations is not None:
        merged.annotations = later.annotations
    if later.library is not None:
        merged.library = later.library
    return merged


def _sources(record: PaperRecord) -> set[str]:
    """The record's source, and every source the exporting library had for the paper."""
    return {record.source, *(record.library.sources if record.library else ())}


def _is_sample(record: PaperRecord, sample: bool) -> bool:
    """A paper is a sample when the whole import is, or when the exporting library had it as one."""
    return sample or (record.library is not None and record.library.is_sample)


def dedupe_batch(records: Iterable[PaperRecord]) -> list[tuple[PaperRecord, set[str]]]:
    """Fold records of the same paper within one batch; keep each paper's set of sources."""
    groups: list[tuple[PaperRecord, set[str]]] = []
    by_key: dict[str, int] = {}
    for record in records:
        index = next((by_key[k] for k in _identity_keys(record) if k in by_key), None)
        if index is not None:
            kept = groups[index][0]
            if record.arxiv_id and kept.arxiv_id and record.arxiv_id != kept.arxiv_id:
                index = None  # same title, different papers
        if index is None:
            groups.append((record, _sources(record)))
            index = len(groups) - 1
        else:
            groups[index] = (_combine(groups[index][0], record), groups[index][1] | _sources(record))
        for key in _identity_keys(groups[index][0]):
            by_key.setdefault(key, index)
    return groups


def _load_candidates(session: Session, batch: Sequence[PaperRecord]) -> list[dict[str, Any]]:
    arxiv_ids = {r.arxiv_id for r in batch if r.arxiv_id}
    dois = {r.doi.lower() for r in batch if r.doi}
    keys = {title_key(r.title) for r in batch}
    rows: dict[int, dict[str, Any]] = {}
    for column, values in ((Paper.arxiv_id, arxiv_ids), (Paper.doi, dois), (Paper.title_key, keys)):
        if values:
            for row in session.execute(select(*_COLUMNS).where(column.in_(values))).mappings():
                rows[row["id"]] = dict(row)
    return list(rows.values())


def _find_match(record: PaperRecord, index: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    for key in _identity_keys(record):
        for row in index.get(key, ()):
            if key.startswith("a:"):
                return row
            if record.arxiv_id and row["arxiv_id"] and row["arxiv_id"] != record.arxiv_id:
                continue  # a DOI or title shared by two distinct arXiv papers
            return row
    return None


def _index_rows(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["arxiv_id"]:
            index.setdefault("a:" + row["arxiv_id"], []).append(row)
        if row["doi"]:
            index.setdefault("d:" + row["doi"], []).append(row)
        index.setdefault("t:" + row["title_key"], []).append(row)
    return index


def _value(record: PaperRecord, name: str) -> Any:
    """A record's field as its column holds it: lists copied, ``withdrawn`` a plain bool."""
    value = getattr(record, name)
    if name == "withdrawn":
        return bool(value)
    return list(value) if name in LISTS else value


def _changes_for(row: dict[str, Any], record: PaperRecord, sources: set[str], sample: bool) -> dict[str, Any]:
    """The column updates a record brings to a stored paper (empty: nothing new)."""
    changes: dict[str, Any] = {}
    best_stored = max((_priority(s) for s in row["sources"]), default=0)
    stand = standing(record, max(_priority(s) for s in sources), best_stored, row["version"])
    for name in _MERGED:
        kept = merged_value(name, row[name], getattr(record, name), stand)
        if kept != row[name]:
            changes[name] = kept
    _date_changes(row, record, stand, changes)
    for name in _ALWAYS_FRESH:
        new = _value(record, name)
        if getattr(record, name) is not None and new != row[name]:
            changes[name] = new
    if record.arxiv_id and not row["arxiv_id"]:
        changes["arxiv_id"] = record.arxiv_id
    if record.version and (row["version"] or 0) < record.version:
        changes["version"] = record.version
    if record.doi and not row["doi"]:
        changes["doi"] = record.doi.lower()
    if "title" in changes:
        changes["title_key"] = title_key(changes["title"])
    merged_sources = sorted(set(row["sources"]) | sources)
    if merged_sources != row["sources"]:
        changes["sources"] = merged_sources
    if row["is_sample"] and not _is_sample(record, sample):
        changes["is_sample"] = False
    kept = record.library
    if kept is not None and kept.pdf_path and not row["pdf_path"]:
        changes["pdf_path"], changes["pdf_sha256"] = kept.pdf_path, kept.pdf_sha256
    return changes


def _date_changes(row: dict[str, Any], record: PaperRecord, stand: Standing, changes: dict[str, Any]) -> None:
    """The publication date and its precision change together, or not at all."""
    published, precision = merged_date(
        (row["published"], row["date_precision"]), (record.published, record.date_precision), stand
    )
    if (published, precision) != (row["published"], row["date_precision"]):
        changes["published"], changes["date_precision"] = published, precision


def _new_row(record: PaperRecord, sources: set[str], sample: bool, now: datetime) -> dict[str, Any]:
    kept = record.library or LibraryFields()
    row = {name: _value(record, name) for name in METADATA}
    return {
        **row,
        "local_id": kept.local_id or "",  # checked or assigned per batch
        "doi": record.doi.lower() if record.doi else None,
        "title_key": title_key(record.title),
        "abstract": record.abstract or "",
        "upvotes": record.upvotes or 0,
        "comments": record.comments or 0,
        "sources": sorted(sources),
        "is_sample": _is_sample(record, sample),
        "first_seen": kept.first_seen or now,
        "metadata_updated": now,
        "revision": 1,
        "pdf_path": kept.pdf_path,
        "pdf_sha256": kept.pdf_sha256,
    }


def upsert_records(
    session: Session,
    records: Iterable[PaperRecord],
    *,
    user_id: int,
    sample: bool = False,
    progress: Callable[[int], None] | None = None,
) -> MergeReport:
    """Merge ``records`` into the library inside the caller's transaction.

    Every record is cleaned and capped first (``readerapp.cleaning``), whatever its source. A paper
    whose write fails (a value the database refuses) is rolled back alone and reported in ``skipped``;
    the rest of its batch is written in the same transaction.
    """
    report = MergeReport()
    begin_write(session)
    authors = Authors(session, user_id)
    report.skipped = authors.skipped  # a note by someone who is no member is reported as it is met
    batch: list[PaperRecord] = []
    for record in records:
        clean_record(record)
        if not record.title.strip():  # it had nothing but control characters
            report.fetched += 1
            report.skipped.append(Skipped(record_name(record), "no title left once cleaned"))
            continue
        batch.append(record)
        if len(batch) >= BATCH_SIZE:
            _upsert_batch(session, batch, authors, sample, report)
            batch = []
            if progress:
                progress(report.fetched)
    if batch:
        _upsert_batch(session, batch, authors, sample, report)
        if progress:
            progress(report.fetched)
    return report


# What a database raises for one paper's values (out of range, too long, a clash, text it cannot
# encode): that paper is skipped. Anything else (a full disk, a lost server) still fails the whole merge.
_ITEM_ERRORS = (DataError, IntegrityError, ValueError, OverflowError)


def _upsert_batch(
    session: Session, batch: list[PaperRecord], authors: Authors, sample: bool, report: MergeReport
) -> None:
    """Write the batch in one savepoint; if the database refuses a value, write its papers one savepoint
    each, so only the papers it refuses are left out (one bad paper never sinks a day)."""
    report.fetched += len(batch)
    groups = dedupe_batch(batch)
    try:
        with session.begin_nested():
            done = _upsert_groups(session, groups, authors, sample)
    except _ITEM_ERRORS:
        done = MergeReport()
        for group in groups:
            try:
                with session.begin_nested():
                    one = _upsert_groups(session, [group], authors, sample)
            except _ITEM_ERRORS as exc:
                done.skipped.append(Skipped(record_name(group[0]), _reason(exc)))
            else:
                done.new += one.new
                done.updated += one.updated
    report.new += done.new
    report.updated += done.updated
    report.skipped += done.skipped


def _reason(exc: Exception) -> str:
    """The database's own one-line reason, without SQLAlchemy's statement and parameters."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"the database refused it: {lines[0][:200] if lines else type(cause).__name__}"


def _upsert_groups(
    session: Session, groups: list[tuple[PaperRecord, set[str]]], authors: Authors, sample: bool
) -> MergeReport:
    report = MergeReport()
    now = utcnow()
    index = _index_rows(_load_candidates(session, [g[0] for g in groups]))
    inserts: list[dict[str, Any]] = []
    insert_annotations: list[Annotations | None] = []
    updates: list[dict[str, Any]] = []
    touched: list[str] = []
    annotated: list[tuple[int, Annotations]] = []
    reanchor: list[int] = []
    for record, sources in groups:
        row = _find_match(record, index)
        if row is None:
            new = _new_row(record, sources, sample, now)
            inserts.append(new)
            insert_annotations.append(record.annotations)
            placeholder = {"id": None, "arxiv_id": record.arxiv_id}  # all _find_match reads
            for key in _identity_keys(record):  # a later group in this batch may be the same paper
                index.setdefault(key, []).append(placeholder)
            continue
        if row["id"] is None:  # matched a paper inserted earlier in this batch: nothing stored yet
            continue
        changes = _changes_for(row, record, sources, sample)
        if changes:
            real = bool(changes.keys() - _BOOKKEEPING)
            changes |= {"id": row["id"], "revision": row["revision"] + 1}
            if real:
                changes["metadata_updated"] = now
            updates.append(changes)
            public_id = changes.get("arxiv_id") or row["arxiv_id"] or row["local_id"]
            if "arxiv_id" in changes:
                touched.append(row["local_id"])  # the old public id leaves the index
            touched.append(public_id)
            if real:
                report.updated.append(public_id)
            if "abstract" in changes or "title" in changes:
                reanchor.append(row["id"])
            row.update(changes)
        if record.annotations is not None:
            annotated.append((row["id"], record.annotations))
    if inserts:
        # Plain executemany, then one lookup by our own local ids: RETURNING with ordered
        # parameters makes SQLite insert row by row, which is ten times slower.
        _assign_local_ids(session, inserts)
        bulk_insert(session, Paper.__table__, inserts)
        by_local: dict[str, tuple[int, str | None]] = {}
        local_ids = [row["local_id"] for row in inserts]
        for start in range(0, len(local_ids), 900):
            chunk = local_ids[start : start + 900]
            for paper_id, arxiv_id, local_id in session.execute(
                select(Paper.id, Paper.arxiv_id, Paper.local_id).where(Paper.local_id.in_(chunk))
            ):
                by_local[local_id] = (paper_id, arxiv_id)
        for row, annotations in zip(inserts, insert_annotations, strict=True):
            paper_id, arxiv_id = by_local[row["local_id"]]
            public_id = arxiv_id or row["local_id"]
            touched.append(public_id)
            report.new.append(public_id)
            if annotations is not None:
                annotated.append((paper_id, annotations))
    if updates:
        session.execute(update(Paper), updates)
    if reanchor:
        reanchor_highlights(session, reanchor)
    for paper_id, annotations in annotated:
        if merge_annotations(session, paper_id, authors, annotations):
            touched.append(_public_id(session, paper_id))
    log_changes(session, touched)
    return report


def _assign_local_ids(session: Session, inserts: list[dict[str, Any]]) -> None:
    """A new row keeps the local id its record brought (a restored paper keeps its public id) unless
    the library or an earlier row has it already; every other row gets a fresh one."""
    wanted = [row["local_id"] for row in inserts if row["local_id"]]
    taken: set[str] = set()
    for chunk in chunks(wanted):
        taken.update(session.scalars(select(Paper.local_id).where(Paper.local_id.in_(chunk))))
    fresh = iter(new_local_ids(len(inserts)))
    for row in inserts:
        if not row["local_id"] or row["local_id"] in taken:
            row["local_id"] = next(fresh)
        taken.add(row["local_id"])


def _public_id(session: Session, paper_id: int) -> str:
    arxiv_id, local_id = session.execute(
        select(Paper.arxiv_id, Paper.local_id).where(Paper.id == paper_id)
    ).one()
    return str(arxiv_id or local_id)
