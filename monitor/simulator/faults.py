"""Scripted misbehaviour: pick the fault that answers a request and produce its answer."""

from __future__ import annotations

import asyncio
import json
import socket
import struct

from aiohttp import web

from monitor.simulator import answers, bodies
from monitor.simulator.state import Fault, FaultKind, TenantState


class ConnectionReset(Exception):
    """The connection was aborted on purpose; there is no HTTP answer to send."""


def take_fault(tenant: TenantState, path: str) -> Fault | None:
    """The first fault that answers this request (faults apply in order; each counts down)."""
    for fault in tenant.faults:
        if fault.take(path):
            return fault
    return None


def _reset(request: web.BaseRequest) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger 0 makes close() send a TCP RST instead of a polite FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _status_answer(fault: Fault) -> web.Response:
    body = fault.body
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    response = answers.raw(fault.status or 200, data, fault.content_type)
    response.headers.update(fault.headers)
    return response


async def apply(fault: Fault, request: web.BaseRequest, other_base_url: str) -> web.Response | None:
    """The fault's answer; None means "carry on normally" (after a `slow` delay).

    Raises ConnectionReset after aborting the connection for a `reset` fault.
    """
    match fault.kind:
        case FaultKind.RATE_LIMITED:
            return answers.rate_limited(fault.retry_after or 0)
        case FaultKind.UNAVAILABLE:
            return answers.unavailable(fault.retry_after)
        case FaultKind.SERVER_ERROR:
            return answers.text(500, bodies.SERVER_ERROR_TEXT)
        case FaultKind.SLOW:
            await asyncio.sleep(fault.seconds)
            return None
        case FaultKind.HTML:
            page = fault.body if isinstance(fault.body, str) and fault.body else bodies.HTML_PAGE
            return answers.text(200, page, answers.HTML)
        case FaultKind.MALFORMED_JSON:
            return answers.raw(200, bodies.MALFORMED_JSON, answers.JSON)
        case FaultKind.ANONYMOUS:
            return answers.anonymous_user()
        case FaultKind.RESET:
            _reset(request)
            raise ConnectionReset
        case FaultKind.REDIRECT:
            location = f"{other_base_url}{bodies.HELP_CENTER_CLOSED_PATH}"
            return answers.redirect(fault.status or 302, location)
        case FaultKind.STATUS:
            return _status_answer(fault)
