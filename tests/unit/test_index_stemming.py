"""One stem per word family (Snowball), in the index and the query alike; an index built with the
old stemmer is rebuilt on first use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY

from readerapp.api import Library
from readerapp.index.analysis import stem
from readerapp.index.search_index import META_FILE, SCHEMA_VERSION

DETECTED = "2303.11156"


@pytest.mark.parametrize(
    "family",
    [
        ("generate", "generated", "generates", "generating", "generation", "generative"),
        ("detector", "detectors"),
        ("llm", "llms"),  # an acronym's plural: Snowball alone keeps the s of a vowelless word
        ("cnn", "cnns"),
        ("policy", "policies"),
    ],
)
def test_a_word_family_has_one_stem(family: tuple[str, ...]) -> None:
    assert len({stem(word) for word in family}) == 1


def test_a_query_word_finds_the_other_members_of_its_family(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_file(FIXTURE_DAY)
        library.set_note(DETECTED, "Generated text is hard to catch.")
        assert DETECTED in {h.id for h in library.search("note:generate")}
        assert DETECTED in {h.id for h in library.search("note:generation")}


def test_an_index_built_with_the_old_stemmer_is_rebuilt(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_file(FIXTURE_DAY)
        library.search("detected")
    meta = tmp_path / "lib" / "index" / META_FILE
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "schema": 1}), encoding="utf-8")
    with Library.open(tmp_path / "lib") as library:
        assert [h.id for h in library.search("reliably detected")][:1] == [DETECTED]
    assert json.loads(meta.read_text())["schema"] == SCHEMA_VERSION == 3
