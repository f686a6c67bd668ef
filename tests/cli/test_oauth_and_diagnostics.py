"""OAuth credentials and the diagnostic credential, through the real CLI and simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.checks.runner import Checker
from monitor.config.load import load
from monitor.config.model import TenantConfig
from monitor.simulator import SimulatorThread, parse_scenario
from monitor.zendesk.session import ClientFactory
from tests.canary import (
    CANARY_ENV,
    CANARY_TOKEN,
    OAUTH_CANARY,
    OAUTH_CANARY_ENV,
    SECRET_CANARY,
    SECRET_CANARY_ENV,
)
from tests.cli.run import run_main, write_config

ADMIN_TOKEN = "admin-diagnostic-token-1"
FORBIDDEN = json.dumps({"error": {"title": "Forbidden", "message": "Access is restricted."}})
FUTURE, PAST = "2099-01-01T00:00:00Z", "2020-01-01T00:00:00Z"


def user(**fields: Any) -> dict[str, Any]:
    return {"id": 1001, "email": "fusion@acme.example", **fields}


ADMIN = {"id": 9, "email": "admin@acme.example", "role": "admin"}
ADMIN_OAUTH = "admin-diagnostic-oauth-1"
ADMIN_BEARER = {
    "token": ADMIN_OAUTH,
    "user_id": 9,
    "scopes": ["read"],
    "expires_at": "2099-01-01T00:00:00Z",
}


def tenant(**fields: Any) -> dict[str, Any]:
    return {"tokens": [CANARY_TOKEN, ADMIN_TOKEN], "users": [user(), ADMIN]} | fields


def bearer(
    token: str, *, scopes: list[str] | None = None, expires_at: str = FUTURE
) -> dict[str, Any]:
    return {"token": token, "user_id": 1001, "scopes": scopes or ["read"], "expires_at": expires_at}


SCENARIO: dict[str, Any] = {
    "tenants": {
        "bearer-ok": tenant(oauth_tokens=[bearer(OAUTH_CANARY)]),
        "bearer-expired": tenant(oauth_tokens=[bearer(OAUTH_CANARY, expires_at=PAST)]),
        "bearer-expired-file": tenant(oauth_tokens=[bearer(OAUTH_CANARY, expires_at=PAST)]),
        "bearer-no-scope": tenant(oauth_tokens=[bearer(OAUTH_CANARY, scopes=["tickets:read"])]),
        "bearer-no-scope-legacy": tenant(
            scope_error_wording="legacy",
            oauth_tokens=[bearer(OAUTH_CANARY, scopes=["tickets:read"])],
        ),
        "bearer-users-only": tenant(oauth_tokens=[bearer(OAUTH_CANARY, scopes=["users:read"])]),
        "client-ok": tenant(
            oauth_clients=[{"client_id": "monitor", "secret": SECRET_CANARY, "user_id": 1001}]
        ),
        "client-bad-secret": tenant(
            oauth_clients=[{"client_id": "monitor", "secret": "another", "user_id": 1001}]
        ),
        # The integration's API token fails (401 or 403); the admin's token finds out why.
        # Token access off stops the admin's API tokens too: the diagnosis needs OAuth.
        "access-off": tenant(token_access=False, oauth_tokens=[ADMIN_BEARER]),
        "revoked": tenant(tokens=[{"token": CANARY_TOKEN, "active": False}, ADMIN_TOKEN]),
        "deleted-token": tenant(tokens=[ADMIN_TOKEN]),
        "suspended": tenant(
            users=[user(suspended=True), ADMIN], suspended_user_answer="unauthorized"
        ),
        "deleted-user": tenant(
            users=[user(active=False), ADMIN], deleted_user_answer="unauthorized"
        ),
        "downgraded": tenant(
            users=[user(role_type=1), ADMIN],
            faults=[
                {
                    "path": "/api/v2/users/me",
                    "kind": "status",
                    "status": 403,
                    "body": FORBIDDEN,
                    "content_type": "application/json",
                }
            ],
        ),
        # A plain agent as the diagnostic credential: api_tokens is refused (403), the user
        # search still finds the suspension.
        "agent-diagnosis": tenant(
            tokens=[{"token": CANARY_TOKEN, "active": False}, ADMIN_TOKEN],
            users=[user(suspended=True), ADMIN | {"role": "agent"}],
            suspended_user_answer="unauthorized",
        ),
        # Locked out, and narrowed meanwhile: the diagnosis reads the permissions too.
        "revoked-narrowed": tenant(
            tokens=[{"token": CANARY_TOKEN, "active": False}, ADMIN_TOKEN],
            users=[user(only_private_comments=True, ticket_restriction="groups"), ADMIN],
            groups=[{"id": 12, "name": "Support"}, {"id": 13, "name": "Billing"}],
            memberships=[{"user_id": 1001, "group_id": 12}],
        ),
        "no-diagnostics": tenant(token_access=False),
        "diagnostics-refused": tenant(token_access=False),
    }
}

API_TOKEN = {"type": "api_token", "email": "fusion@acme.example", "token_env": CANARY_ENV}
ADMIN_OAUTH_AUTH = {"type": "oauth_token", "token_env": "ZENDESK_MONITOR_TEST_ADMIN_OAUTH"}
ADMIN_AUTH = {
    "type": "api_token",
    "email": "admin@acme.example",
    "token_env": "ZENDESK_MONITOR_TEST_ADMIN",
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(parse_scenario(SCENARIO)) as simulator:
        yield simulator


@pytest.fixture(scope="module", autouse=True)
def admin_token() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZENDESK_MONITOR_TEST_ADMIN", ADMIN_TOKEN)
        patch.setenv("ZENDESK_MONITOR_TEST_ADMIN_OAUTH", ADMIN_OAUTH)
        yield


CLIENT_CREDENTIALS = {
    "type": "oauth_client_credentials",
    "client_id": "monitor",
    "client_secret_env": SECRET_CANARY_ENV,
}


def entry(sim: SimulatorThread, name: str, auth: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "subdomain": name, "base_url": sim.base_url(name), "auth": auth, **extra}


def configuration(sim: SimulatorThread, tmp: Path) -> list[dict[str, Any]]:
    token_file = tmp / "bearer.json"
    token_file.write_text(json.dumps({"access_token": OAUTH_CANARY, "expires_at": PAST}))
    oauth = {"type": "oauth_token", "token_env": OAUTH_CANARY_ENV}
    diagnostics = {"auth": ADMIN_AUTH}
    return [
        entry(sim, "bearer-ok", oauth | {"email": "fusion@acme.example"}),
        entry(sim, "bearer-expired", oauth),
        entry(sim, "bearer-expired-file", {"type": "oauth_token", "token_file": str(token_file)}),
        entry(sim, "bearer-no-scope", oauth),
        entry(sim, "bearer-no-scope-legacy", oauth),
        entry(sim, "bearer-users-only", oauth),
        entry(sim, "client-ok", CLIENT_CREDENTIALS),
        entry(sim, "client-bad-secret", CLIENT_CREDENTIALS),
        entry(sim, "access-off", API_TOKEN, diagnostics={"auth": ADMIN_OAUTH_AUTH}),
        *(
            entry(sim, name, API_TOKEN, diagnostics=diagnostics)
            for name in ("revoked", "deleted-token", "suspended", "deleted-user", "downgraded")
        ),
        entry(sim, "agent-diagnosis", API_TOKEN, diagnostics=diagnostics),
        entry(
            sim,
            "revoked-narrowed",
            API_TOKEN,
            diagnostics=diagnostics,
            expect={"ticket_access": "groups", "groups": ["Support", "Billing"]},
        ),
        entry(sim, "no-diagnostics", API_TOKEN),
        entry(
            sim,
            "diagnostics-refused",
            API_TOKEN,
            diagnostics={
                "auth": ADMIN_AUTH | {"token_env": CANARY_ENV, "email": "nobody@acme.example"}
            },
        ),
    ]


EXPECTED = {
    "bearer-ok": "ok",
    "bearer-expired": "auth_failed",  # expiry unknown to the monitor: not guessed
    "bearer-expired-file": "oauth_token_expired",
    "bearer-no-scope": "oauth_scope_missing",
    "bearer-no-scope-legacy": "oauth_scope_missing",
    "bearer-users-only": "oauth_scope_missing",
    "client-ok": "ok",
    "client-bad-secret": "auth_failed",
    "access-off": "token_access_disabled",
    "revoked": "token_inactive",
    "deleted-token": "token_inactive",
    "suspended": "user_suspended",
    "deleted-user": "user_deleted",
    "downgraded": "user_downgraded",
    "agent-diagnosis": "user_suspended",
    "revoked-narrowed": "token_inactive",
    "no-diagnostics": "auth_failed",
    "diagnostics-refused": "auth_failed",
}


@pytest.fixture(scope="module")
def checked(sim: SimulatorThread, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sim.clear_requests()
    tmp = tmp_path_factory.mktemp("oauth")
    config = write_config(tmp / "config.yaml", configuration(sim, tmp))
    ran = run_main("check", "-c", str(config), "--format", "json")
    assert ran.code == 1
    return {t["tenant"]: t for t in json.loads(ran.stdout)["tenants"]}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_category(checked: dict[str, Any], name: str) -> None:
    assert checked[name]["category"] == EXPECTED[name], checked[name]["detail"]


def test_an_oauth_tenant_has_no_api_token_retirement_warning(checked: dict[str, Any]) -> None:
    assert [w["code"] for w in checked["bearer-ok"]["warnings"]] == []
    assert [w["code"] for w in checked["no-diagnostics"]["warnings"]] == ["api_token_retirement"]


def test_missing_scope_is_named(checked: dict[str, Any]) -> None:
    assert "read" in checked["bearer-no-scope"]["detail"]
    assert "read" in checked["bearer-users-only"]["detail"]


def test_diagnosis_keeps_the_integration_detail(checked: dict[str, Any]) -> None:
    detail = checked["revoked"]["detail"]
    assert detail.startswith("users/me answered 401")
    assert "(diagnostic credential)" in detail


def test_the_diagnosis_reads_a_locked_out_users_permissions(checked: dict[str, Any]) -> None:
    permissions = checked["revoked-narrowed"]["permissions"]
    assert permissions["public_comments"] is False
    assert permissions["group_membership"] is False
    assert permissions["ticket_access"] is True  # "groups" is what the tenant expects
    assert permissions["ticket_editing"] is True  # from the custom role, read by id


def test_without_diagnostics_the_causes_are_listed(checked: dict[str, Any]) -> None:
    hint = checked["no-diagnostics"]["hint"]
    for cause in ("revoked", "token access", "suspended", "email"):
        assert cause in hint


def test_a_failing_diagnostic_credential_is_a_warning(checked: dict[str, Any]) -> None:
    codes = [w["code"] for w in checked["diagnostics-refused"]["warnings"]]
    assert "diagnostics_unavailable" in codes


def test_only_the_grant_is_not_a_get(checked: dict[str, Any], sim: SimulatorThread) -> None:
    methods = {(r.method, r.path) for r in sim.requests if r.method != "GET"}
    assert methods == {("POST", "/oauth/tokens")}


def client_ok(sim: SimulatorThread, tmp_path: Path) -> TenantConfig:
    """The `client-ok` tenant on the client-credentials grant, loaded from a config file."""
    config = write_config(tmp_path / "c.yaml", [entry(sim, "client-ok", CLIENT_CREDENTIALS)])
    loaded = load(str(config)).config
    assert loaded is not None
    return loaded.tenants[0]


async def test_client_credentials_token_is_cached_and_renewed(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    tenant = client_ok(sim, tmp_path)
    now = [1_800_000_000.0]
    factory = ClientFactory(clock=lambda: now[0])
    checker = Checker(factory, authorization=factory.authorize)
    categories = []
    try:
        for at in (0.0, 3000.0, 7200.0):  # 50 minutes on, then past the token's 7200 s
            now[0] = 1_800_000_000.0 + at
            categories.append((await checker.check(tenant)).category.value)
    finally:
        await factory.aclose()
    assert categories == ["ok", "ok", "ok"]
    # Tokens live 7200 s: the second check reuses the first, the third needs a new one.
    assert factory.grants.grants == 2


async def test_a_rejected_grant_token_is_not_reused(sim: SimulatorThread, tmp_path: Path) -> None:
    tenant = client_ok(sim, tmp_path)
    factory = ClientFactory()
    checker = Checker(factory, authorization=factory.authorize, on_rejected=factory.forget_token)
    try:
        assert (await checker.check(tenant)).category.value == "ok"
        # The customer revokes the token the monitor holds, long before it expires.
        for token in sim.state["client-ok"].oauth_tokens:
            token.revoked = True
        assert (await checker.check(tenant)).category.value == "auth_failed"
        assert (await checker.check(tenant)).category.value == "ok"
    finally:
        await factory.aclose()
    assert factory.grants.grants == 2
