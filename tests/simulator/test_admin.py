"""What an admin (API token or OAuth) credential sees: settings, API tokens, users, roles.

API notes section 7 and "What an optional admin/OAuth credential adds". The admin credential
goes through the same authentication path as the integration's, Basic or Bearer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from monitor.simulator import FlagFormat, SimulatorThread, TokenEnd, parse_scenario

from .support import ACME, EMAIL, OLD_TOKEN, TOKEN, basic, get, scenario_mapping

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ADMIN = "admin@acme.example"
ADMIN_OAUTH = "admin-oauth-token-for-acme"
AGENT_OAUTH = "agent-oauth-token-for-acme"

ADMIN_TOKENS: dict[str, Any] = {
    "tokens": [
        {
            "id": 1,
            "token": TOKEN,
            "description": "Integration",
            "user_id": 1003,
            "assigned_user_id": 1001,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "last_used": "2026-04-30T08:00:00Z",
        },
        {"id": 2, "token": OLD_TOKEN, "active": False, "description": "Deactivated"},
    ],
    "oauth_tokens": [
        {"id": 1, "token": ADMIN_OAUTH, "user_id": 1003},
        {"id": 2, "token": AGENT_OAUTH, "user_id": 1001},
    ],
}

ADMIN_CREDENTIALS = [
    pytest.param(basic(ADMIN), id="admin API token"),
    pytest.param({"Authorization": f"Bearer {ADMIN_OAUTH}"}, id="admin OAuth token"),
]
AGENT_CREDENTIALS = [
    pytest.param(basic(), id="agent API token"),
    pytest.param({"Authorization": f"Bearer {AGENT_OAUTH}"}, id="agent OAuth token"),
]
ADMIN_OAUTH_HEADERS = {"Authorization": f"Bearer {ADMIN_OAUTH}"}
FORBIDDEN_2026 = {
    "error": {
        "title": "Forbidden",
        "message": (
            "Access to this resource is restricted. "
            "Please contact the account administrator for assistance."
        ),
    }
}
INVALID_ENDPOINT = {"error": "InvalidEndpoint", "description": "Not found"}


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    scenario = parse_scenario(
        scenario_mapping(
            acme=ADMIN_TOKENS,
            off={**ADMIN_TOKENS, "token_access": False},
            start={**ADMIN_TOKENS, "visible_token_end": "start"},
            booleans={**ADMIN_TOKENS, "settings_flag_format": "boolean"},
        )
    )
    with SimulatorThread(scenario) as running:
        running.state.set_time(NOW)
        yield running


def flag(value: Any) -> bool:
    """Account settings flags are typed boolean but the doc example sends strings."""
    assert value in (True, False, "true", "false")
    return value in (True, "true")


# ---- GET /api/v2/account/settings ----------------------------------------------------------


@pytest.mark.parametrize("tenant", ["acme", "booleans"])
def test_account_settings_reflect_token_access(
    sim: SimulatorThread, client: httpx.Client, tenant: str
) -> None:
    def api_section() -> dict[str, Any]:
        response = get(client, sim, "/api/v2/account/settings", ADMIN_OAUTH_HEADERS, tenant)
        assert response.status_code == 200
        section: dict[str, Any] = response.json()["settings"]["api"]
        return section

    on = api_section()
    assert flag(on["api_token_access"]) is True
    assert flag(on["api_password_access"]) is False
    sim.patch_tenant(tenant, {"token_access": False})
    assert flag(api_section()["api_token_access"]) is False


def test_account_settings_serialisation(sim: SimulatorThread, client: httpx.Client) -> None:
    def api_token_access(tenant: str) -> Any:
        body = get(client, sim, "/api/v2/account/settings", basic(), tenant).json()
        return body["settings"]["api"]["api_token_access"]

    assert api_token_access("acme") == "true"  # like the doc example
    assert api_token_access("booleans") is True
    sim.update_tenant("acme", settings_flag_format=FlagFormat.BOOLEAN)
    assert api_token_access("acme") is True


def test_account_settings_with_token_access_off_needs_another_credential(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    assert get(client, sim, "/api/v2/account/settings", basic(ADMIN), "off").status_code == 401
    body = get(client, sim, "/api/v2/account/settings", ADMIN_OAUTH_HEADERS, "off").json()
    assert body["settings"]["api"]["api_token_access"] == "false"


# ---- GET /api/v2/api_tokens ----------------------------------------------------------------


@pytest.mark.parametrize("headers", ADMIN_CREDENTIALS)
def test_api_tokens_list_as_admin(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    response = get(client, sim, "/api/v2/api_tokens.json", headers)
    assert response.status_code == 200
    tokens = response.json()["api_tokens"]
    via_basic = headers["Authorization"].startswith("Basic")
    assert tokens == [
        {
            "id": 1,
            "user_id": 1003,
            "assigned_user_id": 1001,
            "description": "Integration",
            "active": True,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            # The admin's own Basic request just used token 1.
            "last_used": "2026-05-01T12:00:00Z" if via_basic else "2026-04-30T08:00:00Z",
            "visible_token": TOKEN[-4:],
            "token": None,
        },
        {
            "id": 2,
            "user_id": None,
            "assigned_user_id": None,
            "description": "Deactivated",
            "active": False,
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "last_used": None,
            "visible_token": OLD_TOKEN[-4:],
            "token": None,
        },
    ]
    for secret in (TOKEN, OLD_TOKEN):
        assert secret not in response.text


def test_visible_token_can_show_the_start(sim: SimulatorThread, client: httpx.Client) -> None:
    def visible(tenant: str) -> list[str]:
        tokens = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS, tenant).json()
        return [t["visible_token"] for t in tokens["api_tokens"]]

    assert visible("start") == [TOKEN[:4], OLD_TOKEN[:4]]
    assert visible("acme") == [TOKEN[-4:], OLD_TOKEN[-4:]]
    sim.update_tenant("acme", visible_token_end=TokenEnd.START)
    assert visible("acme") == [TOKEN[:4], OLD_TOKEN[:4]]


def test_include_users_adds_the_creator(sim: SimulatorThread, client: httpx.Client) -> None:
    path = "/api/v2/api_tokens?include_users=true"
    first, second = get(client, sim, path, ADMIN_OAUTH_HEADERS).json()["api_tokens"]
    assert (first["user_name"], first["user_email"]) == ("Integration", ADMIN)
    assert "user_name" not in second  # no creator recorded


def test_last_used_follows_the_token_and_the_clock(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    def last_used() -> Any:
        tokens = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS).json()
        return tokens["api_tokens"][0]["last_used"]

    assert last_used() == "2026-04-30T08:00:00Z"
    sim.state.advance_time(3600)
    get(client, sim, "/api/v2/users/me", basic())  # the integration's request
    assert last_used() == "2026-05-01T13:00:00Z"
    get(client, sim, "/api/v2/users/me", basic(token="wrong"))  # no token used
    sim.state.advance_time(60)
    assert last_used() == "2026-05-01T13:00:00Z"


@pytest.mark.parametrize("headers", AGENT_CREDENTIALS)
def test_api_tokens_list_is_for_admins_only(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    response = get(client, sim, "/api/v2/api_tokens", headers)
    assert (response.status_code, response.json()) == (403, FORBIDDEN_2026)


def test_an_agent_that_may_manage_roles_is_still_no_admin(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    sim.state["acme"].custom_roles[0].configuration["manage_roles"] = "all"
    assert get(client, sim, "/api/v2/custom_roles/6", basic()).status_code == 200
    assert get(client, sim, "/api/v2/api_tokens", basic()).status_code == 403


def test_api_tokens_list_is_404_while_token_access_is_off(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    response = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS, "off")
    assert (response.status_code, response.json()) == (404, INVALID_ENDPOINT)
    sim.patch_tenant("acme", {"token_access": False})
    response = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS)
    assert (response.status_code, response.json()) == (404, INVALID_ENDPOINT)


def test_a_deleted_token_is_gone_from_the_list(sim: SimulatorThread, client: httpx.Client) -> None:
    response = client.delete(f"{sim.url}/_simulator/tenants/acme/tokens/1")
    assert response.status_code == 204
    tokens = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS).json()["api_tokens"]
    assert [t["id"] for t in tokens] == [2]
    assert get(client, sim, "/api/v2/users/me", basic()).status_code == 401
    again = client.delete(f"{sim.url}/_simulator/tenants/acme/tokens/1")
    assert again.status_code == 404
    for bad in ("/tenants/acme/tokens/x", "/tenants/acme/groups/12"):
        assert client.delete(f"{sim.url}/_simulator{bad}").status_code == 404
    assert client.get(f"{sim.url}/_simulator/tenants/acme/tokens/2").status_code == 405


def test_deactivation_shows_as_inactive(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state["acme"].tokens[0].active = False  # e.g. deactivated for inactivity
    tokens = get(client, sim, "/api/v2/api_tokens", ADMIN_OAUTH_HEADERS).json()["api_tokens"]
    assert [t["active"] for t in tokens] == [False, False]
    assert get(client, sim, "/api/v2/users/me", basic()).status_code == 401


# ---- GET /api/v2/users/{id} and /api/v2/users/search ---------------------------------------

USER_STATE_FIELDS = (
    "suspended",
    "active",
    "role",
    "role_type",
    "custom_role_id",
    "ticket_restriction",
    "only_private_comments",
)


def state_of(user: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(user[key] for key in USER_STATE_FIELDS)


@pytest.mark.parametrize("headers", ADMIN_CREDENTIALS + AGENT_CREDENTIALS)
def test_show_user_shows_the_state_of_any_user(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    def show(user_id: int) -> tuple[Any, ...]:
        response = get(client, sim, f"/api/v2/users/{user_id}", headers)
        assert response.status_code == 200
        return state_of(response.json()["user"])

    assert show(1001) == (False, True, "agent", 0, 6, None, False)
    assert show(1005) == (True, True, "agent", 0, 6, None, False)  # suspended
    assert show(1006) == (False, False, "agent", 0, 6, None, False)  # deleted
    assert show(1002) == (False, True, "agent", 1, 7, None, False)  # light agent
    assert show(1004) == (False, True, "end-user", None, None, "requested", False)


def test_show_user_sees_a_downgrade_at_once(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant(
        "acme",
        {
            "users": [
                *ACME["users"][1:],
                {
                    "id": 1001,
                    "email": EMAIL,
                    "role": "end-user",
                    "only_private_comments": True,
                },
            ]
        },
    )
    user = get(client, sim, "/api/v2/users/1001", ADMIN_OAUTH_HEADERS).json()["user"]
    assert state_of(user) == (False, True, "end-user", None, None, "requested", True)


def search(
    client: httpx.Client, sim: SimulatorThread, query: str, headers: dict[str, str]
) -> list[int]:
    response = get(client, sim, "/api/v2/users/search", headers, params={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert (body["next_page"], body["previous_page"], body["count"]) == (
        None,
        None,
        len(body["users"]),
    )
    return [u["id"] for u in body["users"]]


@pytest.mark.parametrize("headers", ADMIN_CREDENTIALS + AGENT_CREDENTIALS)
def test_user_search_by_email(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    assert search(client, sim, f"email:{EMAIL}", headers) == [1001]
    assert search(client, sim, f"email:{EMAIL.upper()}", headers) == [1001]
    assert search(client, sim, f'email:"{EMAIL}"', headers) == [1001]
    assert search(client, sim, "email:suspended@acme.example", headers) == [1005]
    assert search(client, sim, "email:deleted@acme.example", headers) == []  # like Zendesk
    assert search(client, sim, "email:nobody@acme.example", headers) == []


def test_user_search_full_shape(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, f"/api/v2/users/search.json?query=email:{EMAIL}", basic(ADMIN))
    [user] = response.json()["users"]
    assert state_of(user) == (False, True, "agent", 0, 6, None, False)
    assert (user["email"], user["default_group_id"]) == (EMAIL, 12)


def test_user_search_other_queries(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state["acme"].users[0].secondary_emails.append("old@acme.example")
    assert search(client, sim, "email:old@acme.example", ADMIN_OAUTH_HEADERS) == [1001]
    assert search(client, sim, "light@acme.example", ADMIN_OAUTH_HEADERS) == [1002]
    assert search(client, sim, "customer", ADMIN_OAUTH_HEADERS) == [1004]
    assert search(client, sim, "", ADMIN_OAUTH_HEADERS) == []
    assert get(client, sim, "/api/v2/users/search", ADMIN_OAUTH_HEADERS).json()["users"] == []


def test_user_search_is_not_for_end_users(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/users/search?query=x", basic("customer@acme.example"))
    assert (response.status_code, response.json()) == (403, FORBIDDEN_2026)
    assert get(client, sim, "/api/v2/users/search?query=x").status_code == 401


# ---- roles and memberships of another user -------------------------------------------------


@pytest.mark.parametrize("headers", ADMIN_CREDENTIALS)
def test_admin_reads_roles_and_memberships_of_another_user(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    role = get(client, sim, "/api/v2/custom_roles/7", headers).json()["custom_role"]
    assert (role["id"], role["configuration"]["light_agent"]) == (7, True)
    memberships = get(client, sim, "/api/v2/users/1001/group_memberships", headers).json()
    assert [m["group_id"] for m in memberships["group_memberships"]] == [12, 13]


def test_the_agent_cannot_read_a_role_by_id(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, "/api/v2/custom_roles/7", basic()).status_code == 403
    bearer = {"Authorization": f"Bearer {AGENT_OAUTH}"}
    assert get(client, sim, "/api/v2/custom_roles/7", bearer).status_code == 403
