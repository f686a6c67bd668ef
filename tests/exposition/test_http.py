"""The endpoints other than /metrics, over a real loopback port."""

from __future__ import annotations

import errno
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from monitor.checks.categories import Category
from monitor.checks.result import Permission
from monitor.exposition.http import (
    LIFECYCLE_DISABLED,
    ListenError,
    ReloadOutcome,
    build_app,
    start_http,
    stop,
)

from .support import START, TENANTS, TLS, VERSION, Monitor, Served, populated, result, serve

RESULT_FIELDS = {
    "tenant",
    "healthy",
    "category",
    "detail",
    "hint",
    "permissions",
    "warnings",
    "request_id",
    "duration_seconds",
}
DAEMON_FIELDS = {
    "credential_healthy",
    "last_check_at",
    "last_success_at",
    "interval_seconds",
    "consecutive_failures",
}


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async with serve(populated()) as running:
        yield running


def utc(text: str) -> float:
    assert text.endswith("Z"), text
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo == UTC
    return moment.timestamp()


# ---- /healthz: a dead-man ------------------------------------------------------------------


async def test_healthz_follows_the_scheduler_heartbeat(served: Served) -> None:
    monitor = served.monitor
    ok = await served.client.get("/healthz")
    assert (ok.status_code, ok.text) == (200, "ok\n")

    monitor.monotonic.advance(monitor.status.stall_after_seconds + 0.5)
    stalled = await served.client.get("/healthz")
    assert stalled.status_code == 503
    assert "silent for 30.5 s" in stalled.text

    monitor.status.beat()
    assert (await served.client.get("/healthz")).status_code == 200


async def test_healthz_fails_before_the_scheduler_starts() -> None:
    async with serve(Monitor()) as served:
        response = await served.client.get("/healthz")
    assert response.status_code == 503
    assert "has not started" in response.text


# ---- /readyz -------------------------------------------------------------------------------


async def test_readyz_flips_when_every_tenant_has_a_first_result(served: Served) -> None:
    waiting = await served.client.get("/readyz")
    assert waiting.status_code == 503
    assert f"1 of {len(TENANTS)} tenants" in waiting.text

    served.monitor.record(result("waiting", Category.TIMEOUT))
    ready = await served.client.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready\n")

    served.monitor.store.configure(TENANTS | {"new": 60.0})
    assert (await served.client.get("/readyz")).status_code == 503


# ---- /status -------------------------------------------------------------------------------


async def test_status_document(served: Served) -> None:
    response = await served.client.get("/status")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    assert doc["ready"] is False
    assert doc["version"] == VERSION
    assert (doc["tenants_total"], doc["tenants_waiting"]) == (len(TENANTS), 1)
    assert doc["scheduler_alive"] is True
    assert doc["config"] == {
        "last_reload_successful": True,
        "last_reload_success_at": "2026-05-28T20:26:30.250Z",
        "problems": [],
    }
    tenants = {entry["tenant"]: entry for entry in doc["tenants"]}
    assert list(tenants) == list(TENANTS)  # config order

    broken = tenants["broken"]
    assert set(broken) == RESULT_FIELDS | DAEMON_FIELDS
    assert broken["category"] == "auth_failed"
    assert broken["healthy"] is False
    assert broken["credential_healthy"] is False
    assert broken["hint"] == Category.AUTH_FAILED.action
    assert broken["consecutive_failures"] == 1
    assert broken["interval_seconds"] == 60.0
    assert utc(broken["last_check_at"]) == START + 2
    assert utc(broken["last_success_at"]) == START + 1
    assert broken["last_check_at"] == "2026-05-28T20:26:42.250Z"

    limited = tenants["limited"]
    assert set(limited) == RESULT_FIELDS | DAEMON_FIELDS | {"retry_after_seconds"}
    assert (limited["healthy"], limited["credential_healthy"]) == (False, True)
    assert limited["retry_after_seconds"] == 30.0

    assert tenants["limited-first"]["credential_healthy"] is None
    assert tenants["limited-first"]["last_success_at"] is None


