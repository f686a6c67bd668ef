"""OAuth in the chain: scopes and expiry from oauth/tokens/current, an expiry remembered across
checks, and the refresh token's deadline as a warning."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from monitor.checks.categories import Category
from monitor.checks.runner import Checker, CountingFetcher
from monitor.config.model import Expect, OAuthTokenAuth, TenantConfig
from monitor.config.secrets import Secret, SecretRef
from monitor.zendesk.response import ApiResponse
from monitor.zendesk.session import authorization_for
from tests.canary import OAUTH_CANARY_ENV
from tests.checks.scripted import ScriptedFetcher, ok_json

ME = ok_json(json.dumps({"user": {"id": 1, "email": "a@acme.test", "role": "agent"}}))
INVALID_TOKEN = ApiResponse(
    401,
    "application/json",
    json.dumps(
        {"error": "invalid_token", "error_description": "The access token provided is expired"}
    ),
)


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


def current(**token: object) -> ApiResponse:
    return ok_json(json.dumps({"token": {"scopes": ["read"], **token}}))


def tenant(*scopes: str) -> TenantConfig:
    return TenantConfig(
        name="acme",
        subdomain="acme",
        base_url="https://acme.zendesk.com",
        auth=OAuthTokenAuth(
            token=SecretRef(env=OAUTH_CANARY_ENV), required_scopes=scopes or ("read",)
        ),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )


class Script:
    """Each check gets the next table of answers."""

    def __init__(self, *tables: Mapping[str, ApiResponse]) -> None:
        self.tables = list(tables)

    @asynccontextmanager
    async def __call__(
        self, t: TenantConfig, authorization: Secret
    ) -> AsyncIterator[CountingFetcher]:
        assert authorization.reveal().startswith("Bearer ")
        yield ScriptedFetcher(self.tables.pop(0))


async def test_an_expiry_seen_earlier_turns_a_later_401_into_expired() -> None:
    now = [at("2026-11-25T10:00:00")]
    script = Script(
        {
            "/api/v2/users/me": ME,
            "/api/v2/oauth/tokens/current": current(expires_at="2026-11-25T11:00:00Z"),
        },
        {"/api/v2/users/me": INVALID_TOKEN},
    )
    checker = Checker(script, authorization=authorization_for, clock=lambda: now[0])
    first = await checker.check(tenant())
    assert first.category is Category.OK
    assert dict(first.expiries) == {"access_token": at("2026-11-25T11:00:00")}
    now[0] = at("2026-11-25T12:00:00")
    second = await checker.check(tenant())
    assert second.category is Category.OAUTH_TOKEN_EXPIRED
    assert second.detail == "the OAuth access token expired at 2026-11-25T11:00:00+00:00"


async def test_a_401_before_the_known_expiry_stays_auth_failed() -> None:
    script = Script(
        {
            "/api/v2/users/me": ME,
            "/api/v2/oauth/tokens/current": current(expires_at="2026-11-25T11:00:00Z"),
        },
        {"/api/v2/users/me": INVALID_TOKEN},
    )
    checker = Checker(
        script, authorization=authorization_for, clock=lambda: at("2026-11-25T10:00:00")
    )
    await checker.check(tenant())
    assert (await checker.check(tenant())).category is Category.AUTH_FAILED


async def test_required_scope_missing_from_the_token() -> None:
    script = Script(
        {"/api/v2/users/me": ME, "/api/v2/oauth/tokens/current": current(scopes=["tickets:read"])}
    )
    result = await Checker(script, authorization=authorization_for).check(tenant("read"))
    assert result.category is Category.OAUTH_SCOPE_MISSING
    assert result.detail == "the OAuth token lacks the scopes read (it has tickets:read)"


async def test_read_covers_resource_read_scopes() -> None:
    script = Script(
        {"/api/v2/users/me": ME, "/api/v2/oauth/tokens/current": current(scopes=["read"])}
    )
    result = await Checker(script, authorization=authorization_for).check(
        tenant("users:read", "tickets:read")
    )
    assert result.category is Category.OK


async def test_tokens_current_denied_tells_nothing() -> None:
    denied = ApiResponse(403, "application/json", '{"error":{"title":"Forbidden","message":"no"}}')
    script = Script({"/api/v2/users/me": ME, "/api/v2/oauth/tokens/current": denied})
    result = await Checker(script, authorization=authorization_for).check(tenant())
    assert result.category is Category.OK
    assert result.expiries == ()


async def test_refresh_token_deadline_warns_within_the_threshold() -> None:
    token = current(
        expires_at="2026-11-25T11:00:00Z", refresh_token_expires_at="2026-12-01T00:00:00Z"
    )
    script = Script({"/api/v2/users/me": ME, "/api/v2/oauth/tokens/current": token})
    checker = Checker(
        script, authorization=authorization_for, clock=lambda: at("2026-11-25T10:00:00")
    )
    result = await checker.check(tenant())
    assert [(w.code, w.days_left) for w in result.warnings] == [("credential_expiring_soon", 5)]
    assert dict(result.expiries)["refresh_token"] == at("2026-12-01T00:00:00")
