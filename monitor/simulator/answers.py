"""HTTP responses with Zendesk's status codes, content types and headers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from monitor.simulator import bodies

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


def raw(status: int, body: bytes, content_type: str | None) -> web.Response:
    headers = {} if content_type is None else {"Content-Type": content_type}
    return web.Response(status=status, body=body, headers=headers)


def json_answer(data: Any, status: int = 200) -> web.Response:
    # Compact separators: Zendesk sends JSON without spaces (the 401 body is exactly 37 bytes).
    return raw(status, json.dumps(data, separators=(",", ":")).encode(), JSON)


def text(status: int, body: str, content_type: str = TEXT) -> web.Response:
    return raw(status, body.encode(), content_type)


def unauthorized() -> web.Response:
    response = raw(401, bodies.COULDNT_AUTHENTICATE, JSON)
    response.headers["WWW-Authenticate"] = 'Basic realm="Web Password"'
    return response


def oauth_invalid_token() -> web.Response:
    response = json_answer(bodies.OAUTH_INVALID_TOKEN, 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="Zendesk", error="invalid_token"'
    return response


def forbidden() -> web.Response:
    return json_answer(bodies.FORBIDDEN, 403)


def record_not_found() -> web.Response:
    return json_answer(bodies.RECORD_NOT_FOUND, 404)


def invalid_endpoint() -> web.Response:
    return json_answer(bodies.INVALID_ENDPOINT, 404)


def anonymous_user() -> web.Response:
    return json_answer(bodies.anonymous_user())


def no_help_desk(subdomain: str) -> web.Response:
    return json_answer(bodies.no_help_desk(subdomain), 404)


def no_help_desk_text(subdomain: str) -> web.Response:
    return text(404, bodies.no_help_desk_text(subdomain))


def redirect(status: int, location: str) -> web.Response:
    response = text(status, f"You are being redirected to {location}", HTML)
    response.headers["Location"] = location
    return response


def rate_limited(retry_after: int) -> web.Response:
    # 429 bodies are plain text, never JSON (see the recorded reports).
    response = text(429, bodies.RATE_LIMITED_TEXT)
    response.headers["Retry-After"] = str(retry_after)
    return response


def unavailable(retry_after: int | None) -> web.Response:
    response = text(503, bodies.UNAVAILABLE_TEXT)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def help_center_closed() -> web.Response:
    return text(200, bodies.HELP_CENTER_CLOSED, HTML)
