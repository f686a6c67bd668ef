"""Fixtures for the simulator tests: a running simulator per test, one HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from monitor.simulator import SimulatorThread, parse_scenario

from .support import scenario_mapping


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    scenario = parse_scenario(
        scenario_mapping(
            pro={"plan": "professional"},
            team={"plan": "team"},
            off={"token_access": False},
        )
    )
    with SimulatorThread(scenario) as running:
        yield running


@pytest.fixture(scope="session")
def client() -> Iterator[httpx.Client]:
    # One client for the session: building its TLS context costs more than a test.
    with httpx.Client(timeout=5) as http:
        yield http
