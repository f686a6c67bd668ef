"""The `simulate` command: serve a scenario until SIGINT/SIGTERM.

The lead wires `zendesk-monitor simulate` to `add_arguments` and `run`; `python -m
monitor.simulator` runs it standalone.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import ssl
import sys

from monitor.simulator.scenario import Scenario, ScenarioError, default_scenario, load_scenario
from monitor.simulator.server import Simulator

OTHER_LISTENER_NAME = "_other"  # "_" cannot start a tenant name, so this never collides


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="scenario YAML (see examples/scenario.yaml); default: the built-in scenario",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default="127.0.0.1:0",
        help="address of the main listener; port 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", metavar="FILE", help="private key for --tls-cert")
    # For the daemon benchmark: every tenant answer waits this long, like a distant server.
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="delay every tenant answer by this long (default: 0)",
    )


def parse_listen(value: str) -> tuple[str, int]:
    host, colon, port = value.rpartition(":")
    if not colon or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--listen must be HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def _ssl_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None:
        raise ValueError("--tls-key needs --tls-cert")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM: 0; a bad scenario or option: 2; cannot listen: 1."""
    try:
        scenario = default_scenario() if args.scenario is None else load_scenario(args.scenario)
        host, port = parse_listen(args.listen)
        ssl_context = _ssl_context(args.tls_cert, args.tls_key)
        if not (math.isfinite(args.latency) and args.latency >= 0):
            raise ValueError(f"--latency must be 0 or more seconds, got {args.latency}")
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except (ValueError, OSError) as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(scenario, host, port, ssl_context, args.latency))
    except OSError as error:
        print(f"simulate: cannot listen on {args.listen}: {error}", file=sys.stderr)
        return 1


async def _serve(
    scenario: Scenario,
    host: str,
    port: int,
    ssl_context: ssl.SSLContext | None,
    latency: float = 0.0,
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with Simulator(
            scenario, host=host, port=port, ssl_context=ssl_context, latency=latency
        ) as sim:
            lines = [f"{name} {url}" for name, url in sim.tenant_urls().items()]
            lines.append(f"{OTHER_LISTENER_NAME} {sim.other_base_url}")
            print("\n".join(lines), flush=True)
            await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0
