"""JSON Lines: one paper object per line, as scripts and other tools like to write them.

Each line may be an HF item, an HF paper object or one of our own paper objects, so a user can
concatenate whatever they collected. A line that is not a paper is skipped and reported by number
(with a ``skipped`` list) or refuses the whole file (without one); a file cut off is refused whole.
"""

from __future__ import annotations

from readerapp.errors import FormatError
from readerapp.formats.decoding import bad_byte
from readerapp.formats.hf_json import hf_object_to_record, is_hf_item, is_hf_paper
from readerapp.formats.items import read_each
from readerapp.formats.jsonfields import load_json
from readerapp.formats.readerapp_json import is_readerapp_paper, paper_from_json
from readerapp.records import PaperRecord, Skipped


def parse_jsonl(text: str, skipped: list[Skipped] | None = None) -> list[PaperRecord]:
    """One record per non-blank line; a line that is not a paper is named by its number. A file that
    ends inside a line of broken JSON (no final newline) was cut off: it is refused whole."""
    lines = [(f"line {n}", line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if lines and not text.endswith(("\n", "\r")):
        load_json(lines[-1][1], lines[-1][0])
    return read_each(lines, _line_record, lambda _line: None, skipped)


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
