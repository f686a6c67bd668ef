"""The integration's required setup (seed step 2.2) read from the user and its role.

The mapping follows the table in the API notes, section 3. On plans without custom roles only
`ticket_restriction` and `only_private_comments` are visible; the rest stays unknown (None).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from monitor.checks.identity import User
from monitor.checks.result import Permission, Permissions, unknown_permissions
from monitor.config.model import Expect

_GROUP_TICKET_ACCESS = {"within-groups", "within-groups-and-public-groups"}
_END_USER_VIEW = {"readonly", "edit", "edit-within-org", "full"}


@dataclass(frozen=True, slots=True)
class Assessment:
    permissions: Permissions
    reasons: dict[Permission, str]  # why each missing permission is missing

    @property
    def missing(self) -> list[Permission]:
        return [p for p, granted in self.permissions.items() if granted is False]


def assess(
    user: User,
    role: Mapping[str, Any] | None,
    expect: Expect,
    group_names: Collection[str] | None,
) -> Assessment:
    """Permissions from users/me, the custom role's configuration (when the plan has one) and
    the user's group names (when groups are expected)."""
    granted = unknown_permissions()
    reasons: dict[Permission, str] = {}

    def decide(permission: Permission, verdicts: list[tuple[bool, str]]) -> None:
        # Several sources may speak; any one that denies wins (a narrowing must not hide).
        if not verdicts:
            return
        granted[permission] = all(ok for ok, _ in verdicts)
        denied = [why for ok, why in verdicts if not ok]
        if denied:
            reasons[permission] = "; ".join(denied)

    role = role or {}
    decide(Permission.TICKET_ACCESS, _ticket_access(user, role, expect))
    decide(
        Permission.TICKET_EDITING,
        _role_flag(user, role, "ticket_editing", "edit ticket properties"),
    )
    decide(Permission.PUBLIC_COMMENTS, _comments(user, role))
    decide(Permission.END_USER_ACCESS, _end_users(user, role))
    decide(Permission.CUSTOMER_LISTS, _customer_lists(user, role))
    if expect.ticket_access == "groups" and group_names is not None:
        decide(Permission.GROUP_MEMBERSHIP, _groups(expect.groups, group_names))
    return Assessment(granted, reasons)


def _ticket_access(user: User, role: Mapping[str, Any], expect: Expect) -> list[tuple[bool, str]]:
    verdicts: list[tuple[bool, str]] = []
    allowed_restrictions = {None} if expect.ticket_access == "all" else {None, "groups"}
    need = "all tickets" if expect.ticket_access == "all" else "tickets in their groups"
    verdicts.append(
        (
            user.ticket_restriction in allowed_restrictions,
            f'ticket_restriction is "{user.ticket_restriction}", needs {need}',
        )
    )
    access = role.get("ticket_access")
    if isinstance(access, str):
        allowed = {"all"} if expect.ticket_access == "all" else {"all"} | _GROUP_TICKET_ACCESS
        verdicts.append(
            (access in allowed, f'the role\'s ticket_access is "{access}", needs {need}')
        )
    return verdicts


def _role_flag(user: User, role: Mapping[str, Any], key: str, label: str) -> list[tuple[bool, str]]:
    value = role.get(key)
    if isinstance(value, bool):
        return [(value, f"the role does not allow {label} ({key}: false)")]
    if user.is_admin:
        return [(True, "")]
    return []


def _comments(user: User, role: Mapping[str, Any]) -> list[tuple[bool, str]]:
    verdicts: list[tuple[bool, str]] = []
    if user.only_private_comments is not None:
        verdicts.append((not user.only_private_comments, "only_private_comments is true"))
    access = role.get("ticket_comment_access")
    if isinstance(access, str):
        verdicts.append(
            (access == "public", f'the role\'s ticket_comment_access is "{access}", needs public')
        )
    return verdicts


def _end_users(user: User, role: Mapping[str, Any]) -> list[tuple[bool, str]]:
    access = role.get("end_user_profile_access")
    if isinstance(access, str):
        return [
            (
                access in _END_USER_VIEW,
                f'the role\'s end_user_profile_access is "{access}", needs view',
            )
        ]
    return [(True, "")] if user.is_admin else []


def _customer_lists(user: User, role: Mapping[str, Any]) -> list[tuple[bool, str]]:
    access = role.get("user_view_access")
    if isinstance(access, str):
        return [(access != "none", 'the role\'s user_view_access is "none"')]
    listing = role.get("end_user_list_access")
    if isinstance(listing, str):
        return [(listing == "full", f'the role\'s end_user_list_access is "{listing}"')]
    return [(True, "")] if user.is_admin else []


def _groups(expected: Collection[str], names: Collection[str]) -> list[tuple[bool, str]]:
    have = {n.casefold() for n in names}
    missing = [g for g in expected if g.casefold() not in have]
    return [(not missing, "not a member of " + ", ".join(f'"{g}"' for g in missing))]
