"""The closed vocabulary of check outcomes.

Metrics, logs, `/status`, exit codes and alert rules all speak these names; nothing downstream
branches on raw HTTP status codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a category says about the credential."""

    OK = "ok"
    CREDENTIAL = "credential"  # a verdict: the credential cannot do its job
    TRANSIENT = "transient"  # no verdict: try again later


class Category(StrEnum):
    OK = "ok"
    # Credential failures.
    CONFIG_INVALID = "config_invalid"
    SUBDOMAIN_NOT_FOUND = "subdomain_not_found"
    AUTH_FAILED = "auth_failed"
    TOKEN_ACCESS_DISABLED = "token_access_disabled"
    TOKEN_INACTIVE = "token_inactive"
    USER_SUSPENDED = "user_suspended"
    USER_DELETED = "user_deleted"
    USER_DOWNGRADED = "user_downgraded"
    PERMISSION_REGRESSION = "permission_regression"
    OAUTH_TOKEN_EXPIRED = "oauth_token_expired"
    OAUTH_SCOPE_MISSING = "oauth_scope_missing"
    # Transient: never a credential verdict.
    RATE_LIMITED = "rate_limited"
    ZENDESK_UNAVAILABLE = "zendesk_unavailable"
    NETWORK_ERROR = "network_error"
    TIMEOUT = "timeout"
    UNEXPECTED_RESPONSE = "unexpected_response"
    INTERNAL_ERROR = "internal_error"

    @property
    def kind(self) -> Kind:
        return CATALOGUE[self].kind

    @property
    def is_credential_failure(self) -> bool:
        return self.kind is Kind.CREDENTIAL

    @property
    def is_transient(self) -> bool:
        return self.kind is Kind.TRANSIENT

    @property
    def meaning(self) -> str:
        return CATALOGUE[self].meaning

    @property
    def action(self) -> str:
        """What the operator does about it; the default hint of a result."""
        return CATALOGUE[self].action


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    kind: Kind
    meaning: str
    action: str


_TOKEN_ACCESS_PATH = "Admin Center > Apps and integrations > APIs > Zendesk API > Settings"

CATALOGUE: dict[Category, CategoryInfo] = {
    Category.OK: CategoryInfo(
        Kind.OK,
        "The credential authenticates as the integration user with every permission it needs.",
        "Nothing to do.",
    ),
    Category.CONFIG_INVALID: CategoryInfo(
        Kind.CREDENTIAL,
        "The monitor's own configuration for this tenant is wrong, or its secret is unreadable.",
        "Fix the tenant's entry in the monitor config (run `zendesk-monitor validate "
        "--check-secrets`); the message names the key, variable or file.",
    ),
    Category.SUBDOMAIN_NOT_FOUND: CategoryInfo(
        Kind.CREDENTIAL,
        "No Zendesk account answers at this subdomain (never existed, typo, or closed).",
        'Use only the subdomain portion (e.g. "acmecorp", not "acmecorp.zendesk.com"), with no '
        "extra spaces or characters, and check it matches the customer's Zendesk login URL.",
    ),
    Category.AUTH_FAILED: CategoryInfo(
        Kind.CREDENTIAL,
        "Zendesk does not accept the credential.",
        "Possible causes, which Zendesk does not tell apart: the API token was mistyped, "
        "revoked, deleted or deactivated for inactivity; token access is switched off in "
        f"{_TOKEN_ACCESS_PATH}; the staff user's email is wrong or unverified; the staff user "
        "is suspended. Ask the customer to check each, or configure a diagnostic credential.",
    ),
    Category.TOKEN_ACCESS_DISABLED: CategoryInfo(
        Kind.CREDENTIAL,
        "API token access is switched off for the whole Zendesk account.",
        f"Ask the customer's admin to enable Token access in {_TOKEN_ACCESS_PATH} and save; it "
        "can take a few minutes to apply.",
    ),
    Category.TOKEN_INACTIVE: CategoryInfo(
        Kind.CREDENTIAL,
        "The integration's API token is deactivated or deleted.",
        "Ask the customer's admin for a new credential (API tokens can no longer be created "
        "since 2026-10-27: move the tenant to OAuth) and update the secret.",
    ),
    Category.USER_SUSPENDED: CategoryInfo(
        Kind.CREDENTIAL,
        "The integration's staff user is suspended.",
        "Ask the customer's admin to unsuspend the staff member in Admin Center > People > "
        "Team > Team members.",
    ),
    Category.USER_DELETED: CategoryInfo(
        Kind.CREDENTIAL,
        "The integration's staff user was deleted (inactive).",
        "Ask the customer's admin to recreate the staff member with the integration's "
        "permissions (setup step 2) and update the monitor's email.",
    ),
    Category.USER_DOWNGRADED: CategoryInfo(
        Kind.CREDENTIAL,
        "The integration's user is no longer a full staff member (end user, light agent, "
        "chat-only agent or contributor).",
        "Ask the customer's admin to give the staff member an agent role with the "
        "integration's permissions (setup step 2.2).",
    ),
    Category.PERMISSION_REGRESSION: CategoryInfo(
        Kind.CREDENTIAL,
        "The staff user authenticates but lacks a permission the integration needs.",
        "Ask the customer's admin to restore the staff member's permissions (setup step 2.2): "
        "all tickets (or tickets in the needed groups), edit ticket properties, public and "
        "private comments, end users view, view customer lists.",
    ),
    Category.OAUTH_TOKEN_EXPIRED: CategoryInfo(
        Kind.CREDENTIAL,
        "The OAuth access token has expired.",
        "Check that the integration refreshes its OAuth token; re-authorize it if the refresh "
        "token expired too.",
    ),
    Category.OAUTH_SCOPE_MISSING: CategoryInfo(
        Kind.CREDENTIAL,
        "The OAuth token lacks a scope the integration needs.",
        "Re-authorize the integration's OAuth client with the scopes named in the detail.",
    ),
    Category.RATE_LIMITED: CategoryInfo(
        Kind.TRANSIENT,
        "Zendesk answered 429: the account's API rate limit is spent.",
        "No credential verdict; the next check waits for Retry-After. If it persists, find "
        "what else spends the customer's rate limit.",
    ),
    Category.ZENDESK_UNAVAILABLE: CategoryInfo(
        Kind.TRANSIENT,
        "Zendesk answered with a server error (5xx).",
        "No credential verdict; check https://status.zendesk.com if it persists.",
    ),
    Category.NETWORK_ERROR: CategoryInfo(
        Kind.TRANSIENT,
        "The request failed before Zendesk answered (DNS, connection refused or reset, TLS).",
        "Check the monitor's egress, DNS, proxy and CA settings; a TLS hostname mismatch "
        'often means a subdomain written as "acme.zendesk.com".',
    ),
    Category.TIMEOUT: CategoryInfo(
        Kind.TRANSIENT,
        "The check did not finish within its timeout.",
        "No credential verdict; raise the tenant's timeout if Zendesk is consistently slow.",
    ),
    Category.UNEXPECTED_RESPONSE: CategoryInfo(
        Kind.TRANSIENT,
        "Zendesk answered in a shape the monitor does not know (a 200 without the expected "
        "JSON, or an unlisted 4xx).",
        "No credential verdict; look at the detail and request id, and report it if it persists.",
    ),
    Category.INTERNAL_ERROR: CategoryInfo(
        Kind.TRANSIENT,
        "The monitor itself failed while checking this tenant.",
        "A bug in zendesk-monitor: the log has the traceback; please report it.",
    ),
}
