"""The real daemon against the simulator: /metrics, /status, events, reload, restart, signals.

Every test polls a condition with a deadline; none sleeps a fixed time or asserts on timing.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.simulator import Fault, FaultKind, SimulatorThread, parse_scenario
from tests.canary import CANARY_ENV, CANARY_TOKEN, SECRET_CANARY, SECRET_CANARY_ENV
from tests.daemon.process import Daemon, eventually, metric_samples, write_yaml

INTERVAL = "1s"


def user(name: str, **fields: Any) -> dict[str, Any]:
    return {"id": 1001, "email": f"fusion@{name}.example", **fields}


def scenario() -> dict[str, Any]:
    return {
        "tenants": {
            "healthy": {"tokens": [CANARY_TOKEN], "users": [user("healthy")]},
            "broken": {
                "tokens": [{"token": CANARY_TOKEN, "active": False}],
                "users": [user("broken")],
            },
            "busy": {
                "tokens": [CANARY_TOKEN],
                "users": [user("busy")],
                "faults": [{"path": "/api/v2/users/me", "kind": "rate_limited", "retry_after": 1}],
            },
            "flip": {"tokens": [CANARY_TOKEN], "users": [user("flip")]},
        }
    }


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(parse_scenario(scenario())) as simulator:
        yield simulator


def entry(sim: SimulatorThread, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "subdomain": name,
        "base_url": sim.base_url(name),
        "auth": {"type": "api_token", "email": f"fusion@{name}.example", "token_env": CANARY_ENV},
    }


def config_data(sim: SimulatorThread, names: list[str]) -> dict[str, Any]:
    return {
        "defaults": {"interval": INTERVAL, "timeout": "0.8s"},
        "tenants": [entry(sim, n) for n in names],
    }


@pytest.fixture
def config(sim: SimulatorThread, tmp_path: Path) -> Path:
    return write_yaml(
        tmp_path / "config.yaml", config_data(sim, ["healthy", "broken", "busy", "flip"])
    )


def scrape(daemon: Daemon) -> dict[str, float]:
    response = daemon.get("/metrics")
    assert response.status_code == 200
    return metric_samples(response.text)


def status_of(daemon: Daemon, tenant: str) -> dict[str, Any]:
    tenants = {t["tenant"]: t for t in daemon.get("/status").json()["tenants"]}
    found: dict[str, Any] = tenants[tenant]
    return found


def test_metrics_for_healthy_broken_and_rate_limited(config: Path) -> None:
    with Daemon("-c", str(config)) as daemon:
        eventually(lambda: daemon.get("/readyz").status_code == 200, what="readiness")
        samples = scrape(daemon)
        assert samples['zendesk_credential_healthy{tenant="healthy"}'] == 1
        assert samples['zendesk_credential_healthy{tenant="broken"}'] == 0
        assert 'zendesk_credential_healthy{tenant="busy"}' not in samples  # no verdict yet
        assert samples['zendesk_credential_status{category="ok",tenant="healthy"}'] == 1
        assert samples['zendesk_credential_status{category="auth_failed",tenant="broken"}'] == 1
        assert samples['zendesk_credential_status{category="rate_limited",tenant="busy"}'] == 1
        assert len([k for k in samples if k.startswith("zendesk_credential_status{")]) == 4
        assert samples['zendesk_credential_checks_total{tenant="healthy"}'] >= 1
        assert (
            samples[
                'zendesk_credential_check_failures_total{category="auth_failed",tenant="broken"}'
            ]
            >= 1
        )
        assert samples['zendesk_credential_check_interval_seconds{tenant="healthy"}'] == 1
        assert (
            samples[
                'zendesk_credential_permission_granted{permission="ticket_access",tenant="healthy"}'
            ]
            == 1
        )
        assert samples['zendesk_api_rate_limit{tenant="healthy"}'] == 700
        assert samples[
            'zendesk_credential_expiry_timestamp_seconds{kind="api_token",tenant="healthy"}'
        ] == (
            1_809_043_200  # 2027-04-30T00:00:00Z: Zendesk retires API tokens
        )
        assert samples["zendesk_monitor_tenants"] == 4
        assert samples["zendesk_monitor_ready"] == 1
        warnings = status_of(daemon, "healthy")["warnings"]
        assert [w["code"] for w in warnings] in (
            ["api_token_retirement"],
            ["credential_expiring_soon"],
        )
        assert isinstance(warnings[0]["days_left"], int)
        assert samples["zendesk_monitor_config_last_reload_successful"] == 1
        assert daemon.get("/healthz").status_code == 200
        text = daemon.get("/metrics").text
    assert daemon.returncode == 0
    promtool = shutil.which("promtool")
    assert promtool is not None, (
        "promtool (Debian package prometheus) is needed: scripts/test installs it"
    )
    lint = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_breaking_and_recovering_a_tenant(config: Path, sim: SimulatorThread) -> None:
    with Daemon("-c", str(config)) as daemon:
        eventually(lambda: scrape(daemon).get('zendesk_credential_healthy{tenant="flip"}') == 1)
        sim.update_tenant("flip", token_access=False)
        eventually(
            lambda: scrape(daemon).get('zendesk_credential_healthy{tenant="flip"}') == 0,
            what="broken",
        )
        assert status_of(daemon, "flip")["category"] == "auth_failed"
        assert status_of(daemon, "flip")["credential_healthy"] is False
        broken = eventually(lambda: daemon.event("credential_broken", tenant="flip"))
        assert broken["category"] == "auth_failed"
        sim.update_tenant("flip", token_access=True)
        eventually(lambda: daemon.event("credential_recovered", tenant="flip"), what="recovery")
        assert scrape(daemon)['zendesk_credential_healthy{tenant="flip"}'] == 1
        # Once per transition, not on every failed check.
        assert len(daemon.all("credential_broken", tenant="flip")) == 1
        assert len(daemon.all("credential_broken", tenant="broken")) == 1
        completed = daemon.event("check_completed", tenant="healthy")
        assert completed is not None
        assert set(completed) >= {
            "tenant",
            "category",
            "healthy",
            "duration_seconds",
            "request_count",
            "request_id",
        }


def test_rate_limits_and_outages_leave_the_verdict_alone(
    config: Path, sim: SimulatorThread
) -> None:
    with Daemon("-c", str(config)) as daemon:
        eventually(lambda: scrape(daemon).get('zendesk_credential_healthy{tenant="flip"}') == 1)
        sim.add_fault("flip", Fault(kind=FaultKind.RATE_LIMITED, retry_after=1, times=2))
        sim.add_fault("flip", Fault(kind=FaultKind.UNAVAILABLE, times=2))
        eventually(
            lambda: scrape(daemon).get(
                'zendesk_credential_check_failures_total{category="zendesk_unavailable",tenant="flip"}'
            ),
            what="the outage to be seen",
        )
        samples = scrape(daemon)
        assert samples['zendesk_credential_healthy{tenant="flip"}'] == 1
        assert (
            samples[
                'zendesk_credential_check_failures_total{category="rate_limited",tenant="flip"}'
            ]
            >= 1
        )
        assert daemon.event("credential_broken", tenant="flip") is None


def test_reload_removes_a_tenant_and_a_broken_reload_keeps_the_old_config(
    config: Path, sim: SimulatorThread
) -> None:
    with Daemon("-c", str(config)) as daemon:
        eventually(lambda: 'zendesk_credential_checks_total{tenant="flip"}' in scrape(daemon))
        write_yaml(config, config_data(sim, ["healthy", "broken", "busy"]))
        daemon.signal(signal.SIGHUP)
        reloaded = eventually(lambda: daemon.all("config_reloaded")[1:], what="config_reloaded")
        assert reloaded[0]["removed"] == ["flip"]
        samples = scrape(daemon)
        assert not [k for k in samples if 'tenant="flip"' in k]
        assert samples["zendesk_monitor_tenants"] == 3

        config.write_text("tenants: [\n")
        daemon.signal(signal.SIGHUP)
        failed = eventually(
            lambda: daemon.event("config_reload_failed"), what="config_reload_failed"
        )
        assert failed["problems"][0].startswith(f"{config}:")
        samples = scrape(daemon)
        assert samples["zendesk_monitor_config_last_reload_successful"] == 0
        assert samples["zendesk_monitor_tenants"] == 3
        checks = samples['zendesk_credential_checks_total{tenant="healthy"}']
        eventually(
            lambda: scrape(daemon)['zendesk_credential_checks_total{tenant="healthy"}'] > checks
        )


def test_watch_config_and_lifecycle_reload(config: Path, sim: SimulatorThread) -> None:
    with Daemon("-c", str(config), "--watch-config", "--web.enable-lifecycle") as daemon:
        write_yaml(config, config_data(sim, ["healthy"]))
        eventually(lambda: scrape(daemon).get("zendesk_monitor_tenants") == 1, what="the watcher")
        write_yaml(config, config_data(sim, ["healthy", "flip"]))
        response = httpx.post(daemon.url + "/-/reload", timeout=5)
        assert response.status_code == 200
        assert scrape(daemon)["zendesk_monitor_tenants"] == 2


def test_lifecycle_reload_is_off_by_default(config: Path) -> None:
    with Daemon("-c", str(config)) as daemon:
        assert httpx.post(daemon.url + "/-/reload", timeout=5).status_code == 403


def test_baselines_survive_a_restart_and_catch_a_narrowed_role(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    config = write_yaml(tmp_path / "config.yaml", config_data(sim, ["healthy"]))
    state = tmp_path / "state"
    with Daemon("-c", str(config), "--state-dir", str(state)) as daemon:
        eventually(lambda: status_of(daemon, "healthy")["category"] == "ok")
        eventually(lambda: list(state.rglob("healthy.json")), what="the baseline file")
    # Narrowed, but still everything `expect: all` asks for: only the baseline catches it.
    roles = sim.state["healthy"].custom_roles
    narrowed = dict(roles[0].configuration, view_access="readonly", macro_access="readonly")
    roles[0].configuration = narrowed
    with Daemon("-c", str(config), "--state-dir", str(state)) as daemon:
        result = eventually(
            lambda: (
                status_of(daemon, "healthy") if status_of(daemon, "healthy")["category"] else None
            )
        )
        assert result["category"] == "permission_regression", result["detail"]
        changed = eventually(lambda: daemon.event("permission_changed", tenant="healthy"))
        assert "role_configuration" in json.dumps(changed["narrowed"])


def test_bad_config_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("tenants: 3\n")
    daemon = Daemon("-c", str(path)).start(wait_listening=False)
    assert daemon.wait() == 2
    assert "tenants: must be a list of tenants" in daemon.stderr


def test_taken_port_exits_1(config: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        daemon = Daemon("-c", str(config), "--listen", f"127.0.0.1:{port}").start(
            wait_listening=False
        )
        assert daemon.wait() == 1
    assert f"cannot listen on 127.0.0.1:{port}" in daemon.stderr


def test_sigterm_stops_cleanly(config: Path) -> None:
    daemon = Daemon("-c", str(config)).start()
    eventually(lambda: daemon.event("check_completed"))
    assert daemon.stop() == 0
    assert daemon.event("stopped") is not None
    assert all(event.get("event") != "<not json>" for event in daemon.events)


def test_client_credentials_token_is_reused_across_checks(tmp_path: Path) -> None:
    scenario = {
        "tenants": {
            "client": {
                "users": [user("client")],
                "oauth_clients": [
                    {"client_id": "monitor", "secret": SECRET_CANARY, "user_id": 1001}
                ],
            }
        }
    }
    with SimulatorThread(parse_scenario(scenario)) as sim:
        auth = {
            "type": "oauth_client_credentials",
            "client_id": "monitor",
            "client_secret_env": SECRET_CANARY_ENV,
        }
        tenant = {
            "name": "client",
            "subdomain": "client",
            "base_url": sim.base_url("client"),
            "auth": auth,
        }
        config = write_yaml(
            tmp_path / "config.yaml",
            {"defaults": {"interval": INTERVAL, "timeout": "0.8s"}, "tenants": [tenant]},
        )
        with Daemon("-c", str(config)) as daemon:
            eventually(
                lambda: len(daemon.all("check_completed", tenant="client")) >= 3,
                what="three checks",
            )
            assert {e["category"] for e in daemon.all("check_completed", tenant="client")} == {"ok"}
        grants = [r for r in sim.requests if r.method != "GET"]
        assert [(r.method, r.path) for r in grants] == [("POST", "/oauth/tokens")]
