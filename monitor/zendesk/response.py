"""What one request to Zendesk produced: an answer, or a transport failure. Plain values only."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

# A Retry-After beyond this is treated as this: a bogus header must not park a tenant for days.
MAX_RETRY_AFTER_SECONDS = 3600.0


class FailureKind(StrEnum):
    TIMEOUT = "timeout"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class TransportFailure:
    """The request got no HTTP answer. `detail` never holds a credential."""

    kind: FailureKind
    detail: str


@dataclass(frozen=True, slots=True)
class ApiResponse:
    status: int
    content_type: str = ""
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, first value

    @property
    def is_json(self) -> bool:
        return "json" in self.content_type.lower()

    def json_body(self) -> Any | None:
        """The parsed body when it is JSON, else None: Zendesk also answers text/plain and HTML."""
        if not self.text:
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def request_id(self) -> str | None:
        for name in ("x-zendesk-request-id", "x-request-id", "cf-ray"):
            value = self.headers.get(name, "").split(",")[0].strip()
            if value:  # Zendesk has been seen sending x-request-id twice, joined by a comma
                return value
        return None

    @property
    def retry_after_seconds(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    @property
    def rate_limit(self) -> int | None:
        return _first_int(self.headers, ("x-rate-limit", "ratelimit-limit", "rate-limit"))

    @property
    def rate_limit_remaining(self) -> int | None:
        return _first_int(
            self.headers,
            ("x-rate-limit-remaining", "ratelimit-remaining", "rate-limit-remaining"),
        )


Answer = ApiResponse | TransportFailure


def _first_int(headers: dict[str, str], names: tuple[str, ...]) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        try:
            return int(value.strip())
        except ValueError:
            continue
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait, from delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
