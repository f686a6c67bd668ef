"""Each fault kind, `times`, `every`, ordering and the account rate limit."""

from __future__ import annotations

import json

import httpx
import pytest

from monitor.simulator import Fault, FaultKind, Simulator, SimulatorThread, parse_scenario

from .support import basic, get, scenario_mapping

ME = "/api/v2/users/me"


def add(sim: SimulatorThread, **fault: object) -> None:
    """Make `fault` acme's only fault (in scenario format, so it is validated too)."""
    sim.patch_tenant("acme", {"faults": [fault]})


def test_rate_limited(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="rate_limited", retry_after=30, path=ME)
    response = get(client, sim, ME, basic())
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-rate-limit-remaining"] == "0"
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert get(client, sim, "/api/v2/groups", basic()).status_code == 200  # other paths


def test_unavailable_with_and_without_retry_after(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    add(sim, kind="unavailable", retry_after=10, times=1)
    response = get(client, sim, ME, basic())
    assert (response.status_code, response.headers["retry-after"]) == (503, "10")
    add(sim, kind="unavailable")
    response = get(client, sim, ME, basic())
    assert response.status_code == 503
    assert "retry-after" not in response.headers


def test_server_error(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="server_error")
    assert get(client, sim, ME, basic()).status_code == 500


def test_slow_still_answers(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="slow", seconds=0.05)
    response = get(client, sim, ME, basic())
    assert response.json()["user"]["id"] == 1001


def test_slow_beyond_the_client_timeout_times_out(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    add(sim, kind="slow", seconds=0.3)
    with pytest.raises(httpx.ReadTimeout):
        get(client, sim, ME, basic(), timeout=0.05)


def test_html(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="html")
    response = get(client, sim, ME, basic())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    add(sim, kind="html", body="<p>custom</p>")
    assert get(client, sim, ME, basic()).text == "<p>custom</p>"


def test_malformed_json(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="malformed_json")
    response = get(client, sim, ME, basic())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_anonymous(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="anonymous")
    user = get(client, sim, ME, basic()).json()["user"]
    assert (user["id"], user["name"]) == (None, "Anonymous user")


def test_reset_is_a_connection_error(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="reset", times=1)
    with pytest.raises(httpx.TransportError):
        get(client, sim, ME, basic())
    assert get(client, sim, ME, basic()).status_code == 200
    assert [r.status for r in sim.requests] == [0, 200]


def test_redirect(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="redirect")
    response = get(client, sim, ME, basic())
    assert response.status_code == 302
    assert response.headers["location"] == f"{sim.other_base_url}/app/help-center-closed"
    add(sim, kind="redirect", status=307)
    assert get(client, sim, ME, basic()).status_code == 307


def test_status_with_json_body(sim: SimulatorThread, client: httpx.Client) -> None:
    body = {"errors": [{"code": "InvalidPaginationDepth", "title": "Too deep"}]}
    add(sim, kind="status", status=400, body=body)
    response = get(client, sim, ME, basic())
    assert response.status_code == 400
    assert response.json() == body
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_status_with_empty_body_and_headers(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="status", status=404, headers={"X-Zendesk-API-Gateway": "yes"})
    response = get(client, sim, ME, basic())
    assert (response.status_code, response.content) == (404, b"")
    assert response.headers["x-zendesk-api-gateway"] == "yes"


def test_times_counts_down(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="rate_limited", times=2, path=ME + ".json")  # .json is dropped, like requests
    statuses = [get(client, sim, ME, basic()).status_code for _ in range(3)]
    assert statuses == [429, 429, 200]


def test_every_makes_an_answer_flap(sim: SimulatorThread, client: httpx.Client) -> None:
    add(sim, kind="server_error", every=2, path=ME)
    statuses = [get(client, sim, ME, basic()).status_code for _ in range(5)]
    assert statuses == [500, 200, 500, 200, 500]


def test_first_matching_fault_wins(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant(
        "acme",
        {
            "faults": [
                {"kind": "server_error", "path": ME, "times": 1},
                {"kind": "unavailable"},
            ]
        },
    )
    statuses = [get(client, sim, ME, basic()).status_code for _ in range(2)]
    assert statuses == [500, 503]


def test_add_fault_from_python(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.add_fault("acme", Fault(FaultKind.RATE_LIMITED, retry_after=5, times=1))
    assert get(client, sim, ME, basic()).status_code == 429
    sim.add_fault("acme", Fault(FaultKind.SERVER_ERROR))
    sim.clear_faults("acme")
    assert get(client, sim, ME, basic()).status_code == 200


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_rate_limit_per_minute_window() -> None:
    clock = FakeClock(1000 * 60 + 15.5)  # 15.5 s into a minute
    scenario = parse_scenario(scenario_mapping(other={}))
    scenario.tenants["acme"].rate_limit = 2
    async with Simulator(scenario, clock=clock) as sim, httpx.AsyncClient() as http:
        url = f"{sim.base_url('acme')}{ME}"
        answers = [await http.get(url, headers=basic()) for _ in range(3)]
        assert [r.status_code for r in answers] == [200, 200, 429]
        assert [r.headers["ratelimit-remaining"] for r in answers] == ["1", "0", "0"]
        assert answers[2].headers["retry-after"] == "45"
        assert answers[2].headers["ratelimit-reset"] == "45"
        # Counted per tenant: another tenant is unaffected.
        other = await http.get(f"{sim.base_url('other')}{ME}", headers=basic())
        assert other.status_code == 200
        clock.now += 45  # the next minute starts
        assert (await http.get(url, headers=basic())).status_code == 200
