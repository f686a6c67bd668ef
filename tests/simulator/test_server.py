"""Listeners and lifecycle: async and threaded use, TLS, Host-header routing."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from monitor.simulator import Scenario, Simulator, SimulatorThread, parse_fault, parse_scenario

from .support import basic, scenario_mapping

ME = "/api/v2/users/me"


@pytest.fixture
def scenario() -> Scenario:
    return parse_scenario(scenario_mapping())


async def test_async_simulator(scenario: Scenario) -> None:
    async with Simulator(scenario) as sim, httpx.AsyncClient() as http:
        assert sim.base_url("acme") == f"http://127.0.0.1:{sim.port}/acme"
        assert sim.other_port != sim.port
        response = await http.get(f"{sim.base_url('acme')}{ME}", headers=basic())
        assert response.json()["user"]["id"] == 1001
        assert len(sim.requests) == 1


async def test_simulators_do_not_share_state(scenario: Scenario) -> None:
    async with Simulator(scenario) as first, Simulator(scenario) as second:
        first.update_tenant("acme", token_access=False)
        assert second.state["acme"].token_access is True
        assert scenario.tenants["acme"].token_access is True


async def test_lifecycle_errors(scenario: Scenario) -> None:
    sim = Simulator(scenario)
    with pytest.raises(RuntimeError, match="not running"):
        _ = sim.port
    async with sim:
        with pytest.raises(RuntimeError, match="already running"):
            await sim.start()
        with pytest.raises(RuntimeError, match="host_suffix"):
            sim.host_base_url("acme")
    await sim.stop()  # stopping twice is harmless


async def test_a_busy_port_fails_cleanly(scenario: Scenario) -> None:
    async with Simulator(scenario) as running:
        with pytest.raises(OSError, match="in use"):
            await Simulator(scenario, port=running.port).start()
        busy_other = Simulator(scenario, other_port=running.port)
        with pytest.raises(OSError, match="in use"):
            await busy_other.start()
        with pytest.raises(RuntimeError):
            _ = busy_other.port  # the main listener it had opened was closed again


async def test_host_header_routing(scenario: Scenario) -> None:
    async with (
        Simulator(scenario, host_suffix="zendesk.test") as sim,
        httpx.AsyncClient() as http,
    ):
        assert sim.host_base_url("acme") == f"http://acme.zendesk.test:{sim.port}"
        headers = {**basic(), "Host": f"acme.zendesk.test:{sim.port}"}
        response = await http.get(f"{sim.url}{ME}.json", headers=headers)
        user = response.json()["user"]
        assert user["url"] == f"http://acme.zendesk.test:{sim.port}/api/v2/users/1001.json"
        headers["Host"] = "nosuch.zendesk.test"
        missing = await http.get(f"{sim.url}{ME}", headers=headers)
        assert missing.status_code == 404
        # Path prefixes keep working for any other host name.
        assert (await http.get(f"{sim.base_url('acme')}{ME}", headers=basic())).status_code == 200
        assert [(r.tenant, r.path) for r in sim.requests] == [
            ("acme", ME),
            ("nosuch", ME),
            ("acme", ME),
        ]


def test_host_suffix_from_the_scenario() -> None:
    scenario = parse_scenario({**scenario_mapping(), "host_suffix": ".Example.TEST"})
    with SimulatorThread(scenario) as sim, httpx.Client() as http:
        response = http.get(f"{sim.url}{ME}", headers={**basic(), "Host": "acme.example.test"})
        assert response.status_code == 200


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls(scenario: Scenario, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    with (
        SimulatorThread(scenario, ssl_context=server_context) as sim,
        httpx.Client(verify=client_context) as http,
    ):
        assert sim.base_url("acme").startswith("https://")
        assert sim.other_base_url.startswith("https://")
        assert http.get(f"{sim.base_url('acme')}{ME}", headers=basic()).status_code == 200
        assert http.get(sim.other_base_url).status_code == 200
        sim.add_fault("acme", parse_fault({"kind": "reset"}))
        with pytest.raises(httpx.TransportError):
            http.get(f"{sim.base_url('acme')}{ME}", headers=basic())


def test_thread_start_and_stop_twice(scenario: Scenario) -> None:
    sim = SimulatorThread(scenario)
    sim.start()
    sim.stop()
    sim.stop()  # harmless
    with pytest.raises(RuntimeError, match="not running"):
        sim.clear_requests()


def test_thread_survives_a_request_in_flight_at_shutdown(scenario: Scenario) -> None:
    with SimulatorThread(scenario) as sim, httpx.Client() as http:
        sim.patch_tenant("acme", {"faults": [{"kind": "slow", "seconds": 5}]})
        with pytest.raises(httpx.ReadTimeout):
            http.get(f"{sim.base_url('acme')}{ME}", timeout=0.05)
    # Leaving the block must not wait for the slow handler nor leave warnings behind.
