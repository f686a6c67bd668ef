"""The custom collector: every per-tenant and self metric, built at scrape time from one frame.

A frame is the store's snapshot plus the daemon's status, captured at one instant. Between
scrapes the collector keeps each tenant's rendered labels, and its samples with the view they
came from (a tenant not checked since reuses them), for the tenants of the latest frame only:
a tenant removed from the config loses every series at once. Families are filled with plain
loops that append `Sample` tuples directly (10,000 tenants make about 150,000 samples per
scrape; `add_metric` would build a label dict per call on top), and a tenant's label is
rendered once for all its series (`RenderedLabels`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample

from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore, TenantView
from monitor.exposition.encoding import RenderedLabels

SCHEDULE = " Checks run on the monitor's own schedule, not at scrape time."

HEALTHY = "zendesk_credential_healthy"
STATUS = "zendesk_credential_status"
CHECKS = "zendesk_credential_checks"  # counters: the family name has no `_total`
FAILURES = "zendesk_credential_check_failures"
DURATION = "zendesk_credential_check_duration_seconds"
LAST_DURATION = "zendesk_credential_last_check_duration_seconds"
LAST_CHECK = "zendesk_credential_last_check_timestamp_seconds"
LAST_SUCCESS = "zendesk_credential_last_success_timestamp_seconds"
CONSECUTIVE = "zendesk_credential_consecutive_failures"
INTERVAL = "zendesk_credential_check_interval_seconds"
PERMISSION = "zendesk_credential_permission_granted"
RATE_LIMIT = "zendesk_api_rate_limit"
RATE_REMAINING = "zendesk_api_rate_limit_remaining"
EXPIRY = "zendesk_credential_expiry_timestamp_seconds"
BUILD_INFO = "zendesk_monitor_build_info"
TENANTS = "zendesk_monitor_tenants"
READY = "zendesk_monitor_ready"
RELOAD_OK = "zendesk_monitor_config_last_reload_successful"
RELOAD_AT = "zendesk_monitor_config_last_reload_success_timestamp_seconds"
LAG = "zendesk_monitor_scheduler_lag_seconds"
MISSED = "zendesk_monitor_missed_runs"
SKIPPED = "zendesk_monitor_skipped_runs"

DURATION_HELP = "How long tenant checks took, all tenants together." + SCHEDULE

_HELP = {
    HEALTHY: "1 when the tenant's last credential verdict was ok, 0 after any credential failure; "
    "transient failures (rate limits, outages, timeouts) leave it as it was. Absent until the "
    "first verdict.",
    STATUS: "1 for the category of the tenant's last check result; one series per checked tenant, "
    "absent before the first check.",
    CHECKS: "Checks of the tenant since the monitor started or the tenant was added.",
    FAILURES: "Checks of the tenant whose result was not ok, by category (categories seen so far).",
    LAST_DURATION: "How long the tenant's last check took.",
    LAST_CHECK: "Unix time the tenant's last check finished; absent before the first check.",
    LAST_SUCCESS: "Unix time of the tenant's last ok check; absent until one.",
    CONSECUTIVE: "The tenant's checks in a row that were not ok (0 after an ok check).",
    INTERVAL: "How often the monitor checks the tenant, from its config.",
    PERMISSION: "1 when the integration user holds the permission, 0 when it lacks it, as the last "
    "check that could see it found; absent while the plan does not expose it.",
    RATE_LIMIT: "The account's API rate limit (X-Rate-Limit, requests per minute) as the last "
    "check saw it; absent when unknown.",
    EXPIRY: "Unix time the tenant's credential stops working, by kind: api_token (Zendesk "
    "retires every API token on 2027-04-30), access_token, refresh_token; absent when unknown.",
    RATE_REMAINING: "Requests left in the account's rate-limit window (X-Rate-Limit-Remaining) as "
    "the last check saw it; absent when unknown.",
}
for _name in _HELP:
    _HELP[_name] += SCHEDULE
_HELP |= {
    BUILD_INFO: "Always 1; the version label is the running zendesk-monitor's.",
    TENANTS: "Tenants configured in this process.",
    READY: "1 when every configured tenant has a first check result (as /readyz), else 0.",
    RELOAD_OK: "1 when the last config load or reload succeeded, 0 when it failed (the previous "
    "config stays in force).",
    RELOAD_AT: "Unix time of the last successful config load or reload.",
    LAG: "How late the scheduler started the last check, in seconds.",
    MISSED: "Scheduled check runs the scheduler missed (it fell behind).",
    SKIPPED: "Scheduled check runs not started because the tenant's previous check still ran or "
    "waited for a free slot (the monitor cannot keep up with its tenants).",
}
_COUNTERS = {CHECKS, FAILURES, MISSED, SKIPPED}


@dataclass(frozen=True, slots=True)
class Frame:
    """What one scrape reads: the store and the daemon's status at one instant.

    Captured on the event loop (the store is not thread-safe); rendered anywhere.
    """

    tenants: list[TenantView]
    scheduler_lag_seconds: float
    missed_runs_total: int
    skipped_runs_total: int
    config_reload_successful: bool
    config_reload_success_at: float | None

    @classmethod
    def capture(cls, store: ResultStore, status: DaemonStatus) -> Frame:
        return cls(
            tenants=store.snapshot(),
            scheduler_lag_seconds=status.scheduler_lag_seconds,
            missed_runs_total=status.missed_runs_total,
            skipped_runs_total=status.skipped_runs_total,
            config_reload_successful=status.config_reload_successful,
            config_reload_success_at=status.config_reload_success_at,
        )


def _family(name: str) -> Metric:
    return Metric(name, _HELP[name], "counter" if name in _COUNTERS else "gauge")


# A tenant's labels by (label, value) beyond `tenant` itself (BASE).
TenantLabels = dict[tuple[str, str], RenderedLabels]
BASE = ("", "")

# The per-tenant families, in their order on /metrics.
_TENANT_FAMILIES = (
    HEALTHY,
    STATUS,
    CHECKS,
    FAILURES,
    LAST_DURATION,
    LAST_CHECK,
    LAST_SUCCESS,
    CONSECUTIVE,
    INTERVAL,
    PERMISSION,
    RATE_LIMIT,
    RATE_REMAINING,
    EXPIRY,
)
_AT = {name: index for index, name in enumerate(_TENANT_FAMILIES)}
_CHECKS_TOTAL, _FAILURES_TOTAL = CHECKS + "_total", FAILURES + "_total"


@dataclass(slots=True)
class TenantSeries:
    """One tenant's series as the last render built them, kept for the next: its rendered
    labels, and its samples (by family) with the view they were built from. A tenant whose view
    is the same object (not checked since) reuses its samples as they are."""

    labels: TenantLabels
    view: TenantView | None = None
    # Each sample and the index of its family, in two flat sequences: 10,000 tenants keep
    # about 160,000 samples between scrapes, and a pair per sample would add 9 MB.
    families: bytes = b""
    samples: tuple[Sample, ...] = ()


def tenant_families(
    tenants: Iterable[TenantView], cache: dict[str, TenantSeries] | None = None
) -> list[Metric]:
    """The per-tenant families, in a fixed order; a family without samples is left out.

    `cache` carries each tenant's series from one call to the next (building labels was 40% of
    a render, and a tenant not checked between two scrapes, half of them at a 30 s scrape and a
    60 s interval, has the same samples); it is left holding exactly the tenants given, so a
    tenant removed from the config leaves it at the next scrape."""
    previous = cache or {}
    kept: dict[str, TenantSeries] = {}
    families = [_family(name) for name in _TENANT_FAMILIES]
    appends = [family.samples.append for family in families]
    for view in tenants:
        name = view.name
        series = previous.get(name) or TenantSeries({BASE: RenderedLabels({"tenant": name})})
        kept[name] = series
        if series.view is not view:
            series.families, series.samples = _tenant_samples(view, series.labels)
            series.view = view
        for index, sample in zip(series.families, series.samples, strict=True):
            appends[index](sample)
    if cache is not None:
        cache.clear()
        cache.update(kept)
    return [family for family in families if family.samples]


def _tenant_samples(view: TenantView, own: TenantLabels) -> tuple[bytes, tuple[Sample, ...]]:
    """One tenant's samples, and the index of each one's family."""
    tenant = own[BASE]  # shared by this tenant's samples
    families: list[int] = []
    samples: list[Sample] = []

    def add(family: str, sample: Sample) -> None:
        families.append(_AT[family])
        samples.append(sample)

    add(INTERVAL, Sample(INTERVAL, tenant, view.interval_seconds))
    add(CHECKS, Sample(_CHECKS_TOTAL, tenant, view.checks_total))
    add(CONSECUTIVE, Sample(CONSECUTIVE, tenant, view.consecutive_failures))
    if view.credential_healthy is not None:
        add(HEALTHY, Sample(HEALTHY, tenant, 1.0 if view.credential_healthy else 0.0))
    result = view.result
    if result is not None:
        add(STATUS, Sample(STATUS, _labelled(own, "category", result.category.value), 1.0))
        add(LAST_DURATION, Sample(LAST_DURATION, tenant, result.duration_seconds))
        for kind, expires_at in result.expiries:
            add(EXPIRY, Sample(EXPIRY, _labelled(own, "kind", kind), expires_at))
    if view.last_check_at is not None:
        add(LAST_CHECK, Sample(LAST_CHECK, tenant, view.last_check_at))
    if view.last_success_at is not None:
        add(LAST_SUCCESS, Sample(LAST_SUCCESS, tenant, view.last_success_at))
    for category, count in view.failures_total.items():
        labels = _labelled(own, "category", category.value)
        add(FAILURES, Sample(_FAILURES_TOTAL, labels, count))
    for perm, granted in view.permissions.items():
        labels = _labelled(own, "permission", perm.value)
        add(PERMISSION, Sample(PERMISSION, labels, float(granted)))
    limits = view.rate_limit
    if limits.limit is not None:
        add(RATE_LIMIT, Sample(RATE_LIMIT, tenant, limits.limit))
    if limits.remaining is not None:
        add(RATE_REMAINING, Sample(RATE_REMAINING, tenant, limits.remaining))
    return bytes(families), tuple(samples)


def _labelled(own: TenantLabels, key: str, value: str) -> RenderedLabels:
    labels = own.get((key, value))
    if labels is None:
        labels = own[(key, value)] = own[BASE].plus(key, value)
    return labels


def self_families(frame: Frame, version: str) -> list[Metric]:
    """The monitor's own health: build, tenants, readiness, config reloads, scheduler."""
    values: list[tuple[str, dict[str, str], float | None]] = [
        (BUILD_INFO, {"version": version}, 1.0),
        (TENANTS, {}, len(frame.tenants)),
        (READY, {}, float(all(view.result is not None for view in frame.tenants))),
        (RELOAD_OK, {}, float(frame.config_reload_successful)),
        (RELOAD_AT, {}, frame.config_reload_success_at),
        (LAG, {}, frame.scheduler_lag_seconds),
        (MISSED + "_total", {}, frame.missed_runs_total),
        (SKIPPED + "_total", {}, frame.skipped_runs_total),
    ]
    families = []
    for sample_name, labels, value in values:
        if value is None:
            continue
        family = _family(sample_name.removesuffix("_total"))
        family.samples.append(Sample(sample_name, labels, value))
        families.append(family)
    return families


class FrameCollector(Collector):
    """Collects a fresh frame of the store and status, or the frame pinned by `pinned`."""

    def __init__(self, store: ResultStore, status: DaemonStatus, version: str) -> None:
        self._store = store
        self._status = status
        self._version = version
        self._series: dict[str, TenantSeries] = {}  # from one scrape to the next
        self._series_lock = threading.Lock()  # two renders at once must not share it

    def collect(self) -> Iterator[Metric]:
        frame = _PINNED.get()
        if frame is None:
            frame = Frame.capture(self._store, self._status)
        with self._series_lock:
            families = tenant_families(frame.tenants, self._series)
        yield from families
        yield from self_families(frame, self._version)


# A context variable rather than an attribute: two scrapes rendering at once, in two threads,
# each see their own frame.
_PINNED: ContextVar[Frame | None] = ContextVar("zendesk_monitor_pinned_frame", default=None)


@contextmanager
def pinned(frame: Frame) -> Iterator[None]:
    """Makes every `FrameCollector.collect` in this context read `frame`."""
    token = _PINNED.set(frame)
    try:
        yield
    finally:
        _PINNED.reset(token)
