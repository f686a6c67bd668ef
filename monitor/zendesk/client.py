"""The only HTTP client code: GET requests to one tenant's Zendesk, never following redirects."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx

from monitor import __version__
from monitor.config.secrets import Secret
from monitor.zendesk.response import Answer, ApiResponse, FailureKind, TransportFailure

USER_AGENT = f"zendesk-monitor/{__version__}"
# Headers the classifiers read; the rest of an answer is dropped at the boundary.
_KEPT_HEADERS = (
    "content-type",
    "location",
    "retry-after",
    "x-zendesk-request-id",
    "x-request-id",
    "cf-ray",
    "x-rate-limit",
    "x-rate-limit-remaining",
    "ratelimit-limit",
    "ratelimit-remaining",
    "rate-limit",
    "rate-limit-remaining",
)
# Zendesk's JSON answers for these calls are small; a larger body is not one of them.
MAX_BODY_BYTES = 4 * 1024 * 1024


def basic_token_authorization(email: str, token: Secret) -> Secret:
    """`Authorization` value for an API token: Basic base64("{email}/token:{token}")."""
    raw = f"{email}/token:{token.reveal()}".encode()
    return Secret("Basic " + base64.b64encode(raw).decode("ascii"))


class ZendeskClient:
    """One tenant's client for one check. Closed after the chain, so no pool outlives a tenant."""

    def __init__(
        self,
        base_url: str,
        authorization: Secret,
        *,
        ssl_context: ssl.SSLContext,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._authorization = authorization
        self.request_count = 0
        self._client = httpx.AsyncClient(
            verify=ssl_context,
            timeout=timeout,
            follow_redirects=False,
            trust_env=True,  # HTTPS_PROXY / NO_PROXY, as every CLI tool reads them
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        """GET `{base_url}{path}`. The credential goes to this URL only: redirects are answers."""
        self.request_count += 1
        url = self._base_url + path
        headers = {"Authorization": self._authorization.reveal()}
        try:
            response = await self._client.get(url, params=params, headers=headers)
        except httpx.HTTPError as exc:
            return _failure_from(exc)
        return _answer_from(response)


def _answer_from(response: httpx.Response) -> ApiResponse:
    headers = {
        name: response.headers.get_list(name)[0]
        for name in _KEPT_HEADERS
        if name in response.headers
    }
    body = response.content[:MAX_BODY_BYTES]
    return ApiResponse(
        status=response.status_code,
        content_type=headers.get("content-type", ""),
        text=body.decode(response.encoding or "utf-8", errors="replace"),
        headers=headers,
    )


def _failure_from(exc: httpx.HTTPError) -> TransportFailure:
    """Names what failed without quoting a request (which would carry the credential)."""
    cause = _root_cause(exc)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return TransportFailure(
            FailureKind.NETWORK, f"TLS certificate verification failed: {cause.verify_message}"
        )
    if isinstance(cause, ssl.SSLError):
        return TransportFailure(
            FailureKind.NETWORK, f"TLS error: {cause.reason or type(cause).__name__}"
        )
    if isinstance(exc, httpx.TimeoutException) and not isinstance(cause, OSError | ssl.SSLError):
        return TransportFailure(FailureKind.TIMEOUT, f"request timed out ({type(exc).__name__})")
    if isinstance(cause, ConnectionRefusedError):
        return TransportFailure(FailureKind.NETWORK, "connection refused")
    if isinstance(cause, ConnectionResetError):
        return TransportFailure(FailureKind.NETWORK, "connection reset by peer")
    if isinstance(exc, httpx.RemoteProtocolError):
        return TransportFailure(
            FailureKind.NETWORK, "server closed the connection without an answer"
        )
    if isinstance(exc, httpx.ProxyError):
        return TransportFailure(FailureKind.NETWORK, "the proxy refused or failed the request")
    if isinstance(exc, httpx.ConnectError) and "name" in str(cause).lower():
        return TransportFailure(FailureKind.NETWORK, f"DNS lookup failed: {cause}")
    return TransportFailure(FailureKind.NETWORK, f"{type(exc).__name__}: {_short(cause)}")


def _root_cause(exc: BaseException) -> BaseException:
    # Some transports wrap every connection error in one exception class; the cause tells.
    seen: set[int] = set()
    while (exc.__cause__ or exc.__context__) is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return exc


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]
