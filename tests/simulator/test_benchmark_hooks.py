"""The simulator's hooks for the daemon benchmark: a fixed latency on every tenant answer
(`latency=`, `simulate --latency`) and a request counter that outlives the bounded log
(`requests_total`, `GET /_simulator/stats`)."""

from __future__ import annotations

import argparse
import math
import time

import httpx
import pytest

from monitor.simulator import Simulator, SimulatorThread, parse_scenario
from monitor.simulator.command import add_arguments, run

from .support import basic, scenario_mapping

ME = "/api/v2/users/me"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


async def test_latency_delays_every_tenant_answer() -> None:
    async with (
        Simulator(parse_scenario(scenario_mapping()), latency=0.2) as sim,
        httpx.AsyncClient() as http,
    ):
        started = time.monotonic()
        response = await http.get(f"{sim.base_url('acme')}{ME}", headers=basic())
        assert time.monotonic() - started >= 0.2  # a lower bound: asyncio.sleep never wakes early
        assert response.status_code == 200
        # Unknown tenants wait as well: the delay is the network's, before any routing.
        started = time.monotonic()
        assert (await http.get(f"{sim.url}/")).status_code == 404
        assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("latency", [-0.1, math.nan, math.inf])
def test_latency_must_be_a_finite_non_negative_number(latency: float) -> None:
    with pytest.raises(ValueError, match="latency"):
        Simulator(parse_scenario(scenario_mapping()), latency=latency)


def test_the_simulate_command_takes_a_latency(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse().latency == 0.0
    assert parse("--latency", "0.25").latency == 0.25
    assert run(parse("--latency", "-1")) == 2
    assert "--latency must be 0 or more seconds" in capsys.readouterr().err


def test_requests_total_counts_beyond_the_log_and_its_clearing() -> None:
    scenario = parse_scenario(scenario_mapping())
    with (
        SimulatorThread(scenario, request_log_limit=2) as sim,
        httpx.Client() as http,
    ):
        for _ in range(3):
            http.get(f"{sim.base_url('acme')}{ME}", headers=basic())
        assert (len(sim.requests), sim.requests_total) == (2, 3)
        sim.clear_requests()
        stats = http.get(f"{sim.url}/_simulator/stats")
        assert stats.json() == {"requests_total": 3}  # control requests are not counted
        assert sim.requests_total == 3
        assert http.post(f"{sim.url}/_simulator/stats").status_code == 405
