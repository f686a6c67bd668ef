"""How long `monitor.config.load` takes for a config of N tenants (the target: 10,000 in 0.5 s).

Writes a config of N valid tenants in a temporary folder (like a generated one: a base_url and
an auth mapping each) and loads it a few times in this process, reporting the best and the
median wall time, and the CPU time (less disturbed by other work on a busy machine).

    .venv/bin/python -m benchmarks.config_load --tenants 10000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from monitor.config import load


def config(count: int) -> dict[str, object]:
    tenants = [
        {
            "name": f"t{i}",
            "subdomain": f"t{i}",
            "base_url": f"http://127.0.0.1:1/t{i}",
            "auth": {"type": "api_token", "email": "a@b.co", "token_env": "X"},
        }
        for i in range(count)
    ]
    return {"tenants": tenants}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    walls: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump(config(args.tenants)), encoding="utf-8")
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            outcome = load(str(path))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if outcome.problems or outcome.config is None:
                print(f"unexpected problems: {outcome.problems[:3]}", file=sys.stderr)
                return 1
        size = path.stat().st_size
    print(f"tenants: {args.tenants}, file: {size / 1e6:.1f} MB, loads: {args.repeat}")
    print(f"wall time: best {min(walls):.3f} s, median {statistics.median(walls):.3f} s")
    print(f"CPU time:  best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
