"""The bundled program's entry point: ``readerapp.cli:main``, after multiprocessing's frozen-child check.

The search index is built in worker processes started with "spawn"; in a frozen app each worker
re-runs this executable, and ``freeze_support()`` turns that run into the worker instead of the CLI.
"""

from __future__ import annotations

import multiprocessing
import sys

from readerapp.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
