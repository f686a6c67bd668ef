"""How long `zendesk-monitor check` takes over N simulated tenants (issue 3's target: 500 < 10 s).

Starts the simulator in this process (its own thread and loop), writes a config for N healthy
Enterprise tenants (2 requests each: users/me and custom_roles), runs the real CLI as a
subprocess and reports its wall time and CPU seconds.

    .venv/bin/python -m benchmarks.check_tenants --tenants 500
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from monitor.simulator import SimulatorThread, parse_scenario

TOKEN = "benchmark-token"  # a fake token the simulator accepts; nothing real
TOKEN_ENV = "ZENDESK_MONITOR_BENCHMARK_TOKEN"


def scenario(count: int) -> dict[str, object]:
    return {
        "tenants": {
            f"t{i:05d}": {
                "tokens": [TOKEN],
                "users": [{"id": 1, "email": f"fusion@t{i:05d}.example"}],
            }
            for i in range(count)
        }
    }


def config(sim: SimulatorThread, count: int) -> dict[str, object]:
    tenants = [
        {
            "name": f"t{i:05d}",
            "subdomain": f"t{i:05d}",
            "base_url": sim.base_url(f"t{i:05d}"),
            "auth": {
                "type": "api_token",
                "email": f"fusion@t{i:05d}.example",
                "token_env": TOKEN_ENV,
            },
        }
        for i in range(count)
    ]
    return {"defaults": {"timeout": "30s", "interval": "60s"}, "tenants": tenants}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with (
        SimulatorThread(parse_scenario(scenario(args.tenants))) as sim,
        tempfile.TemporaryDirectory() as folder,
    ):
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump(config(sim, args.tenants)))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "monitor",
                "check",
                "-c",
                str(path),
                "--format",
                "json",
                "--concurrency",
                str(args.concurrency),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, TOKEN_ENV: TOKEN},
            check=False,
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = len(sim.requests)
    results = json.loads(done.stdout)["tenants"]
    categories: dict[str, int] = {}
    for result in results:
        categories[result["category"]] = categories.get(result["category"], 0) + 1
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"tenants: {args.tenants}, concurrency: {args.concurrency}, exit code: {done.returncode}")
    print(f"categories: {categories}")
    print(f"requests: {requests}")
    print(f"wall time: {wall:.2f} s (process start, config load, checks, output)")
    print(f"check process CPU: {cpu:.2f} s, {1000 * cpu / max(requests, 1):.2f} ms per request")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
