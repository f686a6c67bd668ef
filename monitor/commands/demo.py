"""`zendesk-monitor demo`: the built-in simulator, a config for its tenants, and one check round.

Everything lives in a temporary folder that is removed on exit; the scenario's tokens are fake
values made for the simulator.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

import yaml

from monitor.commands.check import run_check
from monitor.commands.run import run_daemon
from monitor.config.load import load
from monitor.simulator import SimulatorThread, TenantState, default_scenario

DEMO_INTERVAL = "15s"  # short, so that the flapping tenant's changes show within a minute


def demo_config(sim: SimulatorThread, token_dir: Path) -> dict[str, Any]:
    """A monitor config for every tenant of the running simulator, tokens in files."""
    tenants = []
    for name, state in sorted(sim.state.tenants.items()):
        token_file = token_dir / f"{name}.token"
        token_file.write_text(state.tokens[0].token if state.tokens else "no-token-issued")
        token_file.chmod(0o600)
        email = state.users[0].email if state.users else f"fusion@{name}.example"
        tenants.append(
            {
                "name": name,
                "subdomain": name,
                "base_url": sim.base_url(name),
                "auth": {"type": "api_token", "email": email, "token_file": str(token_file)},
                "expect": _expect(state),
            }
        )
    return {"defaults": {"interval": DEMO_INTERVAL, "timeout": "5s"}, "tenants": tenants}


def _expect(state: TenantState) -> dict[str, Any]:
    # A tenant whose integration user is limited to its groups expects every scenario group.
    if state.users and state.users[0].ticket_restriction == "groups":
        return {"ticket_access": "groups", "groups": [g.name for g in state.groups]}
    return {"ticket_access": "all"}


def run_demo(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """With `--once`, one check round printed as a table; else the daemon, until Ctrl-C."""
    out, err = out or sys.stdout, err or sys.stderr
    with (
        tempfile.TemporaryDirectory(prefix="zendesk-monitor-demo-") as folder,
        SimulatorThread(default_scenario()) as sim,
    ):
        config_path = Path(folder) / "config.yaml"
        config_path.write_text(yaml.safe_dump(demo_config(sim, Path(folder)), sort_keys=False))
        outcome = load(str(config_path))
        if outcome.config is None:  # the demo's own config: a bug if it does not load
            err.write("".join(p.render(str(config_path)) + "\n" for p in outcome.problems))
            return 2
        out.write(f"Zendesk simulator at {sim.url}, {len(outcome.config.tenants)} tenants.\n")
        if args.once:
            out.write("\n")
            return run_check(outcome.config, [], fmt="text", concurrency=50, out=out, err=err)

        def announce(url: str) -> None:
            out.write(
                f"zendesk-monitor checks them every {DEMO_INTERVAL}:\n"
                f"  metrics: {url}/metrics\n  status:  {url}/status\n"
                "Press Ctrl-C to stop.\n"
            )
            out.flush()

        return run_daemon(str(config_path), args, announce)
