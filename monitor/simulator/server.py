"""`Simulator`: the Zendesk look-alike on real sockets, its two listeners and its request log.

The main listener serves every tenant (path prefix `/<tenant>` or Host `<tenant>.<suffix>`)
and the control API under `/_simulator/`. The other listener stands in for www.zendesk.com,
where closed accounts redirect; it shows whether a client carried credentials across.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from monitor.simulator import answers, control, tenant
from monitor.simulator.auth import scheme_of
from monitor.simulator.faults import ConnectionReset
from monitor.simulator.requestlog import Listener, RequestLog, RequestRecord
from monitor.simulator.routing import resolve
from monitor.simulator.scenario import Scenario, default_scenario, parse_tenant
from monitor.simulator.state import TENANT_FIELDS, Fault, SimulatorState, TenantState


class _Listener:
    """One listening socket served by one low-level aiohttp server."""

    def __init__(self, runner: web.ServerRunner, sock: socket.socket) -> None:
        self.runner = runner
        self.port: int = sock.getsockname()[1]

    @classmethod
    async def start(
        cls,
        handler: Callable[[web.BaseRequest], Any],
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None,
        shutdown_timeout: float,
    ) -> _Listener:
        runner = web.ServerRunner(
            web.Server(handler, access_log=None), shutdown_timeout=shutdown_timeout
        )
        await runner.setup()
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.create_server((host, port), family=family, backlog=1024)
        except OSError:
            await runner.cleanup()
            raise
        try:
            await web.SockSite(runner, sock, ssl_context=ssl_context, backlog=1024).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        return cls(runner, sock)

    async def stop(self) -> None:
        await self.runner.cleanup()


def _url_host(host: str) -> str:
    """A host for URLs: wildcard binds are reached through loopback; IPv6 gets brackets."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - recognising a wildcard bind, not binding one
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class Simulator:
    """`async with Simulator(scenario) as sim:` serves until the block ends.

    No scenario: the built-in one. `port`/`other_port` 0 pick free ports; `ssl_context` serves
    HTTPS on both listeners; `clock` (monotonic seconds) drives the rate-limit windows;
    `latency` (seconds) delays every tenant answer, as a distant Zendesk would (benchmarks).

    `sim.state` holds the live, mutable tenants: change them (or use the helpers below, or
    the control API) and the next request sees the change.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        other_port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        host_suffix: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        request_log_limit: int | None = 100_000,
        shutdown_timeout: float = 0.5,
        latency: float = 0.0,
    ) -> None:
        scenario = default_scenario() if scenario is None else scenario
        if not (math.isfinite(latency) and latency >= 0):
            raise ValueError(f"latency must be 0 or more seconds, got {latency}")
        # A private copy: two simulators built from one Scenario must not share state.
        self.state = SimulatorState({n: t.clone() for n, t in scenario.tenants.items()})
        self.host_suffix = (host_suffix or scenario.host_suffix or "").strip(".").lower() or None
        self._defaults = dict(scenario.defaults)
        self._host = host
        self._ports = (port, other_port)
        self._ssl_context = ssl_context
        self._clock = clock
        self._shutdown_timeout = shutdown_timeout
        self._latency = latency
        self._log = RequestLog(request_log_limit)
        self._main: _Listener | None = None
        self._other: _Listener | None = None
        self._request_ids = itertools.count(1)
        self._request_id_prefix = secrets.token_hex(4)

    # ---- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._main is not None:
            raise RuntimeError("the simulator is already running")
        main_port, other_port = self._ports
        self._main = await self._listen(self._handle_main, main_port)
        try:
            self._other = await self._listen(self._handle_other, other_port)
        except BaseException:
            await self.stop()
            raise

    async def _listen(self, handler: Callable[[web.BaseRequest], Any], port: int) -> _Listener:
        return await _Listener.start(
            handler, self._host, port, self._ssl_context, self._shutdown_timeout
        )

    async def stop(self) -> None:
        listeners, self._main, self._other = (self._other, self._main), None, None
        for listener in listeners:
            if listener is not None:
                await listener.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- addresses ----------------------------------------------------------------------------

    @property
    def scheme(self) -> str:
        return "http" if self._ssl_context is None else "https"

    @property
    def port(self) -> int:
        return self._running(self._main).port

    @property
    def other_port(self) -> int:
        return self._running(self._other).port

    @property
    def url(self) -> str:
        """The main listener's root (the control API is under `{url}/_simulator/`)."""
        return f"{self.scheme}://{_url_host(self._host)}:{self.port}"

    @property
    def other_base_url(self) -> str:
        return f"{self.scheme}://{_url_host(self._host)}:{self.other_port}"

    def base_url(self, tenant_name: str) -> str:
        """The tenant's base URL by path prefix: requests go to `{base_url}/api/v2/...`."""
        return f"{self.url}/{tenant_name}"

    def host_base_url(self, tenant_name: str) -> str:
        """The tenant's base URL by host name (needs `host_suffix` and name resolution)."""
        if self.host_suffix is None:
            raise RuntimeError("no host_suffix configured")
        return f"{self.scheme}://{tenant_name}.{self.host_suffix}:{self.port}"

    def tenant_urls(self) -> dict[str, str]:
        return {name: self.base_url(name) for name in self.state.tenants}

    @staticmethod
    def _running(listener: _Listener | None) -> _Listener:
        if listener is None:
            raise RuntimeError("the simulator is not running")
        return listener

    # ---- request log --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    @property
    def requests_total(self) -> int:
        """Requests answered since start on both listeners (not the control API); unlike the
        log, never bounded nor cleared."""
        return self._log.total

    # ---- changing tenants ---------------------------------------------------------------------

    def update_tenant(self, name: str, **fields: Any) -> None:
        """Set TenantState fields (Python values, e.g. `tokens=[Token(...)]`)."""
        tenant_state = self.state[name]
        unknown = sorted(set(fields) - TENANT_FIELDS)
        if unknown:
            raise TypeError(f"TenantState has no field(s): {', '.join(unknown)}")
        for key, value in fields.items():
            setattr(tenant_state, key, value)

    def set_tenant(self, name: str, tenant_state: TenantState) -> None:
        self.state.set(name, tenant_state)

    def remove_tenant(self, name: str) -> None:
        self.state.remove(name)

    def add_fault(self, name: str, fault: Fault) -> None:
        self.state[name].faults.append(fault)

    def clear_faults(self, name: str) -> None:
        self.state[name].faults.clear()

    def patch_tenant(self, name: str, raw: Mapping[str, Any]) -> None:
        """Replace top-level keys given in scenario format; raises ScenarioError, KeyError."""
        current = self.state[name]
        patched = parse_tenant(name, raw, base=current)
        for key in raw:
            setattr(current, key, getattr(patched, key))

    def put_tenant(self, name: str, raw: Mapping[str, Any]) -> bool:
        """Add or replace a tenant given in scenario format; True when it is new."""
        new = parse_tenant(name, raw, defaults=self._defaults)
        created = name not in self.state
        self.state.set(name, new)
        return created

    # ---- handlers -----------------------------------------------------------------------------

    def _stamp(self, response: web.StreamResponse) -> None:
        request_id = f"{self._request_id_prefix}-{next(self._request_ids):08x}"
        response.headers["x-zendesk-request-id"] = request_id
        response.headers["x-request-id"] = request_id
        response.headers["x-zendesk-api-version"] = "v2"

    def _record(
        self,
        listener: Listener,
        tenant_name: str | None,
        path: str,
        status: int,
        request: web.BaseRequest,
    ) -> None:
        authorization = request.headers.get("Authorization")
        self._log.append(
            RequestRecord(
                listener=listener,
                tenant=tenant_name,
                method=request.method,
                path=path,
                query=request.query_string,
                authorization_scheme=scheme_of(authorization),
                has_authorization=authorization is not None,
                status=status,
            )
        )

    async def _handle_main(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path == control.PREFIX or path.startswith(control.PREFIX + "/"):
            return await control.handle(request, self)
        target = resolve(self.scheme, request.host, path, self.host_suffix)
        status = 0  # stays 0 when the connection is reset or the handler is cancelled
        try:
            if self._latency:  # the fixed round trip of a distant server (benchmarks)
                await asyncio.sleep(self._latency)
            if target.tenant is None:
                response = answers.text(404, "Not Found")
            else:
                response = await tenant.answer(
                    request, target, self.state, self._clock, self.other_base_url
                )
            self._stamp(response)
            status = response.status
            return response
        except ConnectionReset:
            return web.Response()  # never sent: the transport is already gone
        finally:
            self._record("main", target.tenant, target.path, status, request)

    async def _handle_other(self, request: web.BaseRequest) -> web.StreamResponse:
        response = answers.help_center_closed()
        self._stamp(response)
        self._record("other", None, request.path, response.status, request)
        return response
