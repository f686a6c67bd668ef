"""`zendesk-monitor baseline accept` against the simulator over real sockets."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.commands import baseline as baseline_command
from monitor.daemon.baselines import BaselineStore
from monitor.simulator import SimulatorThread, parse_scenario
from tests.canary import CANARY_ENV, CANARY_TOKEN
from tests.cli.run import Ran, write_config

USER = {"id": 1001, "email": "fusion@acme.example"}


def run_baseline(*argv: str) -> Ran:
    """`zendesk-monitor baseline ARGV` as the CLI dispatches it, output echoed for the canary
    scan. (Once monitor/cli.py wires the command, this is `run_main("baseline", *argv)`.)"""
    parser = argparse.ArgumentParser(prog="zendesk-monitor baseline")
    baseline_command.add_arguments(parser)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = baseline_command.run(args)
    sys.stdout.write(out.getvalue())
    sys.stderr.write(err.getvalue())
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    scenario = {
        "tenants": {
            "acme": {"tokens": [CANARY_TOKEN], "users": [USER]},
            "globex": {"tokens": [CANARY_TOKEN], "users": [USER]},
        }
    }
    with SimulatorThread(parse_scenario(scenario)) as running:
        yield running


@pytest.fixture
def config(sim: SimulatorThread, tmp_path: Path) -> Path:
    tenants = [
        {
            "name": name,
            "subdomain": name,
            "base_url": sim.base_url(name),
            "auth": {"type": "api_token", "email": USER["email"], "token_env": CANARY_ENV},
        }
        for name in ("acme", "globex")
    ]
    return write_config(tmp_path / "config.yaml", tenants)


def accept(config: Path, state: Path, tenant: str = "acme") -> Ran:
    return run_baseline("accept", "-c", str(config), "--state-dir", str(state), "--tenant", tenant)


def baseline_file(state: Path, tenant: str = "acme") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((state / "baselines" / f"{tenant}.json").read_text())
    return document


def test_accept_creates_the_baseline(config: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    ran = accept(config, state)
    assert ran.code == 0, ran.stderr
    path = state / "baselines" / "acme.json"
    assert ran.stdout.splitlines()[0] == f"acme: baseline created in {path}"
    facts = baseline_file(state)["facts"]
    assert facts["user_id"] == 1001
    assert facts["role"] == "agent"
    assert facts["role_configuration"]["ticket_access"] == "all"
    assert BaselineStore(state).get("acme") == facts
    assert BaselineStore(state).names() == ["acme"]  # only the tenant asked for


def test_accept_again_reports_the_diff_and_replaces_the_baseline(
    config: Path, tmp_path: Path, sim: SimulatorThread
) -> None:
    state = tmp_path / "state"
    assert accept(config, state).code == 0
    unchanged = accept(config, state)
    assert unchanged.code == 0
    assert unchanged.stdout.startswith("acme: baseline unchanged in ")

    # The integration user is made an admin: role_type 4, and no custom role (this tenant has
    # none of the admin type), so no role configuration either.
    sim.patch_tenant("acme", {"users": [{**USER, "role": "admin"}]})
    ran = accept(config, state)
    assert ran.code == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("acme: baseline replaced in ")
    assert '  widened role: "agent" -> "admin"' in lines
    assert "  widened role_type: 0 -> 4" in lines
    assert "  changed custom_role_id: 6 -> null" in lines
    assert any(line.startswith("  changed role_configuration: {") for line in lines)
    facts = baseline_file(state)["facts"]
    assert (facts["role"], facts["role_type"], facts["role_configuration"]) == ("admin", 4, None)


def test_accept_of_a_narrowed_tenant_that_fails_its_expect_still_adopts_it(
    config: Path, tmp_path: Path, sim: SimulatorThread
) -> None:
    state = tmp_path / "state"
    assert accept(config, state).code == 0
    sim.patch_tenant("acme", {"users": [{**USER, "only_private_comments": True}]})
    ran = accept(config, state)
    assert ran.code == 0, ran.stderr
    assert "  narrowed only_private_comments: false -> true" in ran.stdout.splitlines()
    assert "note: acme is permission_regression now" in ran.stdout
    assert baseline_file(state)["facts"]["only_private_comments"] is True


def test_accept_on_a_broken_tenant_exits_1_and_leaves_the_baseline(
    config: Path, tmp_path: Path, sim: SimulatorThread
) -> None:
    state = tmp_path / "state"
    assert accept(config, state).code == 0
    before = (state / "baselines" / "acme.json").read_bytes()
    sim.patch_tenant("acme", {"tokens": [{"token": CANARY_TOKEN, "active": False}]})
    ran = accept(config, state)
    assert ran.code == 1
    assert ran.stdout == ""
    assert "acme is auth_failed" in ran.stderr
    assert "the baseline is unchanged" in ran.stderr
    assert (state / "baselines" / "acme.json").read_bytes() == before


def test_accept_on_a_broken_tenant_without_a_baseline_makes_none(
    config: Path, tmp_path: Path, sim: SimulatorThread
) -> None:
    sim.patch_tenant("acme", {"users": [{**USER, "suspended": True}]})
    ran = accept(config, tmp_path / "state")
    assert ran.code == 1
    assert "acme is user_suspended" in ran.stderr
    assert not (tmp_path / "state").exists()


def test_accept_replaces_a_corrupt_baseline_and_keeps_it_aside(
    config: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "state" / "baselines"
    directory.mkdir(parents=True)
    (directory / "acme.json").write_text("{not json")
    ran = accept(config, tmp_path / "state")
    assert ran.code == 0, ran.stderr
    assert "baseline created" in ran.stdout
    assert "is not valid JSON" in ran.stdout
    assert (directory / "acme.json.corrupt").read_text() == "{not json"
    assert baseline_file(tmp_path / "state")["facts"]["user_id"] == 1001


def test_an_unknown_tenant_is_a_usage_error(config: Path, tmp_path: Path) -> None:
    ran = accept(config, tmp_path / "state", tenant="initech")
    assert ran.code == 2
    assert 'unknown tenant "initech"; known: acme, globex' in ran.stderr
    assert not (tmp_path / "state").exists()


def test_a_config_file_problem_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("tenants: [\n")
    ran = accept(bad, tmp_path / "state")
    assert ran.code == 2
    assert str(bad) in ran.stderr
    assert ran.stdout == ""


def test_the_config_comes_from_the_environment_when_not_given(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(baseline_command.CONFIG_ENV, str(config))
    ran = run_baseline("accept", "--state-dir", str(tmp_path / "state"), "--tenant", "globex")
    assert ran.code == 0, ran.stderr
    assert ran.stdout.startswith("globex: baseline created")
    monkeypatch.delenv(baseline_command.CONFIG_ENV)
    ran = run_baseline("accept", "--state-dir", str(tmp_path / "state"), "--tenant", "globex")
    assert ran.code == 2
    assert "give -c FILE" in ran.stderr


def test_an_unwritable_state_dir_exits_1(config: Path, tmp_path: Path) -> None:
    (tmp_path / "state").write_text("")
    ran = accept(config, tmp_path / "state")
    assert ran.code == 1
    assert "acme.json: cannot be written" in ran.stderr


def test_state_dir_and_tenant_are_required() -> None:
    parser = argparse.ArgumentParser(prog="zendesk-monitor baseline")
    baseline_command.add_arguments(parser)
    with contextlib.redirect_stderr(io.StringIO()), pytest.raises(SystemExit) as exited:
        parser.parse_args(["accept", "-c", "x.yaml", "--tenant", "acme"])
    assert exited.value.code == 2
