"""JSON Lines: one paper object per line, as scripts and other tools like to write them.

Each line may be an HF item, an HF paper object or one of our own paper objects, so a user can
concatenate whatever they collected; the first bad line refuses the whole file, by number.
"""

from __future__ import annotations

from readerapp.errors import FormatError
from readerapp.formats.hf_json import hf_object_to_record, is_hf_item, is_hf_paper
from readerapp.formats.jsonfields import load_json
from readerapp.formats.readerapp_json import is_readerapp_paper, paper_from_json
from readerapp.records import PaperRecord


def parse_jsonl(text: str) -> list[PaperRecord]:
    """One record per non-blank line; FormatError names the first line that is not a paper."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        obj = load_json(line, where)
        if is_readerapp_paper(obj):
            records.append(paper_from_json(obj, where))
        elif is_hf_item(obj) or is_hf_paper(obj):
            records.append(hf_object_to_record(obj, where))
        else:
            raise FormatError(f"{where}: not a paper (an HF item, an HF paper or a readerapp paper object)")
    return records
