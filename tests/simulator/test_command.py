"""The `simulate` command: options, a bad scenario, serving until a signal."""

from __future__ import annotations

import argparse
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from monitor.simulator.command import add_arguments, parse_listen, run

from .support import basic

EXAMPLE = Path(__file__).parents[2] / "examples" / "scenario.yaml"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults() -> None:
    args = parse()
    assert (args.scenario, args.listen) == (None, "127.0.0.1:0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("127.0.0.1:8080", ("127.0.0.1", 8080)), (":0", ("127.0.0.1", 0)), ("[::1]:9", ("::1", 9))],
)
def test_parse_listen(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["8080", "host:", "host:http", "h:70000"])
def test_parse_listen_rejects(value: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_listen(value)


def test_a_bad_scenario_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("tenants:\n  acme: {plan: gold}\n")
    assert run(parse("--scenario", str(path))) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"{path}: tenants.acme.plan: must be one of enterprise, professional, team; got 'gold'\n"
    )


@pytest.mark.parametrize(
    "argv",
    [("--listen", "nonsense"), ("--tls-key", "key.pem"), ("--tls-cert", "/no/such/cert.pem")],
)
def test_bad_options_exit_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(*argv)) == 2
    assert capsys.readouterr().err.startswith("simulate: ")


def read_lines(process: subprocess.Popen[str], until: str, timeout: float = 10) -> list[str]:
    """Lines from stdout up to one starting with `until`; a thread keeps the wait bounded."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    found: list[str] = []
    while not found or not found[-1].startswith(until):
        try:
            found.append(lines.get(timeout=timeout).rstrip("\n"))
        except queue.Empty:
            pytest.fail(f"no {until!r} line in time; got {found}")
    return found


@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_a_signal(signum: signal.Signals) -> None:
    command = [sys.executable, "-m", "monitor.simulator", "--scenario", str(EXAMPLE)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            lines = read_lines(process, "_other ")
            urls = dict(line.split(" ", 1) for line in lines)
            assert list(urls) == ["acme", "globex", "gone", "_other"]
            # globex: the example's acme has scripted 429s on users/me.
            response = httpx.get(
                f"{urls['globex']}/api/v2/users/me",
                headers=basic("fusion@globex.example", "globex-token-1"),
            )
            assert response.json()["user"]["id"] == 2001
            process.send_signal(signum)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
        assert process.stderr is not None
        assert process.stderr.read() == ""
