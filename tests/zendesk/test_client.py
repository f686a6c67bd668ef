"""The HTTP boundary over real loopback sockets: answers, failures, redirects, TLS."""

from __future__ import annotations

import asyncio
import base64
import gc
import gzip
import socket
import ssl
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
import trustme
from aiohttp import ClientResponse

from monitor.config.secrets import Secret
from monitor.zendesk import client as client_module
from monitor.zendesk.client import (
    ZendeskClient,
    basic_token_authorization,
    charset_of,
    http_client,
)
from monitor.zendesk.response import ApiResponse, FailureKind, TransportFailure
from monitor.zendesk.session import ClientFactory, shared_http_client
from monitor.zendesk.tls import shared_ssl_context

CANARY = "canary-client-7d1e"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Seen:
    requests: list[bytes] = field(default_factory=list)


@asynccontextmanager
async def serve(handler: Handler, ssl_context: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl_context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def answering(seen: Seen, status: str, headers: dict[str, str], body: bytes = b"") -> Handler:
    """Answers once, the body in 64 KiB writes; a client that stops reading and closes (it had
    enough of a huge body) is fine."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.requests.append(await reader.readuntil(b"\r\n\r\n"))
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        view = memoryview(body)  # slices without copies
        pieces: list[bytes | memoryview] = [head]
        pieces += (view[start : start + 65536] for start in range(0, len(body), 65536))
        try:
            for piece in pieces:
                writer.write(piece)
                await writer.drain()  # the server's buffer holds one piece at a time
        except ConnectionError:
            pass
        finally:
            writer.close()

    return handle


TRANSPORT = {"kind": "httpx"}


@pytest.fixture(autouse=True, params=["httpx", "aiohttp"])
def transport_kind(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test runs on httpx's own transport and on the daemon's shared aiohttp one."""
    TRANSPORT["kind"] = request.param
    yield request.param
    TRANSPORT["kind"] = "httpx"


@asynccontextmanager
async def client(
    port: int,
    *,
    scheme: str = "http",
    timeout: float = 5.0,
    context: ssl.SSLContext | None = None,
    base_url: str | None = None,
) -> AsyncIterator[ZendeskClient]:
    context = context or shared_ssl_context()
    shared = shared_http_client(context) if TRANSPORT["kind"] == "aiohttp" else None
    try:
        async with ZendeskClient(
            base_url or f"{scheme}://127.0.0.1:{port}/prefix",
            basic_token_authorization("fusion@acme.test", Secret(CANARY)),
            ssl_context=context,
            timeout=timeout,
            http=shared,
        ) as opened:
            yield opened
    finally:
        if shared is not None:
            await shared.aclose()


async def test_cookies_set_by_an_answer_never_go_back() -> None:
    seen = Seen()
    cookie = {"Set-Cookie": "__cfruid=abc; Path=/; HttpOnly", "Content-Type": "application/json"}
    async with serve(answering(seen, "200 OK", cookie, b"{}")) as port, client(port) as c:
        await c.get("/api/v2/users/me")
        await c.get("/api/v2/custom_roles")
    assert len(seen.requests) == 2
    assert all(b"cookie" not in request.lower() for request in seen.requests)


async def test_an_answer_leaves_no_response_for_the_garbage_collector() -> None:
    """Read answers are freed as soon as they are dropped: no reference cycle keeps an
    httpx.Response (or aiohttp's beneath it) alive until a collection."""
    seen = Seen()
    json_headers = {"Content-Type": "application/json"}
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        async with serve(answering(seen, "200 OK", json_headers, b"{}")) as port, client(port) as c:
            answer = await c.get("/api/v2/users/me")
            alive = [o for o in gc.get_objects() if isinstance(o, httpx.Response | ClientResponse)]
    finally:
        if was_enabled:
            gc.enable()
    assert isinstance(answer, ApiResponse)
    assert answer.status == 200
    assert alive == []


async def test_the_client_refuses_cookies_given_to_it() -> None:
    http = http_client(shared_ssl_context())
    try:
        with pytest.raises(TypeError, match="keeps no cookies"):
            http.cookies = {"a": "b"}
        assert not http.cookies
    finally:
        await http.aclose()


def test_basic_authorization_is_email_slash_token() -> None:
    header = basic_token_authorization("a@b.test", Secret("t0k")).reveal()
    assert header == "Basic " + base64.b64encode(b"a@b.test/token:t0k").decode()
    assert repr(basic_token_authorization("a@b.test", Secret("t0k"))) == "<secret>"


async def test_get_keeps_prefix_and_reads_headers() -> None:
    seen = Seen()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Zendesk-Request-Id": "req-42",
        "X-Rate-Limit": "700",
        "X-Rate-Limit-Remaining": "699",
        "Set-Cookie": "dropped=1",
    }
    async with (
        serve(answering(seen, "200 OK", headers, b'{"user": {"id": 1}}')) as port,
        client(port) as c,
    ):
        answer = await c.get("/api/v2/users/me", {"include": "groups"})
        assert c.request_count == 1
    assert isinstance(answer, ApiResponse)
    assert answer.status == 200
    assert answer.json_body() == {"user": {"id": 1}}
    assert answer.request_id == "req-42"
    assert (answer.rate_limit, answer.rate_limit_remaining) == (700, 699)
    assert "set-cookie" not in answer.headers
    request = seen.requests[0].decode()
    assert request.startswith("GET /prefix/api/v2/users/me?include=groups HTTP/1.1")
    assert "authorization: basic " in request.lower()


