"""Permission baselines: a tenant's permissions at its first healthy check, and what narrows.

After a tenant's first healthy check, its raw permission facts (`facts_of`) are its baseline.
A later healthy check whose facts are narrower than the baseline becomes a
`permission_regression`, even though the tenant still meets its `expect`: the customer took
something away, and the integration may need it tomorrow. A widening is kept and reported, not
alerted. `zendesk-monitor baseline accept` adopts the current state as the new baseline.

The daemon calls `BaselineJudge.judge` with every result before it records it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult
from monitor.daemon.baseline_facts import (
    COMPLETE,
    CONFIGURATION_ORDERS,
    GROUP_IDS,
    RESTRICTING_BOOLEANS,
    ROLE_CONFIGURATION,
    USER_ORDERS,
    Change,
    Facts,
    FactsDiff,
    compare,
    describe,
    facts_of,
    fingerprint,
)
from monitor.daemon.baseline_store import BaselineError, BaselineProblem, BaselineStore

# The categories whose facts `baseline accept` adopts: the credential authenticated and the
# chain read every permission fact.
ACCEPTABLE = COMPLETE


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the daemon does with one result.

    `result` is what to record (a narrowed healthy result is replaced by a
    `permission_regression`). `changes` is the diff against the facts seen at the tenant's
    previous check (at the first check since start: against its baseline), so the daemon logs
    `permission_changed` once per change; None when nothing changed or nothing is known.
    `against_baseline` is the diff of a healthy result against the baseline (None when no
    baseline was compared). `problem` names a baseline that could not be saved."""

    result: CheckResult
    changes: FactsDiff | None = None
    against_baseline: FactsDiff | None = None
    baseline_created: bool = False
    problem: BaselineProblem | None = None

    @property
    def regressed(self) -> bool:
        """The result was healthy and is now a permission_regression against the baseline."""
        return self.against_baseline is not None and bool(self.against_baseline.narrowed)


@dataclass(frozen=True, slots=True)
class _Seen:
    """A tenant's last judged facts (their fingerprint), the baseline object they were judged
    against, and that comparison: a check that reads the same facts again, as nearly every check
    does, needs neither diff again."""

    fingerprint: bytes
    baseline: Facts | None
    against: FactsDiff | None


class BaselineJudge:
    """Judges each result against its tenant's baseline in `store`. `config_path` only goes
    into the hint of a regression (the `baseline accept` command to run)."""

    def __init__(self, store: BaselineStore, *, config_path: str | None = None) -> None:
        self.store = store
        self._config_path = config_path
        self._previous: dict[str, dict[str, Any]] = {}
        self._seen: dict[str, _Seen] = {}

    async def judge(self, tenant: str, result: CheckResult) -> Judgement:
        facts = facts_of(result)
        if facts is None:
            return Judgement(result)
        baseline = self.store.get(tenant)
        seen = self._seen.get(tenant)
        current = fingerprint(facts)
        repeated = seen is not None and seen.fingerprint == current
        changes = None if repeated else self._changes(tenant, baseline, facts)
        self._seen[tenant] = _Seen(current, None, None)  # not compared with a baseline (yet)
        if not result.healthy:
            return Judgement(result, changes)
        if baseline is None:
            try:
                await self.store.save(tenant, facts)
            except BaselineError as exc:
                return Judgement(result, changes, problem=exc.problem)
            return Judgement(result, changes, baseline_created=True)
        if repeated and seen is not None and seen.baseline is baseline:
            against = seen.against
        else:
            against = compare(baseline, facts)
        self._seen[tenant] = _Seen(current, baseline, against)
        if against is not None and against.narrowed:
            result = replace(
                result,
                category=Category.PERMISSION_REGRESSION,
                detail=regression_detail(against),
                hint=self.regression_hint(tenant),
            )
        return Judgement(result, changes, against)

    def _changes(self, tenant: str, baseline: Facts | None, facts: Facts) -> FactsDiff | None:
        """The diff against the facts last seen (at the first check since start: the
        baseline), which then become these."""
        previous = self._previous.get(tenant, baseline)
        diff = None if previous is None else compare(previous, facts)
        # Facts a failed check did not reach keep their last known value.
        self._previous[tenant] = {**(previous or {}), **facts}
        return None if diff is None or diff.is_empty else diff

    def forget(self, tenant: str) -> None:
        """Drops the facts last seen for a tenant (removed from the config)."""
        self._previous.pop(tenant, None)
        self._seen.pop(tenant, None)

    def regression_hint(self, tenant: str) -> str:
        action = Category.PERMISSION_REGRESSION.action
        state_dir = self.store.state_dir
        if state_dir is None:
            return (
                f"{action} Or, if the change is intended, restart the monitor: without a state "
                "directory its baselines are in memory only, and the first healthy check after "
                "a start becomes the baseline."
            )
        config = self._config_path or "FILE"
        command = f"zendesk-monitor baseline accept -c {config} --state-dir {state_dir} "
        return (
            f"{action} Or, if the change is intended, run `{command}--tenant {tenant}` and "
            "reload the daemon's config."
        )


def regression_detail(against: FactsDiff) -> str:
    narrowed = "; ".join(describe(key, change) for key, change in against.narrowed.items())
    return f"permissions narrower than the tenant's baseline: {narrowed}"


__all__ = [
    "ACCEPTABLE",
    "CONFIGURATION_ORDERS",
    "GROUP_IDS",
    "RESTRICTING_BOOLEANS",
    "ROLE_CONFIGURATION",
    "USER_ORDERS",
    "BaselineError",
    "BaselineJudge",
    "BaselineProblem",
    "BaselineStore",
    "Change",
    "Facts",
    "FactsDiff",
    "Judgement",
    "compare",
    "describe",
    "facts_of",
    "fingerprint",
    "regression_detail",
]
