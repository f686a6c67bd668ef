"""The whole monitoring path on loopback: simulator -> daemon -> Prometheus -> Alertmanager.

`start_stack(tmp)` starts the Zendesk simulator (a thread), the real daemon (`python -m monitor
run`, 1 s interval), a real Prometheus (scrapes the daemon every second under the job
`zendesk-monitor` and evaluates a copy of `deploy/prometheus/alerts.yml` whose `for:`,
`keep_firing_for:` and group `interval:` durations are divided by 300, expressions untouched)
and a real Alertmanager (gossip off, everything routed to a null receiver). It returns once
Prometheus has scraped the daemon a few times, and stops every process by its PID (terminate,
wait, kill) when the block ends, however it ends. Every wait has a deadline; nothing sleeps a
fixed time.

Prometheus and Alertmanager are Debian's `prometheus` and `prometheus-alertmanager` packages
(scripts/test installs them).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from monitor.simulator import SimulatorThread, parse_scenario
from tests.canary import CANARY_ENV, CANARY_TOKEN
from tests.cli.run import ROOT
from tests.daemon.process import Daemon, eventually, write_yaml

ALERTS_FILE = ROOT / "deploy" / "prometheus" / "alerts.yml"
JOB = "zendesk-monitor"
INTERVAL = "1s"
# 5m -> 1s, 30m -> 6s, 1h -> 12s; never below 1 s.
DURATION_DIVISOR = 300
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
MIN_SCRAPES = 3
_PORT_ATTEMPTS = 3


def _user(name: str, **fields: Any) -> dict[str, Any]:
    return {"id": 1001, "email": f"fusion@{name}.example", **fields}


def scenario() -> dict[str, Any]:
    """Tenants chosen so every dashboard panel has data, and one (`flip`) for the alert test."""
    return {
        "tenants": {
            "healthy": {"tokens": [CANARY_TOKEN], "users": [_user("healthy")]},
            # A deactivated token: auth_failed, never a success.
            "broken": {
                "tokens": [{"token": CANARY_TOKEN, "active": False}],
                "users": [_user("broken")],
            },
            # Authenticates, but may only write private comments: a permission set to 0.
            "private": {
                "tokens": [CANARY_TOKEN],
                "users": [_user("private", only_private_comments=True)],
            },
            # Always answers 429: transient, no verdict, no headroom left.
            "busy": {
                "tokens": [CANARY_TOKEN],
                "users": [_user("busy")],
                "faults": [{"path": "/api/v2/users/me", "kind": "rate_limited", "retry_after": 1}],
            },
            # Healthy until a test breaks it.
            "flip": {"tokens": [CANARY_TOKEN], "users": [_user("flip")]},
        }
    }


TENANTS: tuple[str, ...] = tuple(scenario()["tenants"])


def daemon_config(sim: SimulatorThread) -> dict[str, Any]:
    return {
        "defaults": {"interval": INTERVAL, "timeout": "0.8s"},
        "tenants": [
            {
                "name": name,
                "subdomain": name,
                "base_url": sim.base_url(name),
                "auth": {
                    "type": "api_token",
                    "email": f"fusion@{name}.example",
                    "token_env": CANARY_ENV,
                },
            }
            for name in TENANTS
        ],
    }


# ---- shortened alert rules ---------------------------------------------------------------------

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_DURATION_LINE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)?(?P<key>for|keep_firing_for|interval)\s*:\s*)"
    r"(?P<quote>[\"']?)(?P<value>[0-9a-z]+)(?P=quote)(?P<rest>\s*(?:#.*)?)$"
)
# `interval` is a rule group's own evaluation interval, which overrides the global one.
_SHORTENED_KEYS = ("for", "keep_firing_for", "interval")


def duration_seconds(text: str) -> float:
    """A Prometheus duration (`5m`, `1h30m`, `250ms`) in seconds."""
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(number) * _UNITS[unit] for number, unit in parts)


def shortened(value: str) -> str:
    seconds = duration_seconds(value)
    if seconds == 0:
        return value
    return f"{max(1, round(seconds / DURATION_DIVISOR))}s"


def _without_durations(rules: Any) -> Any:
    if isinstance(rules, dict):
        return {k: _without_durations(v) for k, v in rules.items() if k not in _SHORTENED_KEYS}
    if isinstance(rules, list):
        return [_without_durations(v) for v in rules]
    return rules


def _durations(rules: Any) -> list[str]:
    found: list[str] = []
    if isinstance(rules, dict):
        for key, value in rules.items():
            if key in _SHORTENED_KEYS:
                found.append(str(value))
            else:
                found.extend(_durations(value))
    elif isinstance(rules, list):
        for value in rules:
            found.extend(_durations(value))
    return found


def shorten_rules(text: str) -> str:
    """The rule file with each `for:`/`keep_firing_for:`/`interval:` divided, the rest kept.

    Edits only those lines, then checks the parsed result: the same rules (expressions,
    labels, annotations) apart from the durations, and every duration shortened.
    """
    replaced = 0

    def edit(line: str) -> str:
        nonlocal replaced
        match = _DURATION_LINE.match(line)
        if match is None:
            return line
        replaced += 1
        return f"{match['lead']}{shortened(match['value'])}{match['rest']}"

    out = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out += edit(body) + line[len(body) :]
    before, after = yaml.safe_load(text), yaml.safe_load(out)
    assert _without_durations(before) == _without_durations(after), "only durations may change"
    expected = len(_durations(before))
    assert replaced == expected, (
        f"shortened {replaced} of {expected} durations: write each for:, keep_firing_for: and"
        " interval: on its own line (block style) so the test can shorten it"
    )
    assert _durations(after) == [shortened(v) for v in _durations(before)]
    return out


# ---- external processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def binary(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed: scripts/test installs Debian's package for it"
    return path


class Server:
    """An external server on a loopback port; its output goes to a file, echoed at stop."""

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, argv: Callable[[str], list[str]], ready_path: str) -> None:
        """Starts `argv(listen_address)` and waits for `ready_path`; retries a taken port."""
        for _ in range(_PORT_ATTEMPTS):
            address = f"127.0.0.1:{free_port()}"
            self.url = f"http://{address}"
            with self.log.open("ab") as log:
                self._process = subprocess.Popen(
                    argv(address), stdin=subprocess.DEVNULL, stdout=log, stderr=log
                )
            eventually(
                lambda: self._answers(ready_path) or self._process_exited(),
                timeout=START_TIMEOUT,
                what=f"{self.name} to be ready",
            )
            if not self._process_exited():
                return
            self.stop()
            if "address already in use" not in self.log.read_text(errors="replace"):
                break
        raise AssertionError(f"{self.name} did not start:\n{self.log.read_text(errors='replace')}")

    def _process_exited(self) -> bool:
        return self._process is not None and self._process.poll() is not None

    def _answers(self, path: str) -> bool:
        try:
            return httpx.get(self.url + path, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """Terminates the process by its PID, waits, kills it if it lingers; echoes its log."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # Echoed so a failure shows it and the session's canary scan reads it.
        sys.stderr.write(f"== {self.name} (exit {process.returncode})\n")
        sys.stderr.write(self.log.read_text(errors="replace"))


