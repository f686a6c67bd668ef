"""The recent start delays of checks, for the scheduler benchmark's percentiles."""

from __future__ import annotations

import math
from collections import deque


class LagWindow:
    """The last `size` lags in seconds; bounded, so a long-running daemon does not grow."""

    def __init__(self, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._lags: deque[float] = deque(maxlen=size)

    def add(self, seconds: float) -> None:
        self._lags.append(seconds)

    def __len__(self) -> int:
        return len(self._lags)

    def values(self) -> list[float]:
        return list(self._lags)

    def quantile(self, q: float) -> float | None:
        """The nearest-rank quantile (q in [0, 1]) of the window, None while it is empty."""
        if not 0 <= q <= 1:
            raise ValueError(f"q must be in [0, 1], got {q}")
        if not self._lags:
            return None
        ordered = sorted(self._lags)
        rank = max(1, math.ceil(q * len(ordered)))
        return ordered[rank - 1]
