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


class BaselineJudge:
    """Judges each result against its tenant's baseline in `store`. `config_path` only goes
    into the hint of a regression (the `baseline accept` command to run)."""

    def __init__(self, store: BaselineStore, *, config_path: str | None = None) -> None:
        self.store = store
        self._config_path = config_path
        self._previous: dict[str, dict[str, Any]] = {}

    def judge(self, tenant: str, result: CheckResult) -> Judgement:
        facts = facts_of(result)
        if facts is None:
            return Judgement(result)
        baseline = self.store.get(tenant)
        previous = self._previous.get(tenant, baseline)
        diff = None if previous is None else compare(previous, facts)
        changes = None if diff is None or diff.is_empty else diff
        # Facts a failed check did not reach keep their last known value.
        self._previous[tenant] = {**(previous or {}), **facts}
        if not result.healthy:
            return Judgement(result, changes)
        if baseline is None:
            try:
                self.store.set(tenant, facts)
            except BaselineError as exc:
                return Judgement(result, changes, problem=exc.problem)
            return Judgement(result, changes, baseline_created=True)
        against = compare(baseline, facts)
        if against.narrowed:
            result = replace(
                result,
                category=Category.PERMISSION_REGRESSION,
                detail=regression_detail(against),
                hint=self.regression_hint(tenant),
            )
        return Judgement(result, changes, against)

    def forget(self, tenant: str) -> None:
        """Drops the facts last seen for a tenant (removed from the config)."""
        self._previous.pop(tenant, None)

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
    "regression_detail",
]
