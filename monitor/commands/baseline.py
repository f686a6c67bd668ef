"""`zendesk-monitor baseline accept`: check one tenant now and adopt its permissions as the
baseline the daemon compares later checks against (see monitor/daemon/baselines.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from monitor.checks.result import CheckResult
from monitor.checks.runner import Checker
from monitor.config.load import load
from monitor.config.model import Config, InvalidTenant, TenantConfig
from monitor.daemon.baselines import (
    ACCEPTABLE,
    BaselineError,
    BaselineStore,
    compare,
    facts_of,
)
from monitor.zendesk.session import ClientFactory

CONFIG_ENV = "ZENDESK_MONITOR_CONFIG"  # as in monitor/cli.py
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROG = "zendesk-monitor baseline accept"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="baseline_action", required=True, metavar="ACTION")
    accept = actions.add_parser(
        "accept",
        help="check a tenant now and make its current permissions its baseline",
        description="Checks the tenant once and, when the credential authenticates, stores its "
        "permission facts as the baseline; a running daemon uses it after its next config "
        "reload.",
    )
    accept.add_argument("-c", "--config", help=f"config file (default: ${CONFIG_ENV})")
    accept.add_argument(
        "--state-dir",
        required=True,
        metavar="DIR",
        help="the daemon's state directory (baselines are in DIR/baselines)",
    )
    accept.add_argument("--tenant", required=True, metavar="NAME", help="the tenant to accept")


def run(args: argparse.Namespace) -> int:
    # The only action so far; argparse refuses any other.
    return accept(
        args.config or os.environ.get(CONFIG_ENV),
        Path(args.state_dir),
        args.tenant,
        out=sys.stdout,
        err=sys.stderr,
    )


def accept(config_path: str | None, state_dir: Path, name: str, *, out: TextIO, err: TextIO) -> int:
    if not config_path:
        err.write(f"{PROG}: give -c FILE or set ${CONFIG_ENV}\n")
        return EXIT_USAGE
    outcome = load(config_path)
    if outcome.config is None or outcome.file_problems:
        err.write("".join(p.render(config_path) + "\n" for p in outcome.file_problems))
        return EXIT_USAGE
    config = outcome.config
    tenant = next((t for t in config.entries if t.name == name), None)
    if tenant is None:
        err.write(f'{PROG}: unknown tenant "{name}"; known: {", ".join(config.names)}\n')
        return EXIT_USAGE

    result = asyncio.run(_check_once(config, tenant))
    facts = facts_of(result)
    if facts is None or result.category not in ACCEPTABLE:
        err.write(
            f"{PROG}: {name} is {result.category.value}: {result.detail}\n"
            f"  hint: {result.hint}\n"
            "  the baseline is unchanged\n"
        )
        return EXIT_FAILED

    store = BaselineStore(state_dir)
    old = store.get(name)
    unreadable = [p for p in store.problems if p.path == store.path(name)]
    try:
        store.set(name, facts)
    except BaselineError as exc:
        err.write(f"{PROG}: {exc}\n")
        return EXIT_FAILED
    lines = [f"  {problem}; moved aside to {name}.json.corrupt" for problem in unreadable]
    if old is None:
        lines.insert(0, f"{name}: baseline created in {store.path(name)}")
    else:
        diff = compare(old, facts)
        verb = "unchanged" if diff.is_empty else "replaced"
        lines.insert(0, f"{name}: baseline {verb} in {store.path(name)}")
        lines += [f"  {line}" for line in diff.lines()]
    if not result.healthy:
        lines.append(
            f"  note: {name} is {result.category.value} now ({result.detail}); accepting "
            "does not change what the tenant is expected to have"
        )
    lines.append("  a running daemon uses the new baseline after its next config reload")
    out.write("".join(line + "\n" for line in lines))
    out.flush()
    return EXIT_OK


async def _check_once(config: Config, tenant: TenantConfig | InvalidTenant) -> CheckResult:
    factory = ClientFactory(config.defaults.ca_file)
    try:
        return await Checker(factory, authorization=factory.authorize).check(tenant)
    finally:
        await factory.aclose()


__all__ = ["accept", "add_arguments", "run"]
