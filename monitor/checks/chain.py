"""The check chain for one tenant: users/me, identity, user state, permissions, groups.

It asks a `Fetcher` for answers and reads them with the pure functions beside it; it knows
nothing about HTTP libraries or schedules. A healthy tenant costs 1 to 3 requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from monitor.checks.categories import Category
from monitor.checks.identity import User, identity_verdict, parse_user
from monitor.checks.interning import interned
from monitor.checks.permissions import assess
from monitor.checks.result import Permission, Permissions, RateLimit, Warning, unknown_permissions
from monitor.checks.verdict import Verdict, common_verdict, json_object, me_failure, unexpected
from monitor.config.model import Expect
from monitor.zendesk.oauth import parse_time
from monitor.zendesk.response import Answer, ApiResponse

# A user in more groups than this many pages of 100 is beyond what the monitor reads.
MAX_MEMBERSHIP_PAGES = 5


class Fetcher(Protocol):
    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer: ...


@dataclass(frozen=True, slots=True)
class OAuthContext:
    """What the chain needs to know about a bearer token."""

    required_scopes: tuple[str, ...]
    expires_at: float | None  # when the token lapses, as far as the monitor knows
    now: float


@dataclass(slots=True)
class ChainOutcome:
    """What the chain found; the runner turns it into a CheckResult."""

    verdict: Verdict
    permissions: Permissions = field(default_factory=unknown_permissions)
    warnings: list[Warning] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    rate_limit: RateLimit = field(default_factory=RateLimit)
    expiries: list[tuple[str, float]] = field(default_factory=list)


class _Recorder:
    """Keeps the request id and rate-limit headers of the answers as they come."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self.request_id: str | None = None
        self.rate_limit = RateLimit()

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        answer = await self._fetcher.get(path, params)
        if isinstance(answer, ApiResponse):
            self.request_id = answer.request_id or self.request_id
            if answer.rate_limit is not None or answer.rate_limit_remaining is not None:
                self.rate_limit = RateLimit(answer.rate_limit, answer.rate_limit_remaining)
        return answer


async def run_chain(
    fetcher: Fetcher,
    *,
    expected_email: str | None,
    expect: Expect,
    oauth: OAuthContext | None = None,
) -> ChainOutcome:
    recorder = _Recorder(fetcher)
    outcome = await _chain(recorder, expected_email, expect, oauth)
    outcome.request_id = recorder.request_id
    outcome.rate_limit = recorder.rate_limit
    if oauth is not None and outcome.verdict.invalid_token:
        expired = _expired(oauth, outcome)
        if expired is not None:
            outcome.verdict = expired
    return outcome


def _expired(oauth: OAuthContext, outcome: ChainOutcome) -> Verdict | None:
    """A 401 invalid_token for a token whose known expiry has passed: it expired."""
    expires_at = oauth.expires_at or dict(outcome.expiries).get("access_token")
    if expires_at is None or expires_at > oauth.now:
        return None
    when = datetime.fromtimestamp(expires_at, UTC).isoformat(timespec="seconds")
    return Verdict(Category.OAUTH_TOKEN_EXPIRED, f"the OAuth access token expired at {when}")


async def _chain(
    fetcher: _Recorder, expected_email: str | None, expect: Expect, oauth: OAuthContext | None
) -> ChainOutcome:
    me = me_failure(await fetcher.get("/api/v2/users/me"))
    if isinstance(me, Verdict):
        return ChainOutcome(me)
    user = parse_user(me.json_body())
    if isinstance(user, Verdict):
        return ChainOutcome(user)
    verdict = identity_verdict(user, expected_email)
    facts = _user_facts(user)
    if verdict is not None:
        return ChainOutcome(verdict, facts=facts)

    warnings: list[Warning] = []
    expiries: list[tuple[str, float]] = []
    if oauth is not None:
        token = await _token_facts(fetcher, oauth, expiries)
        if isinstance(token, Verdict):
            return ChainOutcome(token, facts=facts, expiries=expiries)
    role: Mapping[str, Any] | None = None
    if user.custom_role_id is not None:
        looked_up = await _custom_role(fetcher, user.custom_role_id, warnings)
        if isinstance(looked_up, Verdict):
            return ChainOutcome(looked_up, facts=facts, warnings=warnings)
        role = looked_up
        if role is not None:
            facts["role_configuration"] = interned(role)  # kept per tenant: shared strings
            if role.get("light_agent") is True:
                verdict = Verdict(
                    Category.USER_DOWNGRADED,
                    f"user {user.id} is in a light-agent role (custom role {user.custom_role_id})",
                )
                return ChainOutcome(verdict, facts=facts, warnings=warnings)

    group_names: list[str] | None = None
    if expect.ticket_access == "groups":
        if _sees_all_tickets(user, role):
            group_names = list(expect.groups)  # all tickets cover every group
        else:
            groups = await _group_names(fetcher, user.id, warnings)
            if isinstance(groups, Verdict):
                return ChainOutcome(groups, facts=facts, warnings=warnings)
            group_names = [name for _, name in groups]
            facts["group_ids"] = sorted(group_id for group_id, _ in groups)

    assessment = assess(user, role, expect, group_names)
    missing = assessment.missing
    if missing:
        detail = "missing " + "; ".join(f"{p.value} ({assessment.reasons[p]})" for p in missing)
        verdict = Verdict(Category.PERMISSION_REGRESSION, detail)
    else:
        verdict = Verdict(
            Category.OK, f"authenticated as user {user.id} with every checked permission"
        )
    return ChainOutcome(verdict, assessment.permissions, warnings, facts, expiries=expiries)


