"""The synthetic library generator the benchmarks rely on: deterministic, realistic, valid items."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from readerapp.formats.hf_json import parse_hf_json

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return list(synth.generate_items(3_000, seed=1))


def test_same_seed_same_library_other_seed_other_library(items: list[dict]) -> None:
    assert list(synth.generate_items(200, seed=1)) == items[:200]
    assert list(synth.generate_items(200, seed=2)) != items[:200]


def test_ids_are_unique_new_style_arxiv_ids(items: list[dict]) -> None:
    ids = [i["paper"]["id"] for i in items]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"(19|2[0-6])(0[1-9]|1[0-2])\.\d{5}", i) for i in ids)


def test_shape_is_realistic(items: list[dict]) -> None:
    papers = [i["paper"] for i in items]
    assert all(1 <= len(p["authors"]) <= 12 for p in papers)
    assert 0.3 < sum("githubRepo" in p for p in papers) / len(papers) < 0.5
    years = Counter(p["publishedAt"][:4] for p in papers)
    assert set(years) == {str(y) for y in range(2019, 2027)}
    words = Counter(w for p in papers for w in p["summary"].lower().split())
    top = [w for w, _ in words.most_common(3)]
    assert "the" in top and len(words) > 5_000, "a few very common words and a long tail"
    assert sum(p["summary"].count("large language models") > 0 for p in papers) > 30, "phrases recur"


def test_items_parse_as_daily_papers(items: list[dict]) -> None:
    records = parse_hf_json(items[:300])
    assert len(records) == 300 and all(r.arxiv_id and r.title and r.abstract for r in records)


def test_cli_writes_one_json_array(tmp_path: Path) -> None:
    out = tmp_path / "lib.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "50", str(out)], check=True)
    assert [i["paper"]["id"] for i in json.loads(out.read_text())] == [
        i["paper"]["id"] for i in synth.generate_items(50)
    ]
