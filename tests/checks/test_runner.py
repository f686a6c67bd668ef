"""The runner turns anything that happens in a check into one result, crashes included."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from monitor.checks.categories import Category
from monitor.checks.runner import Checker, CountingFetcher, FetcherFactory
from monitor.config.model import ApiTokenAuth, Expect, InvalidTenant, Problem, TenantConfig
from monitor.config.secrets import Secret, SecretRef
from monitor.zendesk.response import Answer
from monitor.zendesk.session import Authorization, authorization_for
from tests.checks.scripted import ScriptedFetcher, ok_json

CANARY = "canary-token-5f1d2c"


def tenant(
    name: str = "acme", *, env: str = "RUNNER_TEST_TOKEN", timeout: float = 5.0
) -> TenantConfig:
    return TenantConfig(
        name=name,
        subdomain=name,
        base_url=f"https://{name}.zendesk.com",
        auth=ApiTokenAuth(email="fusion@acme.test", token=SecretRef(env=env)),
        expect=Expect(),
        interval=60.0,
        timeout=timeout,
    )


def factory(fetcher: CountingFetcher | Exception) -> FetcherFactory:
    @asynccontextmanager
    async def open_fetcher(
        t: TenantConfig, authorization: Secret
    ) -> AsyncIterator[CountingFetcher]:
        if isinstance(fetcher, Exception):
            raise fetcher
        yield fetcher

    return open_fetcher


def healthy() -> ScriptedFetcher:
    body = {"user": {"id": 1, "email": "fusion@acme.test", "role": "agent", "active": True}}
    return ScriptedFetcher(
        {"/api/v2/users/me": ok_json(json.dumps(body), **{"x-zendesk-request-id": "req-1"})}
    )


@pytest.fixture(autouse=True)
def token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNNER_TEST_TOKEN", CANARY)


async def test_healthy_check_measures_with_the_injected_clock() -> None:
    ticks = itertools.count(start=100.0, step=0.25)
    checker = Checker(
        factory(healthy()), authorization=authorization_for, monotonic=lambda: next(ticks)
    )
    result = await checker.check(tenant())
    assert result.category is Category.OK
    assert result.healthy
    assert result.duration_seconds == 0.25
    assert result.request_count == 1
    assert result.request_id == "req-1"
    assert result.hint == Category.OK.action


async def test_invalid_tenant_is_config_invalid_without_requests() -> None:
    invalid = InvalidTenant("broken", (Problem("tenants[1].subdomain", "is empty", 4),))
    result = await Checker(
        factory(RuntimeError("never opened")), authorization=authorization_for
    ).check(invalid)
    assert result.category is Category.CONFIG_INVALID
    assert result.detail == "tenants[1].subdomain: is empty"
    assert result.request_count == 0


async def test_missing_secret_is_config_invalid_naming_the_variable() -> None:
    result = await Checker(factory(healthy()), authorization=authorization_for).check(
        tenant(env="RUNNER_TEST_UNSET")
    )
    assert result.category is Category.CONFIG_INVALID
    assert "RUNNER_TEST_UNSET" in result.detail


async def test_a_crash_is_internal_error_and_logged_without_locals() -> None:
    secret_local = Secret(CANARY)  # a local the traceback must not show
    with capture_logs() as events:
        result = await Checker(
            factory(ValueError(f"boom {secret_local}")), authorization=authorization_for
        ).check(tenant())
    assert result.category is Category.INTERNAL_ERROR
    assert result.detail == "the monitor failed: ValueError"
    assert not result.healthy
    assert [e["event"] for e in events] == ["check_crashed"]
    assert events[0]["tenant"] == "acme"
    assert CANARY not in repr(events)


async def test_other_tenants_are_unaffected_by_a_crash() -> None:
    crashing = Checker(factory(ValueError("boom")), authorization=authorization_for)
    working = Checker(factory(healthy()), authorization=authorization_for)
    with capture_logs():
        results = await asyncio.gather(crashing.check(tenant("a")), working.check(tenant("b")))
    assert [r.category for r in results] == [Category.INTERNAL_ERROR, Category.OK]


class _Stalled:
    request_count = 0

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        self.request_count += 1
        await asyncio.Event().wait()  # never answers
        raise AssertionError


async def test_whole_check_is_bounded_by_the_timeout() -> None:
    result = await Checker(factory(_Stalled()), authorization=authorization_for).check(
        tenant(timeout=0.01)
    )
    assert result.category is Category.TIMEOUT
    assert result.request_count == 1
    assert "0.01 s" in result.detail


async def test_secret_file_is_read_at_every_check(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("first\n")
    config = TenantConfig(
        name="acme",
        subdomain="acme",
        base_url="https://acme.zendesk.com",
        auth=ApiTokenAuth(email="a@b.test", token=SecretRef(file=path)),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )
    first = await authorization_for(config)
    path.write_text("second")
    second = await authorization_for(config)
    assert isinstance(first, Authorization)
    assert isinstance(second, Authorization)
    assert second.header != first.header
    assert repr(first.header) == "<secret>"
