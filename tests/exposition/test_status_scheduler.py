"""/status's `scheduler` block: the start-delay p99, missed and skipped runs (the daemon
benchmark reads them; the daemon sets `DaemonStatus.scheduler` to its CheckScheduler)."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.daemon.scheduler import CheckScheduler
from monitor.daemon.status import DaemonStatus, SchedulerFigures
from monitor.exposition.status_json import scheduler_document, status_document


@dataclass
class FakeScheduler:
    p99: float | None = None

    def lag_quantile(self, q: float) -> float | None:
        assert q == 0.99
        return self.p99


def test_without_a_scheduler() -> None:
    status = DaemonStatus(scheduler_lag_seconds=0.5, missed_runs_total=2)
    assert scheduler_document(status) == {
        "last_lag_seconds": 0.5,
        "lag_p99_seconds": None,
        "missed_runs_total": 2,
        "skipped_runs_total": 0,
    }


def test_with_a_scheduler_in_the_status_document() -> None:
    status = DaemonStatus(missed_runs_total=1, skipped_runs_total=3, scheduler=FakeScheduler(0.25))
    document = status_document([], status, version="1")
    assert document["scheduler"] == {
        "last_lag_seconds": 0.0,
        "lag_p99_seconds": 0.25,
        "missed_runs_total": 1,
        "skipped_runs_total": 3,
    }


async def test_the_check_scheduler_provides_the_figures() -> None:
    async def run(name: str) -> float | None:
        return None

    status = DaemonStatus()
    scheduler = CheckScheduler(run, status=status)
    status.scheduler = scheduler
    figures: SchedulerFigures = scheduler  # the protocol, checked by mypy as well
    scheduler.lags.add(0.1)
    scheduler.lags.add(0.3)
    assert figures.lag_quantile(0.99) == 0.3
    assert scheduler_document(status)["lag_p99_seconds"] == 0.3
    assert scheduler_document(status)["skipped_runs_total"] == 0
