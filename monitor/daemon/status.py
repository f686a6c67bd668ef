"""The daemon's own health, beside the tenants' results: what /healthz and the self-metrics read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class SchedulerFigures(Protocol):
    """What /status shows of the scheduler beyond the fields below (CheckScheduler has it;
    the daemon benchmark reads it)."""

    def lag_quantile(self, q: float) -> float | None: ...


@dataclass(slots=True)
class DaemonStatus:
    """Written by the scheduler and the reloader; read by metrics and endpoints."""

    monotonic: Callable[[], float] = time.monotonic
    # The scheduler beats at least this often while it runs; /healthz fails past
    # `stall_after_seconds` of silence (a dead-man, not a constant 200).
    stall_after_seconds: float = 60.0
    scheduler_heartbeat: float | None = None
    scheduler_lag_seconds: float = 0.0  # start delay of the last check, seconds
    missed_runs_total: int = 0  # runs due more than the misfire grace time ago
    skipped_runs_total: int = 0  # runs due while the tenant's previous one still ran or waited
    config_reload_successful: bool = True
    config_reload_success_at: float | None = None  # wall clock
    config_problems: list[str] = field(default_factory=list)
    # The running scheduler, for the lag percentiles in /status; None until the daemon sets it.
    scheduler: SchedulerFigures | None = None

    def beat(self) -> None:
        self.scheduler_heartbeat = self.monotonic()

    @property
    def scheduler_alive(self) -> bool:
        if self.scheduler_heartbeat is None:
            return False
        return self.monotonic() - self.scheduler_heartbeat <= self.stall_after_seconds
