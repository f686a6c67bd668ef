"""A Fetcher that answers from a table: for unit tests of the chain without sockets."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.zendesk.response import Answer, ApiResponse


def ok_json(body: str, **headers: str) -> ApiResponse:
    return ApiResponse(
        200,
        "application/json; charset=utf-8",
        body,
        {"content-type": "application/json", **headers},
    )


class ScriptedFetcher:
    def __init__(self, answers: Mapping[str, Answer | list[Answer]]) -> None:
        self._answers = {k: (v if isinstance(v, list) else [v]) for k, v in answers.items()}
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.request_count = 0

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        self.request_count += 1
        self.calls.append((path, dict(params or {})))
        queue = self._answers[path]
        return queue.pop(0) if len(queue) > 1 else queue[0]
