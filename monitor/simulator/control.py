"""The HTTP control API under `/_simulator/`: read the request log, change tenants.

Bodies use the scenario format and are validated like a scenario file; a mistake is a 400
listing every problem with its key path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from aiohttp import web

from monitor.simulator import answers
from monitor.simulator.requestlog import RequestRecord
from monitor.simulator.scenario import ScenarioError

PREFIX = "/_simulator"


class Controlled(Protocol):
    """What the control API needs from the simulator."""

    @property
    def requests(self) -> list[RequestRecord]: ...

    @property
    def other_base_url(self) -> str: ...

    def clear_requests(self) -> None: ...

    def tenant_urls(self) -> dict[str, str]: ...

    def patch_tenant(self, name: str, raw: Mapping[str, Any]) -> None: ...

    def put_tenant(self, name: str, raw: Mapping[str, Any]) -> bool: ...

    def remove_tenant(self, name: str) -> None: ...


def _error(status: int, *messages: str) -> web.Response:
    return answers.json_answer({"errors": list(messages)}, status)


def _empty() -> web.Response:
    return web.Response(status=204)


async def _json_object(request: web.BaseRequest) -> Mapping[str, Any] | web.Response:
    try:
        data = json.loads(await request.read() or b"null")
    except ValueError as error:
        return _error(400, f"body is not JSON: {error}")
    if not isinstance(data, Mapping):
        return _error(400, "body must be a JSON object")
    return data


async def _tenant(request: web.BaseRequest, sim: Controlled, name: str) -> web.Response:
    method = request.method
    try:
        if method == "DELETE":
            sim.remove_tenant(name)
            return _empty()
        if method not in ("PATCH", "PUT"):
            return _error(405, f"{method} is not supported here")
        body = await _json_object(request)
        if isinstance(body, web.Response):
            return body
        if method == "PATCH":
            sim.patch_tenant(name, body)
            return _empty()
        created = sim.put_tenant(name, body)
        return answers.json_answer({"tenant": name}, 201 if created else 200)
    except KeyError:
        return _error(404, f"no tenant named {name!r}")
    except ScenarioError as error:
        return _error(400, *(str(p) for p in error.problems))


async def handle(request: web.BaseRequest, sim: Controlled) -> web.Response:
    path = request.path.removeprefix(PREFIX)
    method = request.method
    if path == "/requests":
        if method == "GET":
            return answers.json_answer([r.as_json() for r in sim.requests])
        if method == "DELETE":
            sim.clear_requests()
            return _empty()
        return _error(405, f"{method} is not supported here")
    if path == "/tenants":
        if method != "GET":
            return _error(405, f"{method} is not supported here")
        return answers.json_answer({"tenants": sim.tenant_urls(), "other": sim.other_base_url})
    name = path.removeprefix("/tenants/")
    if name != path and name and "/" not in name:
        return await _tenant(request, sim, name)
    return _error(404, f"no control endpoint {request.path}")
