"""OAuth: scope checks for Bearer requests, Show Token, and the token endpoint.

API notes section 7. Access tokens live in `TenantState.oauth_tokens` (`auth.py` looks them up);
`POST /oauth/tokens` (not under /api/v2) issues new ones with the client-credentials grant
against `TenantState.oauth_clients`. Refresh tokens and the authorization-code grant are not
simulated: those grants answer `invalid_grant`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import string
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from monitor.simulator import answers, bodies
from monitor.simulator.state import (
    OAUTH_EXPIRES_IN_RANGE,
    OAuthClient,
    OAuthToken,
    TenantState,
    User,
)

if TYPE_CHECKING:
    from monitor.simulator.api import Call

# The token endpoint, after the tenant prefix.
TOKEN_PATH = "/oauth/tokens"  # noqa: S105 - a path, not a secret
READ = "read"

# Grants Zendesk supports but the simulator has nothing to check against: no authorization
# codes or refresh tokens exist here, so the grant itself is always invalid.
_UNSIMULATED_GRANTS = frozenset({"authorization_code", "refresh_token"})
_TOKEN_ALPHABET = string.ascii_letters + string.digits


# ---- scopes --------------------------------------------------------------------------------


def has_read_scope(token: OAuthToken, resource: str | None) -> bool:
    """A GET needs `read`, or `<resource>:read` on endpoints of a resource-scoped resource."""
    if READ in token.scopes:
        return True
    return resource is not None and f"{resource}:{READ}" in token.scopes


def missing_scope(tenant: TenantState) -> web.Response:
    return answers.json_answer(bodies.missing_scopes(tenant.scope_error_wording, READ), 403)


# ---- GET /api/v2/oauth/tokens/current ------------------------------------------------------


def bearer_value(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def current_token(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    """Show Token for the Bearer token of the request itself.

    Not documented: a request authenticated another way (Basic) has no current token; it
    gets 404 RecordNotFound.
    """
    value = bearer_value(call.authorization)
    token = None if value is None else call.tenant.oauth_token(value)
    if token is None:
        return answers.record_not_found()
    return answers.json_answer({"token": bodies.oauth_token(token, call.api_base)})


# ---- POST /oauth/tokens --------------------------------------------------------------------


def _oauth_error(body: Mapping[str, str], status: int) -> web.Response:
    response = answers.json_answer(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


async def _params(request: web.BaseRequest) -> dict[str, Any] | None:
    """The body's parameters (JSON object or form); None when it cannot be read."""
    if request.content_type == "application/json":
        raw = await request.read()
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    try:
        form = await request.post()
    except ValueError:
        return None
    params: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getall(key) if isinstance(v, str)]
        if values:
            params[key] = values if key == "scopes" and len(values) > 1 else values[0]
    return params


def _text(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    return value if isinstance(value, str) and value else None


def _client_credentials(
    params: Mapping[str, Any], authorization: str | None
) -> tuple[str | None, str | None]:
    """client_id and client_secret from HTTP Basic (client_secret_basic) or the body."""
    if authorization and authorization.split(" ", 1)[0].lower() == "basic":
        try:
            decoded = base64.b64decode(authorization.split(" ", 1)[-1].strip(), validate=True)
            client_id, colon, secret = decoded.decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        if colon:
            return client_id or None, secret or None
    return _text(params, "client_id"), _text(params, "client_secret")


def _requested_scopes(params: Mapping[str, Any]) -> list[str] | None:
    """`scope` (space-separated, RFC 6749) or `scopes` (a list, or a space/comma-separated
    string); None when neither is given, [] when one is given but unreadable or empty."""
    for key in ("scope", "scopes"):
        if key not in params:
            continue
        value = params[key]
        if isinstance(value, str):
            return value.replace(",", " ").split()
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [s for item in value for s in item.replace(",", " ").split()]
        return []
    return None


def _expires_in(params: Mapping[str, Any], client: OAuthClient) -> int | None:
    """The requested lifetime, else the client's; None when the request's is not acceptable."""
    value = params.get("expires_in")
    if value is None:
        return client.expires_in
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    low, high = OAUTH_EXPIRES_IN_RANGE
    return value if low <= value <= high else None


def _client(tenant: TenantState, client_id: str | None, secret: str | None) -> OAuthClient | None:
    client = None if client_id is None else tenant.oauth_client(client_id)
    if client is None or secret is None:
        return None
    if not hmac.compare_digest(client.secret.encode(), secret.encode()):
        return None
    return client


def new_token_value() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(32))


async def token_endpoint(
    request: web.BaseRequest, tenant: TenantState, now: datetime
) -> web.Response:
    """`POST /oauth/tokens`: the client-credentials grant. Checks in Doorkeeper's order:
    grant type (400), client authentication (401), scope (400), then issues the token."""
    if request.method != "POST":
        return answers.invalid_endpoint()
    params = await _params(request)
    if params is None:
        return _oauth_error(bodies.OAUTH_INVALID_REQUEST, 400)
    grant_type = _text(params, "grant_type")
    if grant_type != "client_credentials" and grant_type not in _UNSIMULATED_GRANTS:
        return _oauth_error(bodies.OAUTH_UNSUPPORTED_GRANT_TYPE, 400)
    client = _client(tenant, *_client_credentials(params, request.headers.get("Authorization")))
    if client is None:
        response = _oauth_error(bodies.OAUTH_INVALID_CLIENT, 401)
        response.headers["WWW-Authenticate"] = 'Basic realm="Doorkeeper", error="invalid_client"'
        return response
    if grant_type in _UNSIMULATED_GRANTS:
        return _oauth_error(bodies.OAUTH_INVALID_GRANT, 400)
    requested = _requested_scopes(params)
    scopes = list(client.scopes) if requested is None else requested
    if not scopes or not set(scopes) <= set(client.scopes):
        return _oauth_error(bodies.OAUTH_INVALID_SCOPE, 400)
    expires_in = _expires_in(params, client)
    if expires_in is None:
        return _oauth_error(bodies.OAUTH_INVALID_REQUEST, 400)
    token = OAuthToken(
        id=tenant.next_oauth_token_id(),
        token=new_token_value(),
        user_id=client.user_id,
        scopes=scopes,
        expires_at=now + timedelta(seconds=expires_in),
        client_id=client.id,
        created_at=now,
    )
    tenant.oauth_tokens.append(token)
    response = answers.json_answer(bodies.issued_token(token.token, scopes, expires_in))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
