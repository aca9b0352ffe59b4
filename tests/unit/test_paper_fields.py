"""One field list for a paper (``records.METADATA``, the fields of ``PaperRecord``): every layer's paper
type declares it, and every field travels from a record through the lossless JSON and the store into the
Library's view, so a field added to the record cannot be lost by a layer that spells its own list."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args, get_type_hints

from readerapp.api import Library
from readerapp.formats.readerapp_json import dump_readerapp_json, paper_from_json, paper_to_json
from readerapp.paper import Paper
from readerapp.records import METADATA, STATES, PaperRecord
from readerapp.store.models import Paper as PaperRow


def _every_field_set() -> PaperRecord:
    """A record whose every metadata field holds a value of its own (none left at its default)."""
    values: dict[str, Any] = {}
    for name, hint in get_type_hints(PaperRecord).items():
        if name not in METADATA:
            continue
        kinds = {hint, *get_args(hint)}
        if list[str] in kinds:
            values[name] = [f"{name} one", f"{name} two"]
        elif int in kinds:
            values[name] = 7
        elif bool in kinds:
            values[name] = True
        elif datetime in kinds:
            values[name] = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
        elif date in kinds:
            values[name] = date(2024, 5, 7)
        else:
            values[name] = f"{name} text"
    values.update(arxiv_id="2405.01234", version=2, doi="10.1000/fields", categories=["cs.LG", "cs.CL"],
                  primary_category="cs.LG", date_precision="month")  # fmt: skip
    return PaperRecord(source="json", **values)


def test_every_layer_declares_the_metadata() -> None:
    view_fields = {f.name for f in dataclasses.fields(Paper)}
    assert [name for name in METADATA if name not in view_fields] == []
    assert [name for name in METADATA if name not in PaperRow.__table__.columns] == []


def test_the_view_state_is_one_of_the_states() -> None:
    assert set(get_args(get_type_hints(Paper)["state"])) == set(STATES)


def test_every_field_survives_the_lossless_json() -> None:
    record = _every_field_set()
    written = paper_to_json(record)
    assert list(written) == ["source", *METADATA]
    assert paper_from_json(json.loads(json.dumps(written))) == record


def test_every_field_reaches_the_library_view(tmp_path: Path) -> None:
    record = _every_field_set()
    source = tmp_path / "one.json"
    source.write_text(json.dumps(dump_readerapp_json([record], [], [])), "utf-8")
    with Library.open(tmp_path / "lib") as library:
        library.import_file(source)
        paper = library.get("2405.01234")
    expected = dataclasses.asdict(record)
    assert {name: getattr(paper, name) for name in METADATA} == {name: expected[name] for name in METADATA}
