"""The API-token retirement warning, with a pinned clock: it turns into credential_expiring_soon
14 days before Zendesk switches API tokens off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from monitor.checks.expiry import (
    API_TOKEN_RETIREMENT,
    api_token_warning,
    days_left,
    expiring_warning,
)
from monitor.checks.runner import Checker, CountingFetcher
from monitor.config.model import ApiTokenAuth, Expect, TenantConfig
from monitor.config.secrets import Secret, SecretRef
from monitor.zendesk.session import authorization_for
from tests.canary import CANARY_ENV
from tests.checks.scripted import ScriptedFetcher, ok_json


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("now", "code", "left"),
    [
        ("2026-11-25T12:00:00", "api_token_retirement", 155),
        ("2027-04-15T00:00:00", "api_token_retirement", 15),
        ("2027-04-16T00:00:00", "credential_expiring_soon", 14),
        ("2027-04-29T23:59:59", "credential_expiring_soon", 0),
        ("2027-05-01T00:00:00", "credential_expiring_soon", -1),
    ],
)
def test_retirement_warning_switches_14_days_before(now: str, code: str, left: int) -> None:
    warning = api_token_warning(at(now))
    assert (warning.code, warning.days_left) == (code, left)
    assert "2027-04-30" in warning.message
    assert warning.to_json() == {"code": code, "message": warning.message, "days_left": left}


def test_threshold_is_configurable() -> None:
    assert (
        api_token_warning(at("2027-04-15T00:00:00"), soon_days=30).code
        == "credential_expiring_soon"
    )


def test_oauth_expiry_warning() -> None:
    expires = at("2026-12-01T00:00:00")
    assert expiring_warning("access_token", expires, at("2026-11-01T00:00:00"), 14) is None
    warning = expiring_warning("access_token", expires, at("2026-11-25T00:00:00"), 14)
    assert warning is not None
    assert (warning.code, warning.days_left) == ("credential_expiring_soon", 6)
    assert "access token expires at 2026-12-01T00:00:00+00:00" in warning.message


def test_days_left_floors() -> None:
    assert days_left(86_400 * 2 - 1, 0) == 1
    assert days_left(0, 1) == -1


async def test_every_api_token_result_carries_the_warning_and_the_expiry() -> None:
    @asynccontextmanager
    async def fetcher(t: TenantConfig, authorization: Secret) -> AsyncIterator[CountingFetcher]:
        body = '{"user": {"id": 1, "email": "a@acme.test", "role": "agent"}}'
        yield ScriptedFetcher({"/api/v2/users/me": ok_json(body)})

    tenant = TenantConfig(
        name="acme",
        subdomain="acme",
        base_url="https://acme.zendesk.com",
        auth=ApiTokenAuth(email="a@acme.test", token=SecretRef(env=CANARY_ENV)),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )
    checker = Checker(
        fetcher, authorization=authorization_for, clock=lambda: at("2027-04-20T00:00:00")
    )
    result = await checker.check(tenant)
    assert result.healthy
    assert [w.code for w in result.warnings] == ["credential_expiring_soon"]
    assert result.warnings[0].days_left == 10
    assert result.expiries == (("api_token", API_TOKEN_RETIREMENT.timestamp()),)
    assert result.to_json()["warnings"][0]["days_left"] == 10