async def test_status_before_the_first_check(served: Served) -> None:
    (waiting,) = (await served.client.get("/status", params={"tenant": "waiting"})).json()[
        "tenants"
    ]
    assert set(waiting) == RESULT_FIELDS | DAEMON_FIELDS
    assert waiting == {
        "tenant": "waiting",
        "healthy": None,
        "category": None,
        "detail": None,
        "hint": None,
        "permissions": {p.value: None for p in Permission},
        "warnings": [],
        "request_id": None,
        "duration_seconds": None,
        "credential_healthy": None,
        "last_check_at": None,
        "last_success_at": None,
        "interval_seconds": 60.0,
        "consecutive_failures": 0,
    }


async def test_status_for_one_tenant_and_an_unknown_one(served: Served) -> None:
    one = (await served.client.get("/status", params={"tenant": "healthy"})).json()
    assert [entry["tenant"] for entry in one["tenants"]] == ["healthy"]
    assert one["ready"] is False  # readiness is always over every tenant
    unknown = await served.client.get("/status", params={"tenant": "nobody"})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "unknown tenant: nobody"}


async def test_status_is_gzipped_when_accepted(served: Served) -> None:
    zipped = await served.client.get("/status", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    plain = await served.client.get("/status", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()


# ---- / -------------------------------------------------------------------------------------


async def test_landing_page_links_the_endpoints(served: Served) -> None:
    page = await served.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for path in ("metrics", "status", "healthz", "readyz"):
        assert f'href="{path}"' in page.text
    assert VERSION in page.text
    assert (await served.client.get("/nothing-here")).status_code == 404


# ---- POST /-/reload ------------------------------------------------------------------------


async def test_reload_is_forbidden_without_the_lifecycle_api(served: Served) -> None:
    response = await served.client.post("/-/reload")
    assert (response.status_code, response.text.strip()) == (403, LIFECYCLE_DISABLED)
    assert (await served.client.get("/-/reload")).status_code == 405


async def test_reload_success_and_failure() -> None:
    outcomes = [ReloadOutcome(ok=True), ReloadOutcome(ok=False, problems=["a", "b"])]
    calls: list[int] = []

    async def reload() -> ReloadOutcome:
        calls.append(len(calls))
        return outcomes[len(calls) - 1]

    async with serve(populated(), reload=reload) as served:
        assert (await served.client.get("/-/reload")).status_code == 405
        assert calls == []
        ok = await served.client.post("/-/reload")
        assert (ok.status_code, ok.text) == (200, "ok\n")
        failed = await served.client.post("/-/reload")
        assert failed.status_code == 500
        assert failed.text.splitlines()[1:] == ["a", "b"]
        assert "previous config stays in force" in failed.text
    assert calls == [0, 1]


# ---- the listener --------------------------------------------------------------------------


async def test_a_taken_port_is_a_clear_error() -> None:
    monitor = Monitor()
    app = build_app(
        store=monitor.store, status=monitor.status, metrics=monitor.metrics, version=VERSION
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ListenError) as raised:
            await start_http(app, "127.0.0.1", port)
    assert isinstance(raised.value, OSError)
    assert raised.value.errno == errno.EADDRINUSE
    assert str(raised.value) == (
        f"cannot listen on 127.0.0.1:{port}: "
        "the address is already in use (another process listens on it)"
    )


async def test_an_address_not_of_this_host_is_a_clear_error() -> None:
    monitor = Monitor()
    app = build_app(
        store=monitor.store, status=monitor.status, metrics=monitor.metrics, version=VERSION
    )
    with pytest.raises(ListenError) as raised:
        await start_http(app, "192.0.2.1", 0)  # TEST-NET-1: never a local address
    assert raised.value.errno == errno.EADDRNOTAVAIL
    assert str(raised.value).startswith("cannot listen on 192.0.2.1:0: ")


async def test_stop_closes_the_listener() -> None:
    monitor = Monitor()
    app = build_app(
        store=monitor.store, status=monitor.status, metrics=monitor.metrics, version=VERSION
    )
    runner, port = await start_http(app, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}/readyz"
    async with httpx.AsyncClient(verify=TLS) as client:
        assert (await client.get(url)).status_code == 200
    await stop(runner)
    async with httpx.AsyncClient(verify=TLS) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(url)
