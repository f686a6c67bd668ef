"""The result store: the latest state of every tenant, which metrics, logs and /status read.

Only the check loop writes (`record`); readers take `snapshot()`, a list of frozen views, so a
scrape never sees a tenant half-updated. Tenants come and go with the config (`configure`):
a removed tenant is gone from the next snapshot, and so are its series.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from monitor.checks.categories import Category, Kind
from monitor.checks.result import CheckResult, Permission, RateLimit


class Transition(StrEnum):
    """A change of the credential verdict, logged once when it happens."""

    BROKEN = "credential_broken"
    RECOVERED = "credential_recovered"


@dataclass(frozen=True, slots=True)
class TenantView:
    """One tenant as readers see it at one instant."""

    name: str
    interval_seconds: float
    result: CheckResult | None  # None before the first check
    credential_healthy: bool | None  # the last verdict: transient results leave it as it was
    last_check_at: float | None  # wall-clock seconds
    last_success_at: float | None
    checks_total: int
    failures_total: Mapping[Category, int]
    consecutive_failures: int
    permissions: Mapping[Permission, bool]  # known ones only, from the last result that had them
    rate_limit: RateLimit


@dataclass(slots=True)
class _Tenant:
    name: str
    interval_seconds: float
    result: CheckResult | None = None
    credential_healthy: bool | None = None
    last_check_at: float | None = None
    last_success_at: float | None = None
    checks_total: int = 0
    failures_total: Counter[Category] = field(default_factory=Counter)
    consecutive_failures: int = 0
    permissions: dict[Permission, bool] = field(default_factory=dict)
    rate_limit: RateLimit = field(default_factory=RateLimit)
    # The view of this state, until it changes: readers get the same object for a tenant that
    # did not change (a /metrics render reuses what it built from it), and a snapshot of
    # 10,000 tenants builds only the views of those checked since the last one.
    cached_view: TenantView | None = None

    def view(self) -> TenantView:
        if self.cached_view is None:
            self.cached_view = self._new_view()
        return self.cached_view

    def _new_view(self) -> TenantView:
        return TenantView(
            name=self.name,
            interval_seconds=self.interval_seconds,
            result=self.result,
            credential_healthy=self.credential_healthy,
            last_check_at=self.last_check_at,
            last_success_at=self.last_success_at,
            checks_total=self.checks_total,
            failures_total=dict(self.failures_total),
            consecutive_failures=self.consecutive_failures,
            permissions=dict(self.permissions),
            rate_limit=self.rate_limit,
        )


class ResultStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._tenants: dict[str, _Tenant] = {}
        self._waiting = 0  # tenants without a first result: /readyz asks often, in O(1)

    def configure(self, intervals: Mapping[str, float]) -> None:
        """Makes the store hold exactly these tenants; a changed tenant keeps its history."""
        for name in list(self._tenants):
            if name not in intervals:
                self._waiting -= self._tenants.pop(name).result is None
        for name, interval in intervals.items():
            tenant = self._tenants.get(name)
            if tenant is None:
                self._tenants[name] = _Tenant(name, interval)
                self._waiting += 1
            elif tenant.interval_seconds != interval:
                tenant.interval_seconds = interval
                tenant.cached_view = None

    def forget(self, name: str) -> None:
        """Drops a tenant's history (its config changed: it starts again from no result)."""
        old = self._tenants.get(name)
        if old is not None:
            self._tenants[name] = _Tenant(name, old.interval_seconds)
            self._waiting += old.result is not None

    def record(self, result: CheckResult) -> Transition | None:
        """Stores a result; returns the verdict transition it makes, if any. A result for a
        tenant no longer configured (a check that was in flight during a reload) is dropped."""
        tenant = self._tenants.get(result.tenant)
        if tenant is None:
            return None
        now = self._clock()
        self._waiting -= tenant.result is None
        tenant.cached_view = None
        tenant.result = result
        tenant.last_check_at = now
        tenant.checks_total += 1
        if result.healthy:
            tenant.last_success_at = now
            tenant.consecutive_failures = 0
        else:
            tenant.failures_total[result.category] += 1
            tenant.consecutive_failures += 1
        known = {p: v for p, v in result.permissions if v is not None}
        if known:
            tenant.permissions = known
        if result.rate_limit.limit is not None or result.rate_limit.remaining is not None:
            tenant.rate_limit = result.rate_limit
        return _verdict_change(tenant, result.category)

    def snapshot(self) -> list[TenantView]:
        return [t.view() for t in self._tenants.values()]

    def get(self, name: str) -> TenantView | None:
        tenant = self._tenants.get(name)
        return None if tenant is None else tenant.view()

    @property
    def names(self) -> list[str]:
        return list(self._tenants)

    @property
    def waiting(self) -> int:
        """How many tenants have no result yet."""
        return self._waiting

    @property
    def ready(self) -> bool:
        """Every tenant has a first result."""
        return self._waiting == 0

    def __len__(self) -> int:
        return len(self._tenants)


def _verdict_change(tenant: _Tenant, category: Category) -> Transition | None:
    if category.kind is Kind.TRANSIENT:
        return None  # no verdict: a 429 or an outage never flips the credential's health
    healthy = category.kind is Kind.OK
    before = tenant.credential_healthy
    tenant.credential_healthy = healthy
    if not healthy and before is not False:
        return Transition.BROKEN
    if healthy and before is False:
        return Transition.RECOVERED
    return None
