"""OAuth in the simulator: Bearer tokens, scopes, Show Token and the client-credentials grant.

API notes section 5 (403 shapes) and section 7 (OAuth). The simulator's clock is frozen at NOW
in every test, so expiry is moved with `sim.state.advance_time`, never with sleeps.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from monitor.simulator import (
    OAuthToken,
    ScenarioError,
    ScopeWording,
    SimulatorThread,
    parse_scenario,
)

from .support import COULDNT_AUTHENTICATE, basic, get, scenario_mapping

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

AGENT_OAUTH = "AgentOAuth-0123456789abcdef"  # mixed case: compared exactly
ADMIN_OAUTH = "AdminOAuth-0123456789abcdef"
EXPIRED = "expired-oauth-token"
REVOKED = "revoked-oauth-token"
WRITE_ONLY = "write-only-oauth-token"
USERS_READ = "users-read-oauth-token"
SUSPENDED_OAUTH = "suspended-user-oauth-token"
CLIENT_ID = "acme-monitor"
CANARY_SECRET = "Canary-Client-Secret-7f3a9"  # must never reach the request log

OAUTH: dict[str, Any] = {
    "oauth_tokens": [
        {
            "id": 11,
            "token": AGENT_OAUTH,
            "user_id": 1001,
            "scopes": ["read", "write"],
            "expires_at": "2026-05-02T12:00:00Z",
            "refresh_token_expires_at": "2026-06-01T00:00:00Z",
            "client_id": 7,
            "created_at": "2026-04-01T00:00:00Z",
        },
        {"id": 12, "token": ADMIN_OAUTH, "user_id": 1003, "expires_at": None},
        {"id": 13, "token": EXPIRED, "user_id": 1001, "expires_at": "2026-05-01T11:59:59Z"},
        {"id": 14, "token": REVOKED, "user_id": 1001, "revoked": True},
        {"id": 15, "token": WRITE_ONLY, "user_id": 1001, "scopes": ["write"]},
        {"id": 16, "token": USERS_READ, "user_id": 1003, "scopes": ["users:read"]},
        {"id": 17, "token": SUSPENDED_OAUTH, "user_id": 1005},
    ],
    "oauth_clients": [
        {
            "client_id": CLIENT_ID,
            "secret": CANARY_SECRET,
            "user_id": 1003,
            "scopes": ["read", "users:read"],
            "expires_in": 600,
        }
    ],
}

ME = "/api/v2/users/me"
GROUPS = "/api/v2/groups"
CURRENT = "/api/v2/oauth/tokens/current"
INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": (
        "The access token provided is expired, revoked, malformed or invalid for other reasons."
    ),
}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": (
        "Client authentication failed due to unknown client, no client authentication"
        " included, or unsupported authentication method."
    ),
}
MISSING_SCOPE = {
    "legacy": {
        "error": "Forbidden",
        "description": "You are missing the following required scopes: read",
    },
    "2026": {"error": "Forbidden", "description": "Missing the following required scopes: read"},
}


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    scenario = parse_scenario(
        scenario_mapping(
            acme=OAUTH,
            legacy={**OAUTH, "scope_error_wording": "legacy"},
            off={**OAUTH, "token_access": False},
        )
    )
    with SimulatorThread(scenario) as running:
        running.state.set_time(NOW)
        yield running


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def grant(
    client: httpx.Client, sim: SimulatorThread, tenant: str = "acme", **kwargs: Any
) -> httpx.Response:
    return client.post(f"{sim.base_url(tenant)}/oauth/tokens", **kwargs)


def credentials(**extra: Any) -> dict[str, Any]:
    return {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CANARY_SECRET,
        **extra,
    }


def assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == INVALID_TOKEN


# ---- Bearer authentication -----------------------------------------------------------------


def test_valid_bearer_authenticates_as_its_user(sim: SimulatorThread, client: httpx.Client) -> None:
    me = get(client, sim, ME, bearer(AGENT_OAUTH))
    assert me.status_code == 200
    assert (me.json()["user"]["id"], me.json()["user"]["last_login_at"]) == (
        1001,
        "2026-05-01T12:00:00Z",
    )
    assert get(client, sim, GROUPS, bearer(AGENT_OAUTH)).status_code == 200
    assert get(client, sim, ME, bearer(ADMIN_OAUTH)).json()["user"]["role"] == "admin"


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(f"Bearer {EXPIRED}", id="expired"),
        pytest.param(f"Bearer {REVOKED}", id="revoked"),
        pytest.param("Bearer no-such-token", id="unknown"),
        pytest.param(f"Bearer {AGENT_OAUTH.lower()}", id="case-sensitive"),
        pytest.param("Bearer", id="no token value"),
    ],
)
def test_rejected_bearer_is_invalid_token_everywhere(
    sim: SimulatorThread, client: httpx.Client, authorization: str
) -> None:
    for path in (ME, GROUPS, CURRENT, "/api/v2/account/settings"):
        assert_invalid_token(get(client, sim, path, {"Authorization": authorization}))


def test_a_token_whose_user_is_gone_is_invalid(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state["acme"].users[:] = [u for u in sim.state["acme"].users if u.id != 1001]
    assert_invalid_token(get(client, sim, ME, bearer(AGENT_OAUTH)))


def test_expiry_follows_the_simulator_clock(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state.set_time(datetime(2026, 5, 2, 11, 59, 59, tzinfo=UTC))
    assert get(client, sim, ME, bearer(AGENT_OAUTH)).status_code == 200
    sim.state.advance_time(1)  # now == expires_at: expired
    assert_invalid_token(get(client, sim, ME, bearer(AGENT_OAUTH)))
    sim.state.set_time(NOW - timedelta(seconds=2))  # before the expired token's expiry
    assert get(client, sim, ME, bearer(EXPIRED)).status_code == 200


def test_revoking_takes_effect_on_the_next_request(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    assert get(client, sim, ME, bearer(ADMIN_OAUTH)).status_code == 200
    sim.state["acme"].oauth_tokens[1].revoked = True
    assert_invalid_token(get(client, sim, ME, bearer(ADMIN_OAUTH)))


def test_oauth_ignores_the_api_token_access_switch(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    assert get(client, sim, ME, basic(), tenant="off").status_code == 401
    response = get(client, sim, ME, bearer(ADMIN_OAUTH), tenant="off")
    assert response.json()["user"]["id"] == 1003


def test_user_state_answers_apply_to_oauth_too(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, ME, bearer(SUSPENDED_OAUTH)).json()["user"]["suspended"] is True
    sim.patch_tenant("acme", {"suspended_user_answer": "forbidden"})
    response = get(client, sim, ME, bearer(SUSPENDED_OAUTH))
    assert response.status_code == 403
    assert response.json()["error"]["title"] == "Forbidden"


# ---- scopes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("tenant", "wording"), [("acme", "2026"), ("legacy", "legacy")])
def test_missing_read_scope_is_403_in_the_tenant_wording(
    sim: SimulatorThread, client: httpx.Client, tenant: str, wording: str
) -> None:
    for path in (ME, GROUPS, "/api/v2/users/1001", "/api/v2/account/settings"):
        response = get(client, sim, path, bearer(WRITE_ONLY), tenant=tenant)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.json() == MISSING_SCOPE[wording]


def test_wording_can_change_while_running(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.update_tenant("acme", scope_error_wording=ScopeWording.LEGACY)
    assert get(client, sim, GROUPS, bearer(WRITE_ONLY)).json() == MISSING_SCOPE["legacy"]


def test_resource_read_scope_covers_only_its_resource(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    for path in (ME, "/api/v2/users/1005", "/api/v2/users/search?query=email:a@b.example"):
        assert get(client, sim, path, bearer(USERS_READ)).status_code == 200, path
    for path in (GROUPS, "/api/v2/account/settings", "/api/v2/custom_roles/6"):
        response = get(client, sim, path, bearer(USERS_READ))
        assert (response.status_code, response.json()) == (403, MISSING_SCOPE["2026"]), path


def test_basic_credentials_have_no_scopes(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, GROUPS, basic()).status_code == 200


# ---- GET /api/v2/oauth/tokens/current ------------------------------------------------------


def test_current_token_shows_the_doc_fields(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, CURRENT + ".json", bearer(AGENT_OAUTH))
    assert response.status_code == 200
    assert response.json() == {
        "token": {
            "id": 11,
            "user_id": 1001,
            "client_id": 7,
            "token": AGENT_OAUTH[:10],
            "refresh_token": None,
            "scopes": ["read", "write"],
            "created_at": "2026-04-01T00:00:00Z",
            "used_at": "2026-05-01T12:00:00Z",
            "expires_at": "2026-05-02T12:00:00Z",
            "refresh_token_expires_at": "2026-06-01T00:00:00Z",
            "url": f"{sim.base_url('acme')}/api/v2/oauth/tokens/11.json",
        }
    }
    assert AGENT_OAUTH not in response.text


def test_current_token_never_expiring_and_used_at(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    token = get(client, sim, CURRENT, bearer(ADMIN_OAUTH)).json()["token"]
    assert (token["expires_at"], token["client_id"], token["scopes"]) == (None, None, ["read"])
    sim.state.advance_time(90)
    assert get(client, sim, CURRENT, bearer(ADMIN_OAUTH)).json()["token"]["used_at"] == (
        "2026-05-01T12:01:30Z"
    )


def test_current_token_needs_no_scope(sim: SimulatorThread, client: httpx.Client) -> None:
    token = get(client, sim, CURRENT, bearer(WRITE_ONLY)).json()["token"]
    assert token["scopes"] == ["write"]


def test_current_token_without_a_bearer_token(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, CURRENT, basic())
    assert (response.status_code, response.json()["error"]) == (404, "RecordNotFound")
    unauthenticated = get(client, sim, CURRENT)
    assert (unauthenticated.status_code, unauthenticated.content) == (401, COULDNT_AUTHENTICATE)


def test_end_users_may_show_their_token(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.state["acme"].oauth_tokens.append(OAuthToken(id=99, token="end-user-tok", user_id=1004))
    assert get(client, sim, CURRENT, bearer("end-user-tok")).json()["token"]["id"] == 99
    assert get(client, sim, GROUPS, bearer("end-user-tok")).status_code == 403


# ---- POST /oauth/tokens: client credentials ------------------------------------------------


def test_client_credentials_issue_a_working_token_that_expires(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    response = grant(client, sim, json=credentials())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body.keys() == {"access_token", "token_type", "scope", "expires_in"}
    assert (body["token_type"], body["scope"], body["expires_in"]) == (
        "bearer",
        "read users:read",
        600,
    )
    access = bearer(body["access_token"])
    me = get(client, sim, ME, access).json()["user"]
    assert (me["id"], me["role"]) == (1003, "admin")
    current = get(client, sim, CURRENT, access).json()["token"]
    assert (current["client_id"], current["user_id"], current["scopes"]) == (
        1,
        1003,
        ["read", "users:read"],
    )
    assert (current["created_at"], current["expires_at"]) == (
        "2026-05-01T12:00:00Z",
        "2026-05-01T12:10:00Z",
    )
    assert current["token"] == body["access_token"][:10]
    sim.state.advance_time(599)
    assert get(client, sim, GROUPS, access).status_code == 200
    sim.state.advance_time(1)
    assert_invalid_token(get(client, sim, GROUPS, access))


def test_each_grant_issues_a_new_token(sim: SimulatorThread, client: httpx.Client) -> None:
    first = grant(client, sim, json=credentials()).json()["access_token"]
    second = grant(client, sim, json=credentials()).json()["access_token"]
    assert first != second
    issued = sim.state["acme"].oauth_tokens[-2:]
    assert [t.id for t in issued] == [18, 19]
    assert [t.token for t in issued] == [first, second]


def test_form_body_with_scope_and_expires_in(sim: SimulatorThread, client: httpx.Client) -> None:
    response = grant(client, sim, data=credentials(scope="read", expires_in="300"))
    assert response.status_code == 200
    assert (response.json()["scope"], response.json()["expires_in"]) == ("read", 300)
    token = sim.state["acme"].oauth_tokens[-1]
    assert (token.scopes, token.expires_at) == (["read"], NOW + timedelta(seconds=300))


def test_scopes_list_in_json(sim: SimulatorThread, client: httpx.Client) -> None:
    response = grant(client, sim, json=credentials(scopes=["users:read"], expires_in=172_800))
    assert (response.json()["scope"], response.json()["expires_in"]) == ("users:read", 172_800)


def test_client_authentication_by_http_basic(sim: SimulatorThread, client: httpx.Client) -> None:
    encoded = base64.b64encode(f"{CLIENT_ID}:{CANARY_SECRET}".encode()).decode()
    response = grant(
        client,
        sim,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {encoded}"},
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(credentials(client_secret="wrong-secret"), id="bad secret"),
        pytest.param(credentials(client_secret=CANARY_SECRET.lower()), id="secret case"),
        pytest.param(credentials(client_id="no-such-client"), id="unknown client"),
        pytest.param({"grant_type": "client_credentials"}, id="no client authentication"),
        pytest.param(credentials(client_secret=""), id="empty secret"),
    ],
)
def test_client_authentication_failures(
    sim: SimulatorThread, client: httpx.Client, body: dict[str, Any]
) -> None:
    before = len(sim.state["acme"].oauth_tokens)
    for response in (grant(client, sim, json=body), grant(client, sim, data=body)):
        assert response.status_code == 401
        assert response.json() == INVALID_CLIENT
    assert len(sim.state["acme"].oauth_tokens) == before


@pytest.mark.parametrize(
    "grant_type",
    [pytest.param("password", id="password"), pytest.param(None, id="missing")],
)
def test_unsupported_grant_type(
    sim: SimulatorThread, client: httpx.Client, grant_type: str | None
) -> None:
    body = credentials(grant_type=grant_type, client_secret="even-a-wrong-one")
    if grant_type is None:
        del body["grant_type"]
    response = grant(client, sim, json=body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": (
            "The authorization grant type is not supported by the authorization server."
        ),
    }


def test_refresh_and_code_grants_are_never_valid_here(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    for grant_type in ("refresh_token", "authorization_code"):
        response = grant(client, sim, json=credentials(grant_type=grant_type, refresh_token="r"))
        assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
        bad_client = grant(client, sim, json=credentials(grant_type=grant_type, client_id="x"))
        assert bad_client.status_code == 401


def test_a_scope_the_client_lacks_is_invalid_scope(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    for body in (credentials(scope="read write"), credentials(scope=""), credentials(scopes=3)):
        response = grant(client, sim, json=body)
        assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"json": credentials(expires_in=299)}, id="expires_in too short"),
        pytest.param({"json": credentials(expires_in=172_801)}, id="expires_in too long"),
        pytest.param({"data": credentials(expires_in="soon")}, id="expires_in not a number"),
        pytest.param({"json": credentials(expires_in=True)}, id="expires_in boolean"),
        pytest.param(
            {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
            id="malformed JSON",
        ),
        pytest.param({"json": ["grant_type"]}, id="JSON not an object"),
    ],
)
def test_malformed_token_requests(
    sim: SimulatorThread, client: httpx.Client, kwargs: dict[str, Any]
) -> None:
    response = grant(client, sim, **kwargs)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_the_token_endpoint_only_takes_post(sim: SimulatorThread, client: httpx.Client) -> None:
    response = client.get(f"{sim.base_url('acme')}/oauth/tokens")
    assert (response.status_code, response.json()["error"]) == (404, "InvalidEndpoint")


def test_faults_and_missing_accounts_apply_to_the_token_endpoint(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    sim.patch_tenant("acme", {"faults": [{"kind": "unavailable", "path": "/oauth/tokens"}]})
    assert grant(client, sim, json=credentials()).status_code == 503
    assert grant(client, sim, tenant="nosuch", json=credentials()).status_code == 404


# ---- the request log never holds a secret --------------------------------------------------


def test_token_requests_are_logged_without_secrets(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    issued = grant(client, sim, json=credentials()).json()["access_token"]
    grant(client, sim, data=credentials(client_secret="wrong"))
    # A careless client putting the secret in the URL: logged, but redacted.
    client.post(
        f"{sim.base_url('acme')}/oauth/tokens",
        params={"client_secret": CANARY_SECRET, "Access_Token": issued, "x": "1"},
        data=credentials(),
    )
    get(client, sim, ME, bearer(issued))
    records = sim.requests
    assert [(r.method, r.path, r.status, r.authorization_scheme) for r in records] == [
        ("POST", "/oauth/tokens", 200, None),
        ("POST", "/oauth/tokens", 401, None),
        ("POST", "/oauth/tokens", 200, None),
        ("GET", ME, 200, "bearer"),
    ]
    assert records[2].query == "client_secret=<redacted>&Access_Token=<redacted>&x=1"
    dumped = (
        repr(records) + client.get(f"{sim.url}/_simulator/requests").text + repr(sim.state["acme"])
    )
    for secret in (CANARY_SECRET, issued, AGENT_OAUTH):
        assert secret not in dumped


# ---- the clock and the control API ---------------------------------------------------------


def control(
    client: httpx.Client, sim: SimulatorThread, method: str, path: str, body: Any = None
) -> httpx.Response:
    return client.request(method, f"{sim.url}/_simulator{path}", json=body)


def test_control_api_reads_sets_and_advances_the_clock(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    assert control(client, sim, "GET", "/time").json() == {
        "now": "2026-05-01T12:00:00Z",
        "frozen": True,
    }
    moved = control(client, sim, "PUT", "/time", {"now": "2026-05-02T14:00:00+02:00"})
    assert moved.json() == {"now": "2026-05-02T12:00:00Z", "frozen": True}
    assert_invalid_token(get(client, sim, ME, bearer(AGENT_OAUTH)))  # expired at 12:00
    assert control(client, sim, "PUT", "/time", {"advance": -60.5}).status_code == 200
    assert get(client, sim, ME, bearer(AGENT_OAUTH)).status_code == 200
    real = control(client, sim, "PUT", "/time", {"now": None}).json()
    assert real["frozen"] is False
    assert real["now"] > "2026"  # the real clock (this runs after 2026)...
    assert sim.state.now().year >= 2026


@pytest.mark.parametrize(
    "body",
    [{}, {"now": "soon"}, {"advance": "1"}, {"now": None, "advance": 1}, {"later": 1}],
)
def test_control_api_rejects_bad_times(
    sim: SimulatorThread, client: httpx.Client, body: dict[str, Any]
) -> None:
    response = control(client, sim, "PUT", "/time", body)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert sim.state.now() == NOW
    assert control(client, sim, "POST", "/time", body).status_code == 405


def test_control_api_deletes_an_oauth_token(sim: SimulatorThread, client: httpx.Client) -> None:
    assert control(client, sim, "DELETE", "/tenants/acme/oauth_tokens/12").status_code == 204
    assert_invalid_token(get(client, sim, ME, bearer(ADMIN_OAUTH)))
    assert control(client, sim, "DELETE", "/tenants/acme/oauth_tokens/12").status_code == 404
    assert control(client, sim, "DELETE", "/tenants/nosuch/oauth_tokens/1").status_code == 404


def test_patching_oauth_tokens_through_the_control_api(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    body = {"oauth_tokens": [{"token": "patched-token", "user_id": 1002, "scopes": ["read"]}]}
    assert control(client, sim, "PATCH", "/tenants/acme", body).status_code == 204
    assert get(client, sim, ME, bearer("patched-token")).json()["user"]["id"] == 1002
    assert_invalid_token(get(client, sim, ME, bearer(AGENT_OAUTH)))
    bad = control(client, sim, "PATCH", "/tenants/acme", {"oauth_tokens": [{"token": "t"}]})
    assert bad.json() == {"errors": ["tenants.acme.oauth_tokens[0].user_id: is required"]}


def test_the_clock_needs_a_time_zone(sim: SimulatorThread) -> None:
    with pytest.raises(ValueError, match="time zone"):
        sim.state.set_time(datetime(2026, 1, 1))


# ---- scenario keys -------------------------------------------------------------------------


def test_oauth_defaults() -> None:
    tenant = parse_scenario(
        {
            "tenants": {
                "a": {
                    "users": [{"id": 1, "email": "a@a.example"}],
                    "oauth_tokens": [{"token": "t", "user_id": 1}],
                    "oauth_clients": [{"client_id": "c", "secret": "s3cr3t-v4lue", "user_id": 1}],
                }
            }
        }
    ).tenants["a"]
    [token], [oauth_client] = tenant.oauth_tokens, tenant.oauth_clients
    assert (token.id, token.scopes, token.expires_at, token.revoked, token.client_id) == (
        1,
        ["read"],
        None,
        False,
        None,
    )
    assert (oauth_client.id, oauth_client.scopes, oauth_client.expires_in) == (1, ["read"], 7200)
    assert tenant.scope_error_wording is ScopeWording.CURRENT
    assert "s3cr3t-v4lue" not in repr(tenant)


def test_yaml_timestamps_and_numbers_are_accepted() -> None:
    raw = {
        "users": [{"id": 1, "email": "a@a.example"}],
        "oauth_tokens": [
            {"token": "t", "user_id": 1, "expires_at": datetime(2026, 1, 1), "client_id": "x"}
        ],
        "scope_error_wording": 2026,  # unquoted in YAML
    }
    tenant = parse_scenario({"tenants": {"a": raw}}).tenants["a"]
    assert tenant.oauth_tokens[0].expires_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert tenant.scope_error_wording is ScopeWording.CURRENT


def test_oauth_mistakes_are_all_reported() -> None:
    raw = {
        "users": [{"id": 1, "email": "a@a.example"}],
        "oauth_tokens": [
            {"token": "v", "user_id": 1},
            {"token": "v", "user_id": 2},
            {"token": "t", "user_id": 2, "expires_at": "tomorrow"},
            {"token": "t", "user_id": 1, "scopes": "read"},
            {"token": "u", "user_id": 1, "revoked": "yes", "colour": "red"},
        ],
        "oauth_clients": [
            {"client_id": "c", "secret": "s", "user_id": 1, "expires_in": 60},
            {"client_id": "c", "user_id": 3},
        ],
        "scope_error_wording": "2025",
    }
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({"tenants": {"a": raw}})
    assert [str(p) for p in caught.value.problems] == [
        "tenants.a.scope_error_wording: must be one of legacy, 2026; got '2025'",
        "tenants.a.oauth_tokens[2].expires_at: must be an RFC 3339 timestamp, got 'tomorrow'",
        "tenants.a.oauth_tokens[3].scopes: must be a list of strings, got 'read'",
        "tenants.a.oauth_tokens[4].revoked: must be true or false, got 'yes'",
        "tenants.a.oauth_tokens[4].colour: unknown key",
        "tenants.a.oauth_clients[0].expires_in: must be from 300 to 172800, got 60",
        "tenants.a.oauth_clients[1].secret: is required",
        "tenants.a.oauth_tokens[1].token: duplicate token 'v'",
        "tenants.a.oauth_tokens[1].user_id: no user with id 2",
    ]
