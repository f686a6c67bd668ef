"""The command line as an operator meets it: exit codes, formats, config discovery, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor import __version__
from monitor.simulator import SimulatorThread, parse_scenario
from tests.canary import CANARY_ENV, CANARY_TOKEN
from tests.cli.run import ROOT, run_main, run_process, write_config

SCENARIO = {
    "tenants": {
        "good": {"tokens": [CANARY_TOKEN], "users": [{"id": 1, "email": "fusion@good.example"}]},
        "busy": {
            "tokens": [CANARY_TOKEN],
            "users": [{"id": 1, "email": "fusion@busy.example"}],
            "faults": [{"kind": "rate_limited", "retry_after": 7}],
        },
    }
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(parse_scenario(SCENARIO)) as simulator:
        yield simulator


def entry(sim: SimulatorThread, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "subdomain": name,
        "base_url": sim.base_url(name),
        "auth": {"type": "api_token", "email": f"fusion@{name}.example", "token_env": CANARY_ENV},
        **extra,
    }


@pytest.fixture
def config(sim: SimulatorThread, tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.yaml", [entry(sim, "good"), entry(sim, "busy")])


def test_version() -> None:
    ran = run_process("--version")
    assert ran.code == 0
    assert ran.stdout.strip() == f"zendesk-monitor {__version__}"


def test_all_ok_exits_0(config: Path) -> None:
    ran = run_main("check", "-c", str(config), "--tenant", "good")
    assert ran.code == 0
    assert ran.stdout.splitlines()[0].split() == ["TENANT", "CATEGORY", "DETAIL"]
    assert ran.stdout.splitlines()[1].split()[:2] == ["good", "ok"]


def test_only_transient_failures_exit_3(config: Path) -> None:
    ran = run_main("check", "-c", str(config), "--format", "json")
    assert ran.code == 3
    results = {t["tenant"]: t for t in json.loads(ran.stdout)["tenants"]}
    assert results["busy"]["category"] == "rate_limited"
    assert results["busy"]["retry_after_seconds"] == 7


def test_text_output_shows_hint_and_retry_after(config: Path) -> None:
    ran = run_main("check", "-c", str(config), "--tenant", "busy")
    assert "rate_limited" in ran.stdout
    assert "hint: No credential verdict" in ran.stdout
    assert "retry after: 7 s" in ran.stdout


def test_unknown_tenant_is_a_usage_error(config: Path) -> None:
    ran = run_main("check", "-c", str(config), "--tenant", "nope")
    assert ran.code == 2
    assert ran.stdout == ""
    assert 'unknown tenant "nope"; known: good, busy' in ran.stderr


def test_config_from_the_environment(config: Path) -> None:
    ran = run_process(
        "check", "--tenant", "good", "--format", "json", env={"ZENDESK_MONITOR_CONFIG": str(config)}
    )
    assert ran.code == 0, ran.stderr
    assert json.loads(ran.stdout)["tenants"][0]["category"] == "ok"


def test_no_config_at_all_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZENDESK_MONITOR_CONFIG", raising=False)
    ran = run_main("check")
    assert ran.code == 2
    assert "give -c FILE or set $ZENDESK_MONITOR_CONFIG" in ran.stderr


def test_file_level_problem_prints_nothing_on_stdout(sim: SimulatorThread, tmp_path: Path) -> None:
    path = write_config(tmp_path / "bad.yaml", [entry(sim, "good"), entry(sim, "good")])
    ran = run_main("check", "-c", str(path))
    assert ran.code == 2
    assert ran.stdout == ""
    assert ran.stderr.splitlines() == [
        f'{path}:16: tenants[1].name: "good" is already the name of tenants[0]'
    ]


def test_tenant_problem_is_config_invalid_and_others_run(
    sim: SimulatorThread, tmp_path: Path
) -> None:
    path = write_config(
        tmp_path / "c.yaml", [entry(sim, "good"), entry(sim, "broken", subdomain="Broken")]
    )
    ran = run_main("check", "-c", str(path), "--format", "json")
    assert ran.code == 1
    results = json.loads(ran.stdout)["tenants"]
    assert [(r["tenant"], r["category"]) for r in results] == [
        ("good", "ok"),
        ("broken", "config_invalid"),
    ]
    assert (
        results[1]["detail"]
        == 'tenants[1].subdomain: "Broken" has uppercase letters; write "broken"'
    )
    validate = run_main("validate", "-c", str(path))
    assert validate.code == 2


def test_validate_valid_file(config: Path) -> None:
    ran = run_main("validate", "-c", str(config))
    assert (ran.code, ran.stdout) == (0, "ok: 2 tenants\n")


def test_validate_reads_secrets_only_when_asked(sim: SimulatorThread, tmp_path: Path) -> None:
    unset = entry(sim, "good")
    unset["auth"]["token_env"] = "ZENDESK_MONITOR_TEST_NEVER_SET"
    path = write_config(tmp_path / "c.yaml", [unset])
    assert run_main("validate", "-c", str(path)).code == 0
    ran = run_main("validate", "-c", str(path), "--check-secrets")
    assert ran.code == 2
    assert (
        "tenants[0].auth.token_env: environment variable ZENDESK_MONITOR_TEST_NEVER_SET is not set"
        in ran.stdout
    )


def test_bad_concurrency_is_a_usage_error(config: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        run_main("check", "-c", str(config), "--concurrency", "0")
    assert exited.value.code == 2


def test_console_script_is_installed() -> None:
    script = shutil.which("zendesk-monitor", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(
        [script, "--version"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.stdout.strip() == f"zendesk-monitor {__version__}"
