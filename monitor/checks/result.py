"""The frozen result of one tenant check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from monitor.checks.categories import Category


class Permission(StrEnum):
    """The integration's required setup (seed step 2.2), one name each."""

    TICKET_ACCESS = "ticket_access"
    TICKET_EDITING = "ticket_editing"
    PUBLIC_COMMENTS = "public_comments"
    END_USER_ACCESS = "end_user_access"
    CUSTOMER_LISTS = "customer_lists"
    GROUP_MEMBERSHIP = "group_membership"


# True granted, False missing, None not exposed by the plan (or not checked).
Permissions = dict[Permission, bool | None]


def unknown_permissions() -> Permissions:
    return dict.fromkeys(Permission)


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    message: str
    days_left: int | None = None  # for warnings about a date: expiry, retirement

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.days_left is not None:
            doc["days_left"] = self.days_left
        return doc


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The account-wide rate-limit headers of the last answer that carried them."""

    limit: int | None = None
    remaining: int | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    tenant: str
    category: Category
    detail: str
    hint: str
    permissions: tuple[tuple[Permission, bool | None], ...] = field(
        default_factory=lambda: tuple(unknown_permissions().items())
    )
    warnings: tuple[Warning, ...] = ()
    request_id: str | None = None
    duration_seconds: float = 0.0
    request_count: int = 0
    retry_after_seconds: float | None = None
    rate_limit: RateLimit = RateLimit()
    # Raw permission facts (role, restrictions, role configuration, group ids) for baselines.
    facts: tuple[tuple[str, Any], ...] = ()
    # When the credential stops working, where known: (kind, Unix time); kind is one of
    # api_token (Zendesk's retirement date), access_token, refresh_token.
    expiries: tuple[tuple[str, float], ...] = ()

    @property
    def healthy(self) -> bool:
        return self.category is Category.OK

    @property
    def permission_map(self) -> Permissions:
        return dict(self.permissions)

    def to_json(self) -> dict[str, Any]:
        """The document `check --format json` prints for one tenant."""
        doc: dict[str, Any] = {
            "tenant": self.tenant,
            "healthy": self.healthy,
            "category": self.category.value,
            "detail": self.detail,
            "hint": self.hint,
            "permissions": {p.value: v for p, v in self.permissions},
            "warnings": [w.to_json() for w in self.warnings],
            "request_id": self.request_id,
            "duration_seconds": round(self.duration_seconds, 6),
        }
        if self.retry_after_seconds is not None:
            doc["retry_after_seconds"] = self.retry_after_seconds
        return doc
