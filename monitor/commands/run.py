"""`zendesk-monitor run`: the daemon. Wires config, scheduler, checks, store and exposition."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import structlog

from monitor import __version__
from monitor.checks.runner import Checker
from monitor.config.load import load
from monitor.config.model import Config
from monitor.daemon import gc_policy, sharding
from monitor.daemon.baselines import BaselineJudge, BaselineStore
from monitor.daemon.reload import Reloader
from monitor.daemon.scheduler import CheckScheduler
from monitor.daemon.service import Monitor
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore
from monitor.exposition import events
from monitor.exposition.http import ReloadOutcome, build_app, start_http
from monitor.exposition.metrics import DaemonMetrics
from monitor.zendesk.session import ClientFactory

log = structlog.get_logger("monitor.daemon")

EXIT_OK = 0
EXIT_PORT_TAKEN = 1
EXIT_CONFIG = 2
# An exporter listens for Prometheus on every interface, as node_exporter does.
DEFAULT_LISTEN = "0.0.0.0:9853"


@dataclass(frozen=True, slots=True)
class Listen:
    host: str
    port: int


def parse_listen(text: str) -> Listen:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT (e.g. 0.0.0.0:9853)")
    return Listen(host.strip("[]") or "0.0.0.0", int(port))  # noqa: S104 - see DEFAULT_LISTEN


def parse_resolve(text: str) -> tuple[str, str]:
    """`SUFFIX:ADDRESS` (`zendesk.test:127.0.0.1`, `zendesk.test:[::1]`) -> (suffix, address)."""
    suffix, sep, address = text.partition(":")
    suffix, address = suffix.strip().strip(".").lower(), address.strip().strip("[]")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        sep = ""
    if not sep or not suffix:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SUFFIX:ADDRESS (e.g. zendesk.test:127.0.0.1)"
        )
    return suffix, address


def parse_shard_argument(text: str) -> sharding.Shard:
    """`--shard I/N` or `auto/N` (README "Sharding"); `auto` reads this host's name."""
    try:
        return sharding.parse_shard(text, hostname=socket.gethostname())
    except sharding.ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--listen",
        type=parse_listen,
        default=parse_listen(DEFAULT_LISTEN),
        metavar="HOST:PORT",
        help=f"metrics and status endpoints (default: {DEFAULT_LISTEN})",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where permission baselines persist (default: memory only)",
    )
    parser.add_argument(
        "--watch-config",
        action="store_true",
        help="reload when the config file's content changes (ConfigMaps send no signal)",
    )
    parser.add_argument(
        "--web.enable-lifecycle",
        dest="enable_lifecycle",
        action="store_true",
        help="accept POST /-/reload, as Prometheus does",
    )
    parser.add_argument("--log-format", choices=("json", "console"), default="json")
    parser.add_argument(
        "--shutdown-grace",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long in-flight checks may finish at shutdown (default: 10)",
    )
    parser.add_argument(
        "--no-spread",
        dest="spread",
        action="store_false",
        help="start every tenant's first check at once (benchmarks)",
    )
    # A testing aid, like curl's --resolve: the benchmark's simulated tenants each have a host
    # name under one suffix, all served on loopback (see ClientFactory).
    parser.add_argument(
        "--resolve",
        type=parse_resolve,
        action="append",
        default=[],
        metavar="SUFFIX:ADDRESS",
        help="connect to ADDRESS for SUFFIX and every host name under it (repeatable; testing)",
    )
    # Sharding (README "Sharding"): N replicas split the tenants; this one checks shard I.
    parser.add_argument(
        "--shard",
        type=parse_shard_argument,
        default=None,
        metavar="I/N",
        help="check only the tenants of shard I of N (0 <= I < N); auto/N takes I from the "
        "host name's trailing -<n>, as in a StatefulSet (default: every tenant)",
    )


def run_daemon(
    path: str, args: argparse.Namespace, announce: Callable[[str], None] | None = None
) -> int:
    """Runs until SIGTERM/SIGINT; `announce(url)` is called once the endpoints listen."""
    outcome = load(path)
    if outcome.config is None or outcome.file_problems:
        sys.stderr.write("".join(p.render(path) + "\n" for p in outcome.file_problems))
        return EXIT_CONFIG
    try:
        return asyncio.run(_serve(path, outcome.config, args, announce))
    except OSError as exc:  # the listen address is taken or not ours
        where = f"{args.listen.host}:{args.listen.port}"
        sys.stderr.write(f"zendesk-monitor run: cannot listen on {where}: {exc.strerror or exc}\n")
        return EXIT_PORT_TAKEN


async def _serve(
    path: str,
    config: Config,
    args: argparse.Namespace,
    announce: Callable[[str], None] | None,
) -> int:
    gc_policy.tune()
    status = DaemonStatus()
    store = ResultStore()
    metrics = DaemonMetrics(store=store, status=status, version=__version__)
    baselines = BaselineStore(None if args.state_dir is None else Path(args.state_dir))
    if not baselines.persistent:
        log.warning(
            "baselines_in_memory", reason="no --state-dir: permission baselines are lost on restart"
        )
    clients = ClientFactory(config.defaults.ca_file, resolve=dict(args.resolve))
    monitor = Monitor(
        checker=Checker(clients, authorization=clients.authorize, on_rejected=clients.forget_token),
        store=store,
        metrics=metrics,
        judge=BaselineJudge(baselines, config_path=path),
    )
    scheduler = CheckScheduler(
        monitor.check, status=status, concurrency=args.concurrency, spread_first_runs=args.spread
    )
    status.scheduler = scheduler  # its lag percentiles and skipped runs, for /status

    def apply(new: Config) -> None:
        # With --shard, only this replica's tenants, at start and on every reload.
        change = monitor.apply(sharding.select(new, args.shard))
        scheduler.set_tenants(monitor.intervals)
        for name in change.changed:
            scheduler.restart(name)
        for problem in baselines.reload():
            events.baseline_unusable(str(problem))
        events.config_reloaded(
            tenants=len(monitor.intervals),
            added=change.added,
            removed=change.removed,
            changed=change.changed,
            invalid=change.invalid,
        )

    reloader = Reloader(path, apply, status)

    async def reload_over_http() -> ReloadOutcome:
        result = await reloader.reload_async()
        return ReloadOutcome(result.ok, result.problems)

    app = build_app(
        store=store,
        status=status,
        metrics=metrics,
        version=__version__,
        reload=reload_over_http if args.enable_lifecycle else None,
    )
    runner, port = await start_http(app, args.listen.host, args.listen.port)
    log.info(
        "listening",
        address=f"{args.listen.host}:{port}",
        tenants=len(sharding.select(config, args.shard).entries),  # this shard's, with --shard
    )
    if announce is not None:
        announce(f"http://{args.listen.host}:{port}")
    apply(config)
    status.config_reload_success_at = time.time()
    scheduler.start()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    reloads: set[asyncio.Task[object]] = set()  # referenced until done, as asyncio asks

    def reload_on_signal() -> None:
        task: asyncio.Task[object] = asyncio.ensure_future(reloader.reload_async())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, reload_on_signal)
    watcher = asyncio.create_task(reloader.watch()) if args.watch_config else None
    try:
        await stop.wait()
    finally:
        log.info("shutting_down", grace_seconds=args.shutdown_grace)
        if watcher is not None:
            watcher.cancel()
        cancelled = await scheduler.shutdown(grace_seconds=args.shutdown_grace)
        await clients.aclose()
        await runner.cleanup()
        log.info("stopped", cancelled_checks=cancelled)
    return EXIT_OK
