"""Root cause through an optional diagnostic credential (an admin or OAuth credential).

From the integration's API token alone, a revoked token, token access switched off and often a
suspended user all look the same (401). When that happens and the tenant has a diagnostic
credential, these reads tell them apart:

- `GET /api/v2/account/settings`: `settings.api.api_token_access` false -> token_access_disabled
- `GET /api/v2/api_tokens`: the integration's token inactive or gone -> token_inactive (a 404
  there also means token access is off); `visible_token` is matched at either end of the
  configured token, since public sources disagree on which end it shows
- `GET /api/v2/users/search?query=email:...`: user_suspended, user_deleted, user_downgraded

A diagnostic credential that fails is a `diagnostics_unavailable` warning; it never masks the
integration's own result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from monitor.checks.categories import Category
from monitor.checks.chain import Fetcher
from monitor.checks.identity import User, identity_verdict, parse_user
from monitor.checks.permissions import assess
from monitor.checks.result import Permissions, Warning
from monitor.checks.verdict import Verdict, describe, json_object
from monitor.config.model import Expect
from monitor.config.secrets import Secret
from monitor.zendesk.response import ApiResponse, TransportFailure


@dataclass(frozen=True, slots=True)
class Integration:
    """What the diagnosis knows of the integration's credential. `token` is the API token's
    value (None for OAuth), compared in memory with `visible_token` and never shown."""

    email: str | None
    token: Secret | None


Diagnosis = Verdict | Warning | None  # what one read found


@dataclass(frozen=True, slots=True)
class Finding:
    """What the diagnosis found: a more precise verdict, a warning that it failed, and the
    permissions of the locked-out user as the diagnostic credential reads them."""

    verdict: Verdict | None = None
    warning: Warning | None = None
    permissions: Permissions | None = None


async def diagnose(fetcher: Fetcher, integration: Integration, expect: Expect) -> Finding:
    """Each read stands alone: one the diagnostic credential may not make (an agent's, on
    api_tokens) does not stop the others; a rejected credential stops them all."""
    permissions: Permissions | None = None
    failures: list[Warning] = []
    if integration.email is not None:  # the unambiguous read first
        found = await _find_user(fetcher, integration.email)
        if found is REJECTED:
            return Finding(warning=REJECTED)
        if isinstance(found, User):
            permissions = await _permissions(fetcher, found, expect)
            verdict = identity_verdict(found, None)
            if verdict is not None:
                detail = f"users/search (diagnostic credential): {verdict.detail}"
                return Finding(Verdict(verdict.category, detail), permissions=permissions)
        elif isinstance(found, Verdict):
            return Finding(found)
        elif isinstance(found, Warning):
            failures.append(found)
    if integration.token is not None:
        for read in (_token_access, _token_state):
            result = await read(fetcher, integration.token)
            if result is REJECTED:
                return Finding(warning=REJECTED, permissions=permissions)
            if isinstance(result, Verdict):
                return Finding(result, permissions=permissions)
            if isinstance(result, Warning):
                failures.append(result)
    warning = None
    if failures:
        warning = Warning("diagnostics_unavailable", "; ".join(w.message for w in failures))
    return Finding(warning=warning, permissions=permissions)


async def _permissions(fetcher: Fetcher, user: User, expect: Expect) -> Permissions:
    """The locked-out user's permissions, read with the diagnostic credential: its custom
    role (show-by-id needs an admin) and, when groups are expected, its groups."""
    role: dict[str, Any] | None = None
    if user.custom_role_id is not None:
        answer = await fetcher.get(f"/api/v2/custom_roles/{user.custom_role_id}")
        shown = json_object(answer, "custom_role") if _ok(answer) else None
        configuration = shown.get("configuration") if isinstance(shown, dict) else None
        role = configuration if isinstance(configuration, dict) else None
    group_names: list[str] | None = None
    if expect.ticket_access == "groups":
        answer = await fetcher.get(
            f"/api/v2/users/{user.id}/group_memberships", {"include": "groups", "page[size]": "100"}
        )
        groups = json_object(answer, "groups") if _ok(answer) else None
        if isinstance(groups, list):
            group_names = [str(g.get("name")) for g in groups if isinstance(g, dict)]
    return assess(user, role, expect, group_names).permissions


def _ok(answer: ApiResponse | TransportFailure) -> TypeGuard[ApiResponse]:
    return isinstance(answer, ApiResponse) and answer.status == 200


REJECTED = Warning(
    "diagnostics_unavailable", "Zendesk rejected the diagnostic credential (401): fix or replace it"
)


def unavailable(endpoint: str, answer: ApiResponse | TransportFailure) -> Warning:
    if isinstance(answer, ApiResponse) and answer.status == 401:
        return REJECTED
    what = answer.detail if isinstance(answer, TransportFailure) else describe(answer)
    return Warning(
        "diagnostics_unavailable",
        f"the diagnostic credential could not read {endpoint}: {what}",
    )


async def _token_access(fetcher: Fetcher, token: Secret) -> Diagnosis:
    endpoint = "account/settings"
    answer = await fetcher.get("/api/v2/account/settings")
    if isinstance(answer, TransportFailure) or answer.status != 200:
        return unavailable(endpoint, answer)
    settings = json_object(answer, "settings")
    api = settings.get("api") if isinstance(settings, dict) else None
    access = api.get("api_token_access") if isinstance(api, dict) else None
    # Typed boolean, but Zendesk's own example serialises it as a string.
    if access is False or (isinstance(access, str) and access.lower() == "false"):
        return Verdict(
            Category.TOKEN_ACCESS_DISABLED,
            "account/settings (diagnostic credential): api_token_access is off for the account",
        )
    return None


async def _token_state(fetcher: Fetcher, secret: Secret) -> Diagnosis:
    token = secret.reveal()
    endpoint = "api_tokens"
    answer = await fetcher.get("/api/v2/api_tokens")
    if isinstance(answer, TransportFailure):
        return unavailable(endpoint, answer)
    if answer.status == 404:
        return Verdict(
            Category.TOKEN_ACCESS_DISABLED,
            "api_tokens (diagnostic credential) answered 404: token access is off for the account",
        )
    tokens = json_object(answer, "api_tokens") if answer.status == 200 else None
    if not isinstance(tokens, list):
        return unavailable(endpoint, answer)
    entries = [t for t in tokens if isinstance(t, dict)]
    matching = [t for t in entries if _visible_match(t, token)]
    if not matching and not any(_visible_parts(t) for t in entries):
        return None  # no visible_token in a form the monitor can read: no conclusion
    if not matching:
        return Verdict(
            Category.TOKEN_INACTIVE,
            "api_tokens (diagnostic credential): no API token of the account matches the "
            "configured one: it was deleted (or never existed)",
        )
    if not any(t.get("active") is True for t in matching):
        ids = ", ".join(str(t.get("id")) for t in matching)
        last_used = matching[0].get("last_used") or "never"
        return Verdict(
            Category.TOKEN_INACTIVE,
            f"api_tokens (diagnostic credential): the configured token (id {ids}) is inactive; "
            f"last used {last_used}",
        )
    return None


_MASK = re.compile(r"[*.…•\s]+")


def _visible_parts(entry: dict[str, Any]) -> list[str]:
    """The shown pieces of `visible_token`, around any mask ("abcd****wxyz" -> abcd, wxyz)."""
    visible = entry.get("visible_token")
    if not isinstance(visible, str):
        return []
    return [part for part in _MASK.split(visible) if part]


def _visible_match(entry: dict[str, Any], token: str) -> bool:
    parts = _visible_parts(entry)
    if not parts:
        return False
    if len(parts) == 1:  # only one end is shown, and sources disagree on which
        return token.startswith(parts[0]) or token.endswith(parts[0])
    return token.startswith(parts[0]) and token.endswith(parts[-1])


async def _find_user(fetcher: Fetcher, email: str) -> User | Verdict | Warning | None:
    endpoint = "users/search"
    answer = await fetcher.get("/api/v2/users/search", {"query": f"email:{email}"})
    if isinstance(answer, TransportFailure) or answer.status != 200:
        return unavailable(endpoint, answer)
    users = json_object(answer, "users")
    if not isinstance(users, list):
        return unavailable(endpoint, answer)
    if not users:
        return Verdict(
            Category.USER_DELETED,
            f"users/search (diagnostic credential): no user with the email {email} any more",
        )
    user = parse_user({"user": users[0]})
    return None if isinstance(user, Verdict) else user
