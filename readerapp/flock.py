"""The non-blocking ``flock`` try that the library, search-index and PDF locks share.

POSIX only: the callers take no locks on Windows (the app ships for Linux), so this is never reached there.
"""

from __future__ import annotations

import sys

if sys.platform != "win32":
    import fcntl


def try_lock(fd: int, *, shared: bool = False) -> bool:
    """Lock the open file ``fd`` (exclusively unless ``shared``) if no one holds it against us; False
    instead of waiting."""
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
