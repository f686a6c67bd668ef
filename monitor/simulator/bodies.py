"""The JSON and text bodies Zendesk sends, as recorded or documented (see the API notes).

Pure functions from state to plain data; `answers.py` turns them into HTTP responses.
`api_base` is the tenant's base URL as the client sees it, for the `url` fields.
"""

from __future__ import annotations

from typing import Any

from monitor.simulator.state import CustomRole, Group, Membership, User

# Exactly the 37 bytes Zendesk sends for a rejected Basic credential.
COULDNT_AUTHENTICATE = b'{"error":"Couldn\'t authenticate you"}'

# The 2026 wording (tap-zendesk 930c17b); the object-shaped envelope is what matters.
FORBIDDEN = {
    "error": {
        "title": "Forbidden",
        "message": (
            "Access to this resource is restricted. "
            "Please contact the account administrator for assistance."
        ),
    }
}
RECORD_NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
INVALID_ENDPOINT = {"error": "InvalidEndpoint", "description": "Not found"}
OAUTH_INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": (
        "The access token provided is expired, revoked, malformed or invalid for other reasons."
    ),
}
RATE_LIMITED_TEXT = "Number of allowed API requests per minute exceeded"
UNAVAILABLE_TEXT = "Service Unavailable"
SERVER_ERROR_TEXT = "Internal Server Error"
MALFORMED_JSON = b'{"user":{"id":1,"name":"Trunc'
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in</title></head>"
    "<body><h1>Sign in to Zendesk</h1></body></html>"
)
# The page www.zendesk.com shows for a closed or unclaimed help center.
HELP_CENTER_CLOSED = (
    "<!DOCTYPE html><html><head><title>Help Center Closed</title></head>"
    "<body><h1>Oops, this help center no longer exists</h1></body></html>"
)
HELP_CENTER_CLOSED_PATH = "/app/help-center-closed"


def no_help_desk(subdomain: str) -> dict[str, Any]:
    return {
        "error": {
            "title": f"No help desk at {subdomain}.zendesk.com",
            "message": (
                "There is no help desk configured at this address. This means that the address"
                " is available and that you can claim it at http://www.zendesk.com/signup"
            ),
        }
    }


def no_help_desk_text(subdomain: str) -> str:
    return f"No help desk at {subdomain}.zendesk.com"


def pagination_error(title: str) -> dict[str, Any]:
    return {"errors": [{"code": "InvalidPaginationParameter", "title": title}]}


def user(u: User, api_base: str) -> dict[str, Any]:
    """Every field of the user JSON format, in the order of the recorded responses."""
    return {
        "id": u.id,
        "url": f"{api_base}/api/v2/users/{u.id}.json",
        "name": u.name,
        "email": u.email,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
        "time_zone": u.time_zone,
        "iana_time_zone": u.time_zone,
        "phone": None,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": u.locale,
        "organization_id": u.organization_id,
        "role": u.role,
        "verified": u.verified,
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": u.active,
        "shared": u.shared,
        "shared_agent": u.shared_agent,
        "last_login_at": u.last_login_at,
        "two_factor_auth_enabled": u.two_factor_auth_enabled,
        "signature": None,
        "details": None,
        "notes": None,
        "role_type": u.role_type,
        "custom_role_id": u.custom_role_id,
        "moderator": u.moderator,
        "ticket_restriction": u.ticket_restriction,
        "only_private_comments": u.only_private_comments,
        "restricted_agent": u.is_restricted,
        "suspended": u.suspended,
        "chat_only": u.chat_only,
        "default_group_id": u.default_group_id,
        "report_csv": u.report_csv,
        "user_fields": {},
    }


def me(u: User, api_base: str) -> dict[str, Any]:
    # Show Self adds the CSRF token; its value is irrelevant to a monitor.
    return {"user": {**user(u, api_base), "authenticity_token": "simulated-authenticity-token"}}


def anonymous_user() -> dict[str, Any]:
    """Only `id: null` and the name are published; the rest is a plausible end-user shape."""
    return {
        "user": {
            "id": None,
            "url": None,
            "name": "Anonymous user",
            "email": None,
            "created_at": None,
            "updated_at": None,
            "time_zone": "UTC",
            "locale_id": 1,
            "locale": "en-US",
            "organization_id": None,
            "role": "end-user",
            "verified": False,
            "active": True,
            "role_type": None,
            "custom_role_id": None,
            "moderator": False,
            "ticket_restriction": "requested",
            "only_private_comments": False,
            "restricted_agent": True,
            "suspended": False,
            "default_group_id": None,
            "authenticity_token": "simulated-authenticity-token",
        }
    }


def custom_role(role: CustomRole, team_member_count: int) -> dict[str, Any]:
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "role_type": role.role_type,
        "created_at": role.created_at,
        "updated_at": role.updated_at,
        "configuration": dict(role.configuration),
        "team_member_count": team_member_count,
    }


def group(g: Group, api_base: str) -> dict[str, Any]:
    return {
        "url": f"{api_base}/api/v2/groups/{g.id}.json",
        "id": g.id,
        "is_public": g.is_public,
        "name": g.name,
        "description": g.description,
        "default": g.default,
        "deleted": g.deleted,
        "created_at": g.created_at,
        "updated_at": g.updated_at,
    }


def membership(m: Membership, api_base: str) -> dict[str, Any]:
    return {
        "url": f"{api_base}/api/v2/group_memberships/{m.id}.json",
        "id": m.id,
        "user_id": m.user_id,
        "group_id": m.group_id,
        "default": m.default,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }


def account_settings(token_access: bool) -> dict[str, Any]:
    # The doc example serialises these flags as strings; password access is gone since 2026.
    return {
        "settings": {
            "api": {
                "accepted_api_agreement": True,
                "api_password_access": "false",
                "api_token_access": "true" if token_access else "false",
            }
        }
    }
