"""Reload in-process: a broken file keeps the last good config; the watcher sees content."""

from __future__ import annotations

import asyncio
from pathlib import Path

from structlog.testing import capture_logs

from monitor.config.model import Config
from monitor.daemon.reload import Reloader
from monitor.daemon.status import DaemonStatus

GOOD = """
tenants:
  - name: acme
    subdomain: acme
    auth: {type: api_token, email: a@acme.test, token_env: SOME_TOKEN}
"""


def reloader(path: Path, applied: list[Config], status: DaemonStatus) -> Reloader:
    return Reloader(str(path), applied.append, status, clock=lambda: 1234.0)


async def test_good_reload_applies_and_stamps(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    applied: list[Config] = []
    status = DaemonStatus(config_reload_successful=False)
    result = await reloader(path, applied, status).reload_async()
    assert result.ok
    assert [c.names for c in applied] == [["acme"]]
    assert (status.config_reload_successful, status.config_reload_success_at) == (True, 1234.0)


async def test_broken_reload_keeps_the_config_and_logs_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("tenants:\n  - subdomain: x\n  - name: Bad!\n")
    applied: list[Config] = []
    status = DaemonStatus()
    with capture_logs() as events:
        result = await reloader(path, applied, status).reload_async()
    assert not result.ok
    assert applied == []
    assert status.config_reload_successful is False
    assert events == [
        {
            "event": "config_reload_failed",
            "log_level": "error",
            "path": str(path),
            "problems": result.problems,
        }
    ]
    assert len(result.problems) == 2
    assert all(p.startswith(f"{path}:") for p in result.problems)


async def test_tenant_problems_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD.replace("subdomain: acme", "subdomain: Acme"))
    applied: list[Config] = []
    status = DaemonStatus()
    assert (await reloader(path, applied, status).reload_async()).ok
    assert [t.name for t in applied[0].invalid_tenants] == ["acme"]
    assert status.config_problems == [
        f'{path}:4: tenants[0].subdomain: "Acme" has uppercase letters; write "acme"'
    ]


async def test_watch_reloads_on_a_content_change(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    applied: list[Config] = []
    watcher = reloader(path, applied, DaemonStatus())
    task = asyncio.create_task(watcher.watch(period_seconds=0.01))
    try:
        path.write_text(GOOD.replace("acme", "beta"))
        async with asyncio.timeout(10):
            while not applied:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert applied[0].names == ["beta"]


def test_unchanged_content_is_not_a_change(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    watcher = reloader(path, [], DaemonStatus())
    path.write_text(GOOD)  # rewritten, same bytes (a new mtime)
    assert not watcher.changed_on_disk()
    path.unlink()
    assert watcher.changed_on_disk()


async def test_async_reload_reads_off_the_loop_and_applies(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    applied: list[Config] = []
    status = DaemonStatus()
    result = await reloader(path, applied, status).reload_async()
    assert result.ok
    assert [c.names for c in applied] == [["acme"]]


async def test_the_watcher_survives_a_failing_reload(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    calls: list[Config] = []

    def apply(config: Config) -> None:
        calls.append(config)
        if len(calls) == 1:
            raise RuntimeError("the first apply fails")

    watcher = Reloader(str(path), apply, DaemonStatus())
    task = asyncio.create_task(watcher.watch(period_seconds=0.01))
    try:
        with capture_logs() as events:
            path.write_text(GOOD.replace("acme", "beta"))
            async with asyncio.timeout(10):
                while not calls:
                    await asyncio.sleep(0.01)
            path.write_text(GOOD.replace("acme", "gamma"))
            async with asyncio.timeout(10):
                while len(calls) < 2:
                    await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert [c.names for c in calls] == [["beta"], ["gamma"]]
    assert [e["event"] for e in events if e["event"] == "config_watch_failed"] == [
        "config_watch_failed"
    ]
