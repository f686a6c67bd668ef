"""The `/api/v2` endpoints of one active account, after faults and rate limiting.

The OAuth token endpoint (`POST /oauth/tokens`, outside /api/v2) is `oauth.token_endpoint`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from aiohttp import web

from monitor.simulator import admin, answers, bodies, oauth
from monitor.simulator.auth import Identity, Outcome, admit, authenticate
from monitor.simulator.pagination import PaginationError, paginate
from monitor.simulator.state import (
    Account,
    CustomRole,
    Plan,
    SimulatorState,
    TenantState,
    User,
    rfc3339,
)


@dataclass(frozen=True, slots=True)
class Call:
    """One request to a known, active tenant."""

    tenant: TenantState
    method: str
    path: str  # after the tenant prefix, without ".json"
    query: Mapping[str, str]
    authorization: str | None
    api_base: str  # the tenant's base URL as the client sees it
    state: SimulatorState


class Access(Enum):
    ANYONE = "anyone"  # no credentials needed
    SELF = "self"  # users/me: "Allowed For: Anonymous users"
    USERS = "users"  # any authenticated user, end users included
    AGENTS = "agents"  # staff only: end users get 403
    ADMINS = "admins"  # admins, or agents whose role may manage roles
    ACCOUNT_ADMINS = "account_admins"  # admins only


Handler = Callable[[Call, User | None, tuple[str, ...]], web.Response]


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    access: Access
    enterprise_only: bool = False
    # 404 InvalidEndpoint while account token access is off (cartography: api_tokens).
    needs_token_access: bool = False
    # OAuth: a GET needs the `read` scope, or `<resource>:read` when the endpoint belongs to a
    # resource with its own scopes (tickets, users, organizations...).
    resource: str | None = None
    scoped: bool = True  # False: any valid token may call it (Show Token)


def users_me(call: Call, user: User | None, _: tuple[str, ...]) -> web.Response:
    if user is None:  # not reached: SELF routes always get the admitted user
        return answers.anonymous_user()
    return answers.json_answer(bodies.me(user, call.api_base))


def show_user(call: Call, _: User | None, args: tuple[str, ...]) -> web.Response:
    found = call.tenant.user_by_id(int(args[0]))
    if found is None:
        return answers.record_not_found()
    return answers.json_answer({"user": bodies.user(found, call.api_base)})


def list_custom_roles(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    if call.tenant.plan is Plan.PROFESSIONAL:
        return answers.forbidden()
    roles = [_role_json(call.tenant, role) for role in call.tenant.custom_roles]
    return answers.json_answer({"custom_roles": roles})


def show_custom_role(call: Call, _: User | None, args: tuple[str, ...]) -> web.Response:
    if call.tenant.plan is Plan.PROFESSIONAL:
        return answers.forbidden()
    role = call.tenant.role_by_id(int(args[0]))
    if role is None:
        return answers.record_not_found()
    return answers.json_answer({"custom_role": _role_json(call.tenant, role)})


def _role_json(tenant: TenantState, role: CustomRole) -> dict[str, object]:
    members = sum(1 for u in tenant.users if u.custom_role_id == role.id)
    return bodies.custom_role(role, members)


def user_group_memberships(call: Call, _: User | None, args: tuple[str, ...]) -> web.Response:
    user_id = int(args[0])
    tenant = call.tenant
    if tenant.user_by_id(user_id) is None:
        return answers.record_not_found()
    mine = [m for m in tenant.memberships if m.user_id == user_id]
    url = f"{call.api_base}/api/v2/users/{user_id}/group_memberships"
    try:
        page = paginate(mine, lambda m: m.id, call.query, url)
    except PaginationError as error:
        return answers.json_answer(bodies.pagination_error(str(error)), 400)
    data: dict[str, object] = {
        "group_memberships": [bodies.membership(m, call.api_base) for m in page.items]
    }
    includes = set(call.query.get("include", "").split(","))
    if "groups" in includes:
        groups = (tenant.group_by_id(m.group_id) for m in page.items)
        data["groups"] = [bodies.group(g, call.api_base) for g in groups if g is not None]
    if "users" in includes:
        found = tenant.user_by_id(user_id)
        data["users"] = [] if found is None else [bodies.user(found, call.api_base)]
    return answers.json_answer({**data, "meta": page.meta, "links": page.links})


def list_groups(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    live = [g for g in call.tenant.groups if not g.deleted]
    try:
        page = paginate(live, lambda g: g.id, call.query, f"{call.api_base}/api/v2/groups")
    except PaginationError as error:
        return answers.json_answer(bodies.pagination_error(str(error)), 400)
    groups = [bodies.group(g, call.api_base) for g in page.items]
    return answers.json_answer({"groups": groups, "meta": page.meta, "links": page.links})


def accounts_available(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    subdomain = call.query.get("subdomain", "")
    if not subdomain:
        return answers.json_answer({"error": "InvalidValue", "description": "subdomain"}, 400)
    holder = call.state.get(subdomain)
    # A subdomain with no account is available; a closed account still holds its subdomain.
    missing = (Account.MISSING_JSON_404, Account.MISSING_TEXT_404)
    return answers.json_answer({"success": holder is None or holder.account in missing})


def account_settings(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    tenant = call.tenant
    return answers.json_answer(
        bodies.account_settings(tenant.token_access, tenant.settings_flag_format)
    )


_EXACT: dict[str, Route] = {
    "/api/v2/users/me": Route(users_me, Access.SELF, resource="users"),
    "/api/v2/users/search": Route(admin.search_users, Access.AGENTS, resource="users"),
    "/api/v2/custom_roles": Route(list_custom_roles, Access.AGENTS, enterprise_only=True),
    "/api/v2/groups": Route(list_groups, Access.AGENTS),
    "/api/v2/accounts/available": Route(accounts_available, Access.ANYONE),
    "/api/v2/account/settings": Route(account_settings, Access.AGENTS),
    "/api/v2/api_tokens": Route(
        admin.list_api_tokens, Access.ACCOUNT_ADMINS, needs_token_access=True
    ),
    "/api/v2/oauth/tokens/current": Route(oauth.current_token, Access.USERS, scoped=False),
}
_PATTERNS: list[tuple[re.Pattern[str], Route]] = [
    (re.compile(r"/api/v2/users/(\d+)"), Route(show_user, Access.AGENTS, resource="users")),
    (
        re.compile(r"/api/v2/users/(\d+)/group_memberships"),
        Route(user_group_memberships, Access.AGENTS),
    ),
    (
        re.compile(r"/api/v2/custom_roles/(\d+)"),
        Route(show_custom_role, Access.ADMINS, enterprise_only=True),
    ),
]


def _route(path: str) -> tuple[Route, tuple[str, ...]] | None:
    exact = _EXACT.get(path)
    if exact is not None:
        return exact, ()
    if path.startswith(("/api/v2/users/", "/api/v2/custom_roles/")):
        for pattern, route in _PATTERNS:
            match = pattern.fullmatch(path)
            if match:
                return route, match.groups()
    return None


def _may_manage_roles(tenant: TenantState, user: User) -> bool:
    if user.role == "admin":
        return True
    role = None if user.custom_role_id is None else tenant.role_by_id(user.custom_role_id)
    return role is not None and role.configuration.get("manage_roles", "none") != "none"


def _note_use(identity: Identity, now: datetime) -> None:
    """Tokens remember when they last authenticated a request."""
    if identity.outcome is not Outcome.AUTHENTICATED:
        return
    if identity.api_token is not None:
        identity.api_token.last_used = rfc3339(now)
    if identity.oauth_token is not None:
        identity.oauth_token.used_at = now


def _allowed(tenant: TenantState, access: Access, user: User) -> bool:
    match access:
        case Access.AGENTS:
            return user.is_staff
        case Access.ADMINS:
            return _may_manage_roles(tenant, user)
        case Access.ACCOUNT_ADMINS:
            return user.role == "admin"
        case _:
            return True


def handle(call: Call) -> web.Response:
    if not call.path.startswith("/api/v2/"):
        return answers.invalid_endpoint()
    if call.method != "GET":
        return answers.forbidden()  # the monitor must never write; the request log shows it
    found = _route(call.path)
    if found is None:
        return answers.invalid_endpoint()
    route, args = found
    if route.enterprise_only and call.tenant.plan is Plan.TEAM:
        return answers.invalid_endpoint()
    if route.needs_token_access and not call.tenant.token_access:
        return answers.invalid_endpoint()
    if route.access is Access.ANYONE:
        return route.handler(call, None, args)
    now = call.state.now()
    identity = authenticate(call.tenant, call.authorization, now)
    _note_use(identity, now)
    user = admit(call.tenant, identity, is_me=route.access is Access.SELF)
    if isinstance(user, web.Response):
        return user
    # "last sign-in or last API request made with an API token" (users JSON format).
    user.last_login_at = rfc3339(now)
    token = identity.oauth_token
    if token is not None and route.scoped and not oauth.has_read_scope(token, route.resource):
        return oauth.missing_scope(call.tenant)
    if not _allowed(call.tenant, route.access, user):
        return answers.forbidden()
    return route.handler(call, user, args)
