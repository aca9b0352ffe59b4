# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck bench bench-import bench-search bench-scaling bench-cli bench-ui soak bundle bundle-smoke dist clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	$(VENV)/bin/readerapp gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

# The layer contracts (pyproject.toml, docs/architecture.md) also run in `make test` (tests/unit/test_layers.py).
lint: $(STAMP)
	$(VENV)/bin/ruff check readerapp tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

bench: bench-import bench-search

bench-import: $(STAMP)
	$(PY) benchmarks/import_bench.py

bench-search: $(STAMP)
	$(PY) benchmarks/search_bench.py

# Whole CLI commands against a bare Python start (a 100k library built once in bench-data/).
bench-cli: $(STAMP)
	$(PY) benchmarks/cli_bench.py

# Search latency against library size (1k-300k papers; indexes cached in bench-data/): the Scaling table
# of docs/benchmarks.md and docs/plots/search-latency.png. The first run builds 300k papers: minutes.
bench-scaling: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/scaling_bench.py

# The reliability suite at length: every timed run lasts $(SOAK_SECONDS) s (a short run is part of `make test`).
SOAK_SECONDS ?= 60
soak: $(STAMP)
	READERAPP_SOAK_SECONDS=$(SOAK_SECONDS) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider -m soak --timeout 3600 tests/reliability

BUNDLE_STAMP := $(VENV)/.bundle-$(shell cksum pyproject.toml | cut -d' ' -f1)

$(BUNDLE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[bundle]"
	rm -f $(VENV)/.bundle-* && touch $@

# The one-folder desktop app in dist/readerapp/ (build.spec; size and build time in docs/benchmarks.md).
bundle: $(BUNDLE_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller build.spec

# Run the bundled binary as a user would, offscreen: CLI, migrations, index workers, the window.
bundle-smoke: $(STAMP)
	test -x dist/readerapp/readerapp || $(MAKE) bundle
	$(PY) packaging/smoke.py dist/readerapp/readerapp

# The bundle as one file to hand out: dist/readerapp-VERSION-linux-ARCH.tar.gz, with install-desktop.sh inside
# (unpack anywhere, run readerapp/readerapp, or readerapp/install-desktop.sh for the desktop menu).
dist: $(STAMP)
	test -x dist/readerapp/readerapp || $(MAKE) bundle
	cp packaging/install-desktop.sh dist/readerapp/
	tar -C dist -czf dist/readerapp-$$($(PY) -c 'import readerapp; print(readerapp.__version__)')-linux-$$(uname -m).tar.gz readerapp
	@ls -l dist/*.tar.gz

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
