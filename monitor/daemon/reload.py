"""Config reload: SIGHUP, POST /-/reload, and (with --watch-config) a change of the file.

A file-level problem keeps the last good config running: every problem is logged with its
location and the reload metric goes to 0. Tenant-level problems are applied: that tenant becomes
`config_invalid` and the others run.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from monitor.config.load import load
from monitor.config.model import Config, ParseOutcome
from monitor.daemon.status import DaemonStatus
from monitor.exposition import events

log = structlog.get_logger("monitor.daemon")


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    problems: list[str] = field(default_factory=list)


class Reloader:
    def __init__(
        self,
        path: str,
        apply: Callable[[Config], None],
        status: DaemonStatus,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self._apply = apply
        self._status = status
        self._clock = clock
        self._digest = _digest(path)
        self._lock = asyncio.Lock()

    async def reload_async(self) -> ReloadResult:
        """Reads and parses the file in a worker thread (a config of thousands of tenants takes
        a second, during which the checks on the loop keep running), one reload at a time, and
        applies the new config on the loop."""
        async with self._lock:
            self._digest = await asyncio.to_thread(_digest, self._path)
            return self._settle(await asyncio.to_thread(load, self._path))

    def _settle(self, outcome: ParseOutcome) -> ReloadResult:
        if outcome.config is None or outcome.file_problems:
            problems = [p.render(self._path) for p in outcome.file_problems]
            self._status.config_reload_successful = False
            self._status.config_problems = problems
            events.config_reload_failed(path=self._path, problems=problems)
            return ReloadResult(False, problems)
        self._apply(outcome.config)
        self._status.config_reload_successful = True
        self._status.config_reload_success_at = self._clock()
        self._status.config_problems = [p.render(self._path) for p in outcome.tenant_problems]
        return ReloadResult(True, self._status.config_problems)

    def changed_on_disk(self) -> bool:
        return _digest(self._path) != self._digest

    async def watch(self, period_seconds: float = 2.0) -> None:
        """Reloads whenever the file's content changes. Polls the content, not the mtime: a
        Kubernetes ConfigMap update swaps a symlink and sends no signal."""
        while True:
            await asyncio.sleep(period_seconds)
            try:
                if await asyncio.to_thread(self.changed_on_disk):
                    log.info("config_changed_on_disk", path=self._path)
                    await self.reload_async()
            except Exception as exc:
                log.error("config_watch_failed", path=self._path, exc_info=exc)


def _digest(path: str) -> bytes | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).digest()
    except OSError:
        return None
