"""The JSON and text bodies Zendesk sends, as recorded or documented (see the API notes).

Pure functions from state to plain data; `answers.py` turns them into HTTP responses.
`api_base` is the tenant's base URL as the client sees it, for the `url` fields.
"""

from __future__ import annotations

from typing import Any

from monitor.simulator.state import (
    CustomRole,
    FlagFormat,
    Group,
    Membership,
    OAuthToken,
    ScopeWording,
    Token,
    TokenEnd,
    User,
    rfc3339,
)

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
# The token endpoint's errors (RFC 6749 section 5.2, in the wording of Doorkeeper, whose
# invalid_token and invalid_client texts Zendesk's match).
OAUTH_INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": (
        "Client authentication failed due to unknown client, no client authentication"
        " included, or unsupported authentication method."
    ),
}
OAUTH_UNSUPPORTED_GRANT_TYPE = {
    "error": "unsupported_grant_type",
    "error_description": (
        "The authorization grant type is not supported by the authorization server."
    ),
}
OAUTH_INVALID_SCOPE = {
    "error": "invalid_scope",
    "error_description": "The requested scope is invalid, unknown, or malformed.",
}
OAUTH_INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": (
        "The provided authorization grant is invalid, expired, revoked, does not match the"
        " redirection URI used in the authorization request, or was issued to another client."
    ),
}
OAUTH_INVALID_REQUEST = {
    "error": "invalid_request",
    "error_description": (
        "The request is missing a required parameter, includes an unsupported parameter"
        " value, or is otherwise malformed."
    ),
}
_MISSING_SCOPES = {
    ScopeWording.LEGACY: "You are missing the following required scopes: ",
    ScopeWording.CURRENT: "Missing the following required scopes: ",
}
VISIBLE_TOKEN_LENGTH = 4
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


def account_settings(token_access: bool, flag_format: FlagFormat) -> dict[str, Any]:
    # The doc example serialises these flags as strings; password access is gone since 2026.
    def flag(value: bool) -> bool | str:
        if flag_format is FlagFormat.BOOLEAN:
            return value
        return "true" if value else "false"

    return {
        "settings": {
            "api": {
                "accepted_api_agreement": True,
                "api_password_access": flag(False),
                "api_token_access": flag(token_access),
            }
        }
    }


def missing_scopes(wording: ScopeWording, scopes: str) -> dict[str, Any]:
    return {"error": "Forbidden", "description": _MISSING_SCOPES[wording] + scopes}


def _moment(value: Any) -> str | None:
    return None if value is None else rfc3339(value)


def oauth_token(t: OAuthToken, api_base: str) -> dict[str, Any]:
    """Show Token: the value cut to its first 10 characters; refresh tokens are not simulated."""
    return {
        "id": t.id,
        "user_id": t.user_id,
        "client_id": t.client_id,
        "token": t.token[:10],
        "refresh_token": None,
        "scopes": list(t.scopes),
        "created_at": rfc3339(t.created_at),
        "used_at": _moment(t.used_at),
        "expires_at": _moment(t.expires_at),
        "refresh_token_expires_at": _moment(t.refresh_token_expires_at),
        "url": f"{api_base}/api/v2/oauth/tokens/{t.id}.json",
    }


def issued_token(value: str, scopes: list[str], expires_in: int) -> dict[str, Any]:
    return {
        "access_token": value,
        "token_type": "bearer",
        "scope": " ".join(scopes),
        "expires_in": expires_in,
    }


def visible_token(value: str, end: TokenEnd) -> str:
    if end is TokenEnd.START:
        return value[:VISIBLE_TOKEN_LENGTH]
    return value[-VISIBLE_TOKEN_LENGTH:]


def api_token(t: Token, end: TokenEnd, creator: User | None) -> dict[str, Any]:
    """List API Tokens: the value itself is never sent back (`token` null)."""
    data: dict[str, Any] = {
        "id": t.id,
        "user_id": t.user_id,
        "assigned_user_id": t.assigned_user_id,
        "description": t.description,
        "active": t.active,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "last_used": t.last_used,
        "visible_token": visible_token(t.token, end),
        "token": None,
    }
    if creator is not None:  # include_users=true
        data["user_name"] = creator.name
        data["user_email"] = creator.email
    return data
