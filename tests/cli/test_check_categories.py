"""Every category an API-token credential can reach, produced by `check` against the simulator
over real sockets, through the real CLI."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from monitor.checks.categories import Category
from monitor.simulator import SimulatorThread, parse_scenario
from tests.canary import CANARY_ENV, CANARY_TOKEN
from tests.cli.run import run_main, write_config

GROUPS = ["Support", "Billing"]


def user(**fields: Any) -> dict[str, Any]:
    return {"id": 1001, "email": "fusion@acme.example", **fields}


def tenant(**fields: Any) -> dict[str, Any]:
    return {"tokens": [CANARY_TOKEN], "users": [user()]} | fields


SCENARIO: dict[str, Any] = {
    "defaults": {"groups": [{"id": 12, "name": "Support"}, {"id": 13, "name": "Billing"}]},
    "tenants": {
        "healthy": tenant(),
        "professional": tenant(plan="professional"),
        "team-plan": tenant(plan="team"),
        "admin": tenant(users=[user(role="admin")]),
        "in-groups": tenant(
            users=[user(ticket_restriction="groups")],
            memberships=[{"user_id": 1001, "group_id": 12}, {"user_id": 1001, "group_id": 13}],
        ),
        "missing-group": tenant(
            users=[user(ticket_restriction="groups")],
            memberships=[{"user_id": 1001, "group_id": 12}],
        ),
        "nonexistent-json": {"account": "missing_json_404"},
        "nonexistent-text": {"account": "missing_text_404"},
        "closed": {"account": "closed_redirect"},
        "revoked": tenant(tokens=[{"token": CANARY_TOKEN, "active": False}]),
        "token-access-off": tenant(token_access=False),
        "anonymous-me": tenant(token_access=False, unauthenticated_me_answer="anonymous"),
        "wrong-email": tenant(users=[user(email="someone-else@acme.example")]),
        "other-user": tenant(
            users=[
                user(email="new-owner@acme.example", secondary_emails=["integration@acme.example"])
            ]
        ),
        "suspended-403": tenant(users=[user(suspended=True)], suspended_user_answer="forbidden"),
        "suspended-visible": tenant(users=[user(suspended=True)], suspended_user_answer="ok"),
        "deleted-visible": tenant(users=[user(active=False)], deleted_user_answer="ok"),
        "light-agent": tenant(users=[user(role_type=1)]),
        "end-user": tenant(users=[user(role="end-user")]),
        "private-only": tenant(users=[user(only_private_comments=True)]),
        "no-editing": tenant(
            custom_roles=[
                {
                    "id": 6,
                    "name": "Staff",
                    "role_type": 0,
                    "configuration": {"ticket_editing": False},
                }
            ]
        ),
        "rate-limited": tenant(faults=[{"kind": "rate_limited", "retry_after": 30}]),
        "down-503": tenant(faults=[{"kind": "unavailable"}]),
        "down-500": tenant(faults=[{"path": "/api/v2/custom_roles", "kind": "server_error"}]),
        "reset": tenant(faults=[{"kind": "reset"}]),
        "slow": tenant(faults=[{"kind": "slow", "seconds": 30}]),
        "html-200": tenant(faults=[{"kind": "html"}]),
        "malformed-200": tenant(faults=[{"kind": "malformed_json"}]),
        "teapot": tenant(
            faults=[{"kind": "status", "status": 418, "body": "no", "content_type": "text/plain"}]
        ),
    },
}

EXPECTED: dict[str, Category] = {
    "healthy": Category.OK,
    "professional": Category.OK,
    "team-plan": Category.OK,
    "admin": Category.OK,
    "in-groups": Category.OK,
    "missing-group": Category.PERMISSION_REGRESSION,
    "nonexistent-json": Category.SUBDOMAIN_NOT_FOUND,
    "nonexistent-text": Category.SUBDOMAIN_NOT_FOUND,
    "closed": Category.SUBDOMAIN_NOT_FOUND,
    "unknown-prefix": Category.SUBDOMAIN_NOT_FOUND,
    "revoked": Category.AUTH_FAILED,
    "token-access-off": Category.AUTH_FAILED,
    "anonymous-me": Category.AUTH_FAILED,
    "wrong-email": Category.AUTH_FAILED,
    "other-user": Category.AUTH_FAILED,
    "suspended-403": Category.AUTH_FAILED,
    "suspended-visible": Category.USER_SUSPENDED,
    "deleted-visible": Category.USER_DELETED,
    "light-agent": Category.USER_DOWNGRADED,
    "end-user": Category.USER_DOWNGRADED,
    "private-only": Category.PERMISSION_REGRESSION,
    "no-editing": Category.PERMISSION_REGRESSION,
    "rate-limited": Category.RATE_LIMITED,
    "down-503": Category.ZENDESK_UNAVAILABLE,
    "down-500": Category.ZENDESK_UNAVAILABLE,
    "reset": Category.NETWORK_ERROR,
    "refused": Category.NETWORK_ERROR,
    "slow": Category.TIMEOUT,
    "html-200": Category.UNEXPECTED_RESPONSE,
    "malformed-200": Category.UNEXPECTED_RESPONSE,
    "teapot": Category.UNEXPECTED_RESPONSE,
    "bad-entry": Category.CONFIG_INVALID,
    "unset-secret": Category.CONFIG_INVALID,
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(parse_scenario(SCENARIO)) as simulator:
        yield simulator


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def config_entry(sim: SimulatorThread, name: str) -> dict[str, Any]:
    named = ("wrong-email", "other-user")
    email = "integration@acme.example" if name in named else "fusion@acme.example"
    entry: dict[str, Any] = {
        "name": name,
        "subdomain": name,
        "base_url": f"{sim.url}/{name}",
        "auth": {"type": "api_token", "email": email, "token_env": CANARY_ENV},
    }
    if name in ("in-groups", "missing-group"):
        entry["expect"] = {"ticket_access": "groups", "groups": GROUPS}
    if name == "slow":
        entry["timeout"] = "0.3s"
    if name == "refused":
        entry["base_url"] = f"http://127.0.0.1:{closed_port()}/refused"
    if name == "bad-entry":
        entry["subdomain"] = "Bad-Entry"
    if name == "unset-secret":
        entry["auth"]["token_env"] = "ZENDESK_MONITOR_TEST_UNSET_VARIABLE"
    return entry


@pytest.fixture(scope="module")
def checked(sim: SimulatorThread, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sim.clear_requests()
    config = write_config(
        tmp_path_factory.mktemp("cli") / "config.yaml", [config_entry(sim, n) for n in EXPECTED]
    )
    ran = run_main("check", "-c", str(config), "--format", "json")
    assert ran.code == 1
    document = json.loads(ran.stdout)
    return {"document": document, "by_name": {t["tenant"]: t for t in document["tenants"]}}


def test_every_api_token_category_is_reached() -> None:
    oauth_or_diagnostic = {
        Category.TOKEN_ACCESS_DISABLED,
        Category.TOKEN_INACTIVE,
        Category.OAUTH_TOKEN_EXPIRED,
        Category.OAUTH_SCOPE_MISSING,
        Category.INTERNAL_ERROR,  # reached in-process with a check that raises (test_runner)
    }
    assert set(EXPECTED.values()) == set(Category) - oauth_or_diagnostic


@pytest.mark.parametrize("name", list(EXPECTED))
def test_category(checked: dict[str, Any], name: str) -> None:
    result = checked["by_name"][name]
    assert result["category"] == EXPECTED[name].value, result["detail"]
    assert result["healthy"] is (EXPECTED[name] is Category.OK)
    assert result["hint"]
    assert set(result) >= {
        "tenant",
        "healthy",
        "category",
        "detail",
        "hint",
        "permissions",
        "warnings",
        "request_id",
        "duration_seconds",
    }


def test_results_keep_config_order(checked: dict[str, Any]) -> None:
    assert [t["tenant"] for t in checked["document"]["tenants"]] == list(EXPECTED)


def test_rate_limited_carries_retry_after(checked: dict[str, Any]) -> None:
    assert checked["by_name"]["rate-limited"]["retry_after_seconds"] == 30
    assert "retry_after_seconds" not in checked["by_name"]["healthy"]


def test_another_user_is_named(checked: dict[str, Any]) -> None:
    detail = checked["by_name"]["other-user"]["detail"]
    assert detail == (
        "the credential authenticates as new-owner@acme.example (user 1001), "
        "not integration@acme.example"
    )


def test_api_token_tenants_warn_of_the_retirement(checked: dict[str, Any]) -> None:
    warnings = checked["by_name"]["healthy"]["warnings"]
    assert [w["code"] for w in warnings] in (["api_token_retirement"], ["credential_expiring_soon"])
    assert "2027-04-30" in warnings[0]["message"]
    assert checked["by_name"]["bad-entry"]["warnings"] == []  # no credential was configured


def test_request_id_is_kept(checked: dict[str, Any]) -> None:
    assert checked["by_name"]["healthy"]["request_id"]
    assert checked["by_name"]["revoked"]["request_id"]


def test_permissions_on_each_plan(checked: dict[str, Any]) -> None:
    enterprise = checked["by_name"]["healthy"]["permissions"]
    assert enterprise == {
        "ticket_access": True,
        "ticket_editing": True,
        "public_comments": True,
        "end_user_access": True,
        "customer_lists": True,
        "group_membership": None,
    }
    professional = checked["by_name"]["professional"]["permissions"]
    assert professional["ticket_editing"] is None
    assert professional["ticket_access"] is True
    assert checked["by_name"]["no-editing"]["permissions"]["ticket_editing"] is False
    assert checked["by_name"]["missing-group"]["permissions"]["group_membership"] is False
    assert "Billing" in checked["by_name"]["missing-group"]["detail"]


def test_config_invalid_names_the_place_not_the_value(checked: dict[str, Any]) -> None:
    assert "tenants[31].subdomain" in checked["by_name"]["bad-entry"]["detail"]
    assert "ZENDESK_MONITOR_TEST_UNSET_VARIABLE" in checked["by_name"]["unset-secret"]["detail"]


def test_request_log_shows_only_gets_and_few_requests(
    checked: dict[str, Any], sim: SimulatorThread
) -> None:
    records = [r for r in sim.requests if r.listener == "main"]
    assert records
    assert {r.method for r in records} == {"GET"}
    per_tenant: dict[str | None, int] = {}
    for record in records:
        per_tenant[record.tenant] = per_tenant.get(record.tenant, 0) + 1
    for name in ("healthy", "professional", "team-plan", "admin", "in-groups"):
        assert 1 <= per_tenant[name] <= 4, (name, per_tenant[name])


def test_nothing_reaches_the_other_host_with_credentials(
    checked: dict[str, Any], sim: SimulatorThread
) -> None:
    assert checked["by_name"]["closed"]["category"] == "subdomain_not_found"
    assert [r for r in sim.requests if r.listener == "other" and r.has_authorization] == []
    assert [r for r in sim.requests if r.listener == "other"] == []