async def _token_facts(
    fetcher: _Recorder, oauth: OAuthContext, expiries: list[tuple[str, float]]
) -> Verdict | None:
    """Scopes and expiry of the bearer token from oauth/tokens/current, where Zendesk allows it
    (a 403 or 404 there tells nothing). A required scope the token lacks is a verdict."""
    endpoint = "oauth/tokens/current"
    answer = common_verdict(await fetcher.get("/api/v2/oauth/tokens/current"), endpoint)
    if isinstance(answer, Verdict):
        return answer
    token = json_object(answer, "token") if answer.status == 200 else None
    if not isinstance(token, dict):
        return None
    for kind, key in (
        ("access_token", "expires_at"),
        ("refresh_token", "refresh_token_expires_at"),
    ):
        when = parse_time(token.get(key))
        if when is not None:
            expiries.append((kind, when))
    scopes = token.get("scopes")
    if not isinstance(scopes, list):
        return None
    missing = [s for s in oauth.required_scopes if not _covered(s, scopes)]
    if missing:
        return Verdict(
            Category.OAUTH_SCOPE_MISSING,
            f"the OAuth token lacks the scopes {', '.join(missing)} "
            f"(it has {', '.join(map(str, scopes)) or 'none'})",
        )
    return None


def _covered(scope: str, granted: list[Any]) -> bool:
    # "read" and "write" cover every resource's read and write scopes ("tickets:read").
    if scope in granted:
        return True
    _, _, access = scope.rpartition(":")
    return bool(access) and access != scope and access in granted


def _user_facts(user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "role": user.role,
        "role_type": user.role_type,
        "custom_role_id": user.custom_role_id,
        "ticket_restriction": user.ticket_restriction,
        "only_private_comments": user.only_private_comments,
    }


def _sees_all_tickets(user: User, role: Mapping[str, Any] | None) -> bool:
    return user.ticket_restriction is None and (role is None or role.get("ticket_access") == "all")


async def _custom_role(
    fetcher: _Recorder, role_id: int, warnings: list[Warning]
) -> Mapping[str, Any] | Verdict | None:
    """The configuration of the user's custom role, None when the plan has no custom roles."""
    endpoint = "custom_roles"
    answer = common_verdict(await fetcher.get("/api/v2/custom_roles"), endpoint)
    if isinstance(answer, Verdict):
        return answer
    if answer.status in (403, 404):
        return None  # no custom roles on this plan: the user fields are all there is
    if answer.status != 200:
        return unexpected(answer, endpoint, "200 with the roles")
    roles = json_object(answer, "custom_roles")
    if not isinstance(roles, list):
        return unexpected(answer, endpoint, "the custom_roles JSON")
    for role in roles:
        if isinstance(role, dict) and role.get("id") == role_id:
            configuration = role.get("configuration")
            if isinstance(configuration, dict):
                return configuration
    warnings.append(
        Warning(
            "custom_role_not_listed",
            f"custom role {role_id} is not in /api/v2/custom_roles; permissions come from the "
            "user fields only",
        )
    )
    return None


async def _group_names(
    fetcher: _Recorder, user_id: int, warnings: list[Warning]
) -> list[tuple[int, str]] | Verdict:
    """(group id, group name) of every group the user is a member of."""
    endpoint = "group_memberships"
    path = f"/api/v2/users/{user_id}/group_memberships"
    params = {"include": "groups", "page[size]": "100"}
    memberships: list[tuple[int, str]] = []
    for _ in range(MAX_MEMBERSHIP_PAGES):
        answer = common_verdict(await fetcher.get(path, params), endpoint)
        if isinstance(answer, Verdict):
            return answer
        if answer.status != 200:
            return unexpected(answer, endpoint, "200 with the memberships")
        page = _membership_page(answer)
        if page is None:
            return unexpected(answer, endpoint, "the group_memberships JSON")
        memberships += page.groups
        if page.after_cursor is None:
            return memberships
        params = {**params, "page[after]": page.after_cursor}
    warnings.append(
        Warning(
            "group_memberships_truncated",
            f"read only the first {MAX_MEMBERSHIP_PAGES * 100} group memberships",
        )
    )
    return memberships


@dataclass(frozen=True, slots=True)
class _MembershipPage:
    groups: list[tuple[int, str]]
    after_cursor: str | None


def _membership_page(answer: ApiResponse) -> _MembershipPage | None:
    body = answer.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("group_memberships"), list):
        return None
    names = {
        g["id"]: str(g.get("name", ""))
        for g in body.get("groups") or []
        if isinstance(g, dict) and isinstance(g.get("id"), int) and g.get("deleted") is not True
    }
    groups = [
        (m["group_id"], names[m["group_id"]])
        for m in body["group_memberships"]
        if isinstance(m, dict) and m.get("group_id") in names
    ]
    meta = body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    cursor = meta.get("after_cursor") if meta.get("has_more") is True else None
    return _MembershipPage(groups, cursor if isinstance(cursor, str) and cursor else None)


__all__ = ["ChainOutcome", "Fetcher", "Permission", "run_chain"]
