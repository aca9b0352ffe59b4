"""The bundle's pieces that can be checked without building it: the smoke script and its quit hook
(run against ``python -m readerapp``), the desktop entry, the icons and the files the spec must carry."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
DESKTOP_FILE = ROOT / "resources" / "readerapp.desktop"


def _load(name: str) -> ModuleType:
    """A script from packaging/ (a folder of scripts, not a package: its name belongs to PyPI's)."""
    path = ROOT / "packaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"readerapp_packaging_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


smoke = _load("smoke")
render_icons = _load("render_icons")


def test_window_shows_the_sample_and_quits_by_itself(tmp_path: Path) -> None:
    result = smoke.Smoke([sys.executable, "-m", "readerapp"], tmp_path).window()
    assert result == "window shown, view inbox with 43 papers, icon in 8 sizes"


def test_version_and_migrations_from_the_checkout(tmp_path: Path) -> None:
    runner = smoke.Smoke([sys.executable, "-m", "readerapp"], tmp_path)
    assert runner.version().startswith("readerapp ")
    assert runner.import_and_list() == "43 papers imported, listed, doctor passes"
    assert runner.bundled_files() == "not a bundle: nothing to compare"
    assert runner.libraries() == "not a bundle: nothing to resolve"


def test_a_failing_or_missing_program_is_a_failed_step(tmp_path: Path) -> None:
    failing = smoke.Smoke([sys.executable, "-c", "import sys; sys.exit('broken')"], tmp_path)
    with pytest.raises(smoke.SmokeFailure, match="exit 1\nbroken"):
        failing.version()
    with pytest.raises(smoke.SmokeFailure, match="cannot run"):
        smoke.Smoke([str(tmp_path / "no-such-program")], tmp_path).version()


def test_smoke_report_counts_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert smoke.main([str(tmp_path / "no-such-program")]) == 1
    out = capsys.readouterr().out
    assert "FAIL version: cannot run" in out
    assert re.search(r"^bundle smoke: \d passed, [4-7] failed$", out, re.MULTILINE)  # bundle-only checks pass


def test_many_papers_have_distinct_ids() -> None:
    entries = smoke.many_papers(100)
    assert len({entry["paper"]["id"] for entry in entries}) == 100


def test_migration_folder_holds_only_what_the_spec_bundles() -> None:
    """build.spec copies env.py, script.py.mako and versions/*.py: a new kind of file needs a new line."""
    prefix = "readerapp/store/migrations/"
    files = {name.removeprefix(prefix) for name in smoke._files(ROOT / prefix)}
    others = {f for f in files if f not in ("env.py", "script.py.mako") and not f.startswith("versions/")}
    assert not others
    assert all(f.endswith(".py") for f in files if f.startswith("versions/"))


def test_desktop_entry_names_the_command_and_the_icon() -> None:
    entry = dict(
        line.split("=", 1) for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    assert entry["Exec"].split()[0] == "readerapp"
    assert entry["Icon"] == "readerapp"
    assert (ROOT / "resources" / "icons" / "hicolor" / "scalable" / "apps" / "readerapp.svg").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""  # not even a hint


@pytest.mark.parametrize("size", render_icons.SIZES)
def test_icon_rendered_at_every_size(size: int) -> None:
    image = QImage(str(render_icons.png_path(size)))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(size // 2, size // 2).alpha() == 255  # the tile, not a blank square


@pytest.mark.parametrize("placed", ["inside the bundle", "in the checkout"])
def test_install_desktop_points_the_menu_entry_at_the_bundle(tmp_path: Path, placed: str) -> None:
    """A bundle's layout (binary + _internal/resources) is enough: the script needs no built bundle."""
    bundle = tmp_path / "unpacked dir" / "readerapp"
    shutil.copytree(ROOT / "resources", bundle / "_internal" / "resources")
    (bundle / "readerapp").write_text("#!/bin/sh\n", encoding="utf-8")
    (bundle / "readerapp").chmod(0o755)
    script = ROOT / "packaging" / "install-desktop.sh"
    if placed == "inside the bundle":  # as `make dist` packs it: no argument needed
        script = Path(shutil.copy(script, bundle))
        command = [str(script)]
    else:
        command = [str(script), str(bundle)]
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    entry = (data / "applications" / "readerapp.desktop").read_text(encoding="utf-8")
    assert f'Exec="{bundle}/readerapp" gui' in entry.splitlines(), done.stdout
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "readerapp.png").is_file()
