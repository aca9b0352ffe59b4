"""UI benchmark on the synthetic 100k-paper library (issue 4's numbers).

Measures, on the real window (offscreen platform unless ``QT_QPA_PLATFORM`` says otherwise):
- process start to the first painted window, and to the first painted list of papers, in a fresh
  process running ``readerapp.ui.app.run``, and again through the ``readerapp`` command's ``main``;
- key press to repaint for ``j``, ``s`` and ``e`` (the key is handled and the list's viewport repainted
  synchronously, with the writes of earlier keys finished, as at a human pace): in wall time, in
  wall time less the GUI thread's run-queue waits (``/proc/thread-self/schedstat``: time the scheduler
  kept it off a busy CPU; what remains is the app's work and its waits for the GIL), and in the GUI
  thread's CPU time;
- switching views by key (``g r``, ``g a``, ``g s``, ``g i``...): key press until the new list is
  painted with its rows, and until the workers are idle (a stale list re-read and merged behind it);
- peak RSS of the benchmark process (window over the 100k library).

Usage: ``python benchmarks/ui_bench.py [N]`` (default 100,000). The library is built once from the
synthetic feed and cached in ``bench-data/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent.parent / "bench-data"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["READERAPP_SYNC_ON_START"] = "never"


def build_library(n: int) -> Path:
    """The synthetic library with a morning's triage in it, built once."""
    from synth import generate_items, write_json_array

    from readerapp import Library

    folder = DATA / f"ui-library-{n}"
    stamp = folder / "complete"
    if stamp.exists():
        return folder
    DATA.mkdir(exist_ok=True)
    feed = DATA / f"synth-{n}.json"
    if not feed.exists():
        write_json_array(generate_items(n), feed)
    started = time.perf_counter()
    with Library.open(folder) as lib:
        lib.import_file(feed)
        ids = lib.list_ids()
        lib.set_state(ids[1000:3000], "reading")
        lib.set_state(ids[3000:13000], "archived")
        lib.set_state(ids[13000:18000], "done")
        lib.star(ids[::97])
        lib.tag(ids[:5000:7], add=["to-discuss"])
    stamp.write_text(f"{time.perf_counter() - started:.1f}s\n")
    return folder


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


CHILD = r"""
import sys, time, os
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
from readerapp.ui import app as ui_app
from readerapp.ui.window import MainWindow
marks = {}
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, MainWindow) and "window" not in marks:
            marks["window"] = time.time()
        if (event.type() == QEvent.Type.Paint and obj.objectName() == "qt_scrollarea_viewport"
                and isinstance(obj.parent(), QObject) and obj.parent().objectName() == "paper-list"
                and "window" in marks and "rows" not in marks):
            window = obj.parent().window()
            if window.current_paper() is not None:
                marks["rows"] = time.time()
                hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
                print(marks["window"], marks["rows"], int(hwm.split()[1]) / 1024, flush=True)
                window.close()
        return False
watch = Watch()
app.installEventFilter(watch)
if sys.argv[2] == "command":  # as a user starts it: the readerapp command, with its argument parsing
    from readerapp.cli import main
    sys.exit(main(["--library", sys.argv[1]]))
sys.exit(ui_app.run(sys.argv[1]))
"""


