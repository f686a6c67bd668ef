"""The daemon's garbage-collector settings, measured (README "Performance").

With CPython's default thresholds (700, 10, 10) the collector took a fifth of the daemon's CPU
at 10,000 tenants: every check allocates thousands of short-lived objects, and each young
collection also walks the objects the checks keep (results, baselines, facts). Collecting the
young generation every 50,000 allocations instead of every 700 halved that; the objects the
daemon frees are almost all freed by reference counting anyway, so garbage cycles only wait a
little longer.

A /metrics render builds about 150,000 samples that all live until it ends: collections during
it walk them again and again for nothing (a 0.55 s render took 1.6 s), so a render pauses them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 20)


def tune() -> None:
    """Sets the daemon's thresholds; call once at start."""
    gc.set_threshold(*THRESHOLDS)


class _Pause:
    """Collection off inside; back on when the last of overlapping pauses (two scrapes at
    once, in two threads) ends, and only if it was on before the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = True

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    gc.enable()


paused = _Pause()
