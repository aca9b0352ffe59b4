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


def _screenshot(mode: str, library: Path, shot: Path) -> None:
    """Run the driver's ``mode`` in a real X display (not offscreen); it must save a real picture."""
    env = {**os.environ, "READERAPP_SYNC_ON_START": "never", "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, str(DRIVER), mode, str(library), str(shot)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 10_000


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_triage_keys_in_a_real_window(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    env = {**os.environ, "READERAPP_SYNC_ON_START": "never", "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)  # a real X display, not offscreen
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, str(DRIVER), "triage", str(library)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
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
    _screenshot("shared", tmp_path / "lib", tmp_path / "shared.png")
    with Library.open(tmp_path / "lib", user="ada") as lib:
        paper = lib.get(lib.list_ids(state="inbox")[0])
        assert [author for author, _ in paper.other_notes] == ["bob"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_the_first_launch_in_a_real_window(tmp_path: Path) -> None:
    """What docs/screenshots/first-launch.png shows: an empty library's first window, the welcome line
    above the sample papers."""
    _screenshot("first-launch", tmp_path / "lib", tmp_path / "first-launch.png")
    with Library.open(tmp_path / "lib") as lib:
        assert lib.counts()["all"] == 43 and all(p.is_sample for p in lib.list())
