"""The `zendesk-monitor` command: parses arguments and dispatches to one module per command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import monitor.simulator.command as simulate_command
from monitor import __version__
from monitor.commands import baseline as baseline_command
from monitor.commands import run as run_command
from monitor.commands.check import run_check
from monitor.commands.demo import run_demo
from monitor.config.load import load
from monitor.config.validate import validate
from monitor.exposition.logs import LEVELS, configure_logging

CONFIG_ENV = "ZENDESK_MONITOR_CONFIG"
EXIT_USAGE = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zendesk-monitor",
        description="Checks that Zendesk integration credentials still work, and says why not.",
    )
    parser.add_argument("--version", action="version", version=f"zendesk-monitor {__version__}")
    parser.add_argument("--log-level", choices=LEVELS, default="info", help="default: info")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    config_help = f"config file (default: ${CONFIG_ENV})"
    validate = commands.add_parser("validate", help="check a config file and exit")
    validate.add_argument("-c", "--config", help=config_help)
    validate.add_argument(
        "--check-secrets", action="store_true", help="also read every referenced secret"
    )

    check = commands.add_parser("check", help="check tenants once and print the results")
    check.add_argument("-c", "--config", help=config_help)
    check.add_argument(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME",
        help="only this tenant (repeatable)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--concurrency", type=_positive_int, default=50, help="default: 50")

    simulate = commands.add_parser("simulate", help="run the built-in Zendesk simulator")
    simulate_command.add_arguments(simulate)

    demo = commands.add_parser(
        "demo", help="run the daemon against the built-in simulator (--once: check once)"
    )
    demo.add_argument("--once", action="store_true", help="check every tenant once and exit")
    demo.add_argument(
        "--concurrency", type=_positive_int, default=200, help="checks at once (default: 200)"
    )
    run_command.add_arguments(demo)
    demo.set_defaults(listen=run_command.parse_listen("127.0.0.1:9853"), log_format="console")

    run = commands.add_parser("run", help="run the daemon: scheduled checks, /metrics, /status")
    run.add_argument("-c", "--config", help=config_help)
    run.add_argument(
        "--concurrency", type=_positive_int, default=200, help="checks at once (default: 200)"
    )
    run_command.add_arguments(run)

    baseline = commands.add_parser(
        "baseline", help="adopt a tenant's current permissions as its baseline"
    )
    baseline_command.add_arguments(baseline)
    return parser


def _config_path(args: argparse.Namespace) -> str | None:
    path: str | None = args.config or os.environ.get(CONFIG_ENV)
    if not path:
        sys.stderr.write(f"zendesk-monitor {args.command}: give -c FILE or set ${CONFIG_ENV}\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        # The daemon's logs are its output: JSON lines on stdout, as collectors expect.
        configure_logging(args.log_level, stream=sys.stdout, fmt=args.log_format)
    elif args.command == "demo":
        # A person watches the demo: only what breaks and recovers, readable.
        level = "warning" if args.log_level == "info" else args.log_level
        configure_logging(level, stream=sys.stderr, fmt=args.log_format)
    else:
        # One-shot commands keep stdout for the table or the JSON document.
        configure_logging(args.log_level, stream=sys.stderr)
    if args.command == "simulate":
        return simulate_command.run(args)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "baseline":
        return baseline_command.run(args)  # reads -c / $ZENDESK_MONITOR_CONFIG itself
    path = _config_path(args)
    if path is None:
        return EXIT_USAGE
    if args.command == "run":
        return run_command.run_daemon(path, args)
    if args.command == "validate":
        lines, code = validate(path, check_secrets=args.check_secrets)
        sys.stdout.write("".join(line + "\n" for line in lines))
        return code
    return _check(path, args)


def _check(path: str, args: argparse.Namespace) -> int:
    outcome = load(path)
    if outcome.config is None or outcome.file_problems:
        sys.stderr.write("".join(p.render(path) + "\n" for p in outcome.file_problems))
        return EXIT_USAGE
    return run_check(
        outcome.config,
        args.tenant,
        fmt=args.format,
        concurrency=args.concurrency,
        out=sys.stdout,
        err=sys.stderr,
    )
