"""The request log: every request, both listeners, never a credential value."""

from __future__ import annotations

import httpx

from monitor.simulator import RequestRecord, SimulatorThread

from .support import OLD_TOKEN, TOKEN, basic, get, password


def test_records_describe_each_request(sim: SimulatorThread, client: httpx.Client) -> None:
    get(client, sim, "/api/v2/users/me.json", basic())
    get(client, sim, "/api/v2/groups?page[size]=1")
    client.get(f"{sim.base_url('acme')}/api/v2/users/me", headers={"Authorization": "Bearer x"})
    get(client, sim, "/api/v2/users/me", tenant="nosuch")
    assert sim.requests == [
        RequestRecord("main", "acme", "GET", "/api/v2/users/me", "", "basic", True, 200),
        RequestRecord("main", "acme", "GET", "/api/v2/groups", "page[size]=1", None, False, 401),
        RequestRecord("main", "acme", "GET", "/api/v2/users/me", "", "bearer", True, 401),
        RequestRecord("main", "nosuch", "GET", "/api/v2/users/me", "", None, False, 404),
    ]


def test_no_token_value_is_ever_stored(sim: SimulatorThread, client: httpx.Client) -> None:
    for headers in (basic(), basic(token=OLD_TOKEN), password()):
        get(client, sim, "/api/v2/users/me", headers)
    client.get(f"{sim.other_base_url}/x", headers=basic())
    client.post(f"{sim.base_url('acme')}/api/v2/tickets", headers=basic(), json={"t": TOKEN})
    dumped = repr(sim.requests) + client.get(f"{sim.url}/_simulator/requests").text
    assert len(sim.requests) == 5
    for secret in (TOKEN, OLD_TOKEN, basic()["Authorization"].split()[1]):
        assert secret not in dumped


def test_non_get_is_logged(sim: SimulatorThread, client: httpx.Client) -> None:
    client.delete(f"{sim.base_url('acme')}/api/v2/groups/12", headers=basic())
    assert [(r.method, r.path, r.status) for r in sim.requests] == [
        ("DELETE", "/api/v2/groups/12", 403)
    ]


def test_clear_requests(sim: SimulatorThread, client: httpx.Client) -> None:
    get(client, sim, "/api/v2/users/me")
    sim.clear_requests()
    assert sim.requests == []
