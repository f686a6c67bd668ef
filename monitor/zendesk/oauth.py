"""OAuth credentials: bearer tokens read from their reference, and the client-credentials grant.

The grant (`POST {base_url}/oauth/tokens`) is the only request the monitor sends that is not a
GET. Its token is cached until shortly before it expires, so a tenant checked every minute asks
for a new one only when the old one is about to lapse.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from monitor.config.model import OAuthClientCredentialsAuth
from monitor.config.secrets import Secret, SecretRef, SecretUnavailable, require_header_safe
from monitor.zendesk.client import post_form
from monitor.zendesk.response import ApiResponse, TransportFailure

# Renew a cached token this long before it expires (at most a tenth of its lifetime).
RENEW_BEFORE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class BearerToken:
    value: Secret
    expires_at: float | None = None  # Unix time, when known


def read_bearer(ref: SecretRef) -> BearerToken:
    """The token itself, or a JSON document `{"access_token": ..., "expires_at": ...}` where
    `expires_at` is an RFC 3339 time or Unix seconds. Raises SecretUnavailable."""
    secret = ref.read()
    raw = secret.reveal()
    if not raw.startswith("{"):
        require_header_safe(secret, ref.describe())
        return BearerToken(secret)
    try:
        document = json.loads(raw)
    except ValueError:
        raise SecretUnavailable(f"{ref.describe()} is not valid JSON") from None
    token = document.get("access_token") if isinstance(document, dict) else None
    if not isinstance(token, str) or not token:
        raise SecretUnavailable(f"{ref.describe()} has no access_token")
    bearer = Secret(token)
    require_header_safe(bearer, ref.describe())
    return BearerToken(bearer, parse_time(document.get("expires_at")))


def parse_time(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class GrantRefused:
    """The token endpoint said no (or answered something else): the detail names why."""

    status: int
    error: str


GrantFailure = GrantRefused | ApiResponse | TransportFailure
GrantOutcome = BearerToken | GrantFailure


class ClientCredentialsCache:
    """Tokens from the client-credentials grant, per (base URL, client, scopes)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # (base URL, client, scopes, secret's fingerprint) -> (token, when to renew it): a
        # rotated secret is a new key, so a fixed secret takes effect at the next check.
        self._tokens: dict[tuple[str, str, tuple[str, ...], str], tuple[BearerToken, float]] = {}
        self.grants = 0  # how many grants were asked for: tests and logs read it

    @staticmethod
    def _key(
        base_url: str, auth: OAuthClientCredentialsAuth, secret: Secret
    ) -> tuple[str, str, tuple[str, ...], str]:
        return (base_url, auth.client_id, auth.scopes, secret.fingerprint())

    def forget(self, base_url: str, auth: OAuthClientCredentialsAuth) -> None:
        """Drops the tokens of this client: Zendesk rejected one (revoked before it expired)."""
        for key in [k for k in self._tokens if k[:3] == (base_url, auth.client_id, auth.scopes)]:
            del self._tokens[key]

    def cached(
        self, base_url: str, auth: OAuthClientCredentialsAuth, secret: Secret
    ) -> BearerToken | None:
        entry = self._tokens.get(self._key(base_url, auth, secret))
        if entry is None or self._clock() >= entry[1]:
            return None
        return entry[0]

    async def token(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        auth: OAuthClientCredentialsAuth,
        *,
        timeout: float,
    ) -> GrantOutcome:
        secret = auth.client_secret.read_token()  # re-read at every check, as every secret
        cached = self.cached(base_url, auth, secret)
        if cached is not None:
            return cached
        self.grants += 1
        answer = await post_form(
            http,
            base_url + "/oauth/tokens",
            {
                "grant_type": "client_credentials",
                "client_id": auth.client_id,
                "client_secret": secret.reveal(),
                "scope": " ".join(auth.scopes),
            },
            timeout=timeout,
        )
        if isinstance(answer, TransportFailure):
            return answer
        body = answer.json_body()
        if (
            answer.status == 200
            and isinstance(body, dict)
            and isinstance(body.get("access_token"), str)
        ):
            now = self._clock()
            lifetime = body.get("expires_in")
            if (
                isinstance(lifetime, int | float)
                and not isinstance(lifetime, bool)
                and lifetime > 0
            ):
                token = BearerToken(Secret(body["access_token"]), now + lifetime)
                renew_at = now + lifetime - min(RENEW_BEFORE_SECONDS, lifetime / 10)
            else:  # no lifetime given: use it for this check only
                token, renew_at = BearerToken(Secret(body["access_token"])), now
            self._tokens[self._key(base_url, auth, secret)] = (token, renew_at)
            return token
        if (
            answer.status in (400, 401)
            and isinstance(body, dict)
            and isinstance(body.get("error"), str)
        ):
            return GrantRefused(answer.status, body["error"])
        return answer
