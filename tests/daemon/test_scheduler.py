"""CheckScheduler on a real AsyncIOScheduler and a real loop, with short intervals.

Conditions are polled with a deadline (`eventually`); no test asserts on a timing value beyond
ordering facts, so a slow machine makes a test slower, not red.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from structlog.testing import capture_logs

from monitor.daemon.schedule_lag import LagWindow
from monitor.daemon.schedule_timing import interval_trigger, spread_fraction
from monitor.daemon.scheduler import MIN_MISFIRE_GRACE, CheckScheduler, RunCheck
from monitor.daemon.status import DaemonStatus

FAST = 0.05  # seconds between checks of a tenant in most tests


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.005)


@dataclass
class Recorder:
    """A `run` that records what the scheduler made it do."""

    delays: dict[str, float] = field(default_factory=dict)
    hold: asyncio.Event | None = None  # when set, every run waits for it
    retry_after: dict[str, float] = field(default_factory=dict)  # answered once, on the next run
    failing: frozenset[str] = frozenset()
    starts: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ends: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cancelled: list[str] = field(default_factory=list)
    running: Counter[str] = field(default_factory=Counter)
    max_running_per_tenant: int = 0
    concurrent: int = 0
    max_concurrent: int = 0

    async def __call__(self, name: str) -> float | None:
        self.starts[name].append(time.time())  # wall clock, like APScheduler's run times
        self.running[name] += 1
        self.concurrent += 1
        self.max_running_per_tenant = max(self.max_running_per_tenant, self.running[name])
        self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            if self.hold is not None:
                await self.hold.wait()
            await asyncio.sleep(self.delays.get(name, 0.0))
            if name in self.failing:
                raise RuntimeError(f"{name} broke")
            return self.retry_after.pop(name, None)
        except asyncio.CancelledError:
            self.cancelled.append(name)
            raise
        finally:
            self.running[name] -= 1
            self.concurrent -= 1
            self.ends[name].append(time.time())

    def count(self, name: str) -> int:
        return len(self.starts[name])


Make = Callable[..., CheckScheduler]


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    """Builds schedulers with a fast heartbeat; shuts down whatever a test left running."""
    made: list[CheckScheduler] = []

    def factory(run: RunCheck, **kwargs: Any) -> CheckScheduler:
        kwargs.setdefault("status", DaemonStatus())
        kwargs.setdefault("heartbeat_seconds", 0.02)
        scheduler = CheckScheduler(run, **kwargs)
        made.append(scheduler)
        return scheduler

    yield factory
    for scheduler in made:
        await scheduler.shutdown(grace_seconds=0)


async def test_every_tenant_runs_repeatedly_and_lag_is_recorded(make: Make) -> None:
    run = Recorder()
    status = DaemonStatus()
    scheduler = make(run, status=status)
    scheduler.set_tenants(dict.fromkeys(["a", "b", "c"], FAST))  # before start, as the daemon does
    scheduler.start()
    await eventually(lambda: all(run.count(n) >= 4 for n in "abc"))
    assert len(scheduler.lags) >= 12
    assert all(lag >= 0 for lag in scheduler.lags.values())
    assert status.scheduler_lag_seconds == scheduler.lags.values()[-1]
    p50, p99 = scheduler.lag_quantile(0.5), scheduler.lag_quantile(0.99)
    assert p50 is not None
    assert p99 is not None
    assert p50 <= p99


async def test_jobs_are_configured_to_delay_rather_than_skip(make: Make) -> None:
    scheduler = make(Recorder())
    scheduler.set_tenants({"short": 1.0, "long": 120.0})
    jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}  # APScheduler's own view
    assert jobs["short"].misfire_grace_time == MIN_MISFIRE_GRACE
    assert jobs["long"].misfire_grace_time == 120
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())


async def test_a_slow_run_never_overlaps_itself(make: Make) -> None:
    run = Recorder(delays={"slow": 4 * FAST})
    status = DaemonStatus()
    scheduler = make(run, status=status)
    scheduler.set_tenants({"slow": FAST, "quick": FAST})
    scheduler.start()
    await eventually(lambda: run.count("slow") >= 3)
    assert run.max_running_per_tenant == 1
    assert status.skipped_runs_total > 0  # runs due while the slow one ran were dropped
    assert run.count("quick") > run.count("slow")


async def test_the_concurrency_limit_is_respected(make: Make) -> None:
    names = [f"t{i}" for i in range(20)]
    run = Recorder(delays=dict.fromkeys(names, 0.02))
    scheduler = make(run, concurrency=3, spread_first_runs=False)
    scheduler.set_tenants(dict.fromkeys(names, FAST))
    scheduler.start()
    await eventually(lambda: all(run.count(n) >= 2 for n in names))
    assert run.max_concurrent == 3


async def test_retry_after_pushes_that_tenant_only(make: Make) -> None:
    retry = 0.5
    run = Recorder(retry_after={"limited": retry})
    scheduler = make(run)
    scheduler.set_tenants({"limited": FAST, "other": FAST})
    scheduler.start()
    await eventually(lambda: run.count("limited") >= 2)
    answered_at = run.ends["limited"][0]
    assert run.starts["limited"][1] >= answered_at + retry
    others_meanwhile = [t for t in run.starts["other"] if answered_at < t < answered_at + retry]
    assert len(others_meanwhile) >= 2
    await eventually(lambda: run.count("limited") >= 4)  # then back to its interval


async def test_set_tenants_adds_removes_and_changes_intervals(make: Make) -> None:
    run = Recorder()
    scheduler = make(run)
    scheduler.start()
    scheduler.set_tenants({"a": FAST, "b": FAST})
    await eventually(lambda: run.count("a") >= 2 and run.count("b") >= 2)

    scheduler.set_tenants({"a": FAST, "c": FAST})
    assert scheduler.tenants == {"a": FAST, "c": FAST}
    assert scheduler.next_run_time("b") is None
    b_runs = run.count("b")
    await eventually(lambda: run.count("c") >= 3)
    assert run.count("b") == b_runs

    scheduler.set_tenants({"a": 3600.0, "c": FAST})  # the pending near run is kept, then hourly
    a_runs = run.count("a")
    await eventually(lambda: run.count("a") > a_runs)
    hour_later = datetime.now(UTC) + timedelta(minutes=50)
    await eventually(lambda: (scheduler.next_run_time("a") or hour_later) > hour_later)
    assert run.count("c") >= 3


async def test_set_tenants_keeps_unchanged_tenants_next_runs(make: Make) -> None:
    scheduler = make(Recorder())
    scheduler.start()
    scheduler.set_tenants({"a": 600.0, "b": 600.0})
    before = {n: scheduler.next_run_time(n) for n in "ab"}
    scheduler.set_tenants({"a": 600.0, "b": 600.0, "c": 600.0})
    scheduler.set_tenants({"a": 600.0, "b": 600.0, "c": 600.0})
    assert {n: scheduler.next_run_time(n) for n in "ab"} == before


async def test_set_tenants_refuses_bad_intervals(make: Make) -> None:
    scheduler = make(Recorder())
    with pytest.raises(ValueError, match="interval"):
        scheduler.set_tenants({"a": 0.0})
    with pytest.raises(ValueError, match="interval"):
        scheduler.set_tenants({"a": float("nan")})


async def test_restart_runs_the_tenant_again_soon(make: Make) -> None:
    # A name whose spread puts its first run late in the hour, so only the restart runs it.
    name = next(n for n in (f"t{i}" for i in range(100)) if spread_fraction(n) > 0.5)
    run = Recorder()
    scheduler = make(run, jitter_fraction=0.0001)
    scheduler.start()
    scheduler.set_tenants({name: 3600.0})
    first = scheduler.next_run_time(name)
    assert first is not None
    assert first > datetime.now(UTC) + timedelta(minutes=20)
    scheduler.restart(name)
    await eventually(lambda: run.count(name) == 1)
    after = scheduler.next_run_time(name)
    assert after is not None
    assert after > datetime.now(UTC) + timedelta(minutes=50)
    with pytest.raises(KeyError):
        scheduler.restart("unknown")


async def test_shutdown_lets_in_flight_runs_finish(
    make: Make, caplog: pytest.LogCaptureFixture
) -> None:
    run = Recorder(delays={"a": 0.1})
    scheduler = make(run)
    scheduler.set_tenants({"a": FAST})
    scheduler.start()
    await eventually(lambda: run.running["a"] == 1)
    cancelled = await scheduler.shutdown(grace_seconds=5)
    assert cancelled == 0
    assert run.running["a"] == 0
    assert run.cancelled == []
    assert not scheduler.running
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_shutdown_cancels_past_its_grace_and_starts_nothing_queued(
    make: Make, caplog: pytest.LogCaptureFixture
) -> None:
    run = Recorder(hold=asyncio.Event())  # never set: runs hang until cancelled
    scheduler = make(run, concurrency=1, spread_first_runs=False)
    scheduler.set_tenants({"a": FAST, "b": FAST})
    scheduler.start()
    await eventually(lambda: run.concurrent == 1)
    await eventually(lambda: len(scheduler._jobs) == 2)  # the other one queues on the semaphore
    cancelled = await scheduler.shutdown(grace_seconds=0.05)
    assert cancelled == 1
    assert len(run.cancelled) == 1
    assert run.count("a") + run.count("b") == 1  # the queued run never started
    assert run.concurrent == 0
    assert not scheduler.running
    assert await scheduler.shutdown() == 0  # a second shutdown is harmless
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_raising_run_is_logged_and_stays_scheduled(make: Make) -> None:
    run = Recorder(failing=frozenset({"bad"}))
    scheduler = make(run)
    scheduler.set_tenants({"bad": FAST, "good": FAST})
    with capture_logs() as logs:
        scheduler.start()
        await eventually(
            lambda: len([e for e in logs if e["event"] == "scheduler_run_failed"]) >= 3
        )
        await eventually(lambda: run.count("good") >= 3)
    failures = [e for e in logs if e["event"] == "scheduler_run_failed"]
    assert {e["tenant"] for e in failures} == {"bad"}
    assert all(e["exc_info"] is True and e["log_level"] == "error" for e in failures)


async def test_heartbeat_keeps_the_scheduler_alive_until_shutdown(make: Make) -> None:
    clock = [1000.0]
    status = DaemonStatus(monotonic=lambda: clock[0], stall_after_seconds=10.0)
    scheduler = make(Recorder(), status=status, heartbeat_seconds=0.01)
    assert not status.scheduler_alive
    scheduler.start()
    assert status.scheduler_alive
    for _ in range(3):  # time moves on; the heartbeat job catches up each time
        clock[0] += 60.0
        assert not status.scheduler_alive
        await eventually(lambda: status.scheduler_alive)
    await scheduler.shutdown()
    clock[0] += 60.0
    assert not status.scheduler_alive
    await asyncio.sleep(0.05)  # several heartbeat periods: nothing beats any more
    assert not status.scheduler_alive


async def test_first_runs_are_spread_across_the_interval(make: Make) -> None:
    interval = 600.0
    names = [f"tenant-{i}" for i in range(300)]
    scheduler = make(Recorder())
    before = datetime.now(UTC)
    scheduler.set_tenants(dict.fromkeys(names, interval))
    offsets = []
    for name in names:
        when = scheduler.next_run_time(name)
        assert when is not None
        offsets.append((when - before).total_seconds() / interval)
    assert all(0 <= o < 1.01 for o in offsets)
    tenths = Counter(min(int(o * 10), 9) for o in offsets)
    assert sorted(tenths) == list(range(10))  # every tenth of the interval has first runs
    assert max(tenths.values()) < len(names) / 4


async def test_without_spread_every_tenant_starts_now(make: Make) -> None:
    scheduler = make(Recorder(), spread_first_runs=False)
    scheduler.set_tenants(dict.fromkeys([f"t{i}" for i in range(50)], 600.0))
    soon = datetime.now(UTC)
    runs = [scheduler.next_run_time(f"t{i}") for i in range(50)]
    assert None not in runs  # every tenant is scheduled
    assert all(run is not None and run <= soon for run in runs)


async def test_missed_runs_are_counted(make: Make) -> None:
    run = Recorder()
    status = DaemonStatus()
    scheduler = make(run, status=status)
    scheduler.set_tenants({"a": 600.0})
    scheduler.start()
    # Force a run far past the shortest grace APScheduler accepts (1 s): it must be missed.
    scheduler._scheduler.modify_job(
        "a", misfire_grace_time=1, next_run_time=datetime.now(UTC) - timedelta(seconds=30)
    )
    await eventually(lambda: status.missed_runs_total == 1)
    assert run.count("a") == 0


def test_the_trigger_jitters_around_the_interval() -> None:
    start = datetime.now(UTC)
    trigger = interval_trigger(10.0, 0.1, start)
    # APScheduler draws from the global `random`: 200 draws cover [9.5, 10.5] well enough.
    gaps = {(trigger.get_next_fire_time(start, start) - start).total_seconds() for _ in range(200)}
    assert all(9.5 <= g <= 10.5 for g in gaps)
    assert min(gaps) < 9.9
    assert max(gaps) > 10.1
    exact = interval_trigger(10.0, 0.0, start)  # no jitter: exactly the interval
    assert exact.get_next_fire_time(start, start) == start + timedelta(seconds=10)


def test_lag_window_is_bounded_and_gives_nearest_rank_quantiles() -> None:
    window = LagWindow(size=100)
    assert window.quantile(0.99) is None
    for i in range(1, 201):
        window.add(float(i))
    assert len(window) == 100
    assert window.quantile(0.0) == 101.0
    assert window.quantile(0.5) == 150.0
    assert window.quantile(0.99) == 199.0
    assert window.quantile(1.0) == 200.0
    with pytest.raises(ValueError, match="q must be"):
        window.quantile(1.5)


def test_constructor_refuses_bad_settings() -> None:
    async def run(name: str) -> None:
        return None

    with pytest.raises(ValueError, match="concurrency"):
        CheckScheduler(run, status=DaemonStatus(), concurrency=0)
    with pytest.raises(ValueError, match="jitter_fraction"):
        CheckScheduler(run, status=DaemonStatus(), jitter_fraction=1.0)
    with pytest.raises(ValueError, match="heartbeat_seconds"):
        CheckScheduler(run, status=DaemonStatus(), heartbeat_seconds=0)
