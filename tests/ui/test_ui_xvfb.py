"""The issue's acceptance run: the real app in a real X window (Xvfb), driven by keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readerapp import Library

DRIVER = Path(__file__).with_name("xvfb_drive.py")
ROOT = Path(__file__).resolve().parents[2]


def drive(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the driver in a real X display (not offscreen) on a library that never syncs by itself."""
    env = {**os.environ, "READERAPP_SYNC_ON_START": "never", "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(["xvfb-run", "-a", sys.executable, str(DRIVER), *args],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_triage_keys_in_a_real_window(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    drive("triage", str(library))
    with Library.open(library) as lib:
        archived = lib.list(state="archived")
        assert len(archived) == 1 and archived[0].starred
        assert lib.list(state="reading") == []
        tagged = lib.list(tag="gui-test")
        assert len(tagged) == 1 and tagged[0].state == "inbox"
        assert lib.counts()["all"] == 43, "the first launch imported the sample day"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_a_colleagues_note_in_a_real_window(tmp_path: Path) -> None:
    """What docs/screenshots/shared-notes.png shows: the app run as ada over a library bob wrote in."""
    shot = tmp_path / "shared.png"
    drive("shared", str(tmp_path / "lib"), str(shot))
    assert shot.stat().st_size > 10_000
    with Library.open(tmp_path / "lib", user="ada") as lib:
        paper = lib.get(lib.list_ids(state="inbox")[0])
        assert [author for author, _ in paper.other_notes] == ["bob"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_pdf_highlights_by_keys_in_a_real_window(tmp_path: Path) -> None:
    """What docs/screenshots/pdf-highlights.png shows: / finds and h highlights, v selects a sentence and
    h highlights it with a comment, a pins a note (issue 16); the library holds them."""
    shot = tmp_path / "pdf.png"
    env = {**os.environ, "READERAPP_SYNC_ON_START": "never", "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, str(DRIVER.with_name("xvfb_pdf_drive.py")), str(tmp_path / "lib"),
         str(shot)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    with Library.open(tmp_path / "lib") as lib:
        marks = lib.pdf_highlights(lib.list_ids(state="inbox")[0])
    sentence = "A generated paper Attention layers mix tokens; the residual stream carries them between"
    assert [(m.page, m.kind, m.text, m.comment, m.color) for m in marks] == [
        (1, "highlight", sentence + " blocks.", "the claim to check", "green"),
        (1, "note", "", "compare with figure 3", "green"),
        (3, "highlight", "quokkasphere", None, "green"),
    ]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_m_lists_similar_papers_in_a_real_window(tmp_path: Path) -> None:
    """What docs/screenshots/similar.png shows: m on the first paper lists its neighbours."""
    shot = tmp_path / "similar.png"
    done = drive("similar", str(tmp_path / "lib"), str(shot))
    assert shot.stat().st_size > 10_000
    view, *shown = done.stdout.split()
    assert view == "similar:2402.13352"
    with Library.open(tmp_path / "lib") as lib:
        assert shown == [hit.id for hit in lib.similar("2402.13352", limit=50)][:5]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_the_first_launch_in_a_real_window(tmp_path: Path) -> None:
    """What docs/screenshots/first-launch.png shows: an empty library's first window, the welcome line
    above the sample papers."""
    shot = tmp_path / "first-launch.png"
    drive("first-launch", str(tmp_path / "lib"), str(shot))
    assert shot.stat().st_size > 10_000
    with Library.open(tmp_path / "lib") as lib:
        assert lib.counts()["all"] == 43 and all(p.is_sample for p in lib.list())
