"""The only HTTP client code: GET requests to one tenant's Zendesk, never following redirects."""

from __future__ import annotations

import base64
import codecs
import contextlib
import functools
import socket
import ssl
from collections.abc import AsyncGenerator, Mapping
from types import TracebackType
from typing import Self, TypeVar, cast

import aiohttp
import httpx

from monitor import __version__
from monitor.config.secrets import Secret
from monitor.zendesk.response import Answer, ApiResponse, FailureKind, TransportFailure

USER_AGENT = f"zendesk-monitor/{__version__}"
E = TypeVar("E", bound=BaseException)
# Headers the classifiers read; the rest of an answer is dropped at the boundary.
_KEPT_HEADERS = frozenset(
    {
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
    }
)
# Zendesk's JSON answers for these calls are small; a larger body is not one of them.
MAX_BODY_BYTES = 4 * 1024 * 1024


def basic_token_authorization(email: str, token: Secret) -> Secret:
    """`Authorization` value for an API token: Basic base64("{email}/token:{token}")."""
    raw = f"{email}/token:{token.reveal()}".encode()
    return Secret("Basic " + base64.b64encode(raw).decode("ascii"))


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing. Zendesk's answers set cookies (sessions, load balancer
    affinity) that would pile up for every tenant and go back with later requests; taking them
    in cost 0.1-0.2 ms per request (`benchmarks/daemon.py` profile)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        pass

    def set_cookie_header(self, request: httpx.Request) -> None:
        pass


class _CookielessClient(httpx.AsyncClient):
    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("the monitor's HTTP client keeps no cookies")


_NO_COOKIES = _NoCookies()


