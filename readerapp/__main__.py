"""``python -m readerapp``: the same as the ``readerapp`` command."""

from __future__ import annotations

import sys

from readerapp.cli import main

sys.exit(main())
