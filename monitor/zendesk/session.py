"""How a check opens its Zendesk client: the credential header and one shared TLS context."""

from __future__ import annotations

from pathlib import Path

import httpx

from monitor.config.model import TenantConfig
from monitor.config.secrets import Secret
from monitor.zendesk.client import ZendeskClient, basic_token_authorization
from monitor.zendesk.tls import shared_ssl_context


def authorization_for(tenant: TenantConfig) -> Secret:
    """Reads the tenant's secret now (rotation needs no restart); raises SecretUnavailable."""
    return basic_token_authorization(tenant.auth.email, tenant.auth.token.read())


class ClientFactory:
    """Opens one ZendeskClient per tenant check, all on one SSLContext."""

    def __init__(
        self, ca_file: Path | None = None, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._ssl_context = shared_ssl_context(ca_file)
        self._transport = transport

    def __call__(self, tenant: TenantConfig, authorization: Secret) -> ZendeskClient:
        return ZendeskClient(
            tenant.base_url,
            authorization,
            ssl_context=self._ssl_context,
            timeout=tenant.timeout,
            transport=self._transport,
        )
