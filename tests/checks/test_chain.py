"""The chain's reading of users/me, roles and memberships, with answers from a table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitor.checks.categories import Category
from monitor.checks.chain import MAX_MEMBERSHIP_PAGES, run_chain
from monitor.checks.result import Permission
from monitor.config.model import Expect
from monitor.zendesk.response import ApiResponse, FailureKind, TransportFailure
from tests.checks.scripted import ScriptedFetcher, ok_json

ME = "/api/v2/users/me"
ROLES = "/api/v2/custom_roles"
EMAIL = "fusion@acme.test"
GROUPS = Expect(ticket_access="groups", groups=("Support", "Billing"))


def user(**fields: Any) -> ApiResponse:
    base: dict[str, Any] = {
        "id": 7,
        "email": EMAIL,
        "role": "agent",
        "role_type": None,
        "custom_role_id": None,
        "ticket_restriction": None,
        "only_private_comments": False,
        "suspended": False,
        "active": True,
    }
    return ok_json(json.dumps({"user": base | fields}))


def roles(**configuration: Any) -> ApiResponse:
    config = {
        "ticket_access": "all",
        "ticket_editing": True,
        "ticket_comment_access": "public",
        "end_user_profile_access": "readonly",
        "user_view_access": "readonly",
        "light_agent": False,
    } | configuration
    return ok_json(
        json.dumps(
            {"custom_roles": [{"id": 99, "configuration": {}}, {"id": 6, "configuration": config}]}
        )
    )


def memberships(group_names: dict[int, str], *, after: str | None = None) -> ApiResponse:
    body = {
        "group_memberships": [{"user_id": 7, "group_id": gid} for gid in group_names],
        "groups": [{"id": gid, "name": name} for gid, name in group_names.items()],
        "meta": {"has_more": after is not None, "after_cursor": after},
    }
    return ok_json(json.dumps(body))


ALL = Expect()


async def run(answers: dict[str, Any], expect: Expect = ALL, email: str | None = EMAIL) -> Any:
    fetcher = ScriptedFetcher(answers)
    outcome = await run_chain(fetcher, expected_email=email, expect=expect)
    return outcome, fetcher


@pytest.mark.parametrize(
    ("fields", "category", "words"),
    [
        ({}, Category.OK, "user 7"),
        ({"email": "someone@acme.test"}, Category.AUTH_FAILED, "someone@acme.test"),
        ({"email": "FUSION@acme.test"}, Category.OK, ""),
        ({"active": False}, Category.USER_DELETED, "active: false"),
        ({"suspended": True}, Category.USER_SUSPENDED, "suspended"),
        ({"role": "end-user"}, Category.USER_DOWNGRADED, "end-user"),
        ({"role_type": 1}, Category.USER_DOWNGRADED, "light agent"),
        ({"role_type": 2}, Category.USER_DOWNGRADED, "chat-only"),
        ({"role_type": 3}, Category.USER_DOWNGRADED, "contributor"),
        ({"ticket_restriction": "assigned"}, Category.PERMISSION_REGRESSION, "ticket_access"),
        ({"only_private_comments": True}, Category.PERMISSION_REGRESSION, "public_comments"),
        ({"id": "7"}, Category.UNEXPECTED_RESPONSE, "not a number"),
    ],
)
async def test_users_me_states(fields: dict[str, Any], category: Category, words: str) -> None:
    outcome, fetcher = await run({ME: user(**fields)})
    assert outcome.verdict.category is category
    assert words in outcome.verdict.detail
    assert fetcher.request_count == 1


async def test_non_enterprise_user_leaves_role_only_permissions_unknown() -> None:
    outcome, _ = await run({ME: user()})
    assert outcome.permissions == {
        Permission.TICKET_ACCESS: True,
        Permission.TICKET_EDITING: None,
        Permission.PUBLIC_COMMENTS: True,
        Permission.END_USER_ACCESS: None,
        Permission.CUSTOMER_LISTS: None,
        Permission.GROUP_MEMBERSHIP: None,
    }


async def test_admin_without_roles_has_every_permission() -> None:
    outcome, _ = await run({ME: user(role="admin", role_type=4)})
    assert all(outcome.permissions[p] for p in Permission if p is not Permission.GROUP_MEMBERSHIP)


@pytest.mark.parametrize(
    ("configuration", "permission"),
    [
        ({"ticket_access": "assigned-only"}, Permission.TICKET_ACCESS),
        ({"ticket_editing": False}, Permission.TICKET_EDITING),
        ({"ticket_comment_access": "none"}, Permission.PUBLIC_COMMENTS),
        ({"end_user_profile_access": "none"}, Permission.END_USER_ACCESS),
        ({"user_view_access": "none"}, Permission.CUSTOMER_LISTS),
    ],
)
async def test_each_role_narrowing_is_a_regression_naming_it(
    configuration: dict[str, Any], permission: Permission
) -> None:
    outcome, fetcher = await run(
        {ME: user(role_type=0, custom_role_id=6), ROLES: roles(**configuration)}
    )
    assert outcome.verdict.category is Category.PERMISSION_REGRESSION
    assert outcome.permissions[permission] is False
    assert [p for p, v in outcome.permissions.items() if v is False] == [permission]
    assert permission.value in outcome.verdict.detail
    assert fetcher.request_count == 2


async def test_light_agent_role_is_a_downgrade() -> None:
    outcome, _ = await run(
        {ME: user(role_type=0, custom_role_id=6), ROLES: roles(light_agent=True)}
    )
    assert outcome.verdict.category is Category.USER_DOWNGRADED


async def test_customer_lists_falls_back_to_end_user_list_access() -> None:
    listing = roles(end_user_list_access="none")
    body = json.loads(listing.text)
    del body["custom_roles"][1]["configuration"]["user_view_access"]
    outcome, _ = await run({ME: user(custom_role_id=6), ROLES: ok_json(json.dumps(body))})
    assert outcome.permissions[Permission.CUSTOMER_LISTS] is False


async def test_role_missing_from_list_warns_and_uses_user_fields() -> None:
    outcome, _ = await run({ME: user(custom_role_id=12345), ROLES: roles()})
    assert outcome.verdict.category is Category.OK
    assert [w.code for w in outcome.warnings] == ["custom_role_not_listed"]


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        (ApiResponse(429, "text/plain", "slow down", {"retry-after": "30"}), Category.RATE_LIMITED),
        (ApiResponse(500, "text/html", "<h1>oops</h1>"), Category.ZENDESK_UNAVAILABLE),
        (
            ApiResponse(401, "application/json", '{"error":"Couldn\'t authenticate you"}'),
            Category.AUTH_FAILED,
        ),
        (ApiResponse(200, "text/html", "<html></html>"), Category.UNEXPECTED_RESPONSE),
        (
            ApiResponse(302, "text/html", "", {"location": "https://elsewhere/"}),
            Category.UNEXPECTED_RESPONSE,
        ),
        (TransportFailure(FailureKind.TIMEOUT, "read timed out"), Category.TIMEOUT),
    ],
)
async def test_custom_roles_failures(answer: Any, category: Category) -> None:
    outcome, _ = await run({ME: user(custom_role_id=6), ROLES: answer})
    assert outcome.verdict.category is category


async def test_groups_all_present() -> None:
    outcome, fetcher = await run(
        {
            ME: user(ticket_restriction="groups"),
            "/api/v2/users/7/group_memberships": memberships(
                {1: "Support", 2: "Billing", 3: "Sales"}
            ),
        },
        GROUPS,
    )
    assert outcome.verdict.category is Category.OK
    assert outcome.permissions[Permission.GROUP_MEMBERSHIP] is True
    assert outcome.facts["group_ids"] == [1, 2, 3]
    assert fetcher.calls[1] == (
        "/api/v2/users/7/group_memberships",
        {"include": "groups", "page[size]": "100"},
    )


async def test_group_missing_is_named() -> None:
    outcome, _ = await run(
        {
            ME: user(ticket_restriction="groups"),
            "/api/v2/users/7/group_memberships": memberships({1: "support"}),
        },
        GROUPS,
    )
    assert outcome.verdict.category is Category.PERMISSION_REGRESSION
    assert outcome.permissions[Permission.GROUP_MEMBERSHIP] is False
    assert '"Billing"' in outcome.verdict.detail
    assert '"Support"' not in outcome.verdict.detail


async def test_group_pages_are_followed_by_cursor() -> None:
    pages = [memberships({1: "Support"}, after="c1"), memberships({2: "Billing"})]
    outcome, fetcher = await run(
        {ME: user(ticket_restriction="groups"), "/api/v2/users/7/group_memberships": pages}, GROUPS
    )
    assert outcome.verdict.category is Category.OK
    assert fetcher.calls[2][1]["page[after]"] == "c1"


async def test_group_pages_are_bounded() -> None:
    outcome, fetcher = await run(
        {
            ME: user(ticket_restriction="groups"),
            "/api/v2/users/7/group_memberships": memberships({1: "Support"}, after="again"),
        },
        GROUPS,
    )
    assert fetcher.request_count == 1 + MAX_MEMBERSHIP_PAGES
    assert [w.code for w in outcome.warnings] == ["group_memberships_truncated"]


async def test_all_tickets_access_covers_groups_without_a_request() -> None:
    outcome, fetcher = await run({ME: user()}, GROUPS)
    assert outcome.verdict.category is Category.OK
    assert outcome.permissions[Permission.GROUP_MEMBERSHIP] is True
    assert fetcher.request_count == 1


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        (
            ApiResponse(404, "application/json", '{"error":"RecordNotFound"}'),
            Category.UNEXPECTED_RESPONSE,
        ),
        (ok_json('{"nothing": 1}'), Category.UNEXPECTED_RESPONSE),
        (ApiResponse(503, "text/plain", "maintenance"), Category.ZENDESK_UNAVAILABLE),
    ],
)
async def test_group_membership_failures(answer: ApiResponse, category: Category) -> None:
    outcome, _ = await run(
        {ME: user(ticket_restriction="groups"), "/api/v2/users/7/group_memberships": answer}, GROUPS
    )
    assert outcome.verdict.category is category


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        (
            ApiResponse(
                301, "text/html", "", {"location": "https://www.zendesk.com/app/help-center-closed"}
            ),
            Category.SUBDOMAIN_NOT_FOUND,
        ),
        (ApiResponse(404, "text/plain", "Not Found"), Category.SUBDOMAIN_NOT_FOUND),
        (ApiResponse(418, "text/plain", "teapot"), Category.UNEXPECTED_RESPONSE),
        (ApiResponse(200, "application/json", "{not json"), Category.UNEXPECTED_RESPONSE),
        (ok_json('{"user": null}'), Category.UNEXPECTED_RESPONSE),
        (TransportFailure(FailureKind.NETWORK, "connection refused"), Category.NETWORK_ERROR),
    ],
)
async def test_users_me_answers(answer: Any, category: Category) -> None:
    outcome, _ = await run({ME: answer})
    assert outcome.verdict.category is category


async def test_redirect_detail_names_the_host_not_the_url() -> None:
    location = "https://www.zendesk.com/app/help-center-closed?utm_source=x"
    outcome, _ = await run({ME: ApiResponse(302, "text/html", "", {"location": location})})
    assert "www.zendesk.com" in outcome.verdict.detail
    assert "utm_source" not in outcome.verdict.detail
