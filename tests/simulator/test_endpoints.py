"""The /api/v2 endpoints: users, custom roles per plan, groups, memberships, misc."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from monitor.simulator import SimulatorThread

from .support import basic, get

# Every field of the users JSON format table in the API notes, section 1.
USER_FIELDS = {
    "id", "email", "name", "role", "role_type", "custom_role_id", "ticket_restriction",
    "restricted_agent", "only_private_comments", "suspended", "active", "verified", "moderator",
    "default_group_id", "last_login_at", "shared", "shared_agent", "chat_only",
    "two_factor_auth_enabled", "report_csv",
}  # fmt: skip


def test_users_me_has_every_documented_field(sim: SimulatorThread, client: httpx.Client) -> None:
    user = get(client, sim, "/api/v2/users/me", basic()).json()["user"]
    assert user.keys() >= USER_FIELDS
    assert user["authenticity_token"]
    assert user["url"] == f"{sim.base_url('acme')}/api/v2/users/1001.json"
    assert (user["role_type"], user["custom_role_id"], user["default_group_id"]) == (0, 6, 12)
    assert (user["ticket_restriction"], user["restricted_agent"]) == (None, False)


def test_user_shapes_follow_the_recordings(sim: SimulatorThread, client: httpx.Client) -> None:
    def me(email: str, tenant: str = "acme") -> dict[str, Any]:
        response = get(client, sim, "/api/v2/users/me", basic(email), tenant=tenant)
        user: dict[str, Any] = response.json()["user"]
        return user

    end_user = me("customer@acme.example")
    assert (end_user["role"], end_user["role_type"], end_user["custom_role_id"]) == (
        "end-user",
        None,
        None,
    )
    assert (end_user["ticket_restriction"], end_user["restricted_agent"]) == ("requested", True)
    light = me("light@acme.example")
    assert (light["role_type"], light["custom_role_id"]) == (1, 7)
    plain_agent = me("fusion@acme.example", tenant="pro")  # no custom roles off Enterprise
    assert (plain_agent["role_type"], plain_agent["custom_role_id"]) == (None, None)


def test_show_user(sim: SimulatorThread, client: httpx.Client) -> None:
    user = get(client, sim, "/api/v2/users/1005", basic()).json()["user"]
    assert (user["id"], user["suspended"]) == (1005, True)


def test_show_missing_user_is_record_not_found(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/users/999", basic())
    assert response.status_code == 404
    assert response.json() == {"error": "RecordNotFound", "description": "Not found"}


def test_end_users_may_not_use_agent_endpoints(sim: SimulatorThread, client: httpx.Client) -> None:
    for path in ("/api/v2/groups", "/api/v2/custom_roles", "/api/v2/users/1001"):
        response = get(client, sim, path, basic("customer@acme.example"))
        assert response.status_code == 403
        assert response.json()["error"]["title"] == "Forbidden"


def test_custom_roles_enterprise_lists_roles(sim: SimulatorThread, client: httpx.Client) -> None:
    roles = get(client, sim, "/api/v2/custom_roles", basic()).json()["custom_roles"]
    assert [(r["id"], r["name"], r["role_type"]) for r in roles] == [
        (6, "Staff", 0),
        (7, "Light agent", 1),
    ]
    staff = roles[0]["configuration"]
    assert staff["ticket_access"] == "all"
    assert staff["ticket_comment_access"] == "public"
    assert staff["end_user_profile_access"] == "readonly"
    assert roles[1]["configuration"]["light_agent"] is True
    assert roles[0]["team_member_count"] == 4  # the acme users in role 6


def test_light_agents_may_list_roles(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/custom_roles", basic("light@acme.example"))
    assert response.status_code == 200


def test_custom_roles_professional_is_forbidden(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/custom_roles", basic(), tenant="pro")
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "title": "Forbidden",
            "message": (
                "Access to this resource is restricted. "
                "Please contact the account administrator for assistance."
            ),
        }
    }


def test_custom_roles_team_is_invalid_endpoint(sim: SimulatorThread, client: httpx.Client) -> None:
    for path in ("/api/v2/custom_roles", "/api/v2/custom_roles/6"):
        response = get(client, sim, path, basic(), tenant="team")
        assert response.status_code == 404
        assert response.json() == {"error": "InvalidEndpoint", "description": "Not found"}


def test_show_custom_role_needs_an_admin(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, "/api/v2/custom_roles/6", basic()).status_code == 403
    admin = basic("admin@acme.example")
    role = get(client, sim, "/api/v2/custom_roles/7", admin).json()["custom_role"]
    assert role["name"] == "Light agent"
    assert get(client, sim, "/api/v2/custom_roles/99", admin).status_code == 404


def test_groups_leave_out_deleted_ones(sim: SimulatorThread, client: httpx.Client) -> None:
    body = get(client, sim, "/api/v2/groups", basic()).json()
    assert [(g["id"], g["name"], g["is_public"]) for g in body["groups"]] == [
        (12, "Support", True),
        (13, "Billing", False),
    ]
    assert body["meta"]["has_more"] is False


def test_group_memberships_with_groups_sideloaded(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    path = "/api/v2/users/1001/group_memberships?include=groups"
    body = get(client, sim, path, basic()).json()
    memberships = body["group_memberships"]
    assert [(m["id"], m["user_id"], m["group_id"], m["default"]) for m in memberships] == [
        (1, 1001, 12, True),
        (2, 1001, 13, False),
    ]
    assert [g["id"] for g in body["groups"]] == [12, 13]
    assert body["meta"]["has_more"] is False
    assert "users" not in body


def test_group_memberships_without_sideload(sim: SimulatorThread, client: httpx.Client) -> None:
    body = get(client, sim, "/api/v2/users/1002/group_memberships.json", basic()).json()
    assert [m["group_id"] for m in body["group_memberships"]] == [12]
    assert "groups" not in body


def test_group_memberships_of_a_missing_user(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/users/4242/group_memberships", basic())
    assert response.status_code == 404
    assert response.json()["error"] == "RecordNotFound"


def test_cursor_pagination_walks_every_page(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant(
        "acme",
        {
            "groups": [{"id": g, "name": f"G{g}"} for g in range(1, 8)],
            "memberships": [{"user_id": 1001, "group_id": g} for g in range(1, 8)],
        },
    )
    url = f"{sim.base_url('acme')}/api/v2/users/1001/group_memberships?page[size]=3&include=groups"
    seen: list[int] = []
    pages = 0
    while True:
        body = client.get(url, headers=basic()).json()
        pages += 1
        seen += [m["group_id"] for m in body["group_memberships"]]
        assert [g["id"] for g in body["groups"]] == [
            m["group_id"] for m in body["group_memberships"]
        ]
        if not body["meta"]["has_more"]:
            break
        url = body["links"]["next"]
        assert parse_qs(urlsplit(url).query)["include"] == ["groups"]
    assert (seen, pages) == ([1, 2, 3, 4, 5, 6, 7], 3)
    # And back: the prev link of the last page gives the page before it.
    previous = client.get(body["links"]["prev"], headers=basic()).json()
    assert [m["group_id"] for m in previous["group_memberships"]] == [4, 5, 6]
    assert previous["meta"]["has_more"] is True


def test_page_size_is_capped_at_100(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant(
        "acme",
        {
            "groups": [{"id": g, "name": f"G{g}"} for g in range(1, 121)],
            "memberships": [{"user_id": 1001, "group_id": g} for g in range(1, 121)],
        },
    )
    path = "/api/v2/users/1001/group_memberships"
    for query in ("", "?page[size]=500"):
        body = get(client, sim, path + query, basic()).json()
        assert len(body["group_memberships"]) == 100
        assert body["meta"]["has_more"] is True


@pytest.mark.parametrize("query", ["page[size]=0", "page[size]=ten", "page[after]=bm9wZQ=="])
def test_bad_page_parameters_are_400(
    sim: SimulatorThread, client: httpx.Client, query: str
) -> None:
    response = get(client, sim, f"/api/v2/users/1001/group_memberships?{query}", basic())
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidPaginationParameter"


def test_accounts_available_needs_no_credentials(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    def available(subdomain: str) -> bool:
        response = get(client, sim, f"/api/v2/accounts/available?subdomain={subdomain}")
        assert response.status_code == 200
        result: bool = response.json()["success"]
        return result

    sim.patch_tenant("pro", {"account": "missing_json_404"})
    sim.patch_tenant("team", {"account": "closed_redirect"})
    assert available("unclaimed") is True
    assert available("pro") is True  # no account there
    assert available("team") is False  # closed accounts keep their subdomain
    assert available("acme") is False
    assert get(client, sim, "/api/v2/accounts/available").status_code == 400


def test_account_settings_show_token_access(sim: SimulatorThread, client: httpx.Client) -> None:
    body = get(client, sim, "/api/v2/account/settings", basic()).json()
    assert body["settings"]["api"]["api_token_access"] == "true"


@pytest.mark.parametrize(
    "path", ["/api/v2/tickets", "/api/v2/users/me/groups", "/api/v2/users/abc", "/", "/help"]
)
def test_unknown_endpoint(sim: SimulatorThread, client: httpx.Client, path: str) -> None:
    response = get(client, sim, path, basic())
    assert response.status_code == 404
    assert response.json() == {"error": "InvalidEndpoint", "description": "Not found"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_forbidden_and_logged(
    sim: SimulatorThread, client: httpx.Client, method: str
) -> None:
    url = f"{sim.base_url('acme')}/api/v2/users/1001"
    response = client.request(method, url, headers=basic(), content=json.dumps({"user": {}}))
    assert response.status_code == 403
    assert response.json()["error"]["title"] == "Forbidden"
    [record] = sim.requests
    assert (record.method, record.path, record.status) == (method, "/api/v2/users/1001", 403)


def test_every_answer_has_request_id_and_rate_limit_headers(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    answers = [
        get(client, sim, "/api/v2/users/me", basic()),
        get(client, sim, "/api/v2/users/me", basic(token="bad")),
        get(client, sim, "/api/v2/nothing", basic()),
    ]
    ids = {r.headers["x-zendesk-request-id"] for r in answers}
    assert len(ids) == len(answers)
    for response in answers:
        for header in (
            "x-rate-limit",
            "x-rate-limit-remaining",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
        ):
            assert response.headers[header].isdigit()
    assert [r.headers["x-rate-limit-remaining"] for r in answers] == ["699", "698", "697"]
