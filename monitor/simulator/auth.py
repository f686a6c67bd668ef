"""Who a request authenticates as, following the API notes (section 1 and 7).

`authenticate` only decides the identity; `admit` turns it into the user a request acts as,
or into the answer Zendesk gives instead (users/me answers some failures differently).

Basic `{email}/token:{api_token}` and Bearer (OAuth access token) go through the same path, so
an admin's API token and an admin's OAuth token reach the same endpoints. A Bearer identity
also carries its token: `api.py` checks its scopes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from aiohttp import web

from monitor.simulator import answers
from monitor.simulator.state import Answer, OAuthToken, TenantState, Token, User

Scheme = Literal["basic", "bearer"]


class Outcome(StrEnum):
    AUTHENTICATED = "authenticated"
    NO_CREDENTIALS = "no_credentials"  # no (usable) Authorization header
    # Basic without "/token" is a password attempt: password API auth was removed in 2026.
    BASIC_WITHOUT_SUFFIX = "basic_without_suffix"
    CREDENTIAL_REJECTED = "credential_rejected"  # bad/inactive token, access off, unknown email
    BEARER_REJECTED = "bearer_rejected"  # OAuth: unknown, revoked or expired token


@dataclass(frozen=True, slots=True)
class Identity:
    outcome: Outcome
    user: User | None = None
    api_token: Token | None = None  # the API token that authenticated (Basic)
    oauth_token: OAuthToken | None = None  # the OAuth token that authenticated (Bearer)


def scheme_of(authorization: str | None) -> Scheme | None:
    if not authorization:
        return None
    name = authorization.split(" ", 1)[0].lower()
    if name == "basic":
        return "basic"
    if name == "bearer":
        return "bearer"
    return None


def _basic(tenant: TenantState, credentials: str, _: datetime) -> Identity:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return Identity(Outcome.NO_CREDENTIALS)
    username, colon, secret = decoded.partition(":")
    if not colon:
        return Identity(Outcome.NO_CREDENTIALS)
    email, suffix, rest = username.rpartition("/token")
    if not suffix or rest:
        return Identity(Outcome.BASIC_WITHOUT_SUFFIX)
    token = tenant.active_token(secret)  # case-sensitive, like Zendesk
    user = tenant.user_by_email(email)
    # Tokens belong to the account: any verified user's email works with any active token.
    if token is None or not tenant.token_access or user is None or not user.verified:
        return Identity(Outcome.CREDENTIAL_REJECTED)
    return Identity(Outcome.AUTHENTICATED, user, api_token=token)


def _bearer(tenant: TenantState, credentials: str, now: datetime) -> Identity:
    # OAuth tokens act as their own user; account token access (API tokens) does not matter.
    token = tenant.oauth_token(credentials)
    user = None if token is None else tenant.user_by_id(token.user_id)
    if token is None or user is None or not token.is_valid(now):
        return Identity(Outcome.BEARER_REJECTED)
    return Identity(Outcome.AUTHENTICATED, user, oauth_token=token)


_SCHEMES: dict[Scheme, Callable[[TenantState, str, datetime], Identity]] = {
    "basic": _basic,
    "bearer": _bearer,
}


def authenticate(tenant: TenantState, authorization: str | None, now: datetime) -> Identity:
    """Who the request authenticates as; `now` is the simulator's time (OAuth expiry)."""
    scheme = scheme_of(authorization)
    if scheme is None or authorization is None:
        return Identity(Outcome.NO_CREDENTIALS)
    return _SCHEMES[scheme](tenant, authorization.split(" ", 1)[-1].strip(), now)


def user_state_answer(tenant: TenantState, user: User) -> Answer:
    """Public material is silent on suspended and deleted users: the scenario decides."""
    if not user.active:
        return tenant.deleted_user_answer
    if user.suspended:
        return tenant.suspended_user_answer
    return Answer.OK


def admit(tenant: TenantState, identity: Identity, *, is_me: bool) -> User | web.Response:
    """The user a request may act as, or the answer for a request that must not get through."""
    outcome, user = identity.outcome, identity.user
    if outcome is Outcome.BEARER_REJECTED:
        return answers.oauth_invalid_token()
    if outcome is Outcome.AUTHENTICATED and user is not None:
        answer = user_state_answer(tenant, user)
    elif outcome is Outcome.CREDENTIAL_REJECTED:
        answer = tenant.unauthenticated_me_answer if is_me else Answer.UNAUTHORIZED
    else:  # no credentials or a password: users/me shows the anonymous user
        answer = Answer.ANONYMOUS
    match answer:
        case Answer.OK if user is not None:
            return user
        case Answer.FORBIDDEN:
            return answers.forbidden()
        case Answer.ANONYMOUS if is_me:
            return answers.anonymous_user()
        case _:
            return answers.unauthorized()
