"""How one answer from Zendesk reads: a verdict that ends the chain, or facts that continue it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor.checks.categories import Category
from monitor.zendesk.oauth import GrantFailure, GrantRefused
from monitor.zendesk.response import Answer, ApiResponse, FailureKind, TransportFailure


@dataclass(frozen=True, slots=True)
class Verdict:
    """A result that ends the chain. `hint=None` means the category's standard action."""

    category: Category
    detail: str
    hint: str | None = None
    retry_after_seconds: float | None = None
    invalid_token: bool = False  # a 401 with OAuth's invalid_token body


_SUSPENSION_HINT = (
    "Zendesk refused the authenticated request (403). Causes it lists: the staff user is "
    "suspended or downgraded, or the account's IP allowlist blocks the monitor's address. "
    "Ask the customer's admin to check the staff member's status and role (setup step 2) and "
    "the IP restrictions in Admin Center > Account > Security."
)
# Both wordings seen: "You are missing the following required scopes: read" and
# "Missing the following required scopes: read". Match the shape, not the sentence.
_MISSING_SCOPES = re.compile(r"missing the following required scopes?:\s*(?P<scopes>.+)", re.I)


def transport_verdict(failure: TransportFailure) -> Verdict:
    if failure.kind is FailureKind.TIMEOUT:
        return Verdict(Category.TIMEOUT, failure.detail)
    return Verdict(Category.NETWORK_ERROR, failure.detail)


def describe(answer: ApiResponse) -> str:
    """`404 (application/json) RecordNotFound: Not found`, for details; never a header value."""
    content_type = answer.content_type.split(";")[0].strip() or "no content type"
    message = error_message(answer)
    return f"{answer.status} ({content_type})" + (f" {message}" if message else "")


def error_message(answer: ApiResponse) -> str:
    """The message of any of Zendesk's error envelopes, or '' when the body has none."""
    body = answer.json_body()
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    parts: list[str] = []
    if isinstance(error, dict):
        parts += [str(error[k]) for k in ("title", "message") if error.get(k)]
    elif isinstance(error, str):
        parts.append(error)
    for key in ("description", "error_description"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    errors = body.get("errors")
    if isinstance(errors, list):
        parts += [str(e.get("title") or e.get("code")) for e in errors if isinstance(e, dict)]
    return ": ".join(parts)[:300]


def missing_scopes(answer: ApiResponse) -> list[str] | None:
    """The scopes a 403 says an OAuth token lacks, or None when it is not that 403."""
    if answer.status != 403:
        return None
    match = _MISSING_SCOPES.search(error_message(answer))
    if match is None:
        return None
    return [s.strip() for s in re.split(r"[,\s]+", match["scopes"]) if s.strip()]


def common_verdict(answer: Answer, endpoint: str) -> Verdict | ApiResponse:
    """The verdicts every endpoint shares: transport, 401, scopes, 429, 5xx; else the answer."""
    if isinstance(answer, TransportFailure):
        return transport_verdict(answer)
    status = answer.status
    if status == 401:
        body = answer.json_body()
        oauth = isinstance(body, dict) and body.get("error") == "invalid_token"
        what = "the OAuth token (invalid_token)" if oauth else "the credential"
        return Verdict(
            Category.AUTH_FAILED,
            f"{endpoint} answered 401: Zendesk rejected {what}",
            invalid_token=oauth,
        )
    scopes = missing_scopes(answer)
    if scopes is not None:
        return Verdict(
            Category.OAUTH_SCOPE_MISSING,
            f"{endpoint} answered 403: the OAuth token lacks the scopes {', '.join(scopes)}",
        )
    if status == 429:
        return Verdict(
            Category.RATE_LIMITED,
            f"{endpoint} answered 429: the account's rate limit is spent",
            retry_after_seconds=answer.retry_after_seconds,
        )
    if status >= 500:
        return Verdict(
            Category.ZENDESK_UNAVAILABLE,
            f"{endpoint} answered {describe(answer)}",
            retry_after_seconds=answer.retry_after_seconds,
        )
    return answer


def grant_verdict(failure: GrantFailure) -> Verdict:
    """The verdict when the client-credentials grant gave no token."""
    endpoint = "oauth/tokens"
    if isinstance(failure, GrantRefused):
        return Verdict(
            Category.AUTH_FAILED,
            f"{endpoint}: the OAuth client-credentials grant was refused ({failure.error})",
            "Check the OAuth client's id and secret in the monitor's config, and that the client "
            "still exists in the customer's Admin Center > Apps and integrations > APIs > OAuth "
            "clients.",
        )
    checked = common_verdict(failure, endpoint)
    if isinstance(checked, Verdict):
        return checked
    return unexpected(checked, endpoint, "200 with an access token")


def unexpected(answer: ApiResponse, endpoint: str, expected: str) -> Verdict:
    return Verdict(
        Category.UNEXPECTED_RESPONSE,
        f"{endpoint} answered {describe(answer)}, not {expected}",
    )


def me_failure(answer: Answer) -> Verdict | ApiResponse:
    """users/me verdicts for everything but a 200; the answer itself when it is a 200."""
    endpoint = "users/me"
    if not isinstance(answer, TransportFailure):
        if 300 <= answer.status < 400:
            host = urlsplit(answer.location or "").netloc or "an unnamed location"
            return Verdict(
                Category.SUBDOMAIN_NOT_FOUND,
                f"{endpoint} answered {answer.status}, redirecting to {host}: Zendesk sends "
                "closed or unknown accounts to a page elsewhere",
            )
        if answer.status == 404:
            return Verdict(
                Category.SUBDOMAIN_NOT_FOUND,
                f"{endpoint} answered {describe(answer)}: no Zendesk account at this address",
            )
    checked = common_verdict(answer, endpoint)
    if isinstance(checked, Verdict):
        return checked
    answer = checked
    if answer.status == 403:
        return Verdict(
            Category.AUTH_FAILED, f"{endpoint} answered {describe(answer)}", _SUSPENSION_HINT
        )
    if answer.status != 200:
        return unexpected(answer, endpoint, "200 with the user")
    return answer


def json_object(answer: ApiResponse, key: str) -> Any | None:
    """`body[key]` of a JSON object body, or None."""
    body = answer.json_body()
    if isinstance(body, dict):
        return body.get(key)
    return None
