"""The account rate limit: requests per tenant in fixed one-minute windows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monitor.simulator.state import RateWindow

WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RateStatus:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    exceeded: bool

    def exhausted(self) -> RateStatus:
        return RateStatus(self.limit, 0, self.reset, exceeded=True)

    def headers(self) -> dict[str, str]:
        # Both recorded spellings: the account headers and the 2024 `ratelimit-*` set.
        limit, remaining = str(self.limit), str(self.remaining)
        return {
            "x-rate-limit": limit,
            "x-rate-limit-remaining": remaining,
            "ratelimit-limit": limit,
            "ratelimit-remaining": remaining,
            "ratelimit-reset": str(self.reset),
        }


def count_request(window: RateWindow, limit: int, now: float) -> RateStatus:
    """Count one request at monotonic time `now` and say whether it is over the limit."""
    current = int(now // WINDOW_SECONDS)
    if window.window != current:
        window.window, window.count = current, 0
    window.count += 1
    reset = max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS))
    return RateStatus(
        limit=limit,
        remaining=max(0, limit - window.count),
        reset=reset,
        exceeded=window.count > limit,
    )
