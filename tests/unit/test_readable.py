"""LaTeX in titles and abstracts shown as readable text (issue 14 item 5), with each shown character
mapped back to the stored ones so highlights keep their offsets in the stored abstract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readerapp.readable import readable, readable_text

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample_feed.json"


@pytest.mark.parametrize(("raw", "shown"), [
    ("and to diffusion models when D{to}infty. The", "and to diffusion models when D→∞. The"),
    ("(D{to} infty) to any finite D", "(D→ ∞) to any finite D"),
    ("on CIFAR-10/FFHQ 64{times}64 datasets", "on CIFAR-10/FFHQ 64×64 datasets"),
    ("This shortage of `useful' quantum benchmarks", "This shortage of ‘useful’ quantum benchmarks"),
    ("whether or not it is ``safe'' to evict", "whether or not it is “safe” to evict"),
    (r"Uzna\'{n}ski, ICALP 2018", "Uznański, ICALP 2018"),
    (r"$\mathcal{O}(n \log n)$ time and \emph{very} good", "𝒪(n log n) time and very good"),
    (r"{GAN}s beat {VAE}s", "GANs beat VAEs"),
])
def test_latex_reads_as_text(raw: str, shown: str) -> None:
    assert readable_text(raw) == shown
    assert readable(raw).text == shown


@pytest.mark.parametrize("prose", [
    "We cut errors by 50% of the baseline & keep ~3x speed.",  # % is no comment, & and ~ are themselves
    "A plain abstract: nothing to convert, don't change it.",
    "Obig(n) where big is a word, not a macro; alpha and beta stay words.",
])
def test_prose_that_only_looks_like_latex_stays_as_typed(prose: str) -> None:
    assert readable_text(prose) == prose


def test_the_sample_day_shows_no_raw_latex_marks() -> None:
    items = json.loads(SAMPLE.read_text("utf-8"))
    shown = " ".join(readable_text(item["paper"]["summary"]) for item in items)
    for mark in ("{to}", "infty", "{times}", "`useful'", "``safe''"):
        assert mark not in shown


def test_a_shown_span_maps_back_to_the_stored_characters_it_came_from() -> None:
    raw = r"as $D\to\infty$ we recover diffusion, `useful' {GAN}s"
    view = readable(raw)
    assert view.text == "as D→∞ we recover diffusion, ‘useful’ GANs"
    start = view.text.index("D→∞")
    assert raw[slice(*view.to_raw(start, start + 3))] == r"$D\to\infty$"
    start = view.text.index("recover")
    assert raw[slice(*view.to_raw(start, start + 7))] == "recover"
    assert view.from_raw(raw.index("recover"), raw.index("recover") + 7) == (start, start + 7)
    start = view.text.index("GANs")
    assert raw[slice(*view.to_raw(start, start + 4))] == "{GAN}s"


@given(st.lists(st.sampled_from([*"ab $\\{}`'-%&~to", "infty", "{to}", "\\to", "``"]), max_size=20))
def test_the_map_is_ordered_and_covers_the_stored_text(pieces: list[str]) -> None:
    raw = "".join(pieces)
    view = readable(raw)
    assert len(view.starts) == len(view.ends) == len(view.text)
    assert list(view.starts) == sorted(view.starts) and list(view.ends) == sorted(view.ends)
    assert all(0 <= s < e <= len(raw) for s, e in zip(view.starts, view.ends, strict=True))
    for start in range(len(view.text)):
        for end in range(start + 1, len(view.text) + 1):
            raw_start, raw_end = view.to_raw(start, end)
            back = view.from_raw(raw_start, raw_end)
            assert back is not None and back[0] <= start and back[1] >= end


def test_an_input_macro_in_an_abstract_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("do not show")
    assert "do not show" not in readable_text(rf"see \input{{{secret}}} and \include{{{secret}}}")
