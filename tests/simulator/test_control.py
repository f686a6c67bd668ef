"""Changing the simulator while it runs: the HTTP control API and the Python helpers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from monitor.simulator import ScenarioError, SimulatorThread, TenantState, Token, User

from .support import TOKEN, basic, get

ME = "/api/v2/users/me"


def control(
    client: httpx.Client, sim: SimulatorThread, method: str, path: str, body: Any = None
) -> httpx.Response:
    return client.request(method, f"{sim.url}/_simulator{path}", json=body)


def test_list_tenants(sim: SimulatorThread, client: httpx.Client) -> None:
    body = control(client, sim, "GET", "/tenants").json()
    assert body["tenants"]["acme"] == sim.base_url("acme")
    assert set(body["tenants"]) == {"acme", "pro", "team", "off"}
    assert body["other"] == sim.other_base_url


def test_requests_and_clearing_them(sim: SimulatorThread, client: httpx.Client) -> None:
    get(client, sim, ME + "?x=1", basic())
    records = control(client, sim, "GET", "/requests").json()
    assert records == [
        {
            "listener": "main",
            "tenant": "acme",
            "method": "GET",
            "path": ME,
            "query": "x=1",
            "authorization_scheme": "basic",
            "has_authorization": True,
            "status": 200,
        }
    ]
    assert control(client, sim, "DELETE", "/requests").status_code == 204
    assert control(client, sim, "GET", "/requests").json() == []
    assert sim.requests == []  # control requests are never logged


def test_patch_replaces_only_the_given_keys(sim: SimulatorThread, client: httpx.Client) -> None:
    response = control(
        client, sim, "PATCH", "/tenants/acme", {"tokens": [{"id": 9, "token": "new-token"}]}
    )
    assert response.status_code == 204
    assert get(client, sim, ME, basic()).status_code == 401
    assert get(client, sim, ME, basic(token="new-token")).json()["user"]["id"] == 1001


def test_patch_users_takes_role_defaults_from_the_tenant(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    control(
        client, sim, "PATCH", "/tenants/acme", {"users": [{"id": 1, "email": "x@acme.example"}]}
    )
    user = get(client, sim, ME, basic("x@acme.example")).json()["user"]
    assert (user["role_type"], user["custom_role_id"]) == (0, 6)


def test_patch_is_validated_like_a_scenario(sim: SimulatorThread, client: httpx.Client) -> None:
    response = control(
        client,
        sim,
        "PATCH",
        "/tenants/acme",
        {"users": [{"id": 1, "email": "x@acme.example", "role": "boss"}], "colour": "red"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            "tenants.acme.colour: unknown key",
            "tenants.acme.users[0].role: must be one of end-user, agent, admin; got 'boss'",
        ]
    }
    assert get(client, sim, ME, basic()).status_code == 200  # nothing was applied


def test_put_creates_and_replaces(sim: SimulatorThread, client: httpx.Client) -> None:
    tenant = {"tokens": ["t-1"], "users": [{"id": 5, "email": "a@new.example"}]}
    assert control(client, sim, "PUT", "/tenants/new", tenant).status_code == 201
    user = get(client, sim, ME, basic("a@new.example", "t-1"), tenant="new").json()["user"]
    assert user["id"] == 5
    tenant["plan"] = "team"
    assert control(client, sim, "PUT", "/tenants/new", tenant).status_code == 200
    roles = get(client, sim, "/api/v2/custom_roles", basic("a@new.example", "t-1"), tenant="new")
    assert roles.status_code == 404


def test_put_rejects_a_bad_name(sim: SimulatorThread, client: httpx.Client) -> None:
    response = control(client, sim, "PUT", "/tenants/Bad_Name", {})
    assert response.status_code == 400
    assert "tenant names must be Zendesk subdomains" in response.json()["errors"][0]


def test_delete_tenant(sim: SimulatorThread, client: httpx.Client) -> None:
    assert control(client, sim, "DELETE", "/tenants/acme").status_code == 204
    assert get(client, sim, ME, basic()).status_code == 404
    assert control(client, sim, "DELETE", "/tenants/acme").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PATCH", "/tenants/nosuch", {}, 404),
        ("PATCH", "/tenants/acme", [1, 2], 400),
        ("POST", "/tenants/acme", {}, 405),
        ("POST", "/requests", None, 405),
        ("PUT", "/tenants", None, 405),
        ("GET", "/nothing", None, 404),
    ],
)
def test_control_errors(
    sim: SimulatorThread,
    client: httpx.Client,
    *,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    assert control(client, sim, method, path, body).status_code == status


def test_patch_with_a_body_that_is_not_json(sim: SimulatorThread, client: httpx.Client) -> None:
    response = client.patch(f"{sim.url}/_simulator/tenants/acme", content=b"{nope")
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("body is not JSON")


def test_python_update_tenant(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.update_tenant("acme", token_access=False)
    assert get(client, sim, ME, basic()).status_code == 401
    with pytest.raises(TypeError, match="colour"):
        sim.update_tenant("acme", colour="red")
    with pytest.raises(KeyError):
        sim.update_tenant("nosuch", token_access=True)


def test_python_set_tenant(sim: SimulatorThread, client: httpx.Client) -> None:
    tenant = TenantState(
        tokens=[Token(1, "py-token")], users=[User(7, "py@acme.example", role_type=None)]
    )
    sim.set_tenant("py", tenant)
    user = get(client, sim, ME, basic("py@acme.example", "py-token"), tenant="py").json()["user"]
    assert user["id"] == 7


def test_state_objects_are_live(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state["acme"].users[0].only_private_comments = True
    assert get(client, sim, ME, basic()).json()["user"]["only_private_comments"] is True


def test_python_patch_raises_scenario_error(sim: SimulatorThread) -> None:
    with pytest.raises(ScenarioError, match=r"tenants\.acme\.rate_limit: must be at least 1"):
        sim.patch_tenant("acme", {"rate_limit": 0})


def test_tenant_repr_hides_token_values(sim: SimulatorThread) -> None:
    text = repr(sim.state["acme"])
    assert TOKEN not in text
    assert "token=<secret>" in text
