"""Rate-limit headers: how long to hold off a host whose answer says its request budget is spent.

Hugging Face sends the IETF draft headers (draft 9: ``RateLimit: "api";r=489;t=189`` with
``RateLimit-Policy: "fixed window";"api";q=500;w=300``) on every answer, so a client can stop before a
429 instead of running into it. Other servers send older drafts (``RateLimit: limit=100, remaining=0,
reset=30``, or ``RateLimit-Remaining`` / ``RateLimit-Reset``) or the common ``X-RateLimit-*`` pair,
whose reset is sometimes a Unix time instead of seconds. All are read here; a header that cannot be
read is ignored (the 429 and ``Retry-After`` path still applies).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping

MAX_RATE_LIMIT_WAIT = 300.0  # one Hugging Face window (5 min): a longer reset is a server's mistake
_EPOCH_FROM = 1e9  # a "reset" past this many seconds is a Unix time (2001-09-09), not a delay
_NAMES = {"r": "remaining", "remaining": "remaining", "t": "reset", "reset": "reset"}

Reading = dict[str, float]


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until the budget comes back when an answer says none is left (capped), else None:
    requests remain, no header says, or the spent budget gives no reset time."""
    waits = [
        reading["reset"]
        for reading in _readings(headers)
        if reading.get("remaining", 1.0) <= 0 and "reset" in reading
    ]
    if not waits:
        return None
    seconds = max(waits)
    if seconds > _EPOCH_FROM:
        seconds -= time.time() if now is None else now
    return min(seconds, MAX_RATE_LIMIT_WAIT) if seconds > 0 else None


def _readings(headers: Mapping[str, str]) -> Iterator[Reading]:
    """Every (remaining, reset) pair the headers carry, one per policy."""
    combined = headers.get("RateLimit")
    if combined:
        yield from _combined(combined)
    for prefix in ("RateLimit-", "X-RateLimit-"):
        reading: Reading = {}
        for name in ("remaining", "reset"):
            number = _number(headers.get(prefix + name, ""))
            if number is not None:
                reading[name] = number
        if reading:
            yield reading


def _combined(value: str) -> Iterator[Reading]:
    """The ``RateLimit`` field of either draft: a list of named policies (``"api";r=0;t=30, ...``),
    each read on its own, or one dictionary (``limit=100, remaining=0, reset=30``)."""
    loose: Reading = {}
    for member in value.split(","):
        parts = [part.strip() for part in member.split(";")]
        named = bool(parts[0]) and "=" not in parts[0]
        reading: Reading = {}
        for part in parts[1:] if named else parts:
            key, _, raw = part.partition("=")
            name, number = _NAMES.get(key.strip().lower()), _number(raw)
            if name and number is not None:
                reading[name] = number
        if named:
            yield reading
        else:
            loose.update(reading)
    if loose:
        yield loose


def _number(text: str) -> float | None:
    try:
        number = float(text.strip().strip('"'))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