def http_client(
    ssl_context: ssl.SSLContext, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An HTTP client with the monitor's settings: no redirects, no cookies, proxies from the
    environment."""
    return _CookielessClient(
        verify=ssl_context,
        follow_redirects=False,
        trust_env=True,  # HTTPS_PROXY / NO_PROXY, as every CLI tool reads them
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


class ZendeskClient:
    """One tenant's requests for one check: its base URL and credential, over an HTTP client.

    Given no `http` client it makes its own and closes it after the chain; given the daemon's
    shared one, closing leaves it open (its idle connections expire within a second or two).
    """

    def __init__(
        self,
        base_url: str,
        authorization: Secret,
        *,
        timeout: float,
        http: httpx.AsyncClient | None = None,
        ssl_context: ssl.SSLContext | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._authorization = authorization
        self._timeout = timeout
        self.request_count = 0
        self._owned = http is None
        if http is None:
            if ssl_context is None:
                raise ValueError("a ZendeskClient without a shared http client needs ssl_context")
            http = http_client(ssl_context, transport=transport)
        self._client = http

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
        if self._owned:
            await self._client.aclose()

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        """GET `{base_url}{path}`. The credential goes to this URL only: redirects are answers."""
        self.request_count += 1
        url = self._base_url + path
        headers = {"Authorization": self._authorization.reveal()}
        request = self._client.build_request(
            "GET", url, params=params, headers=headers, timeout=self._timeout
        )
        return await _exchange(self._client, request)


async def post_form(
    http: httpx.AsyncClient, url: str, form: dict[str, str], *, timeout: float
) -> Answer:
    """The OAuth token grant, the one request that is not a GET. The form carries a secret:
    nothing here logs or quotes it, and redirects are answers as for every request."""
    return await _exchange(http, http.build_request("POST", url, data=form, timeout=timeout))


async def _exchange(http: httpx.AsyncClient, request: httpx.Request) -> Answer:
    try:
        response = await http.send(request, stream=True)
        try:
            body = await _read_capped(response)
        finally:
            await response.aclose()
            # httpx's client wraps the stream of every response in one that points back at
            # the response: a reference cycle holding the response, its headers and the
            # aiohttp objects beneath (about 120 objects a check) until the garbage collector
            # finds them, which cost the daemon about 6% of its CPU at 10,000 tenants. The
            # stream is spent; drop it.
            response.stream = _SPENT
    except _TRANSPORT_ERRORS as exc:
        return _failure_from(exc)
    return _answer_from(response, body)


async def _read_capped(response: httpx.Response) -> bytes:
    """The decoded body up to MAX_BODY_BYTES. The rest is never read, nor decompressed: a huge
    answer or a compression bomb (from a proxy, a wrong base_url) costs at most what one
    network chunk decodes to beyond the limit."""
    limit = MAX_BODY_BYTES
    chunks: list[bytes] = []
    size = 0
    # httpx types aiter_bytes as an iterator; it is an async generator, closed here at once
    # rather than by the loop's finalizer some time after an early break.
    generator = cast(AsyncGenerator[bytes, None], response.aiter_bytes())
    async with contextlib.aclosing(generator) as decoded:
        async for chunk in decoded:
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    return b"".join(chunks)[:limit]


def _answer_from(response: httpx.Response, body: bytes) -> ApiResponse:
    """The answer the classifiers read, from a closed response and the body read from it."""
    # One pass over the raw headers (httpx's lookups decode every header again each time):
    # the first value of each header the classifiers read.
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        name = raw_name.decode("latin-1").lower()
        if name in _KEPT_HEADERS and name not in headers:
            headers[name] = raw_value.decode("latin-1")
    content_type = headers.get("content-type", "")
    return ApiResponse(
        status=response.status_code,
        content_type=content_type,
        text=body.decode(charset_of(content_type), errors="replace"),
        headers=headers,
    )


_SPENT = httpx.ByteStream(b"")


@functools.lru_cache(maxsize=64)
def charset_of(content_type: str) -> str:
    """The body's encoding as httpx would pick it: the content type's known `charset`, else
    UTF-8. (httpx's own lookup decodes every response header again: 2% of the daemon's CPU.)"""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("'\"")
            try:
                return codecs.lookup(charset).name
            except LookupError:
                break
    return "utf-8"


# httpx's errors, and aiohttp's that its transport does not map (a malformed status line, an
# oversized header), which are answers Zendesk never sends: network errors, not crashes.
_TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError)


def _failure_from(exc: Exception) -> TransportFailure:
    """Names what failed without quoting a request (which would carry the credential).

    Reads the whole chain of causes: the aiohttp transport reports every connection error
    (refused, certificate, disconnect) as httpx.ConnectTimeout, with the real error beneath.
    """
    chain = _causes(exc)
    if (cert := _first(chain, ssl.SSLCertVerificationError)) is not None:
        # aiohttp's wrapper is a CertificateError too, without the verify message.
        reason = getattr(cert, "verify_message", None) or getattr(cert, "certificate_error", cert)
        return _network(f"TLS certificate verification failed: {reason}")
    if (tls := _first(chain, ssl.SSLError)) is not None:
        return _network(f"TLS error: {tls.reason or type(tls).__name__}")
    if _first(chain, ConnectionRefusedError):
        return _network("connection refused")
    if _first(
        chain, (ConnectionResetError, aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError)
    ):
        return _network("the server closed the connection without an answer")
    if (dns := _first(chain, socket.gaierror)) is not None:
        return _network(f"DNS lookup failed: {_short(dns)}")
    if _first(chain, httpx.ProxyError):
        return _network("the proxy refused or failed the request")
    if _first(chain, TimeoutError) or isinstance(exc, httpx.TimeoutException):
        return TransportFailure(FailureKind.TIMEOUT, f"request timed out ({type(exc).__name__})")
    # Library messages can quote a request header (the credential): name the types only.
    return _network(f"{type(exc).__name__} ({type(chain[-1]).__name__})")


def _network(detail: str) -> TransportFailure:
    return TransportFailure(FailureKind.NETWORK, detail)


def _first(chain: list[BaseException], kind: type[E] | tuple[type[E], ...]) -> E | None:
    # Deepest first: the innermost error is the most specific one.
    return next((e for e in reversed(chain) if isinstance(e, kind)), None)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]
