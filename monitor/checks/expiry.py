"""Credential expiry and Zendesk's API-token retirement: the dates, in one place, with sources.

Source: Zendesk's OAuth migration guide,
https://developer.zendesk.com/documentation/api-basics/authentication/oauth-migration/
(the API notes, section 7):
- 2026-07-28: new accounts can no longer create API tokens; tokens unused for 30 days are
  deactivated, and deleted 60 days later;
- 2026-10-27: no account can create API tokens any more;
- 2027-04-30: every API token stops working.
"""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime

from monitor.checks.result import Warning

API_TOKEN_CREATION_ENDED = datetime(2026, 10, 27, tzinfo=UTC)
API_TOKEN_INACTIVITY_DEACTIVATION_SINCE = datetime(2026, 7, 28, tzinfo=UTC)
API_TOKEN_INACTIVITY_DAYS = 30
API_TOKEN_RETIREMENT = datetime(2027, 4, 30, tzinfo=UTC)

DEFAULT_EXPIRING_SOON_DAYS = 14
SECONDS_PER_DAY = 86_400


def days_left(expires_at: float, now: float) -> int:
    """Whole days until `expires_at` (0 on the last day, negative once past)."""
    return math.floor((expires_at - now) / SECONDS_PER_DAY)


def api_token_warning(now: float, soon_days: int = DEFAULT_EXPIRING_SOON_DAYS) -> Warning:
    """Every tenant on an API token gets this warning: the token has a date of death."""
    return _api_token_warning(days_left(API_TOKEN_RETIREMENT.timestamp(), now), soon_days)


@functools.lru_cache(maxsize=16)
def _api_token_warning(left: int, soon_days: int) -> Warning:
    # One shared object a day rather than one per check: the daemon keeps every tenant's last.
    when = API_TOKEN_RETIREMENT.date().isoformat()
    if left <= soon_days:
        return Warning(
            "credential_expiring_soon",
            f"the API token stops working on {when} ({left} days left), when Zendesk retires "
            "every API token: move this tenant to OAuth now",
            days_left=left,
        )
    return Warning(
        "api_token_retirement",
        f"Zendesk retires every API token on {when} ({left} days left): move this tenant to "
        "OAuth; new API tokens cannot be created since "
        f"{API_TOKEN_CREATION_ENDED.date().isoformat()}",
        days_left=left,
    )


def expiring_warning(kind: str, expires_at: float, now: float, soon_days: int) -> Warning | None:
    """`credential_expiring_soon` for an OAuth token expiring within `soon_days`, else None."""
    left = days_left(expires_at, now)
    if left > soon_days:
        return None
    when = datetime.fromtimestamp(expires_at, UTC).isoformat(timespec="seconds")
    return Warning(
        "credential_expiring_soon",
        f"the {kind.replace('_', ' ')} expires at {when} ({left} days left)",
        days_left=left,
    )
