"""The HTTP control API under `/_simulator/`: read the request log, change tenants.

Bodies use the scenario format and are validated like a scenario file; a mistake is a 400
listing every problem with its key path.

Also: `/_simulator/time` reads and sets the simulator's clock (OAuth expiry, `last_used`...),
and `DELETE /_simulator/tenants/<name>/tokens/<id>` (or `/oauth_tokens/<id>`) removes one
token, so a test can make it "gone".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Protocol

from aiohttp import web

from monitor.simulator import answers
from monitor.simulator.requestlog import RequestRecord
from monitor.simulator.scenario import ScenarioError
from monitor.simulator.state import SimulatorState, rfc3339
from monitor.simulator.validation import Invalid, timestamp

PREFIX = "/_simulator"


class Controlled(Protocol):
    """What the control API needs from the simulator."""

    state: SimulatorState

    @property
    def requests(self) -> list[RequestRecord]: ...

    @property
    def other_base_url(self) -> str: ...

    def clear_requests(self) -> None: ...

    @property
    def requests_total(self) -> int: ...

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


def _time(state: SimulatorState) -> web.Response:
    return answers.json_answer({"now": rfc3339(state.now()), "frozen": state.clock.frozen})


async def _set_time(request: web.BaseRequest, state: SimulatorState) -> web.Response:
    """PUT {"now": "<RFC 3339>"} freezes the clock there, {"now": null} returns to real time,
    {"advance": <seconds>} moves it forward (freezing it)."""
    body = await _json_object(request)
    if isinstance(body, web.Response):
        return body
    unknown = sorted(set(body) - {"now", "advance"})
    if unknown or len(body) != 1:
        return _error(400, 'give exactly one of "now" (RFC 3339 or null) and "advance" (seconds)')
    if "now" in body:
        try:
            state.set_time(None if body["now"] is None else timestamp(body["now"]))
        except Invalid as invalid:
            return _error(400, f"now: {invalid}")
    else:
        step = body["advance"]
        if isinstance(step, bool) or not isinstance(step, int | float) or not math.isfinite(step):
            return _error(400, f"advance: must be a number of seconds, got {step!r}")
        state.advance_time(step)
    return _time(state)


def _delete_token(sim: Controlled, name: str, kind: str, raw_id: str) -> web.Response:
    tenant = sim.state.get(name)
    if tenant is None:
        return _error(404, f"no tenant named {name!r}")
    if not raw_id.isdigit():
        return _error(404, f"no control endpoint for {kind} {raw_id!r}")
    remove = tenant.remove_token if kind == "tokens" else tenant.remove_oauth_token
    if not remove(int(raw_id)):
        return _error(404, f"tenant {name!r} has no {kind[:-1]} with id {raw_id}")
    return _empty()


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
    if path == "/stats":  # cheap at any load, unlike the whole log (the daemon benchmark)
        if method != "GET":
            return _error(405, f"{method} is not supported here")
        return answers.json_answer({"requests_total": sim.requests_total})
    if path == "/tenants":
        if method != "GET":
            return _error(405, f"{method} is not supported here")
        return answers.json_answer({"tenants": sim.tenant_urls(), "other": sim.other_base_url})
    if path == "/time":
        if method == "GET":
            return _time(sim.state)
        if method == "PUT":
            return await _set_time(request, sim.state)
        return _error(405, f"{method} is not supported here")
    name = path.removeprefix("/tenants/")
    if name != path and name and "/" not in name:
        return await _tenant(request, sim, name)
    parts = name.split("/")
    if name != path and len(parts) == 3 and parts[1] in ("tokens", "oauth_tokens"):
        if method != "DELETE":
            return _error(405, f"{method} is not supported here")
        return _delete_token(sim, parts[0], parts[1], parts[2])
    return _error(404, f"no control endpoint {request.path}")