def measure_start(folder: Path, entry: str, runs: int = 5) -> tuple[list[float], list[float], list[float]]:
    """Wall time from launching the process to its first painted window and first painted rows;
    ``entry`` is ``run`` (``readerapp.ui.app.run``) or ``command`` (``readerapp.cli.main``)."""
    window, rows, rss = [], [], []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    for _ in range(runs):
        started = time.time()
        done = subprocess.run([sys.executable, "-c", CHILD, str(folder), entry], env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        if not lines:
            raise SystemExit(f"the app did not paint: {done.stderr[-2000:]}")
        first, with_rows, peak = (float(x) for x in lines[-1].split())
        window.append(first - started)
        rows.append(with_rows - started)
        rss.append(peak)
    return window, rows, rss


def peak_rss_mb() -> float:
    """This process's peak RSS since it started (VmHWM: unlike ru_maxrss, not inherited over fork)."""
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM"))
    return int(hwm.split()[1]) / 1024


def run_queue_wait() -> float:
    """Seconds this thread has sat runnable but off the CPU (the scheduler's doing, not the app's)."""
    with open("/proc/thread-self/schedstat") as stat:
        return int(stat.read().split()[1]) / 1e9


def measure_window(folder: Path) -> dict[str, object]:
    """Run the in-window measurements in a fresh process, so its RSS is the window's alone."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, __file__, "--window", str(folder)], env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the window measurement failed: {done.stderr[-2000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def measure_in_process(folder: Path) -> dict[str, object]:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from readerapp import Library
    from readerapp.ui import theme
    from readerapp.ui.app import open_session

    app = QApplication([sys.argv[0]])
    theme.apply(app, "light")
    lib = Library.open(folder)
    session = open_session(lib)
    window = session.window
    window.show()
    session.start()
    table = window.table

    def wait(condition: object, limit: float = 60.0) -> None:
        deadline = time.perf_counter() + limit
        while not condition():  # type: ignore[operator]
            app.processEvents()
            if time.perf_counter() > deadline:
                raise SystemExit("timed out waiting for the window")
            time.sleep(0.001)

    def idle() -> bool:
        return session.workers.busy == 0

    wait(lambda: window.model.ids and window.current_paper() is not None and idle())
    table.setFocus()
    results: dict[str, object] = {}
    for key in ("j", "s", "e"):
        times, cpu, own = [], [], []
        for _ in range(60 if key != "e" else 40):
            wait(idle)
            started, cpu_started, queued = time.perf_counter(), time.thread_time(), run_queue_wait()
            QTest.keyClick(table, key)
            table.viewport().repaint()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
            own.append(times[-1] - (run_queue_wait() - queued) * 1000)
            if key == "s":
                QTest.keyClick(table, "j")
        results[key] = times
        results[f"{key}_cpu"] = cpu
        results[f"{key}_own"] = own
    switches: dict[str, list[float]] = {}
    settled: dict[str, list[float]] = {}
    for _ in range(3):
        for keys, name in ((("g", "r"), "reading"), (("g", "a"), "archived"), (("g", "s"), "starred"),
                           (("g", "d"), "done"), (("g", "i"), "inbox")):  # fmt: skip
            wait(idle)
            started = time.perf_counter()
            for key in keys:
                QTest.keyClick(table, key)
            wait(lambda name=name: window.view.key == name
                 and (not window.model.ids or window.current_paper() is not None))  # fmt: skip
            table.viewport().repaint()
            switches.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            wait(idle)  # a stale cached list is read again and merged behind the painted one
            settled.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    results["switch"] = switches
    results["settled"] = settled
    results["rss_mb"] = peak_rss_mb()
    results["inbox"] = len(window.model.ids)
    # Undo the benchmark's own triage so the cached library stays as built.
    for _ in range(100):
        session.actions.undo()
        wait(idle)
    session.close()
    lib.close()
    return results


def main() -> int:
    if sys.argv[1:2] == ["--window"]:
        print(json.dumps(measure_in_process(Path(sys.argv[2]))), flush=True)
        os._exit(0)  # skip interpreter teardown: PySide 6.12's refcount bug can abort it (see report)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, Qt platform {os.environ['QT_QPA_PLATFORM']}")
    folder = build_library(n)
    print(f"library: {n:,} papers ({(folder / 'complete').read_text().strip()} to build, cached)")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for entry in ("run", "command"):
        first, rows, child_rss = measure_start(folder, entry)
        print(f"[{entry}] start to first painted window: median {statistics.median(first):.2f} s, "
              f"max {max(first):.2f} s")
        print(f"[{entry}] start to first painted rows:   median {statistics.median(rows):.2f} s, "
              f"max {max(rows):.2f} s")
        print(f"[{entry}] app process peak RSS at start: {max(child_rss):.0f} MB")
    results = measure_window(folder)
    for key in ("j", "s", "e"):
        times = results[key]
        assert isinstance(times, list)
        cpu, own = results[f"{key}_cpu"], results[f"{key}_own"]
        assert isinstance(cpu, list) and isinstance(own, list)
        print(f"key {key} to repaint: p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms "
              f"({len(times)} presses); less run-queue waits p50 {percentile(own, 50):.1f}, "
              f"p95 {percentile(own, 95):.1f} ms; GUI thread CPU p50 {percentile(cpu, 50):.1f}, "
              f"p95 {percentile(cpu, 95):.1f} ms")
    switches = results["switch"]
    assert isinstance(switches, dict)
    settled = results["settled"]
    assert isinstance(settled, dict)
    for name, times in switches.items():
        print(f"switch to {name}: painted median {statistics.median(times):.0f} ms, max {max(times):.0f} ms; "
              f"idle (re-read merged) median {statistics.median(settled[name]):.0f} ms")
    print(f"peak RSS with the window over {results['inbox']:,} inbox papers: {results['rss_mb']:.0f} MB")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
