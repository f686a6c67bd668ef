"""When a tenant's checks run: the first-run offset and the jittered interval trigger."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

# A cap on any wait, so that a garbage Retry-After cannot overflow a datetime.
LONGEST_WAIT = 365 * 86400.0


def now() -> datetime:
    return datetime.now(UTC)


def later(start: datetime, seconds: float) -> datetime:
    return start + timedelta(seconds=min(seconds, LONGEST_WAIT))


def spread_fraction(name: str) -> float:
    """A fraction in [0, 1) fixed by the tenant's name.

    A stable hash (not `hash()`, which is salted per process), so a restarted daemon keeps every
    tenant's phase and 10,000 tenants never start together.
    """
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def interval_trigger(interval: float, jitter_fraction: float, start: datetime) -> Any:
    """Fires every `interval` seconds on average, each time up to `jitter_fraction` of it off.

    APScheduler 3 adds its jitter (uniform in [0, jitter]) to a fire time that already holds the
    previous jitter, so the delays accumulate: a plain `IntervalTrigger(seconds=interval,
    jitter=j)` runs every interval + j/2 on average. Shortening the base interval by j/2 makes the
    mean the configured interval, each gap in [interval - j/2, interval + j/2].
    """
    jitter = interval * jitter_fraction
    return IntervalTrigger(
        seconds=interval - jitter / 2,
        start_date=start,
        timezone=UTC,
        jitter=jitter if jitter > 0 else None,
    )
