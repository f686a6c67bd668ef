"""The check loop in-process: events asserted on captured event dicts, transitions once."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from structlog.testing import capture_logs

from monitor.checks.categories import Category
from monitor.checks.runner import Checker, CountingFetcher
from monitor.config.model import (
    ApiTokenAuth,
    Config,
    Defaults,
    Expect,
    InvalidTenant,
    Problem,
    TenantConfig,
)
from monitor.config.secrets import Secret, SecretRef
from monitor.daemon.baselines import BaselineJudge, BaselineStore
from monitor.daemon.service import Monitor
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore
from monitor.exposition.metrics import DaemonMetrics
from monitor.zendesk.response import ApiResponse
from monitor.zendesk.session import authorization_for
from tests.canary import CANARY_ENV
from tests.checks.scripted import ScriptedFetcher, ok_json

ME = "/api/v2/users/me"
UNAUTHORIZED = ApiResponse(401, "application/json", '{"error":"Couldn\'t authenticate you"}')
RATE_LIMITED = ApiResponse(429, "text/plain", "slow down", {"retry-after": "30"})


def me(**fields: Any) -> ApiResponse:
    user = {"id": 1, "email": "fusion@acme.test", "role": "agent", "active": True} | fields
    return ok_json(json.dumps({"user": user}))


def tenant(name: str = "acme") -> TenantConfig:
    return TenantConfig(
        name=name,
        subdomain=name,
        base_url=f"https://{name}.zendesk.com",
        auth=ApiTokenAuth(email="fusion@acme.test", token=SecretRef(env=CANARY_ENV)),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )


class Answers:
    """Each check gets the next answer for users/me."""

    def __init__(self, *answers: ApiResponse) -> None:
        self.answers = list(answers)

    @asynccontextmanager
    async def __call__(
        self, t: TenantConfig, authorization: Secret
    ) -> AsyncIterator[CountingFetcher]:
        yield ScriptedFetcher({ME: self.answers.pop(0)})


def monitor(
    answers: Answers, *tenants: TenantConfig | InvalidTenant
) -> tuple[Monitor, ResultStore]:
    store, status = ResultStore(), DaemonStatus()
    m = Monitor(
        checker=Checker(answers, authorization=authorization_for),
        store=store,
        metrics=DaemonMetrics(store=store, status=status),
        judge=BaselineJudge(BaselineStore(None)),
    )
    m.apply(
        Config(
            defaults=Defaults(),
            tenants=tuple(t for t in tenants if isinstance(t, TenantConfig)),
            invalid_tenants=tuple(t for t in tenants if isinstance(t, InvalidTenant)),
        )
    )
    return m, store


async def test_events_of_a_break_and_a_recovery() -> None:
    m, _store = monitor(Answers(me(), UNAUTHORIZED, UNAUTHORIZED, RATE_LIMITED, me()), tenant())
    with capture_logs() as events:
        for _ in range(5):
            await m.check("acme")
    names = [e["event"] for e in events]
    assert names.count("check_completed") == 5
    assert names.count("credential_broken") == 1
    assert names.count("credential_recovered") == 1
    assert names.count("baseline_created") == 1
    completed = next(e for e in events if e["event"] == "check_completed")
    assert set(completed) >= {
        "tenant",
        "category",
        "healthy",
        "duration_seconds",
        "request_count",
        "request_id",
    }
    broken = next(e for e in events if e["event"] == "credential_broken")
    assert (broken["tenant"], broken["category"]) == ("acme", "auth_failed")
    assert broken["hint"] == Category.AUTH_FAILED.action


async def test_retry_after_is_handed_to_the_scheduler() -> None:
    m, _ = monitor(Answers(RATE_LIMITED), tenant())
    with capture_logs():
        assert await m.check("acme") == 30


async def test_a_narrowed_role_is_a_regression_with_permission_changed() -> None:
    m, store = monitor(Answers(me(), me(ticket_restriction="groups")), tenant())
    with capture_logs() as events:
        await m.check("acme")
        await m.check("acme")
    view = store.get("acme")
    assert view is not None
    assert view.result is not None
    assert view.result.category is Category.PERMISSION_REGRESSION
    changed = [e for e in events if e["event"] == "permission_changed"]
    assert len(changed) == 1
    assert changed[0]["narrowed"] == ["ticket_restriction"]
    assert changed[0]["before"]["ticket_restriction"] is None
    assert changed[0]["after"]["ticket_restriction"] == "groups"


async def test_invalid_tenant_is_checked_as_config_invalid() -> None:
    invalid = InvalidTenant("broken", (Problem("tenants[0].subdomain", "is empty"),), 60.0)
    m, _store = monitor(Answers(), invalid)
    with capture_logs() as events:
        await m.check("broken")
    assert [e["category"] for e in events if e["event"] == "credential_broken"] == [
        "config_invalid"
    ]


async def test_apply_reports_changes_and_a_removed_tenant_is_not_checked() -> None:
    m, store = monitor(Answers(me()), tenant("a"), tenant("b"))
    slower = dataclasses.replace(tenant("b"), timeout=3.0)
    change = m.apply(Config(defaults=Defaults(), tenants=(slower, tenant("c"))))
    assert (change.added, change.removed, change.changed) == (["c"], ["a"], ["b"])
    assert await m.check("a") is None
    assert store.names == ["b", "c"]


async def test_a_tenant_that_only_moved_in_the_file_is_unchanged() -> None:
    m, _ = monitor(Answers(me()), tenant("a"), tenant("b"))
    moved = dataclasses.replace(tenant("b"), position=0)
    first = dataclasses.replace(tenant("a"), position=1)
    change = m.apply(Config(defaults=Defaults(), tenants=(moved, first)))
    assert (change.added, change.removed, change.changed) == ([], [], [])
