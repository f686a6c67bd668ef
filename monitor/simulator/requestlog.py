"""What the simulator was asked: one record per request, never a credential value."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Literal

from monitor.simulator.auth import Scheme

Listener = Literal["main", "other"]


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

    def append(self, record: RequestRecord) -> None:
        self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        return list(self._records)

    def clear(self) -> None:
        self._records.clear()
