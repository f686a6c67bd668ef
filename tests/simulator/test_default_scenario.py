"""The built-in scenario loads and every tenant answers as its comment says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from monitor.simulator import SimulatorThread, default_scenario

from .support import COULDNT_AUTHENTICATE, basic

ME = "/api/v2/users/me"


@pytest.fixture(scope="module")
def default_sim() -> Iterator[SimulatorThread]:
    with SimulatorThread() as running:  # no scenario: the built-in one
        yield running


def call(client: httpx.Client, sim: SimulatorThread, tenant: str, path: str = ME) -> httpx.Response:
    headers = basic(f"fusion@{tenant}.example", f"{tenant}-token-1")
    return client.get(f"{sim.base_url(tenant)}{path}", headers=headers)


def me(client: httpx.Client, sim: SimulatorThread, tenant: str) -> dict[str, Any]:
    response = call(client, sim, tenant)
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()["user"]
    assert user["id"] == 1001
    return user


def role_of(client: httpx.Client, sim: SimulatorThread, tenant: str) -> dict[str, Any]:
    user = me(client, sim, tenant)
    roles = call(client, sim, tenant, "/api/v2/custom_roles").json()["custom_roles"]
    [role] = [r for r in roles if r["id"] == user["custom_role_id"]]
    configuration: dict[str, Any] = role["configuration"]
    return configuration


def group_ids(client: httpx.Client, sim: SimulatorThread, tenant: str) -> set[int]:
    path = "/api/v2/users/1001/group_memberships"
    body = call(client, sim, tenant, path).json()
    return {m["group_id"] for m in body["group_memberships"]}


ALL_GROUPS = {12, 13}


def test_it_has_a_dozen_varied_tenants() -> None:
    assert len(default_scenario().tenants) >= 12


def test_healthy_enterprise(default_sim: SimulatorThread, client: httpx.Client) -> None:
    user = me(client, default_sim, "healthy-enterprise")
    assert (user["role"], user["role_type"], user["ticket_restriction"]) == ("agent", 0, None)
    assert not user["only_private_comments"]
    role = role_of(client, default_sim, "healthy-enterprise")
    assert (role["ticket_access"], role["ticket_comment_access"]) == ("all", "public")
    assert (role["ticket_editing"], role["light_agent"]) == (True, False)
    assert group_ids(client, default_sim, "healthy-enterprise") == ALL_GROUPS


def test_healthy_professional(default_sim: SimulatorThread, client: httpx.Client) -> None:
    user = me(client, default_sim, "healthy-professional")
    assert (user["role"], user["role_type"], user["custom_role_id"]) == ("agent", None, None)
    assert (
        call(client, default_sim, "healthy-professional", "/api/v2/custom_roles").status_code == 403
    )


def test_groups_restricted(default_sim: SimulatorThread, client: httpx.Client) -> None:
    assert me(client, default_sim, "groups-restricted")["ticket_restriction"] == "groups"
    assert role_of(client, default_sim, "groups-restricted")["ticket_access"] == "within-groups"
    assert group_ids(client, default_sim, "groups-restricted") == ALL_GROUPS


@pytest.mark.parametrize("tenant", ["revoked-token", "token-access-off", "deleted-user"])
def test_credential_rejected_everywhere(
    default_sim: SimulatorThread, client: httpx.Client, tenant: str
) -> None:
    for path in (ME, "/api/v2/groups"):
        response = call(client, default_sim, tenant, path)
        assert (response.status_code, response.content) == (401, COULDNT_AUTHENTICATE)


def test_suspended_user(default_sim: SimulatorThread, client: httpx.Client) -> None:
    for path in (ME, "/api/v2/groups"):
        response = call(client, default_sim, "suspended-user", path)
        assert response.status_code == 403
        assert response.json()["error"]["title"] == "Forbidden"


def test_light_agent(default_sim: SimulatorThread, client: httpx.Client) -> None:
    user = me(client, default_sim, "light-agent")
    assert (user["role_type"], user["custom_role_id"]) == (1, 7)
    assert role_of(client, default_sim, "light-agent")["light_agent"] is True


def test_end_user(default_sim: SimulatorThread, client: httpx.Client) -> None:
    assert me(client, default_sim, "end-user")["role"] == "end-user"
    assert call(client, default_sim, "end-user", "/api/v2/groups").status_code == 403


def test_private_comments_only(default_sim: SimulatorThread, client: httpx.Client) -> None:
    assert me(client, default_sim, "private-comments-only")["only_private_comments"] is True
    role = role_of(client, default_sim, "private-comments-only")
    assert role["ticket_comment_access"] == "none"


def test_missing_group(default_sim: SimulatorThread, client: httpx.Client) -> None:
    assert me(client, default_sim, "missing-group")["ticket_restriction"] == "groups"
    assert group_ids(client, default_sim, "missing-group") == {12}
    groups = call(client, default_sim, "missing-group", "/api/v2/groups").json()["groups"]
    assert {g["id"] for g in groups} == ALL_GROUPS


def test_nonexistent(default_sim: SimulatorThread, client: httpx.Client) -> None:
    response = call(client, default_sim, "nonexistent")
    assert response.status_code == 404
    assert response.json()["error"]["title"] == "No help desk at nonexistent.zendesk.com"


def test_closed_account(default_sim: SimulatorThread, client: httpx.Client) -> None:
    response = call(client, default_sim, "closed-account")
    assert response.status_code == 301
    assert response.headers["location"].startswith(default_sim.other_base_url)


def test_flapping_429(default_sim: SimulatorThread, client: httpx.Client) -> None:
    statuses = [call(client, default_sim, "flapping-429").status_code for _ in range(4)]
    assert statuses == [429, 200, 429, 200]
    assert group_ids(client, default_sim, "flapping-429") == ALL_GROUPS


def test_unavailable_503(default_sim: SimulatorThread, client: httpx.Client) -> None:
    for path in (ME, "/api/v2/groups"):
        response = call(client, default_sim, "unavailable-503", path)
        assert (response.status_code, response.headers["retry-after"]) == (503, "10")
