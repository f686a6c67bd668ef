"""What an admin (or OAuth) credential sees beyond the integration's own view.

API notes, "What an optional admin/OAuth credential adds": the API tokens list and user search.
Show User, custom roles and group memberships are in `api.py` with the other endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from monitor.simulator import answers, bodies
from monitor.simulator.state import TenantState, User

if TYPE_CHECKING:
    from monitor.simulator.api import Call


def list_api_tokens(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    """`GET /api/v2/api_tokens`: unpaginated; `include_users=true` adds the creator's name and
    email. Deleted tokens are simply absent; deactivated ones are listed with active false."""
    tenant = call.tenant
    include_users = call.query.get("include_users", "").lower() == "true"
    listed = []
    for token in tenant.tokens:
        creator = None
        if include_users and token.user_id is not None:
            creator = tenant.user_by_id(token.user_id)
        listed.append(bodies.api_token(token, tenant.visible_token_end, creator))
    return answers.json_answer({"api_tokens": listed})


def _matches(tenant: TenantState, query: str) -> list[User]:
    """`email:<address>` (or a bare address) matches any of a user's emails exactly; other
    text matches names and emails containing it. Case-insensitive."""
    field, colon, value = query.partition(":")
    if colon and field.strip().lower() == "email":
        return tenant.users_with_email(value.strip().strip('"'))
    if "@" in query:
        return tenant.users_with_email(query)
    wanted = query.casefold()
    return [u for u in tenant.users if wanted in u.name.casefold() or wanted in u.email.casefold()]


def search_users(call: Call, _: User | None, __: tuple[str, ...]) -> web.Response:
    """`GET /api/v2/users/search?query=...`: deleted users (active false) are never found,
    suspended ones are. No query finds nobody."""
    query = call.query.get("query", "").strip()
    found = [u for u in _matches(call.tenant, query) if u.active] if query else []
    return answers.json_answer(
        {
            "users": [bodies.user(u, call.api_base) for u in found],
            "next_page": None,
            "previous_page": None,
            "count": len(found),
        }
    )
