"""Who users/me says the credential is, and whether that user can still be the integration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.checks.categories import Category
from monitor.checks.verdict import Verdict

# role_type values that are not full staff: light agent, chat agent, contributor.
_NOT_STAFF_ROLE_TYPES = {1: "light agent", 2: "chat-only agent", 3: "contributor"}


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    role: str | None
    role_type: int | None
    custom_role_id: int | None
    ticket_restriction: str | None
    only_private_comments: bool | None
    suspended: bool
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def parse_user(body: Any) -> User | Verdict:
    """The `user` of a users/me 200, or the verdict when it is anonymous or not a user."""
    user = body.get("user") if isinstance(body, dict) else None
    if not isinstance(user, dict):
        return Verdict(Category.UNEXPECTED_RESPONSE, "users/me answered 200 without the user JSON")
    if user.get("id") is None:
        return Verdict(
            Category.AUTH_FAILED,
            "users/me answered 200 with the anonymous user: Zendesk did not accept the "
            "credential (it answers users/me to anyone)",
        )
    user_id = user["id"]
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return Verdict(
            Category.UNEXPECTED_RESPONSE, "users/me answered a user whose id is not a number"
        )
    return User(
        id=user_id,
        email=str(user.get("email") or ""),
        role=_str_or_none(user.get("role")),
        role_type=_int_or_none(user.get("role_type")),
        custom_role_id=_int_or_none(user.get("custom_role_id")),
        ticket_restriction=_str_or_none(user.get("ticket_restriction")),
        only_private_comments=_bool_or_none(user.get("only_private_comments")),
        suspended=user.get("suspended") is True,
        # Only an explicit false means deleted; a field that is absent proves nothing.
        active=user.get("active") is not False,
    )


def identity_verdict(user: User, expected_email: str | None) -> Verdict | None:
    """The verdict when users/me is someone else, or a user that can no longer do the job."""
    if expected_email is not None and user.email.casefold() != expected_email.casefold():
        seen = user.email or "a user without an email"
        return Verdict(
            Category.AUTH_FAILED,
            f"the credential authenticates as {seen} (user {user.id}), not {expected_email}",
            "API tokens belong to the account: with another staff member's email they "
            "authenticate as that person. Put the integration staff member's email in the "
            "monitor's config (and the integration's), or ask which user the token should be "
            "used with.",
        )
    if not user.active:
        return Verdict(Category.USER_DELETED, f"user {user.id} is deleted (active: false)")
    if user.suspended:
        return Verdict(Category.USER_SUSPENDED, f"user {user.id} is suspended")
    if user.role == "end-user":
        return Verdict(Category.USER_DOWNGRADED, f"user {user.id} has the role end-user")
    if user.role_type in _NOT_STAFF_ROLE_TYPES:
        kind = _NOT_STAFF_ROLE_TYPES[user.role_type]
        return Verdict(
            Category.USER_DOWNGRADED, f"user {user.id} is a {kind} (role_type {user.role_type})"
        )
    return None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
