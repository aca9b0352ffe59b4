"""JSON Lines: one paper object per line, as scripts and other tools like to write them.

Each line may be an HF item, an HF paper object or one of our own paper objects, so a user can
concatenate whatever they collected. A line that is not a paper is skipped and reported by number
(with a ``skipped`` list) or refuses the whole file (without one); a file cut off is refused whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from readerapp.errors import FormatError
from readerapp.formats.decoding import bad_byte
from readerapp.formats.hf_json import hf_object_to_record, is_hf_item, is_hf_paper
from readerapp.formats.items import iter_each
from readerapp.formats.jsonfields import load_json
from readerapp.formats.readerapp_json import is_readerapp_paper, paper_from_json
from readerapp.records import PaperRecord, Skipped


def parse_jsonl(text: str, skipped: list[Skipped] | None = None) -> list[PaperRecord]:
    """One record per non-blank line; a line that is not a paper is named by its number. A file that
    ends inside a line of broken JSON (no final newline) was cut off: it is refused whole."""
    return list(read_jsonl(text.splitlines(keepends=True), skipped))


def read_jsonl(lines: Iterable[str], skipped: list[Skipped] | None) -> Iterator[PaperRecord]:
    """``parse_jsonl`` one line at a time, for a big file read as it is merged: ``lines`` are the
    text's lines with their ends (``str.splitlines(keepends=True)``). Whether the file was cut off is
    known only at its end, so that error comes after the records read before it."""
    last: tuple[str, str] | None = None  # the last non-blank line
    ended = True  # whether the text ends a line

    def numbered() -> Iterator[tuple[str, str]]:
        nonlocal last, ended
        for n, line in enumerate(lines, start=1):
            ended = line.endswith(("\n", "\r"))
            if line.strip():
                last = (f"line {n}", line.splitlines()[0])
                yield last

    yield from iter_each(numbered(), _line_record, lambda _line: None, skipped)
    if last is not None and not ended:
        load_json(last[1], last[0])


def _line_record(line: str, where: str) -> PaperRecord:
    column = bad_byte(line)
    if column is not None:
        raise FormatError(f"{where}: not UTF-8 (a bad byte at column {column + 1})")
    obj = load_json(line, where)
    if is_readerapp_paper(obj):
        return paper_from_json(obj, where)
    if is_hf_item(obj) or is_hf_paper(obj):
        return hf_object_to_record(obj, where)
    raise FormatError(f"{where}: not a paper (an HF item, an HF paper or a readerapp paper object)")
