"""The /status document: every tenant's last result and history, as JSON-ready values.

A tenant's entry has the fields of `CheckResult.to_json()` (what `check --format json` prints),
plus what only the daemon knows: the last credential verdict, when it was last checked and last
ok (RFC 3339, UTC), its interval and its failures in a row. Before its first check the result
fields are null (permissions all null, no warnings).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult, Permission
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import TenantView


def rfc3339(timestamp: float | None) -> str | None:
    """Unix seconds as `2026-06-04T09:15:02.125Z`, or None."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# The fields every result prints (its optional ones left out), taken from a result itself so
# that an entry before the first check always has the same fields as one after it.
_RESULT_FIELDS = tuple(CheckResult("", Category.OK, "", "").to_json())


def _unchecked(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = dict.fromkeys(_RESULT_FIELDS)
    doc.update(tenant=name, permissions={p.value: None for p in Permission}, warnings=[])
    return doc


def tenant_document(view: TenantView) -> dict[str, Any]:
    doc = _unchecked(view.name) if view.result is None else view.result.to_json()
    doc.update(
        credential_healthy=view.credential_healthy,
        last_check_at=rfc3339(view.last_check_at),
        last_success_at=rfc3339(view.last_success_at),
        interval_seconds=view.interval_seconds,
        consecutive_failures=view.consecutive_failures,
    )
    return doc


def scheduler_document(status: DaemonStatus) -> dict[str, Any]:
    """How punctually checks start: the last start delay, the 99th percentile of the recent
    ones (null before any), scheduled runs missed, and runs skipped because the previous one
    of the same tenant still ran. For the daemon benchmark and for people; the metrics have
    the last delay and the missed and skipped runs."""
    scheduler = status.scheduler
    return {
        "last_lag_seconds": status.scheduler_lag_seconds,
        "lag_p99_seconds": None if scheduler is None else scheduler.lag_quantile(0.99),
        "missed_runs_total": status.missed_runs_total,
        "skipped_runs_total": status.skipped_runs_total,
    }


def status_document(
    tenants: list[TenantView], status: DaemonStatus, *, version: str, only: str | None = None
) -> dict[str, Any]:
    """The whole /status answer: readiness over all `tenants`, the entries of all of them or
    of the one named `only` (none when it is not configured)."""
    waiting = sum(1 for view in tenants if view.result is None)
    return {
        "version": version,
        "ready": waiting == 0,
        "tenants_total": len(tenants),
        "tenants_waiting": waiting,
        "scheduler_alive": status.scheduler_alive,
        "scheduler": scheduler_document(status),
        "config": {
            "last_reload_successful": status.config_reload_successful,
            "last_reload_success_at": rfc3339(status.config_reload_success_at),
            "problems": list(status.config_problems),
        },
        "tenants": [tenant_document(view) for view in tenants if only is None or view.name == only],
    }
