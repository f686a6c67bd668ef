"""How a check opens its Zendesk client: the credential header, one shared TLS context, and one
shared HTTP client on the aiohttp transport.

httpx stays the client API; its aiohttp transport costs about half the CPU per request of
httpx's own (see the README's performance section). Connections idle for a second are closed,
so a tenant's connection does not outlive its chain by much, and nothing is pooled for long
across tenants.

`resolve` (the daemon's `--resolve SUFFIX:ADDRESS`, a testing aid like curl's --resolve) sends
every host name under a suffix to a fixed address, keeping the name for TLS (SNI, certificate
check) and the Host header: how the benchmark gives each simulated tenant its own host name.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from httpx_aiohttp import AiohttpTransport

from monitor.config.model import (
    ApiTokenAuth,
    OAuthClientCredentialsAuth,
    OAuthTokenAuth,
    TenantConfig,
)
from monitor.config.secrets import Secret
from monitor.zendesk.client import ZendeskClient, basic_token_authorization, http_client
from monitor.zendesk.oauth import (
    BearerToken,
    ClientCredentialsCache,
    GrantFailure,
    GrantRefused,
    read_bearer,
)
from monitor.zendesk.tls import shared_ssl_context

# Idle connections close after this many seconds: a tenant's chain reuses its connection,
# and it is gone soon after (Zendesk accounts are separate hosts; the next check is minutes away).
KEEPALIVE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Authorization:
    """The `Authorization` header of one check, and what is known about its expiry."""

    header: Secret
    scheme: Literal["basic", "bearer"]
    expires_at: float | None = None  # Unix time the bearer token lapses, when known


async def authorization_for(tenant: TenantConfig) -> Authorization | GrantFailure:
    """Reads the tenant's secret now (rotation needs no restart); raises SecretUnavailable.
    Without an HTTP client it cannot run the client-credentials grant: see ClientFactory."""
    auth = tenant.auth
    if isinstance(auth, ApiTokenAuth):
        return Authorization(
            basic_token_authorization(auth.email, auth.token.read_token()), "basic"
        )
    if isinstance(auth, OAuthTokenAuth):
        return _bearer(read_bearer(auth.token))
    return GrantRefused(0, "no HTTP client to run the client-credentials grant with")


def _bearer(token: BearerToken) -> Authorization:
    return Authorization(Secret("Bearer " + token.value.reveal()), "bearer", token.expires_at)


class StaticResolver(AbstractResolver):
    """Host names equal to or under a suffix resolve to its fixed address (`{"zendesk.test":
    "127.0.0.1"}` covers `acme.zendesk.test`); other names go to aiohttp's default resolver.

    A testing aid for `run --resolve`; an HTTPS proxy from the environment still resolves the
    names itself.
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        # (suffix, address, family), longest suffix first so that a more specific entry wins;
        # parsed once here, not at every lookup. Raises ValueError on a value that is not an IP
        # address.
        entries = []
        for suffix, address in table.items():
            ip = ipaddress.ip_address(address)
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            entries.append((_host_key(suffix), str(ip), family))
        self._table = sorted(entries, key=lambda entry: -len(entry[0]))
        self._fallback: AbstractResolver | None = None

    def _entry(self, host: str) -> tuple[str, str, socket.AddressFamily] | None:
        name = _host_key(host)
        for entry in self._table:
            suffix = entry[0]
            if name == suffix or name.endswith("." + suffix):
                return entry
        return None

    def lookup(self, host: str) -> str | None:
        """The fixed address for `host`, or None when no suffix covers it."""
        entry = self._entry(host)
        return None if entry is None else entry[1]

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        entry = self._entry(host)
        if entry is None:
            if self._fallback is None:
                self._fallback = DefaultResolver()
            return await self._fallback.resolve(host, port, family)
        _, address, address_family = entry
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=address_family,
                proto=0,
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
        ]

    async def close(self) -> None:
        if self._fallback is not None:
            await self._fallback.close()
            self._fallback = None


def _host_key(name: str) -> str:
    return name.strip(".").lower()


_PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


def proxy_configured() -> bool:
    """Whether the environment names a proxy (read when the client is made, at start)."""
    return any(os.environ.get(v) or os.environ.get(v.upper()) for v in _PROXY_VARIABLES)


def shared_http_client(
    ssl_context: ssl.SSLContext, resolver: AbstractResolver | None = None
) -> httpx.AsyncClient:
    """One httpx client on the aiohttp transport, for every tenant; call inside the loop.
    `resolver` replaces aiohttp's default one (the caller closes it)."""
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(
            ssl=ssl_context,
            limit=0,  # the scheduler's concurrency limit is the limit
            keepalive_timeout=KEEPALIVE_SECONDS,
            resolver=resolver,
            # Its cache would keep an entry for every tenant's host for good (entries go only
            # when looked up again), and a host is looked up once per check, minutes apart.
            use_dns_cache=False,
        ),
        # HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as every CLI tool reads them. aiohttp looks them
        # (and ~/.netrc) up again on every request, in a thread: about 1 ms of CPU each
        # (benchmarks/daemon.py), so only when a proxy is configured at all.
        trust_env=proxy_configured(),
        # Cookies would be kept for every tenant and sent back: the monitor needs none.
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    return http_client(ssl_context, transport=AiohttpTransport(verify=ssl_context, client=session))


class ClientFactory:
    """Opens one ZendeskClient per tenant check, all over one HTTP client and TLS context.

    `transport` replaces the aiohttp transport (each check then gets its own httpx client, as
    tests of the httpx transport want). `resolve` maps host-name suffixes to fixed addresses
    (see `StaticResolver`; only with the aiohttp transport). Close the factory when done
    (`aclose`).
    """

    def __init__(
        self,
        ca_file: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolve: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if resolve and transport is not None:
            raise ValueError("resolve works only with the shared aiohttp transport")
        self._ssl_context = shared_ssl_context(ca_file)
        self._transport = transport
        self._resolver = StaticResolver(resolve) if resolve else None
        self._shared: httpx.AsyncClient | None = None
        self._grants = ClientCredentialsCache(clock)

    def _http(self) -> httpx.AsyncClient:
        # Made on first use: the aiohttp session must be created inside the running loop.
        if self._shared is None:
            self._shared = shared_http_client(self._ssl_context, self._resolver)
        return self._shared

    def __call__(self, tenant: TenantConfig, authorization: Secret) -> ZendeskClient:
        if self._transport is not None:
            return ZendeskClient(
                tenant.base_url,
                authorization,
                timeout=tenant.timeout,
                ssl_context=self._ssl_context,
                transport=self._transport,
            )
        return ZendeskClient(
            tenant.base_url, authorization, timeout=tenant.timeout, http=self._http()
        )

    async def authorize(self, tenant: TenantConfig) -> Authorization | GrantFailure:
        """Like `authorization_for`, and runs the client-credentials grant (cached)."""
        auth = tenant.auth
        if not isinstance(auth, OAuthClientCredentialsAuth):
            return await authorization_for(tenant)
        outcome = await self._grants.token(
            self._http(), tenant.base_url, auth, timeout=tenant.timeout
        )
        return _bearer(outcome) if isinstance(outcome, BearerToken) else outcome

    def forget_token(self, tenant: TenantConfig) -> None:
        """Zendesk rejected this tenant's credential: a cached grant token must not be reused."""
        if isinstance(tenant.auth, OAuthClientCredentialsAuth):
            self._grants.forget(tenant.base_url, tenant.auth)

    @property
    def grants(self) -> ClientCredentialsCache:
        return self._grants

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.aclose()
            self._shared = None
        if self._resolver is not None:
            await self._resolver.close()
