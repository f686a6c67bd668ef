"""The check loop: one tenant's check, judged against its baseline, recorded, and told.

The scheduler calls `Monitor.check(name)`; it knows nothing about Zendesk, and the checks know
nothing about the schedule. `Monitor.apply(config)` swaps the tenant set on start and reload.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from monitor.checks.runner import Checker
from monitor.config.model import Config, InvalidTenant, TenantConfig
from monitor.daemon.baselines import BaselineJudge
from monitor.daemon.store import ResultStore, Transition
from monitor.exposition import events
from monitor.exposition.metrics import DaemonMetrics

Tenant = TenantConfig | InvalidTenant


@dataclass(frozen=True, slots=True)
class ConfigChange:
    added: list[str]
    removed: list[str]
    changed: list[str]
    invalid: list[str]


class Monitor:
    def __init__(
        self,
        *,
        checker: Checker,
        store: ResultStore,
        metrics: DaemonMetrics,
        judge: BaselineJudge,
    ) -> None:
        self._checker = checker
        self._store = store
        self._metrics = metrics
        self._judge = judge
        self._tenants: dict[str, Tenant] = {}

    @property
    def intervals(self) -> dict[str, float]:
        return {name: tenant.interval for name, tenant in self._tenants.items()}

    def apply(self, config: Config) -> ConfigChange:
        """Makes `config` the one checked from now on; says which tenants it adds, removes and
        changes, so the scheduler starts, stops and restarts exactly those."""
        old = self._tenants
        # An unchanged tenant keeps its object, so its check in flight still counts.
        new = {t.name: old[t.name] if _same(old.get(t.name), t) else t for t in config.entries}
        change = ConfigChange(
            added=[n for n in new if n not in old],
            removed=[n for n in old if n not in new],
            changed=[n for n in new if n in old and new[n] is not old[n]],
            invalid=[n for n, t in new.items() if isinstance(t, InvalidTenant)],
        )
        self._tenants = new
        self._store.configure(self.intervals)
        for name in change.removed:
            self._judge.forget(name)
        return change

    async def check(self, name: str) -> float | None:
        """Checks one tenant now; returns the Retry-After its answer asked for, if any."""
        tenant = self._tenants.get(name)
        if tenant is None:
            return None  # removed by a reload while this run was queued
        judgement = await self._judge.judge(name, await self._checker.check(tenant))
        result = judgement.result
        if self._tenants.get(name) is not tenant:
            return None  # reloaded while in flight: this result describes the old config
        transition = self._store.record(result)
        self._metrics.observe_check_duration(result.duration_seconds)
        events.check_completed(result)
        if judgement.baseline_created:
            events.baseline_created(name)
        if judgement.problem is not None:
            events.baseline_unusable(str(judgement.problem))
        if judgement.changes is not None:
            diff = judgement.changes
            events.permission_changed(
                name,
                before=diff.before,
                after=diff.after,
                narrowed=sorted(diff.narrowed),
                widened=sorted(diff.widened),
                changed=sorted(diff.changed),
            )
        if transition is Transition.BROKEN:
            events.credential_broken(result)
        elif transition is Transition.RECOVERED:
            events.credential_recovered(result)
        return result.retry_after_seconds


def _same(before: Tenant | None, after: Tenant) -> bool:
    """The same check: only the tenant's place in the file moved, or nothing at all."""
    return before is not None and replace(before, position=0) == replace(after, position=0)