async def test_redirect_is_an_answer_not_followed() -> None:
    seen_here, seen_there = Seen(), Seen()
    async with serve(answering(seen_there, "200 OK", {})) as other:
        location = {"Location": f"http://127.0.0.1:{other}/app/help-center-closed"}
        async with serve(answering(seen_here, "302 Found", location)) as port, client(port) as c:
            answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, ApiResponse)
    assert answer.status == 302
    assert answer.location == location["Location"]
    assert seen_there.requests == []


async def test_connection_refused_is_a_network_failure() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with client(port) as c:
        answer = await c.get("/api/v2/users/me")
    assert answer == TransportFailure(FailureKind.NETWORK, "connection refused")


async def test_reset_without_answer_is_a_network_failure() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.transport.abort()

    async with serve(hang_up) as port, client(port) as c:
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, TransportFailure)
    assert answer.kind is FailureKind.NETWORK
    assert CANARY not in answer.detail


async def test_no_answer_in_time_is_a_timeout() -> None:
    release = asyncio.Event()

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    async with serve(stall) as port, client(port, timeout=0.05) as c:
        answer = await c.get("/api/v2/users/me")
        release.set()
    assert isinstance(answer, TransportFailure)
    assert answer.kind is FailureKind.TIMEOUT


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, host: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(host).configure_cert(context)
    return context


async def test_untrusted_certificate_is_a_network_failure(ca: trustme.CA) -> None:
    seen = Seen()
    context = server_context(ca, "127.0.0.1")
    async with (
        serve(answering(seen, "200 OK", {}), context) as port,
        client(port, scheme="https") as c,
    ):
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, TransportFailure)
    assert answer.kind is FailureKind.NETWORK
    assert answer.detail.startswith("TLS certificate verification failed")


async def test_hostname_mismatch_is_a_network_failure(ca: trustme.CA) -> None:
    """A subdomain written as "acme.zendesk.com" meets a certificate for another name."""
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    seen = Seen()
    context = server_context(ca, "acme.zendesk.com")
    async with (
        serve(answering(seen, "200 OK", {}), context) as port,
        client(port, scheme="https", context=trusting) as c,
    ):
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, TransportFailure)
    assert "TLS certificate verification failed" in answer.detail
    assert "mismatch" in answer.detail.lower() or "match" in answer.detail.lower()


async def test_trusted_certificate_answers(ca: trustme.CA) -> None:
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    seen = Seen()
    context = server_context(ca, "127.0.0.1")
    async with (
        serve(answering(seen, "200 OK", {}, b"ok"), context) as port,
        client(port, scheme="https", context=trusting) as c,
    ):
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, ApiResponse)
    assert answer.text == "ok"


async def test_proxy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Seen()
    async with serve(answering(seen, "200 OK", {}, b"via proxy")) as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy}")
        monkeypatch.setenv("NO_PROXY", "")
        async with client(0, base_url="http://acme.zendesk.invalid") as c:
            answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, ApiResponse)
    assert answer.text == "via proxy"
    assert seen.requests[0].startswith(b"GET http://acme.zendesk.invalid/api/v2/users/me HTTP/1.1")


async def test_no_proxy_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    direct, proxied = Seen(), Seen()
    async with (
        serve(answering(proxied, "200 OK", {})) as proxy,
        serve(answering(direct, "200 OK", {})) as port,
    ):
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with client(port) as c:
            await c.get("/api/v2/users/me")
    assert len(direct.requests) == 1
    assert proxied.requests == []


def test_one_tls_context_for_every_client() -> None:
    assert ClientFactory()._ssl_context is ClientFactory()._ssl_context


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("application/json", "utf-8"),
        ("application/json; charset=utf-8", "utf-8"),
        ('text/html; Charset="ISO-8859-1"', "iso8859-1"),
        ("text/plain; charset=latin-1; format=flowed", "iso8859-1"),
        ("text/plain; charset=no-such-encoding", "utf-8"),
        ("", "utf-8"),
    ],
)
def test_the_body_is_decoded_with_the_content_types_known_charset(
    content_type: str, charset: str
) -> None:
    assert charset_of(content_type) == charset


async def test_a_latin_1_body_is_decoded_as_latin_1() -> None:
    headers = {"Content-Type": "text/plain; charset=iso-8859-1"}
    body = "Zürich".encode("latin-1")
    async with serve(answering(Seen(), "500 Oops", headers, body)) as port, client(port) as c:
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, ApiResponse)
    assert answer.text == "Zürich"


async def test_a_huge_body_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A body far over the limit (a proxy's page, a wrong base_url) is cut while it streams in:
    the client never holds the rest."""
    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 1024)
    body = b"x" * (8 * 1024 * 1024)
    json_headers = {"Content-Type": "application/json"}
    async with serve(answering(Seen(), "200 OK", json_headers, body)) as port, client(port) as c:
        tracemalloc.start()
        try:
            answer = await c.get("/api/v2/users/me")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(answer, ApiResponse)
    assert answer.text == "x" * 1024
    assert peak < 2 * 1024 * 1024  # a whole read holds the 8 MiB body at least once


async def test_a_compressed_body_is_cut_after_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit counts decoded bytes: a small gzip body that expands far past it (a
    compression bomb) stops at the limit, decoded correctly up to there."""
    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 1000)
    text = '{"user": {"name": "' + "ü" * 2_000_000 + '"}}'
    headers = {"Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"}
    async with (
        serve(answering(Seen(), "200 OK", headers, gzip.compress(text.encode()))) as port,
        client(port) as c,
    ):
        answer = await c.get("/api/v2/users/me")
    assert isinstance(answer, ApiResponse)
    assert answer.text == text.encode()[:1000].decode("utf-8", errors="replace")
