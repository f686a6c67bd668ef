"""Scenario parsing: defaults, derived user fields, and an exact message for each mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitor.simulator import (
    Account,
    Answer,
    FaultKind,
    Plan,
    ScenarioError,
    load_scenario,
    parse_fault,
    parse_scenario,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "scenario.yaml"


def problems(raw: Any) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw)
    return [str(p) for p in caught.value.problems]


def test_an_empty_tenant_gets_every_default() -> None:
    tenant = parse_scenario({"tenants": {"acme": None}}).tenants["acme"]
    assert (tenant.plan, tenant.account, tenant.token_access) == (
        Plan.ENTERPRISE,
        Account.ACTIVE,
        True,
    )
    assert tenant.rate_limit == 700
    assert tenant.unauthenticated_me_answer is Answer.UNAUTHORIZED
    assert tenant.suspended_user_answer is Answer.OK
    [staff] = tenant.custom_roles
    assert (staff.id, staff.name, staff.role_type) == (6, "Staff", 0)
    assert staff.configuration["ticket_access"] == "all"
    assert staff.configuration["ticket_comment_access"] == "public"
    assert staff.configuration["end_user_profile_access"] == "readonly"
    assert (tenant.tokens, tenant.users, tenant.groups, tenant.faults) == ([], [], [], [])


def test_defaults_block_is_merged_shallowly() -> None:
    scenario = parse_scenario(
        {
            "defaults": {
                "plan": "professional",
                "rate_limit": 5,
                "groups": [{"id": 1, "name": "A"}],
            },
            "tenants": {"a": {}, "b": {"rate_limit": 9, "groups": []}},
        }
    )
    a, b = scenario.tenants["a"], scenario.tenants["b"]
    assert (a.plan, a.rate_limit, [g.id for g in a.groups]) == (Plan.PROFESSIONAL, 5, [1])
    assert (b.plan, b.rate_limit, b.groups) == (Plan.PROFESSIONAL, 9, [])
    assert a.groups is not b.groups


@pytest.mark.parametrize(
    ("plan", "user", "expected"),
    [
        ("enterprise", {}, ("agent", 0, 6, None)),
        ("enterprise", {"role": "admin"}, ("admin", 4, None, None)),
        ("enterprise", {"role": "end-user"}, ("end-user", None, None, "requested")),
        ("professional", {}, ("agent", None, None, None)),
        ("enterprise", {"role_type": 1}, ("agent", 1, 7, None)),
        ("enterprise", {"custom_role_id": None}, ("agent", 0, None, None)),
    ],
)
def test_user_role_defaults(plan: str, user: dict[str, Any], expected: tuple[Any, ...]) -> None:
    raw = {
        "plan": plan,
        "custom_roles": [
            {"id": 6, "name": "Staff", "role_type": 0},
            {"id": 7, "name": "Light", "role_type": 1},
        ],
        "users": [{"id": 1, "email": "a@x.example", **user}],
    }
    [parsed] = parse_scenario({"tenants": {"t": raw}}).tenants["t"].users
    assert (
        parsed.role,
        parsed.role_type,
        parsed.custom_role_id,
        parsed.ticket_restriction,
    ) == expected


def test_short_forms() -> None:
    tenant = parse_scenario(
        {
            "tenants": {
                "t": {
                    "tokens": ["a", "b"],
                    "users": [{"id": 1, "email": "a@x.example"}],
                    "groups": [{"id": 3, "name": "G"}],
                    "memberships": [{"user_id": 1, "group_id": 3}],
                    "custom_roles": [
                        {"id": 2, "name": "R", "configuration": {"ticket_access": "within-groups"}}
                    ],
                }
            }
        }
    ).tenants["t"]
    assert [(t.id, t.token, t.active) for t in tenant.tokens] == [(1, "a", True), (2, "b", True)]
    assert [(m.id, m.default) for m in tenant.memberships] == [(1, False)]
    configuration = tenant.custom_roles[0].configuration
    assert configuration["ticket_access"] == "within-groups"
    assert configuration["ticket_editing"] is True  # completed from Staff


def test_faults_get_kind_defaults() -> None:
    assert parse_fault({"kind": "rate_limited"}).retry_after == 10
    assert parse_fault({"kind": "redirect"}).status == 302
    status = parse_fault({"kind": "status", "status": 418, "body": {"a": 1}})
    assert status.content_type == "application/json; charset=utf-8"
    assert (
        parse_fault({"kind": "status", "status": 418}).content_type == "text/plain; charset=utf-8"
    )
    assert parse_fault({"kind": "slow", "seconds": 1, "path": "/x.json"}).path == "/x"
    assert parse_fault({"kind": "reset"}).kind is FaultKind.RESET


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([], ["(top level): must be a mapping, got list"]),
        ({}, ["tenants: is required"]),
        ({"tenants": {}, "extra": 1}, ["extra: unknown key"]),
        ({"tenants": {"Acme_1": {}}}, [
            "tenants.Acme_1: tenant names must be Zendesk subdomains: a-z, 0-9 and '-'"
        ]),
        ({"tenants": {"a": {"plan": "gold"}}}, [
            "tenants.a.plan: must be one of enterprise, professional, team; got 'gold'"
        ]),
        ({"tenants": {"a": {"colour": 1}}}, ["tenants.a.colour: unknown key"]),
        ({"tenants": {"a": {"rate_limit": 0}}}, [
            "tenants.a.rate_limit: must be at least 1, got 0"
        ]),
        ({"tenants": {"a": {"token_access": "yes"}}}, [
            "tenants.a.token_access: must be true or false, got 'yes'"
        ]),
        ({"tenants": {"a": {"unauthenticated_me_answer": "ok"}}}, [
            "tenants.a.unauthenticated_me_answer: must be one of unauthorized, anonymous; got 'ok'"
        ]),
        ({"tenants": {"a": {"tokens": [{"id": 1}]}}}, ["tenants.a.tokens[0].token: is required"]),
        ({"tenants": {"a": {"tokens": {"id": 1}}}}, ["tenants.a.tokens: must be a list, got dict"]),
        ({"tenants": {"a": {"users": [{"id": 1, "email": "x", "role": "boss"}]}}}, [
            "tenants.a.users[0].role: must be one of end-user, agent, admin; got 'boss'"
        ]),
        ({"tenants": {"a": {"users": [{"id": True, "email": "x"}]}}}, [
            "tenants.a.users[0].id: must be an integer, got True"
        ]),
        ({"tenants": {"a": {"users": [{"id": 1, "email": "x", "emial": "y"}]}}}, [
            "tenants.a.users[0].emial: unknown key"
        ]),
        ({"tenants": {"a": {"users": [{"id": 1, "email": "X@a"}, {"id": 1, "email": "x@a"}]}}}, [
            "tenants.a.users[1].id: duplicate id 1",
            "tenants.a.users[1].email: duplicate email 'x@a'",
        ]),
        ({"tenants": {"a": {"custom_roles": [{"id": 1, "name": "R", "configuration": {
            "ticket_acess": "all", "light_agent": "no"}}]}}}, [
            "tenants.a.custom_roles[0].configuration.ticket_acess: unknown key",
            "tenants.a.custom_roles[0].configuration.light_agent: must be true or false, got 'no'",
        ]),
        ({"tenants": {"a": {"memberships": [{"user_id": 1, "group_id": 2}]}}}, [
            "tenants.a.memberships[0].user_id: no user with id 1",
            "tenants.a.memberships[0].group_id: no group with id 2",
        ]),
        ({"tenants": {"a": {"faults": [{"path": "/x"}]}}}, [
            "tenants.a.faults[0].kind: is required"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "explode"}]}}}, [
            "tenants.a.faults[0].kind: must be one of rate_limited, unavailable, server_error,"
            " slow, html, malformed_json, anonymous, reset, redirect, status; got 'explode'"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "slow"}]}}}, [
            "tenants.a.faults[0].seconds: is required"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "reset", "seconds": 1}]}}}, [
            "tenants.a.faults[0].seconds: unknown key"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "html", "path": "api"}]}}}, [
            "tenants.a.faults[0].path: must start with '/', got 'api'"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "status", "status": 99}]}}}, [
            "tenants.a.faults[0].status: must be an HTTP status (100-599), got 99"
        ]),
        ({"tenants": {"a": {"faults": [{"kind": "status", "status": 400, "body": 5}]}}}, [
            "tenants.a.faults[0].body: must be a string, a mapping or a list"
        ]),
        ({"defaults": {"plan": "gold"}, "tenants": {"a": {}, "b": {}}}, [
            "defaults.plan: must be one of enterprise, professional, team; got 'gold'"
        ]),
        ({"defaults": {"colour": 1}, "tenants": {}}, ["defaults.colour: unknown key"]),
        ({"host_suffix": "", "tenants": {}}, ["host_suffix: must be a non-empty string, got ''"]),
    ],
)  # fmt: skip
def test_problems_name_the_key(raw: Any, expected: list[str]) -> None:
    assert problems(raw) == expected


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"tenants": {"a": {"plan": "x", "account": "y"}, "b": {"rate_limit": -1}}})
    assert len(found) == 3


def test_load_reports_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("tenants:\n  a: {plan: gold}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}: tenants.a.plan: must be one of enterprise, professional, team; got 'gold'"
    )


def test_load_reports_yaml_and_io_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenants: [\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_the_documented_example_loads() -> None:
    scenario = load_scenario(EXAMPLE)
    assert set(scenario.tenants) == {"acme", "globex", "gone"}
    assert scenario.host_suffix == "zendesk.test"
    assert scenario.tenants["globex"].rate_limit == 700


def test_json_files_use_the_json_parser(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"tenants": {"a": {"tokens": ["t"]}}}')
    assert load_scenario(path).tenants["a"].tokens[0].token == "t"
    path.write_text("{not json")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_scenario(path)
