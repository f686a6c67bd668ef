"""What the simulator was asked: one record per request, never a credential value.

Headers are reduced to the Authorization scheme, bodies (the OAuth token request's client
secret) are never kept, and credential-like query parameters are redacted.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal
from urllib.parse import unquote_plus

from monitor.simulator.auth import Scheme

Listener = Literal["main", "other"]

# Query parameters whose values are credentials (a client may put OAuth ones in the URL).
SECRET_PARAMETERS = frozenset(
    {"client_secret", "access_token", "refresh_token", "code", "password", "token"}
)
REDACTED = "<redacted>"


def redact_query(query: str) -> str:
    """The query string with the values of SECRET_PARAMETERS replaced by REDACTED."""
    if "=" not in query:
        return query
    parts = query.split("&")
    for index, part in enumerate(parts):
        key, equals, _ = part.partition("=")
        if equals and unquote_plus(key).strip().lower() in SECRET_PARAMETERS:
            parts[index] = f"{key}={REDACTED}"
    return "&".join(parts)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    listener: Listener
    tenant: str | None
    method: str
    path: str  # after the tenant prefix, without ".json"
    query: str
    authorization_scheme: Scheme | None
    has_authorization: bool
    status: int  # 0: the connection was reset without an answer

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """The most recent `limit` records (bounded, so a long benchmark cannot eat memory)."""

    def __init__(self, limit: int | None = 100_000) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=limit)
        # Every record ever appended, unbounded and never cleared: the daemon benchmark divides
        # CPU seconds by the requests served in a window, beyond what the bounded log holds.
        self.total = 0

    def append(self, record: RequestRecord) -> None:
        redacted = redact_query(record.query)
        if redacted != record.query:
            record = replace(record, query=redacted)
        self._records.append(record)
        self.total += 1

    def snapshot(self) -> list[RequestRecord]:
        return list(self._records)

    def clear(self) -> None:
        self._records.clear()
