"""Runs every tenant's check on its interval: APScheduler 3 decides when, a semaphore how many.

It knows nothing about Zendesk or checks: it calls `run(name)`, which may answer a number of
seconds the tenant's next check must wait at least (a Retry-After). It writes its own health
into `DaemonStatus`: a heartbeat (a dead-man for /healthz), the last start delay, missed runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import structlog
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.interval import IntervalTrigger

from monitor.daemon.schedule_lag import LagWindow
from monitor.daemon.schedule_timing import interval_trigger, later, now, spread_fraction
from monitor.daemon.status import DaemonStatus

log = structlog.get_logger("monitor.daemon")

RunCheck = Callable[[str], Awaitable[float | None]]

# ':' cannot appear in a tenant name, so this job id never clashes with one.
HEARTBEAT_JOB = "scheduler:heartbeat"
# APScheduler's default of 1 s would skip checks whenever the loop is briefly busy; a late
# check is better than a skipped one.
MIN_MISFIRE_GRACE = 30


class CheckScheduler:
    """One APScheduler interval job per tenant (job id = tenant name), run under a semaphore."""

    def __init__(
        self,
        run: RunCheck,
        *,
        status: DaemonStatus,
        concurrency: int = 200,
        spread_first_runs: bool = True,
        jitter_fraction: float = 0.1,
        heartbeat_seconds: float = 5.0,
        lag_window: int = 10_000,
        rng: random.Random | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if not 0 <= jitter_fraction < 1:
            raise ValueError(f"jitter_fraction must be in [0, 1), got {jitter_fraction}")
        if not heartbeat_seconds > 0:
            raise ValueError(f"heartbeat_seconds must be above 0, got {heartbeat_seconds}")
        # Its INFO lines ("Running job ...") would be one per check, and its warnings one per
        # missed or skipped run, which the status counts (and /metrics exports): errors only.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        self._run = run
        self._status = status
        self._semaphore = asyncio.Semaphore(concurrency)
        self._spread = spread_first_runs
        self._jitter_fraction = jitter_fraction
        self._heartbeat_seconds = heartbeat_seconds
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.lags = LagWindow(lag_window)
        self._intervals: dict[str, float] = {}
        self._scheduled: dict[str, datetime] = {}  # tenant -> the run time just submitted
        self._jobs: set[asyncio.Task[Any]] = set()  # APScheduler's tasks inside `_job`
        self._checks: set[asyncio.Task[float | None]] = set()  # `run` calls in flight
        self._closing = False
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_listener(self._on_submitted, EVENT_JOB_SUBMITTED)
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self._scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Starts scheduling; call inside the running event loop."""
        self._scheduler.add_job(
            self._heartbeat,
            IntervalTrigger(seconds=self._heartbeat_seconds, timezone="UTC"),
            id=HEARTBEAT_JOB,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # a late beat still proves the loop came back
        )
        self._scheduler.start()
        self._status.beat()

    async def shutdown(self, grace_seconds: float = 10.0) -> int:
        """Stops starting checks, lets those in flight finish for `grace_seconds`, then cancels
        the rest; returns how many were cancelled."""
        if self._closing or not self._scheduler.running:
            self._closing = True
            return 0
        self._closing = True
        self._scheduler.pause()  # no more submissions; the heartbeat stops too
        # Tasks APScheduler created just before the pause take their first step and see
        # `_closing`, so none is left unstarted for its executor to cancel (it logs an error).
        await asyncio.sleep(0)
        cancelled = 0
        if self._checks:
            _, late = await asyncio.wait(set(self._checks), timeout=max(grace_seconds, 0.0))
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
            cancelled = len(late)
        if self._jobs:
            # Queued on the semaphore or unwinding: they return without running a check.
            await asyncio.wait(set(self._jobs))
        self._scheduler.shutdown(wait=False)
        # AsyncIOScheduler.shutdown only queues the real shutdown with call_soon_threadsafe.
        await asyncio.sleep(0)
        return cancelled

    # -- tenants ----------------------------------------------------------------------------

    def set_tenants(self, intervals: Mapping[str, float]) -> None:
        """Makes `intervals` (tenant -> seconds) the schedule: adds, removes, and re-times the
        tenants whose interval changed; unchanged tenants keep their next run."""
        for name, interval in intervals.items():
            if not (math.isfinite(interval) and interval > 0):
                raise ValueError(f"tenant {name!r}: interval must be above 0, got {interval}")
        with self._one_wakeup():
            self._apply(intervals, now())

    def _apply(self, intervals: Mapping[str, float], current: datetime) -> None:
        for name in [n for n in self._intervals if n not in intervals]:
            del self._intervals[name]
            self._scheduled.pop(name, None)
            self._remove_job(name)  # a run in flight finishes; nothing follows it
        for name, interval in intervals.items():
            old = self._intervals.get(name)
            if old == interval:
                continue
            self._intervals[name] = interval
            first = self._first_run(name, interval, current)
            if old is None:
                self._add_job(name, interval, first)
                continue
            job = self._scheduler.get_job(name)
            if job is not None and job.next_run_time is not None:
                # Keep the tenant's phase when it already comes within the new interval.
                first = min(first, job.next_run_time)
            self._scheduler.modify_job(
                name,
                trigger=interval_trigger(interval, self._jitter_fraction, first),
                next_run_time=first,
                misfire_grace_time=_misfire_grace(interval),
            )

    def restart(self, name: str) -> None:
        """Schedules `name` as new because its config changed: its next check comes soon (within
        the jitter), then every interval. Raises KeyError for a tenant not in `set_tenants`."""
        interval = self._intervals[name]
        first = later(now(), self._rng.uniform(0, interval * self._jitter_fraction))
        trigger = interval_trigger(interval, self._jitter_fraction, first)
        self._scheduler.modify_job(name, trigger=trigger, next_run_time=first)

    @property
    def running(self) -> bool:
        """True from `start()` until `shutdown()` begins."""
        return not self._closing and bool(self._scheduler.running)

    @property
    def tenants(self) -> dict[str, float]:
        return dict(self._intervals)

    def next_run_time(self, name: str) -> datetime | None:
        """When `name` runs next (UTC), None if it is not scheduled."""
        job = self._scheduler.get_job(name)
        return None if job is None else job.next_run_time

    def lag_quantile(self, q: float) -> float | None:
        """A quantile of the recent start delays in seconds (0.99 for p99), None before any."""
        return self.lags.quantile(q)

    # -- runs -------------------------------------------------------------------------------

    async def _job(self, name: str) -> None:
        """One scheduled run of `name`, as APScheduler's executor awaits it."""
        scheduled = self._scheduled.pop(name, None)
        if self._closing:
            return
        job = asyncio.current_task()
        assert job is not None  # noqa: S101 - APScheduler runs coroutine jobs as tasks
        self._jobs.add(job)
        try:
            async with self._semaphore:
                if self._closing or name not in self._intervals:
                    return  # queued when shutdown began or the tenant was removed: not started
                self._started(scheduled)
                retry_after = await self._check(name)
        finally:
            self._jobs.discard(job)
        if retry_after is not None:
            self._wait_at_least(name, retry_after)

    async def _check(self, name: str) -> float | None:
        # Its own task, so that shutdown can cancel the check and still let APScheduler's task
        # end normally (its executor logs a cancelled job as an error).
        check = asyncio.create_task(self._guarded(name), name=f"check {name}")
        self._checks.add(check)
        try:
            return await check
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if check.cancelled() and current is not None and not current.cancelling():
                return None  # shutdown cancelled the check past its grace
            raise
        finally:
            self._checks.discard(check)

    async def _guarded(self, name: str) -> float | None:
        try:
            return await self._run(name)
        except Exception:
            # One tenant's failure must never stop the schedule.
            log.error("scheduler_run_failed", tenant=name, exc_info=True)
            return None

    def _started(self, scheduled: datetime | None) -> None:
        self._status.beat()
        if scheduled is None:  # pragma: no cover - every submission records its run time
            return
        lag = max(0.0, (now() - scheduled).total_seconds())
        self._status.scheduler_lag_seconds = lag
        self.lags.add(lag)

    def _wait_at_least(self, name: str, retry_after: float) -> None:
        """Pushes `name`'s next run to at least `retry_after` seconds from now."""
        interval = self._intervals.get(name)
        if self._closing or interval is None or not (retry_after > 0 and retry_after < math.inf):
            return
        job = self._scheduler.get_job(name)
        earliest = later(now(), retry_after)
        if job is None or job.next_run_time is None or job.next_run_time >= earliest:
            return  # removed meanwhile, or the interval already waits long enough
        jitter = self._rng.uniform(0, interval * self._jitter_fraction)
        self._scheduler.modify_job(name, next_run_time=later(earliest, jitter))

    async def _heartbeat(self) -> None:
        # A coroutine on purpose: AsyncIOExecutor runs plain functions in a thread pool.
        self._status.beat()

    # -- APScheduler plumbing ---------------------------------------------------------------

    @contextlib.contextmanager
    def _one_wakeup(self) -> Iterator[None]:
        """Every job change wakes a running AsyncIOScheduler (a loop callback each, ~0.2 s for
        10,000 tenants); paused, it wakes once, on resume."""
        if self._scheduler.state != STATE_RUNNING:
            yield
            return
        self._scheduler.pause()
        try:
            yield
        finally:
            self._scheduler.resume()

    def _first_run(self, name: str, interval: float, current: datetime) -> datetime:
        if not self._spread:
            return current
        return later(current, spread_fraction(name) * interval)

    def _add_job(self, name: str, interval: float, first: datetime) -> None:
        self._scheduler.add_job(
            self._job,
            interval_trigger(interval, self._jitter_fraction, first),
            args=(name,),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=_misfire_grace(interval),
            next_run_time=first,
            replace_existing=True,
        )

    def _remove_job(self, name: str) -> None:
        with contextlib.suppress(JobLookupError):  # the scheduler was already shut down
            self._scheduler.remove_job(name)

    def _on_submitted(self, event: Any) -> None:
        # The run time reaches the job only through this event: the executor does not pass it.
        if event.job_id in self._intervals:
            self._scheduled[event.job_id] = event.scheduled_run_times[-1]

    def _on_missed(self, event: Any) -> None:
        self._status.missed_runs_total += 1

    def _on_skipped(self, event: Any) -> None:
        if event.job_id != HEARTBEAT_JOB:
            self._status.skipped_runs_total += 1


def _misfire_grace(interval: float) -> int:
    # APScheduler 3 refuses a float here (TypeError: "must be ... a positive integer").
    return max(math.ceil(interval), MIN_MISFIRE_GRACE)
