"""Real parts for the exposition tests: a store filled with real results, the app on a real
loopback port, and the scraped text parsed back into samples."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult, Permission, RateLimit
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore
from monitor.exposition.http import Reload, build_app, start_http, stop
from monitor.exposition.metrics import DaemonMetrics

VERSION = "9.8.7-test"
# Every test client is plain HTTP to loopback; one TLS context for all (httpx builds one per
# client otherwise, which costs more than most of these tests).
TLS = ssl.create_default_context()
START = 1_780_000_000.25  # wall clock of the first check, Unix seconds
PLAN_VISIBLE = (Permission.TICKET_ACCESS, Permission.PUBLIC_COMMENTS)  # non-Enterprise plans


@dataclass
class Clock:
    """A clock the test moves by hand: the store's wall clock, the status's monotonic clock."""

    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def result(
    tenant: str,
    category: Category = Category.OK,
    *,
    permissions: dict[Permission, bool | None] | None = None,
    rate_limit: RateLimit | None = None,
    duration: float = 0.25,
) -> CheckResult:
    perms: dict[Permission, bool | None] = dict.fromkeys(Permission)
    perms.update(permissions or {})
    return CheckResult(
        tenant=tenant,
        category=category,
        detail=f"{category.value} detail",
        hint=category.action,
        permissions=tuple(perms.items()),
        request_id=f"req-{tenant}",
        duration_seconds=duration,
        request_count=2,
        retry_after_seconds=30.0 if category is Category.RATE_LIMITED else None,
        rate_limit=rate_limit or RateLimit(),
        expiries=(("api_token", RETIREMENT),),
    )


RETIREMENT = 1_809_043_200.0  # 2027-04-30T00:00:00Z, Zendesk's API-token retirement
ALL_GRANTED: dict[Permission, bool | None] = dict.fromkeys(Permission, True)
TENANTS = {
    "healthy": 60.0,  # ok, Enterprise: every permission known, rate limit known
    "broken": 60.0,  # ok, then auth_failed
    "regressed": 300.0,  # permission_regression: one permission missing
    "limited": 60.0,  # ok, then rate_limited: the verdict stays ok
    "limited-first": 60.0,  # only rate_limited: no verdict yet
    "plain": 120.0,  # ok on a plan without custom roles: two permissions known
    "waiting": 60.0,  # never checked
}


@dataclass
class Monitor:
    """The daemon's read side, as the daemon will wire it."""

    clock: Clock = field(default_factory=lambda: Clock(START))
    monotonic: Clock = field(default_factory=lambda: Clock(1000.0))
    store: ResultStore = field(init=False)
    status: DaemonStatus = field(init=False)
    metrics: DaemonMetrics = field(init=False)

    def __post_init__(self) -> None:
        self.store = ResultStore(clock=self.clock)
        self.status = DaemonStatus(monotonic=self.monotonic, stall_after_seconds=30.0)
        self.metrics = DaemonMetrics(self.store, self.status, version=VERSION)

    def record(self, checked: CheckResult) -> None:
        self.store.record(checked)
        self.metrics.observe_check_duration(checked.duration_seconds)
        self.clock.advance(1.0)


def populated() -> Monitor:
    """One tenant per case; checks recorded one second apart from START."""
    monitor = Monitor()
    monitor.store.configure(TENANTS)
    monitor.status.beat()
    monitor.status.scheduler_lag_seconds = 0.5
    monitor.status.missed_runs_total = 2
    monitor.status.skipped_runs_total = 3
    monitor.status.config_reload_success_at = START - 10
    rates = RateLimit(limit=700, remaining=650)
    monitor.record(result("healthy", permissions=ALL_GRANTED, rate_limit=rates, duration=0.125))
    monitor.record(result("broken", permissions=ALL_GRANTED))
    monitor.record(result("broken", Category.AUTH_FAILED, duration=0.05))
    missing = ALL_GRANTED | {Permission.TICKET_EDITING: False}
    monitor.record(result("regressed", Category.PERMISSION_REGRESSION, permissions=missing))
    monitor.record(result("limited", permissions=ALL_GRANTED, rate_limit=rates))
    monitor.record(
        result("limited", Category.RATE_LIMITED, rate_limit=RateLimit(limit=700, remaining=0))
    )
    monitor.record(result("limited-first", Category.RATE_LIMITED))
    monitor.record(result("plain", permissions=dict.fromkeys(PLAN_VISIBLE, True)))
    return monitor


@dataclass
class Served:
    monitor: Monitor
    client: httpx.AsyncClient
    url: str

    async def scrape(self, **headers: str) -> str:
        response = await self.client.get("/metrics", headers=headers)
        assert response.status_code == 200, response.text
        return response.text


@asynccontextmanager
async def serve(monitor: Monitor, reload: Reload | None = None) -> AsyncIterator[Served]:
    app = build_app(
        store=monitor.store,
        status=monitor.status,
        metrics=monitor.metrics,
        reload=reload,
        version=VERSION,
    )
    runner, port = await start_http(app, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10, verify=TLS) as client:
            yield Served(monitor, client, url)
    finally:
        await stop(runner)


Samples = dict[str, dict[frozenset[tuple[str, str]], float]]


def samples(text: str) -> Samples:
    """Sample name -> {label set: value}, parsed by prometheus_client's own parser."""
    parsed: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            by_labels = parsed.setdefault(sample.name, {})
            key = frozenset(sample.labels.items())
            assert key not in by_labels, f"duplicate series {sample.name}{sample.labels}"
            by_labels[key] = sample.value
    return parsed


def series(text: str, name: str) -> dict[str, float]:
    """One single-label (`tenant`) metric as {tenant: value}."""
    found = samples(text).get(name, {})
    return {dict(labels)["tenant"]: value for labels, value in found.items()}


def tenant_labels(text: str, name: str, label: str) -> dict[tuple[str, str], float]:
    """A two-label metric as {(tenant, label): value}."""
    found = samples(text).get(name, {})
    return {(dict(k)["tenant"], dict(k)[label]): value for k, value in found.items()}


def promtool_check(text: str) -> subprocess.CompletedProcess[str]:
    """`promtool check metrics` on `text`. promtool must be installed (Debian's `prometheus`
    package): a missing promtool fails the test, never skips it."""
    promtool = shutil.which("promtool")
    assert promtool is not None, "promtool is not installed (apt-get install prometheus)"
    return subprocess.run(
        [promtool, "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
