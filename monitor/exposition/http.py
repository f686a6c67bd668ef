"""The daemon's HTTP endpoints (aiohttp.web): /metrics, /healthz, /readyz, /status, reload.

Reads happen on the event loop (the store is not thread-safe), and are cheap: one snapshot.
Encoding a large answer (Prometheus text, JSON, gzip) runs in the endpoints' one worker thread,
so a scrape of 10,000 tenants does not stall the scheduler on the same loop, and scrapes that
come together (two Prometheus replicas, a person with curl) take turns rather than each holding
its own tens of megabytes at once.
"""

from __future__ import annotations

import asyncio
import errno
import html
import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from aiohttp import web

from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore, TenantView
from monitor.exposition.compression import accepts_gzip, gzip_bytes
from monitor.exposition.metrics import DaemonMetrics, Frame
from monitor.exposition.status_json import status_document

LIFECYCLE_DISABLED = "Lifecycle API is not enabled."
_NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What a config reload did: `ok`, or the problems that kept the old config in force."""

    ok: bool
    problems: list[str] = field(default_factory=list)


Reload = Callable[[], Awaitable[ReloadOutcome]]


class ListenError(OSError):
    """The HTTP listener could not bind (the port is taken, the address is not local...)."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.host, self.port = host, port
        if cause.errno == errno.EADDRINUSE:
            self.reason = "the address is already in use (another process listens on it)"
        else:
            self.reason = cause.strerror or str(cause)

    def __str__(self) -> str:
        return f"cannot listen on {_host_port(self.host, self.port)}: {self.reason}"


def build_app(
    *,
    store: ResultStore,
    status: DaemonStatus,
    metrics: DaemonMetrics,
    reload: Reload | None = None,
    version: str,
) -> web.Application:
    """The daemon's web application; `reload` given enables `POST /-/reload` (the daemon's
    `--web.enable-lifecycle`, as Prometheus has it)."""
    endpoints = _Endpoints(store, status, metrics, reload, version)
    app = web.Application()
    app.router.add_get("/", endpoints.index)
    app.router.add_get("/metrics", endpoints.metrics)
    app.router.add_get("/healthz", endpoints.healthz)
    app.router.add_get("/readyz", endpoints.readyz)
    app.router.add_get("/status", endpoints.status)
    app.router.add_post("/-/reload", endpoints.reload)

    async def stop_renderer(app: web.Application) -> None:
        endpoints.renderer.shutdown(wait=False)

    app.on_cleanup.append(stop_renderer)
    return app


class _Endpoints:
    def __init__(
        self,
        store: ResultStore,
        status: DaemonStatus,
        metrics: DaemonMetrics,
        reload: Reload | None,
        version: str,
    ) -> None:
        self._store = store
        self._status = status
        self._metrics = metrics
        self._reload = reload
        self._reload_lock = asyncio.Lock()  # one reload at a time
        self._version = version
        self.renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")

    async def metrics(self, request: web.Request) -> web.Response:
        frame = self._metrics.capture()
        gzipped = accepts_gzip(request.headers.get("Accept-Encoding"))
        body, content_type = await asyncio.get_running_loop().run_in_executor(
            self.renderer, self._render_metrics, frame, request.headers.get("Accept"), gzipped
        )
        return _encoded(body, content_type, gzipped)

    def _render_metrics(self, frame: Frame, accept: str | None, gzipped: bool) -> tuple[bytes, str]:
        body, content_type = self._metrics.render(accept, frame=frame)
        return (gzip_bytes(body) if gzipped else body), content_type

    async def healthz(self, request: web.Request) -> web.Response:
        if self._status.scheduler_alive:
            return _text("ok")
        heartbeat = self._status.scheduler_heartbeat
        if heartbeat is None:
            reason = "the scheduler has not started"
        else:
            silent = self._status.monotonic() - heartbeat
            limit = self._status.stall_after_seconds
            reason = f"the scheduler has been silent for {silent:.1f} s (limit {limit:g} s)"
        return _text(f"unhealthy: {reason}", status=503)

    async def readyz(self, request: web.Request) -> web.Response:
        if self._store.ready:
            return _text("ready")
        waiting, total = self._store.waiting, len(self._store)
        return _text(
            f"not ready: {waiting} of {total} tenants still wait for a first check",
            status=503,
        )

    async def status(self, request: web.Request) -> web.Response:
        views = self._store.snapshot()
        only = request.query.get("tenant")
        if only is not None and all(view.name != only for view in views):
            return web.json_response(
                {"error": f"unknown tenant: {only}"}, status=404, headers=_NO_STORE
            )
        gzipped = accepts_gzip(request.headers.get("Accept-Encoding"))
        body = await asyncio.get_running_loop().run_in_executor(
            self.renderer, self._render_status, views, only, gzipped
        )
        return _encoded(body, "application/json; charset=utf-8", gzipped)

    def _render_status(self, views: list[TenantView], only: str | None, gzipped: bool) -> bytes:
        document = status_document(views, self._status, version=self._version, only=only)
        body = json.dumps(document, ensure_ascii=False).encode()
        return gzip_bytes(body) if gzipped else body

    async def index(self, request: web.Request) -> web.Response:
        lifecycle = "enabled" if self._reload is not None else "disabled"
        page = _INDEX.format(version=html.escape(self._version), lifecycle=lifecycle)
        return web.Response(text=page, content_type="text/html", headers=_NO_STORE)

    async def reload(self, request: web.Request) -> web.Response:
        if self._reload is None:
            return _text(LIFECYCLE_DISABLED, status=403)
        async with self._reload_lock:
            outcome = await self._reload()
        if outcome.ok:
            return _text("ok")
        problems = "\n".join(outcome.problems) or "the config could not be reloaded"
        return _text(f"reload failed; the previous config stays in force:\n{problems}", status=500)


_INDEX = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>zendesk-monitor</title></head>
<body>
<h1>zendesk-monitor {version}</h1>
<ul>
<li><a href="metrics">/metrics</a>: Prometheus metrics</li>
<li><a href="status">/status</a>: every tenant's last result, as JSON</li>
<li><a href="healthz">/healthz</a>: the scheduler is alive</li>
<li><a href="readyz">/readyz</a>: every tenant has a first result</li>
</ul>
<p>POST /-/reload re-reads the config (lifecycle API {lifecycle}).</p>
</body>
</html>
"""


def _text(text: str, *, status: int = 200) -> web.Response:
    return web.Response(text=text + "\n", status=status, headers=_NO_STORE)


def _encoded(body: bytes, content_type: str, gzipped: bool) -> web.Response:
    headers = {"Content-Type": content_type, "Vary": "Accept, Accept-Encoding", **_NO_STORE}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=body, headers=headers)


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def start_http(
    app: web.Application, host: str, port: int, *, shutdown_timeout: float = 5.0
) -> tuple[web.AppRunner, int]:
    """Serves `app` on host:port (port 0: any free port); returns the runner and the bound port
    (the first socket's, when a host name binds several). Raises `ListenError` when it cannot
    bind, the port taken above all."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        raise ListenError(host, port, error) from error
    bound_port: int = runner.addresses[0][1]
    return runner, bound_port


async def stop(runner: web.AppRunner) -> None:
    """Stops listening and lets requests in flight finish (up to the shutdown timeout)."""
    await runner.cleanup()