# ---- the stack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    sim: SimulatorThread
    daemon: Daemon
    prometheus: str
    alertmanager: str
    rules: Path | None  # the shortened copy of deploy/prometheus/alerts.yml, when it exists

    def query(self, expr: str) -> dict[str, Any]:
        """Prometheus's whole answer to an instant query (`status`, `data` or `error`)."""
        response = httpx.get(f"{self.prometheus}/api/v1/query", params={"query": expr}, timeout=10)
        answer: dict[str, Any] = response.json()
        return answer

    def vector(self, expr: str) -> list[dict[str, Any]]:
        """The samples of an instant query; fails on a query error."""
        answer = self.query(expr)
        assert answer["status"] == "success", f"{expr}: {answer.get('error')}"
        result: list[dict[str, Any]] = answer["data"]["result"]
        return result

    def prometheus_api(self, path: str, **params: str | list[str]) -> Any:
        response = httpx.get(f"{self.prometheus}/api/v1/{path}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()["data"]

    def alerts(self, *matchers: str, active_only: bool = True) -> list[dict[str, Any]]:
        """Alertmanager's `GET /api/v2/alerts`, with label matchers such as `tenant="flip"`."""
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("filter", m) for m in matchers
        ]
        if active_only:
            params.append(("active", "true"))
        response = httpx.get(f"{self.alertmanager}/api/v2/alerts", params=params, timeout=10)
        response.raise_for_status()
        alerts: list[dict[str, Any]] = response.json()
        return alerts


