"""A big JSON array or JSON Lines import is read as it is merged (issue 12, finding 4): memory stays
bounded whatever the file's size, and a streamed file reads, skips and refuses as one read whole does."""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from readerapp import Library
from readerapp.errors import FormatError
from readerapp.formats import sniff
from readerapp.formats.sniff import read_import_file
from readerapp.formats.streaming import STREAM_FROM
from readerapp.records import Skipped
from readerapp.store.models import SyncRun

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HF_DAY = "hf_daily_papers_2025-09-16.json"
JSONL = "jsonl_papers.jsonl"


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib") as library:
        yield library


@pytest.fixture
def stream_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream even the small files of these tests, as a file of ``STREAM_FROM`` bytes or more is."""
    monkeypatch.setattr(sniff, "STREAM_FROM", 0)


def _items(count: int) -> Iterator[dict[str, object]]:
    """Daily Papers items of about 2.5 KB each (a long abstract), every one a different paper."""
    words = ["sparse", "attention", "scales", "linearly", "with", "the", "length", "of", "the", "window"]
    for n in range(count):
        summary = " ".join(words[(n + i) % len(words)] for i in range(350))
        yield {
            "paper": {
                "id": f"{2401 + n // 90000}.{n % 90000:05d}",
                "title": f"Paper number {n}: {' '.join(words[n % 5 : n % 5 + 4])}",
                "summary": summary,
                "authors": [{"name": "Ann Bee"}, {"name": f"Cy Dee {n}"}],
                "upvotes": n % 100,
            },
            "numComments": 1,
        }


def _write_array(path: Path, items: Iterator[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n")
    return path


def _peak(work: Callable[[], object]) -> int:
    """The most memory Python held at once while ``work`` ran (what it allocated, not the RSS)."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = _write_array(tmp_path_factory.mktemp("big") / "big.json", _items(10_000))
    assert path.stat().st_size > STREAM_FROM  # 23 MB
    return path


def test_a_big_json_file_is_read_one_item_at_a_time(big_file: Path) -> None:
    imported = read_import_file(big_file)
    assert not isinstance(imported.records, list)  # records come as the file is read
    read: list[int] = []
    peak = _peak(lambda: read.append(sum(1 for _record in imported.records)))
    assert read == [10_000] and imported.skipped == []
    # decoded whole, the file alone took several times its size; read item by item, about one item
    assert peak < big_file.stat().st_size // 20, f"peak {peak / 2**20:.1f} MB"


def test_a_big_json_import_is_merged_as_it_is_read(lib: Library, big_file: Path) -> None:
    lib.search("warm")  # the search index's modules loaded: what is measured is the import's data
    reports = []
    peak = _peak(lambda: reports.append(lib.import_file(big_file)))
    assert (len(reports[0].new), reports[0].skipped) == (10_000, [])
    assert lib.get("2401.09999").authors == ["Ann Bee", "Cy Dee 9999"]
    # what stays is one batch of the merge and the list of new ids, then a few batches of documents
    # on their way to the index's build processes: under the file's size (the merge alone: 3/4 of it)
    assert peak < big_file.stat().st_size, f"peak {peak / 2**20:.1f} MB"


@pytest.mark.usefixtures("stream_all")
@pytest.mark.parametrize("name", [HF_DAY, JSONL])
def test_a_streamed_file_reads_what_a_whole_read_does(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed = read_import_file(FIXTURES / name)
    assert not isinstance(streamed.records, list)
    monkeypatch.setattr(sniff, "STREAM_FROM", 2**62)
    whole = read_import_file(FIXTURES / name)
    assert isinstance(whole.records, list) and whole.records
    assert list(streamed.records) == whole.records


@pytest.mark.usefixtures("stream_all")
@pytest.mark.parametrize(
    ("name", "cut", "message"),
    [
        (HF_DAY, 0.5, r"item \d+: JSON cut off before the end$"),
        (HF_DAY, 0.999, r"item 42: JSON cut off before the end$"),
        (JSONL, 0.3, r"line 1: JSON cut off before the end$"),
        (JSONL, 0.95, r"line 4: JSON cut off before the end$"),
    ],
)
def test_a_streamed_file_cut_off_is_refused_naming_the_file(
    tmp_path: Path, name: str, cut: float, message: str
) -> None:
    content = (FIXTURES / name).read_bytes()
    path = tmp_path / "import.dat"
    path.write_bytes(content[: int(len(content) * cut)])
    with pytest.raises(FormatError, match=message) as caught:
        list(read_import_file(path).records)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and "\n" not in text and text.count(str(path)) == 1


@pytest.mark.usefixtures("stream_all")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2, 3]", r"no paper could be read \(item 0: expected an object, found a number\)$"),
        (b'[{"paper": {"id": "2401.01234", "title": 5}}]', r"read \(2401.01234: 'title' is a number"),
        (b'[{"paper": {"id": "2401.01234", "title": "T"}}] trailing', r"not valid JSON \(parse error"),
        (b'[{"paper": {"id": "2401.01234", "title": "T"}}, {oops}]', r"item 1: not valid JSON \(lexical"),
        (b'{"hello": 1}\n{"paper": {}}\n', r"no paper could be read \(line 1: not a paper"),
    ],
)
def test_a_streamed_file_that_is_wrong_is_refused_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "import.dat"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=message) as caught:
        list(read_import_file(path).records)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.usefixtures("stream_all")
def test_a_streamed_file_keeps_its_good_items_and_names_the_bad_ones(lib: Library, tmp_path: Path) -> None:
    items = list(_items(4))
    del items[1]["paper"]["title"]  # type: ignore[attr-defined]
    items[2] = {"paper": {"id": "2401.00002", "title": ["not", "text"]}}
    path = _write_array(tmp_path / "day.json", iter(items))

    report = lib.import_file(path)

    assert sorted(report.new) == ["2401.00000", "2401.00003"]
    assert report.skipped == [
        Skipped("2401.00001", "'title' is missing"),
        Skipped("2401.00002", "'title' is a list, expected a string"),
    ]
    assert report.fetched == 4


@pytest.mark.usefixtures("stream_all")
def test_a_streamed_file_that_fails_midway_changes_nothing(lib: Library, tmp_path: Path) -> None:
    good = _write_array(tmp_path / "good.json", _items(5))
    broken = tmp_path / "broken.json"
    broken.write_bytes(good.read_bytes().replace(b'"numComments": 1}\n]', b'"numComments": 1'))

    cut_off = rf"^{re.escape(str(broken))}: item 4: JSON cut off before the end$"
    with pytest.raises(FormatError, match=cut_off):
        lib.import_file(broken)

    assert lib.counts()["all"] == 0  # the first four items were merged, then rolled back
    with lib.db.session() as session:
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).one()
        assert (run.status, run.new) == ("failed", 0) and "cut off" in (run.error or "")
    assert len(lib.import_file(good).new) == 5


@pytest.mark.usefixtures("stream_all")
def test_a_file_in_a_legacy_encoding_is_still_read_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = [{"paper": {"id": "2401.01234", "title": "Caf\u00e9 \u2013 na\u00efve"}}]
    path = tmp_path / "old.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("cp1252"))
    imported = read_import_file(path)
    assert isinstance(imported.records, list) and imported.records[0].title == "Café – naïve"
    assert "Windows-1252" in caplog.text
