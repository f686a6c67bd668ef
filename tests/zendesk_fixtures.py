"""Recorded Zendesk answers (copied from the shared research) as ApiResponse values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.zendesk.response import ApiResponse

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def answer(name: str, *, status: int | None = None) -> ApiResponse:
    """The fixture as the client would hand it over (lower-case headers, body as text)."""
    data = fixture(name)
    headers = {k.lower(): str(v) for k, v in (data.get("headers") or {}).items()}
    body = data.get("body")
    if body is None:
        text = ""
    elif isinstance(body, str):
        text = body
        headers.setdefault("content-type", "text/plain; charset=utf-8")
    else:
        text = json.dumps(body)
        # Documentation examples omit headers; Zendesk sends JSON with this type.
        headers.setdefault("content-type", "application/json; charset=utf-8")
    return ApiResponse(
        status=status or int(data["status"] or 0),
        content_type=headers.get("content-type", ""),
        text=text,
        headers=headers,
    )
