"""Every recorded answer to a request the monitor makes, read by the classifier."""

from __future__ import annotations

import json

import pytest

from monitor.checks.categories import Category
from monitor.checks.chain import run_chain
from monitor.checks.result import Permission
from monitor.config.model import Expect
from monitor.zendesk.response import ApiResponse
from tests.checks.scripted import ScriptedFetcher, ok_json
from tests.zendesk_fixtures import answer, fixture

ME = "/api/v2/users/me"
ROLES = "/api/v2/custom_roles"
ADMIN_EMAIL = fixture("users_me_200_admin_recorded_2023")["body"]["user"]["email"]


async def classify_me(response: ApiResponse, email: str | None = None) -> Category:
    outcome = await run_chain(
        ScriptedFetcher({ME: response, ROLES: answer("invalid_endpoint_404_probe")}),
        expected_email=email,
        expect=Expect(),
    )
    return outcome.verdict.category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("users_me_401_wrong_api_token_probe", Category.AUTH_FAILED),
        ("auth_401_couldnt_authenticate_fixture", Category.AUTH_FAILED),
        ("auth_401_couldnt_authenticate_reported_2021", Category.AUTH_FAILED),
        ("oauth_401_invalid_token_reported_2019", Category.AUTH_FAILED),
        ("users_me_200_anonymous_partial_probe", Category.AUTH_FAILED),
        ("forbidden_403_api_token_legacy_wording", Category.AUTH_FAILED),
        ("forbidden_403_api_token_2026_wording", Category.AUTH_FAILED),
        ("forbidden_403_oauth_missing_scope_legacy_wording", Category.OAUTH_SCOPE_MISSING),
        ("forbidden_403_oauth_missing_scope_2026_wording", Category.OAUTH_SCOPE_MISSING),
        ("nonexistent_subdomain_404_no_help_desk", Category.SUBDOMAIN_NOT_FOUND),
        ("invalid_endpoint_404_probe", Category.SUBDOMAIN_NOT_FOUND),
        ("guide_content_tag_404_empty_body_recorded_2024", Category.SUBDOMAIN_NOT_FOUND),
        ("ratelimit_429_doc", Category.RATE_LIMITED),
        ("ratelimit_429_update_user_text_plain_reported_2022", Category.RATE_LIMITED),
        ("service_unavailable_503_doc", Category.ZENDESK_UNAVAILABLE),
        ("offset_pagination_depth_400_probe", Category.UNEXPECTED_RESPONSE),
        ("record_invalid_422_doc_example", Category.UNEXPECTED_RESPONSE),
        ("users_create_many_400_toomanyvalues_recorded_2023", Category.UNEXPECTED_RESPONSE),
        ("users_me_200_show_self_doc_example", Category.USER_SUSPENDED),
        ("users_me_200_admin_recorded_2023", Category.OK),
    ],
)
async def test_users_me_fixture(name: str, category: Category) -> None:
    email = ADMIN_EMAIL if name == "users_me_200_admin_recorded_2023" else None
    assert await classify_me(answer(name), email) is category


async def test_retry_after_from_429_fixture_is_kept() -> None:
    outcome = await run_chain(
        ScriptedFetcher({ME: answer("ratelimit_429_doc")}), expected_email=None, expect=Expect()
    )
    assert outcome.verdict.retry_after_seconds == 41
    assert outcome.rate_limit.limit == 700
    assert outcome.rate_limit.remaining == 0


async def test_503_with_retry_after_keeps_it() -> None:
    outcome = await run_chain(
        ScriptedFetcher({ME: answer("service_unavailable_503_doc")}),
        expected_email=None,
        expect=Expect(),
    )
    assert outcome.verdict.retry_after_seconds == 10


async def test_request_id_recorded_twice_is_read_once() -> None:
    outcome = await run_chain(
        ScriptedFetcher({ME: answer("auth_401_couldnt_authenticate_reported_2021")}),
        expected_email=None,
        expect=Expect(),
    )
    assert outcome.request_id == "6200fe63e9800cad-EWR"


@pytest.mark.parametrize(
    "name",
    [
        "forbidden_403_api_token_legacy_wording",
        "forbidden_403_api_token_2026_wording",
        "invalid_endpoint_404_probe",
        "user_404_recordnotfound_recorded_2023",
    ],
)
async def test_custom_roles_denied_falls_back_to_user_fields(name: str) -> None:
    admin = answer("users_me_200_admin_recorded_2023")
    outcome = await run_chain(
        ScriptedFetcher({ME: admin, ROLES: answer(name)}),
        expected_email=ADMIN_EMAIL,
        expect=Expect(),
    )
    assert outcome.verdict.category is Category.OK
    assert outcome.permissions[Permission.TICKET_ACCESS] is True
    assert outcome.permissions[Permission.PUBLIC_COMMENTS] is True


async def test_custom_roles_doc_example_staff_role_is_read() -> None:
    """The documented Staff role: within-groups tickets, private comments only."""
    user = fixture("users_me_200_admin_recorded_2023")["body"]["user"] | {
        "role": "agent",
        "role_type": 0,
        "custom_role_id": 6,
    }
    outcome = await run_chain(
        ScriptedFetcher(
            {
                ME: ok_json(json.dumps({"user": user})),
                ROLES: answer("custom_roles_list_200_doc_example"),
            }
        ),
        expected_email=ADMIN_EMAIL,
        expect=Expect(),
    )
    assert outcome.verdict.category is Category.PERMISSION_REGRESSION
    assert outcome.permissions[Permission.TICKET_ACCESS] is False
    assert outcome.permissions[Permission.PUBLIC_COMMENTS] is False
    assert outcome.permissions[Permission.TICKET_EDITING] is True
    assert outcome.permissions[Permission.END_USER_ACCESS] is True
    assert outcome.permissions[Permission.CUSTOMER_LISTS] is True
    assert "ticket_access" in outcome.verdict.detail
    assert outcome.facts["role_configuration"]["ticket_access"] == "within-groups"


@pytest.mark.parametrize(
    ("index", "category"),
    [(0, Category.USER_DOWNGRADED), (1, Category.OK), (2, Category.OK)],
)
async def test_recorded_role_shapes(index: int, category: Category) -> None:
    users = fixture("users_list_200_role_shapes_recorded_2024")["body"]["users"]
    user = users[index]
    outcome = await run_chain(
        ScriptedFetcher(
            {ME: ok_json(json.dumps({"user": user})), ROLES: answer("invalid_endpoint_404_probe")}
        ),
        expected_email=user["email"],
        expect=Expect(),
    )
    assert outcome.verdict.category is category, (user["role"], outcome.verdict)


def test_role_shapes_fixture_has_what_the_table_assumes() -> None:
    roles = [
        u["role"] for u in fixture("users_list_200_role_shapes_recorded_2024")["body"]["users"]
    ]
    assert roles[0] == "end-user"
    assert set(roles[1:3]) <= {"agent", "admin"}


@pytest.mark.parametrize(
    "name",
    [
        "tickets_list_200_ratelimit_headers_recorded_2023",
        "tickets_list_200_ratelimit_headers_recorded_2024",
    ],
)
def test_rate_limit_headers_in_both_spellings(name: str) -> None:
    response = answer(name)
    assert response.rate_limit is not None
    assert response.rate_limit_remaining is not None
    assert response.rate_limit_remaining <= response.rate_limit
