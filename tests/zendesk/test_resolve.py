"""`run --resolve SUFFIX:ADDRESS`: host names under a suffix connect to a fixed address, keeping
the name for TLS and the Host header (the daemon benchmark's tenants on their own host names)."""

from __future__ import annotations

import argparse
import socket
import ssl
from pathlib import Path

import httpx
import pytest
import trustme

from monitor.commands.run import parse_resolve
from monitor.config.model import ApiTokenAuth, Expect, TenantConfig
from monitor.config.secrets import Secret, SecretRef
from monitor.simulator import Simulator, parse_scenario
from monitor.zendesk.client import basic_token_authorization
from monitor.zendesk.response import ApiResponse, TransportFailure
from monitor.zendesk.session import ClientFactory, StaticResolver

TOKEN = "resolve-token-1"
EMAIL = "fusion@acme.example"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zendesk.test:127.0.0.1", ("zendesk.test", "127.0.0.1")),
        (".Zendesk.TEST.:127.0.0.2", ("zendesk.test", "127.0.0.2")),
        ("zendesk.test:[::1]", ("zendesk.test", "::1")),
        ("zendesk.test:::1", ("zendesk.test", "::1")),
    ],
)
def test_parse_resolve(text: str, expected: tuple[str, str]) -> None:
    assert parse_resolve(text) == expected


@pytest.mark.parametrize("text", ["zendesk.test", "zendesk.test:", ":127.0.0.1", "a:localhost"])
def test_parse_resolve_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="SUFFIX:ADDRESS"):
        parse_resolve(text)


def test_lookup_by_suffix() -> None:
    resolver = StaticResolver({"zendesk.test": "127.0.0.1", "eu.zendesk.test": "::1"})
    assert resolver.lookup("acme.zendesk.test") == "127.0.0.1"
    assert resolver.lookup("ACME.Zendesk.Test.") == "127.0.0.1"
    assert resolver.lookup("zendesk.test") == "127.0.0.1"
    assert resolver.lookup("acme.eu.zendesk.test") == "::1"  # the longer suffix wins
    assert resolver.lookup("notzendesk.test") is None
    assert resolver.lookup("acme.zendesk.com") is None
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        StaticResolver({"zendesk.test": "localhost"})


async def test_resolve_answers_the_fixed_address_or_asks_the_default_resolver() -> None:
    resolver = StaticResolver({"zendesk.test": "127.0.0.1", "v6.test": "::1"})
    try:
        (fixed,) = await resolver.resolve("acme.zendesk.test", 443)
        assert (fixed["hostname"], fixed["host"], fixed["port"]) == (
            "acme.zendesk.test",
            "127.0.0.1",
            443,
        )
        assert fixed["family"] == socket.AF_INET
        (six,) = await resolver.resolve("acme.v6.test", 8443)
        assert (six["host"], six["family"]) == ("::1", socket.AF_INET6)
        others = await resolver.resolve("localhost", 80, socket.AF_INET)
        assert {entry["host"] for entry in others} == {"127.0.0.1"}
    finally:
        await resolver.close()


def test_resolve_needs_the_shared_transport() -> None:
    with pytest.raises(ValueError, match="only with the shared aiohttp transport"):
        ClientFactory(transport=httpx.AsyncHTTPTransport(), resolve={"zendesk.test": "127.0.0.1"})


def tenant(base_url: str) -> TenantConfig:
    return TenantConfig(
        name="acme",
        subdomain="acme",
        base_url=base_url,
        auth=ApiTokenAuth(email=EMAIL, token=SecretRef(env="UNUSED_RESOLVE_TOKEN")),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )


async def test_a_tenant_host_name_reaches_the_simulator_over_tls(tmp_path: Path) -> None:
    """The name goes into SNI, the certificate check and the Host header; the simulator
    routes by that Host (`host_suffix`), the connection goes to loopback."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("*.zendesk.test").configure_cert(server)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    scenario = parse_scenario(
        {
            "host_suffix": "zendesk.test",
            "tenants": {"acme": {"tokens": [TOKEN], "users": [{"id": 7, "email": EMAIL}]}},
        }
    )
    async with Simulator(scenario, ssl_context=server) as sim:
        base_url = sim.host_base_url("acme")
        assert base_url == f"https://acme.zendesk.test:{sim.port}"
        factory = ClientFactory(ca_file, resolve={"zendesk.test": "127.0.0.1"})
        try:
            authorization = basic_token_authorization(EMAIL, Secret(TOKEN))
            async with factory(tenant(base_url), authorization) as client:
                answer = await client.get("/api/v2/users/me")
        finally:
            await factory.aclose()
        assert isinstance(answer, ApiResponse), answer
        assert answer.status == 200
        assert [(r.tenant, r.path) for r in sim.requests] == [("acme", "/api/v2/users/me")]

        # Without --resolve the name does not exist: a network failure, nothing sent.
        plain = ClientFactory(ca_file)
        try:
            async with plain(tenant(base_url), authorization) as client:
                failed = await client.get("/api/v2/users/me")
        finally:
            await plain.aclose()
        assert isinstance(failed, TransportFailure)
        assert len(sim.requests) == 1
