"""How a check opens its Zendesk client: the credential header, one shared TLS context, and one
shared HTTP client on the aiohttp transport.

httpx stays the client API; its aiohttp transport costs about half the CPU per request of
httpx's own (see the README's performance section). Connections idle for a second are closed,
so a tenant's connection does not outlive its chain by much, and nothing is pooled for long
across tenants.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from monitor.config.model import TenantConfig
from monitor.config.secrets import Secret
from monitor.zendesk.client import ZendeskClient, basic_token_authorization, http_client
from monitor.zendesk.tls import shared_ssl_context

# Idle connections close after this many seconds: a tenant's chain reuses its connection,
# and it is gone soon after (Zendesk accounts are separate hosts; the next check is minutes away).
KEEPALIVE_SECONDS = 1.0


def authorization_for(tenant: TenantConfig) -> Secret:
    """Reads the tenant's secret now (rotation needs no restart); raises SecretUnavailable."""
    return basic_token_authorization(tenant.auth.email, tenant.auth.token.read())


def shared_http_client(ssl_context: ssl.SSLContext) -> httpx.AsyncClient:
    """One httpx client on the aiohttp transport, for every tenant; call inside the loop."""
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(
            ssl=ssl_context,
            limit=0,  # the scheduler's concurrency limit is the limit
            keepalive_timeout=KEEPALIVE_SECONDS,
        ),
        trust_env=False,  # httpx applies HTTPS_PROXY / NO_PROXY itself
    )
    return http_client(ssl_context, transport=AiohttpTransport(verify=ssl_context, client=session))


class ClientFactory:
    """Opens one ZendeskClient per tenant check, all over one HTTP client and TLS context.

    `transport` replaces the aiohttp transport (each check then gets its own httpx client, as
    tests of the httpx transport want). Close the factory when done (`aclose`).
    """

    def __init__(
        self, ca_file: Path | None = None, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._ssl_context = shared_ssl_context(ca_file)
        self._transport = transport
        self._shared: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        # Made on first use: the aiohttp session must be created inside the running loop.
        if self._shared is None:
            self._shared = shared_http_client(self._ssl_context)
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

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.aclose()
            self._shared = None
