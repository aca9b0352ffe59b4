"""Today's arXiv answers on disk, so a second sync the same day asks arXiv nothing.

arXiv's terms ask clients to cache results and not to repeat a query within a day: new papers reach the
API "on the midnight after" they are processed, and the RSS listings are rebuilt at midnight US Eastern
too. So an answer is good until the next midnight in New York, not for a flat 24 hours (which would keep
serving yesterday's listing for most of today).

The cache lives in the library folder (``cache/feeds/``) rather than the platform's cache folder: the
library is the one folder that holds everything readerapp keeps (like the rebuildable ``index/``), its
settings name the endpoints the answers came from, and a test's library is isolated with it.

One file per answer, named by a hash of the request URL: a JSON header line (the URL, when it was
fetched, when it expires, the body's size and SHA-256), then the body. A file is written beside its
place and renamed over it, so a reader finds the old answer or the whole new one. Anything that does not
check out (expired, cut short, another URL, a changed body) is a miss, removed and fetched again; a
cache that cannot be written costs a request tomorrow and never fails a sync. The folder stays under
``max_bytes``: expired answers go first, then the oldest.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from datetime import time as midnight
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CACHE_DIR = Path("cache") / "feeds"  # inside the library folder
MAX_CACHE_BYTES = 32 * 2**20  # a day of busy syncs is a few MB; the oldest answers go past this
SUFFIX = ".answer"
PART_SUFFIX = ".part"
STALE_PART = 3600.0  # seconds; a half-written file this old was left by a process that died
_HEADER_MAX = 4096  # bytes; a header line longer than this is not ours

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def _new_york() -> tzinfo:
    """arXiv's time zone; without a time-zone database (Windows without ``tzdata``) its standard time,
    which in summer only makes an answer live one hour past the update."""
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=-5), "EST")


def next_update(moment: datetime) -> datetime:
    """The first midnight in New York after ``moment``: when arXiv's API and listings next change."""
    local = moment.astimezone(_new_york())
    return datetime.combine(local.date() + timedelta(days=1), midnight(), local.tzinfo).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _Header:
    url: str
    fetched: float
    expires: float
    size: int
    sha256: str


def _read_header(line: bytes) -> _Header | None:
    try:
        data = json.loads(line)
        return _Header(
            url=str(data["url"]),
            fetched=float(data["fetched"]),
            expires=float(data["expires"]),
            size=int(data["size"]),
            sha256=str(data["sha256"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


class AnswerCache:
    """Answers keyed by their full request URL, each good until arXiv's next daily update.

    ``refresh`` makes every ``load`` a miss while ``store`` still keeps the new answers: an explicit
    ``--refresh`` asks again and leaves a fresh cache behind. ``now`` is injectable for tests.
    """

    def __init__(
        self, folder: Path, *, refresh: bool = False, max_bytes: int = MAX_CACHE_BYTES, now: Clock = _utc_now
    ) -> None:
        self.folder = folder
        self.refresh = refresh
        self._max_bytes = max_bytes
        self._now = now

    def path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + SUFFIX)

    def load(self, url: str) -> bytes | None:
        """The body stored for ``url`` if it is still today's and intact; None otherwise."""
        if self.refresh:
            return None
        path = self.path(url)
        try:
            data = path.read_bytes()
        except OSError:  # absent, or unreadable: either way a miss
            return None
        line, _, body = data.partition(b"\n")
        header = _read_header(line)
        if (
            header is None
            or header.url != url
            or not header.fetched <= self._now().timestamp() < header.expires
            or header.size != len(body)
            or header.sha256 != hashlib.sha256(body).hexdigest()
        ):
            self.forget(url)
            return None
        return body

    def store(self, url: str, body: bytes) -> None:
        """Keep ``body`` as the answer for ``url`` until arXiv's next update; failures are ignored."""
        if len(body) > self._max_bytes:
            return
        now = self._now()
        header = {
            "url": url,
            "fetched": now.timestamp(),
            "expires": next_update(now).timestamp(),
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".", suffix=PART_SUFFIX, dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(json.dumps(header).encode("utf-8") + b"\n")
                    out.write(body)
                os.replace(temp, self.path(url))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            self._prune()
        except OSError:
            pass  # a read-only or full disk: tomorrow's sync asks again, today's goes on

    def forget(self, url: str) -> None:
        with contextlib.suppress(OSError):
            self.path(url).unlink(missing_ok=True)

    def _prune(self) -> None:
        """Drop expired and unreadable answers and old half-written files, then the oldest answers
        until the folder is within ``max_bytes``."""
        now = self._now().timestamp()
        kept: list[tuple[float, int, Path]] = []
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):  # another process may remove it first
                if path.suffix == PART_SUFFIX and path.stat().st_mtime < time.time() - STALE_PART:
                    path.unlink()
                if path.suffix != SUFFIX:
                    continue
                with path.open("rb") as fh:
                    header = _read_header(fh.readline(_HEADER_MAX))
                if header is None or not header.fetched <= now < header.expires:
                    path.unlink()
                else:
                    kept.append((header.fetched, path.stat().st_size, path))
        total = sum(size for _, size, _ in kept)
        for _, size, path in sorted(kept):
            if total <= self._max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size