def prometheus_config(daemon_address: str, alertmanager: str, rules: Path | None) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules)] if rules is not None else [],
        "alerting": {
            "alertmanagers": [
                {"static_configs": [{"targets": [alertmanager.removeprefix("http://")]}]}
            ]
        },
        "scrape_configs": [
            {"job_name": JOB, "static_configs": [{"targets": [daemon_address]}]},
        ],
    }


ALERTMANAGER_CONFIG: dict[str, Any] = {
    "route": {
        "receiver": "null",
        "group_by": ["alertname", "tenant"],
        "group_wait": "1s",
        "group_interval": "1s",
        "repeat_interval": "1h",
    },
    "receivers": [{"name": "null"}],
}


def _scraped(stack: Stack) -> bool:
    scrapes = stack.vector(f'count_over_time(up{{job="{JOB}"}}[1m])')
    ready = stack.vector(f'zendesk_monitor_ready{{job="{JOB}"}} == 1')
    statuses = stack.vector("count by (tenant) (zendesk_credential_status)")
    return (
        bool(scrapes)
        and float(scrapes[0]["value"][1]) >= MIN_SCRAPES
        and bool(ready)
        and len(statuses) == len(TENANTS)
    )


def _wired(stack: Stack) -> bool:
    """Prometheus knows the Alertmanager and has loaded the rules."""
    managers = stack.prometheus_api("alertmanagers")["activeAlertmanagers"]
    groups = stack.prometheus_api("rules")["groups"]
    return bool(managers) and (stack.rules is None or bool(groups))


@contextlib.contextmanager
def start_stack(tmp: Path) -> Iterator[Stack]:
    """Starts the whole stack under `tmp`; stops every process when the block ends."""
    prometheus_bin, alertmanager_bin = binary("prometheus"), binary("prometheus-alertmanager")
    with contextlib.ExitStack() as cleanup:
        sim = SimulatorThread(parse_scenario(scenario()))
        sim.start()
        cleanup.callback(sim.stop)

        config = write_yaml(tmp / "monitor.yaml", daemon_config(sim))
        daemon = Daemon("-c", str(config))
        cleanup.callback(daemon.stop)
        daemon.start()

        alertmanager = Server("alertmanager", tmp / "alertmanager.log")
        cleanup.callback(alertmanager.stop)
        am_config = write_yaml(tmp / "alertmanager.yml", ALERTMANAGER_CONFIG)
        alertmanager.start(
            lambda address: [
                alertmanager_bin,
                f"--config.file={am_config}",
                f"--storage.path={tmp / 'alertmanager-data'}",
                f"--web.listen-address={address}",
                "--cluster.listen-address=",  # no gossip
            ],
            "/-/ready",
        )

        rules: Path | None = None
        if ALERTS_FILE.exists():
            rules = tmp / "alerts.yml"
            rules.write_text(shorten_rules(ALERTS_FILE.read_text()))
        prom_config = write_yaml(
            tmp / "prometheus.yml",
            prometheus_config(daemon.url.removeprefix("http://"), alertmanager.url, rules),
        )
        prometheus = Server("prometheus", tmp / "prometheus.log")
        cleanup.callback(prometheus.stop)
        prometheus.start(
            lambda address: [
                prometheus_bin,
                f"--config.file={prom_config}",
                f"--storage.tsdb.path={tmp / 'prometheus-data'}",
                f"--web.listen-address={address}",
                # A firing alert is sent again after this; the default (1m) would make one
                # lost notification cost a minute.
                "--rules.alert.resend-delay=1s",
            ],
            "/-/ready",
        )

        stack = Stack(sim, daemon, prometheus.url, alertmanager.url, rules)
        eventually(lambda: _wired(stack), timeout=START_TIMEOUT, what="Prometheus -> Alertmanager")
        eventually(lambda: _scraped(stack), timeout=START_TIMEOUT, what="a few scrapes")
        yield stack
