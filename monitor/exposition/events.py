"""The log events: a documented interface (see the README's "Log events"), one function each.

Events are structlog events with the name under `event`; tests assert on captured event dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog

from monitor.checks.result import CheckResult

log = structlog.get_logger("monitor")


def check_completed(result: CheckResult) -> None:
    log.info(
        "check_completed",
        tenant=result.tenant,
        category=result.category.value,
        healthy=result.healthy,
        duration_seconds=round(result.duration_seconds, 6),
        request_count=result.request_count,
        request_id=result.request_id,
    )


def credential_broken(result: CheckResult) -> None:
    log.warning(
        "credential_broken",
        tenant=result.tenant,
        category=result.category.value,
        detail=result.detail,
        hint=result.hint,
        request_id=result.request_id,
    )


def credential_recovered(result: CheckResult) -> None:
    log.info("credential_recovered", tenant=result.tenant, request_id=result.request_id)


def permission_changed(
    tenant: str,
    *,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    narrowed: Sequence[str],
    widened: Sequence[str],
    changed: Sequence[str],
) -> None:
    log.warning(
        "permission_changed",
        tenant=tenant,
        before=dict(before),
        after=dict(after),
        narrowed=list(narrowed),
        widened=list(widened),
        changed=list(changed),
    )


def baseline_created(tenant: str) -> None:
    log.info("baseline_created", tenant=tenant)


def baseline_unusable(problem: str) -> None:
    """A baseline file could not be read or written; the message names the file."""
    log.error("baseline_unusable", problem=problem)


def config_reloaded(
    *,
    tenants: int,
    added: Sequence[str],
    removed: Sequence[str],
    changed: Sequence[str],
    invalid: Sequence[str],
) -> None:
    log.info(
        "config_reloaded",
        tenants=tenants,
        added=list(added),
        removed=list(removed),
        changed=list(changed),
        invalid=list(invalid),
    )


def config_reload_failed(*, path: str, problems: Sequence[str]) -> None:
    log.error("config_reload_failed", path=path, problems=list(problems))
