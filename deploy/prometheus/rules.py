"""Renders deploy/prometheus/alerts.yml: as a PrometheusRule, or with another runbook base URL.

    python deploy/prometheus/rules.py prometheusrule [--runbook-base URL] [--namespace NS]
        [--label KEY=VALUE]... [--output FILE] [--check]
    python deploy/prometheus/rules.py rules [--runbook-base URL] [--output FILE] [--check]

`prometheusrule` writes deploy/kubernetes/prometheusrule.yaml by default: a Prometheus Operator
PrometheusRule whose `spec` is alerts.yml's `groups`, comments kept. `rules` writes a plain
rules file (stdout by default). Every `runbook_url` in alerts.yml is one base URL followed by
`docs/runbook.md#<anchor>`; `--runbook-base` replaces that base everywhere, nothing else changes.
`--check` writes nothing and exits 1 when the output file differs from what these options would
write (give the options the file was rendered with).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ALERTS = HERE / "alerts.yml"
PROMETHEUSRULE = ROOT / "deploy" / "kubernetes" / "prometheusrule.yaml"
RUNBOOK_PATH = "docs/runbook.md#"
NAME = "zendesk-monitor"
# The labels of every manifest in deploy/kubernetes (its tests check that they agree).
LABELS = {"app.kubernetes.io/name": "zendesk-monitor", "app.kubernetes.io/component": "exporter"}


class RulesError(ValueError):
    """alerts.yml, or an option, cannot be rendered; the message says why."""


def rule_groups(text: str) -> list[dict[str, Any]]:
    """The `groups` of a rules file's text."""
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("groups"), list):
        raise RulesError("a rules file is a mapping with a list of `groups`")
    groups: list[dict[str, Any]] = document["groups"]
    return groups


def runbook_urls(groups: list[dict[str, Any]]) -> list[str]:
    """Every rule's runbook_url annotation, in file order."""
    return [
        rule["annotations"]["runbook_url"]
        for group in groups
        for rule in group.get("rules", [])
        if "runbook_url" in rule.get("annotations", {})
    ]


def runbook_base(groups: list[dict[str, Any]]) -> str:
    """The one base URL all runbook_urls share (the part before `docs/runbook.md#`)."""
    bases = set()
    for url in runbook_urls(groups):
        base, found, _ = url.partition(RUNBOOK_PATH)
        if not found:
            raise RulesError(f"runbook_url {url!r} does not point into {RUNBOOK_PATH}")
        bases.add(base)
    if len(bases) != 1:
        raise RulesError(f"the runbook_urls need exactly one base URL, not {sorted(bases)}")
    return bases.pop()


def normalized_base(base: str) -> str:
    """`base` as an absolute http(s) URL ending in a slash."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RulesError(f"--runbook-base must be an http(s) URL, not {base!r}")
    if parts.query or parts.fragment:
        raise RulesError(f"--runbook-base must not have a query or fragment: {base!r}")
    return base if base.endswith("/") else base + "/"


def with_runbook_base(text: str, base: str) -> str:
    """alerts.yml's text with every runbook_url under `base` instead of its current base."""
    new = normalized_base(base)
    old = runbook_base(rule_groups(text))
    rendered = text.replace(old + RUNBOOK_PATH, new + RUNBOOK_PATH)
    if runbook_base(rule_groups(rendered)) != new:  # the old base also appeared elsewhere
        raise RulesError(f"could not replace the runbook base {old!r} alone")
    return rendered


def _groups_block(text: str) -> list[str]:
    """The lines of a rules file from its `groups:` line on (its heading comments dropped)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("groups:"):
            return lines[index:]
    raise RulesError("no top-level `groups:` line")


def prometheusrule(
    text: str, *, namespace: str | None = None, labels: dict[str, str] | None = None
) -> str:
    """A PrometheusRule manifest whose spec holds the groups of the rules file `text`."""
    metadata: dict[str, Any] = {"name": NAME}
    if namespace:
        metadata["namespace"] = namespace
    metadata["labels"] = {**LABELS, **(labels or {})}
    head = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule"}
    header = (
        "# Rendered from deploy/prometheus/alerts.yml by deploy/prometheus/rules.py: do not edit.\n"
        "# Change alerts.yml, then: python deploy/prometheus/rules.py prometheusrule\n"
        '# (README "Alerting": the options for the runbook base URL, namespace and labels).\n'
    )
    body = "\n".join("  " + line if line.strip() else "" for line in _groups_block(text))
    manifest = (
        header
        + yaml.safe_dump(head, sort_keys=False)
        + yaml.safe_dump({"metadata": metadata}, sort_keys=False)
        + "spec:\n"
        + body
        + "\n"
    )
    if yaml.safe_load(manifest)["spec"]["groups"] != rule_groups(text):
        raise RulesError("the rendered PrometheusRule does not hold the same groups")
    return manifest


def _label(option: str) -> tuple[str, str]:
    key, found, value = option.partition("=")
    if not found or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {option!r}")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deploy/prometheus/rules.py",
        description="Render deploy/prometheus/alerts.yml as a PrometheusRule or a rules file.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    operator = commands.add_parser("prometheusrule", help="a Prometheus Operator PrometheusRule")
    operator.add_argument("--namespace", help="metadata.namespace (default: none)")
    operator.add_argument(
        "--label",
        type=_label,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra metadata label, e.g. the one the Prometheus resource's ruleSelector "
        "selects (repeatable)",
    )
    operator.add_argument(
        "--output",
        type=Path,
        default=PROMETHEUSRULE,
        help="default: deploy/kubernetes/prometheusrule.yaml; - for stdout",
    )
    plain = commands.add_parser("rules", help="a plain Prometheus rules file")
    plain.add_argument("--output", type=Path, default=Path("-"), help="default: stdout")
    for command in (operator, plain):
        command.add_argument(
            "--runbook-base",
            metavar="URL",
            help="where docs/runbook.md is published, e.g. "
            "https://github.com/ORG/zendesk-monitor/blob/main/ (default: alerts.yml's)",
        )
        command.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 when --output differs from what would be written",
        )
    return parser


def render(args: argparse.Namespace) -> str:
    text = ALERTS.read_text(encoding="utf-8")
    if args.runbook_base is not None:
        text = with_runbook_base(text, args.runbook_base)
    if args.command == "rules":
        return text
    return prometheusrule(text, namespace=args.namespace, labels=dict(args.label))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = render(args)
    except (RulesError, OSError, yaml.YAMLError) as exc:
        print(f"rules.py: {exc}", file=sys.stderr)
        return 2
    target: Path = args.output
    if args.check:
        if str(target) == "-":
            print("rules.py: --check needs an --output file", file=sys.stderr)
            return 2
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != output:
            print(f"{target} is not up to date: render it again without --check", file=sys.stderr)
            return 1
        return 0
    if str(target) == "-":
        sys.stdout.write(output)
    else:
        target.write_text(output, encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
