"""The issue's peer on this machine: blackbox_exporter's CPU per HTTPS probe against the simulator.

Issue 4 gives blackbox_exporter's cost "on this kind of machine" (1.42-1.53 ms CPU per HTTPS
probe) beside its targets for the daemon, so the same probe measured here says how this machine
compares with the one the targets were set on. Debian's `prometheus-blackbox-exporter` runs
pinned to the daemon benchmark's daemon core; the simulator (the daemon benchmark's setup: a
throwaway CA, a certificate for `*.zendesk.test`, a fixed latency) and this driver share the
other core. Each probe is one new TCP and TLS connection (SNI and Host a tenant's name, the
certificate checked against the CA) and one GET of users/me; the exporter's CPU time over the
successful probes, per pass, is the figure.

    .venv/bin/python -m benchmarks.peer_blackbox --probes 5000 --concurrency 50

Loopback only; every process it starts is stopped by PID at the end; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

from benchmarks.daemon import Options as DaemonOptions
from benchmarks.daemon import child_environment, simulator_child, simulator_port
from benchmarks.daemon_procs import (
    BenchmarkError,
    Child,
    Children,
    available_cpus,
    cpu_seconds,
    free_port,
    wait_for,
)
from benchmarks.daemon_setup import HOST_SUFFIX, TOKEN, tenant_name, write_tls
from monitor.config.secrets import Secret
from monitor.zendesk.client import basic_token_authorization

EXPORTER = "prometheus-blackbox-exporter"  # Debian's name; upstream's binary is blackbox_exporter
MODULE = "zendesk_users_me"


def exporter_binary() -> str | None:
    return shutil.which(EXPORTER) or shutil.which("blackbox_exporter")


def write_exporter_config(path: Path, ca: Path) -> Path:
    """One module: GET users/me of tenant 0 as the daemon's first request, the CA trusted."""
    host = f"{tenant_name(0)}.{HOST_SUFFIX}"
    email = f"fusion@{tenant_name(0)}.example"
    module = {
        "prober": "http",
        "timeout": "10s",
        "http": {
            "method": "GET",
            "valid_status_codes": [200],
            "preferred_ip_protocol": "ip4",
            "headers": {
                "Host": host,
                "Accept": "application/json",
                "Authorization": basic_token_authorization(email, Secret(TOKEN)).reveal(),
            },
            "tls_config": {"ca_file": str(ca), "server_name": host},
        },
    }
    path.write_text(yaml.safe_dump({"modules": {MODULE: module}}))
    return path


async def probe_all(exporter: str, target: str, probes: int, concurrency: int) -> list[str]:
    """`probes` probes, `concurrency` at a time; the exporter's answers to those that failed."""
    url = f"{exporter}/probe"
    params = {"module": MODULE, "target": target}
    failed: list[str] = []
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            async with gate, session.get(url, params=params) as response:
                body = await response.text()
            if "\nprobe_success 1" not in body:
                failed.append(body)

        await asyncio.gather(*(one() for _ in range(probes)))
    return failed


def unlimited(simulator: Child, folder: Path) -> Child:
    """Every probe asks the same tenant: its rate limit raised so that no probe gets a 429."""
    scenario = folder / "scenario.json"
    text = json.loads(scenario.read_text())
    for tenant in text["tenants"].values():
        tenant["rate_limit"] = 10**9
    scenario.write_text(json.dumps(text))
    return simulator


def first_probe(exporter: Child, url: str, target: str) -> bool:
    """True once the exporter listens and its probe succeeds."""
    exporter.ensure_alive()
    try:
        return not asyncio.run(probe_all(url, target, 1, 1))
    except aiohttp.ClientConnectionError:
        return False


def measure(args: argparse.Namespace, cpus: list[int], binary: str) -> list[float]:
    """CPU seconds per successful probe of each pass."""
    options = DaemonOptions(tenants=1, latency=args.latency, simulator_cpu=cpus[0])
    with tempfile.TemporaryDirectory(prefix="peer-blackbox-") as name, Children() as children:
        folder = Path(name)
        tls = write_tls(folder)
        simulator = children.start(unlimited(simulator_child(options, folder, tls), folder))
        port = wait_for(lambda: simulator_port(simulator), time.monotonic() + 60, "the simulator")
        listen = f"127.0.0.1:{free_port()}"
        argv = [
            binary,
            f"--config.file={write_exporter_config(folder / 'blackbox.yml', tls.ca)}",
            f"--web.listen-address={listen}",
        ]
        exporter = children.start(
            Child("blackbox_exporter", argv, log=folder / "blackbox.log", cpu=cpus[-1],
                  env=child_environment())
        )  # fmt: skip
        target = f"https://127.0.0.1:{port}/api/v2/users/me"
        exporter_url = f"http://{listen}"
        wait_for(
            lambda: first_probe(exporter, exporter_url, target),
            time.monotonic() + 30,
            "the exporter's first successful probe",
        )
        asyncio.run(probe_all(exporter_url, target, args.probes // 5, args.concurrency))  # warm
        figures = []
        for _ in range(args.repeat):
            before = cpu_seconds(exporter.pid)
            failed = asyncio.run(probe_all(exporter_url, target, args.probes, args.concurrency))
            spent = cpu_seconds(exporter.pid) - before
            if failed:
                first = [line for line in failed[0].splitlines() if not line.startswith("#")]
                raise BenchmarkError(f"{len(failed)} probes failed; the first: {first}")
            figures.append(spent / args.probes)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--probes", type=int, default=5000, help="per pass")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--repeat", type=int, default=5, help="passes")
    args = parser.parse_args(argv)
    binary = exporter_binary()
    if binary is None:
        print(f"no {EXPORTER}: apt-get install -y --no-install-recommends {EXPORTER}")
        return 2
    cpus = available_cpus()
    try:
        os.sched_setaffinity(0, {cpus[0]})  # the driver shares the simulator's core
        figures = measure(args, cpus, binary)
    finally:
        os.sched_setaffinity(0, cpus)
    each = " ".join(f"{figure * 1000:.2f}" for figure in figures)
    print(
        f"blackbox_exporter: median {statistics.median(figures) * 1000:.2f} ms CPU per HTTPS probe "
        f"({each}); {args.probes} probes a pass, concurrency {args.concurrency}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
