"""Sharding (`run --shard I/N`): which replica checks which tenant, parsing, and the daemon."""

from __future__ import annotations

import hashlib
import re
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.cli import build_parser
from monitor.config.load import load_text
from monitor.config.model import Config
from monitor.daemon.sharding import Shard, ShardError, parse_shard, select, shard_of
from tests.daemon.process import Daemon, eventually, metric_samples, write_yaml

NAMES = [f"tenant-{i:05d}" for i in range(10_000)]


def reference_shard(name: str, count: int) -> int:
    """The formula of README "Sharding", written out again."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count


@pytest.mark.parametrize("count", [2, 3, 4, 5, 8, 10])
def test_tenants_spread_evenly(count: int) -> None:
    sizes = Counter(shard_of(name, count) for name in NAMES)
    expected = len(NAMES) / count
    assert sorted(sizes) == list(range(count))
    for shard, size in sizes.items():
        assert abs(size - expected) <= 0.1 * expected, (shard, size, expected)


def test_the_shard_of_a_name_never_changes() -> None:
    # Pinned: a change of the function would move tenants between running replicas.
    assert [shard_of("acme", n) for n in (1, 2, 3, 10)] == [0, 0, 0, 2]
    assert [shard_of("globex", n) for n in (1, 2, 3, 10)] == [0, 1, 1, 9]
    assert [shard_of("initech", n) for n in (1, 2, 3, 10)] == [0, 1, 1, 3]
    assert [shard_of("umbrella_eu", n) for n in (1, 2, 3, 10)] == [0, 1, 1, 1]
    assert [shard_of("tenant-0001", n) for n in (1, 2, 3, 10)] == [0, 1, 1, 7]
    for name in NAMES[:500]:
        assert shard_of(name, 7) == shard_of(name, 7) == reference_shard(name, 7)


def test_shard_of_needs_at_least_one_shard() -> None:
    with pytest.raises(ShardError, match="at least 1"):
        shard_of("acme", 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0/1", Shard(0, 1)), ("0/2", Shard(0, 2)), ("1/2", Shard(1, 2)), (" 9/10 ", Shard(9, 10))],
)
def test_parse_explicit_shards(text: str, expected: Shard) -> None:
    assert parse_shard(text, hostname="anything") == expected
    assert str(expected) == text.strip()


@pytest.mark.parametrize(
    ("hostname", "index"),
    [
        ("zendesk-monitor-0", 0),
        ("zendesk-monitor-2", 2),
        ("zendesk-monitor-2.zendesk-monitor.monitoring.svc.cluster.local", 2),
        ("eu-1-zendesk-monitor-1", 1),
    ],
)
def test_auto_takes_the_shard_from_the_host_name(hostname: str, index: int) -> None:
    assert parse_shard("auto/3", hostname=hostname) == Shard(index, 3)


@pytest.mark.parametrize(
    ("text", "hostname", "message"),
    [
        ("", "h-0", "is not I/N or auto/N"),
        ("1", "h-0", "is not I/N or auto/N"),
        ("a/2", "h-0", "is not I/N or auto/N"),
        ("-1/2", "h-0", "is not I/N or auto/N"),
        ("1/2/3", "h-0", "is not I/N or auto/N"),
        ("auto", "h-0", "is not I/N or auto/N"),
        ("2/2", "h-0", "shard 2 does not exist: shards of 2 are numbered 0 to 1"),
        ("0/0", "h-0", "at least 1"),
        ("auto/0", "h-0", "at least 1"),
        ("auto/3", "localhost", "needs a host name ending in -<number>"),
        ("auto/3", "zendesk-monitor-2x", "needs a host name ending in -<number>"),
        ("auto/3", "zendesk-monitor-3", "is shard 3, but auto/3 has shards 0 to 2"),
    ],
)
def test_unusable_shards_say_why(text: str, hostname: str, message: str) -> None:
    with pytest.raises(ShardError, match=re.escape(message)):
        parse_shard(text, hostname=hostname)


def config_of(names: list[str], invalid: tuple[str, ...] = ()) -> Config:
    tenants: list[dict[str, Any]] = [
        {
            "name": name,
            "subdomain": name.replace("_", "-"),
            "auth": {"type": "api_token", "email": "a@b.example", "token_env": "T"},
        }
        for name in names
    ]
    tenants += [{"name": name, "subdomain": "bad subdomain!"} for name in invalid]
    outcome = load_text(yaml.safe_dump({"tenants": tenants}))
    assert outcome.config is not None, outcome.problems
    return outcome.config


def test_shards_cover_every_tenant_exactly_once() -> None:
    names = NAMES[:300]
    invalid = ("broken-1", "broken-2", "broken-3", "broken-4")
    config = config_of(names, invalid)
    assert len(config.invalid_tenants) == len(invalid)
    for count in (1, 2, 3):
        parts = [select(config, Shard(i, count)) for i in range(count)]
        seen = Counter(name for part in parts for name in part.names)
        assert seen == Counter(config.names), count
        for index, part in enumerate(parts):
            assert all(shard_of(name, count) == index for name in part.names)
            assert part.defaults == config.defaults
            # The file's order is kept, and invalid tenants stay invalid in their shard.
            assert part.names == [n for n in config.names if n in set(part.names)]
            assert {t.name for t in part.invalid_tenants} <= set(invalid)


def test_no_shard_keeps_the_whole_config() -> None:
    config = config_of(["acme", "globex"])
    assert select(config, None) is config
    assert select(config, Shard(0, 1)) == config


def test_run_parses_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    assert parser.parse_args(["run", "-c", "c.yaml"]).shard is None
    assert parser.parse_args(["run", "-c", "c.yaml", "--shard", "1/2"]).shard == Shard(1, 2)
    monkeypatch.setattr("socket.gethostname", lambda: "zendesk-monitor-4")
    assert parser.parse_args(["run", "-c", "c.yaml", "--shard", "auto/5"]).shard == Shard(4, 5)


@pytest.mark.parametrize(
    ("value", "hostname", "message"),
    [
        ("1-2", "zendesk-monitor-0", "argument --shard: '1-2' is not I/N or auto/N"),
        ("2/2", "zendesk-monitor-0", "argument --shard: shard 2 does not exist"),
        ("auto/2", "laptop", "argument --shard: auto/2 needs a host name ending in -<number>"),
    ],
)
def test_run_rejects_unusable_shards_as_usage_errors(
    value: str,
    hostname: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("socket.gethostname", lambda: hostname)
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["run", "-c", "c.yaml", "--shard", value])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def tenants_file(path: Path, names: list[str]) -> Path:
    # Never checked within the test: the first checks spread over an hour.
    entries: list[dict[str, Any]] = [
        {
            "name": name,
            "subdomain": name,
            "base_url": "http://127.0.0.1:9",
            "auth": {"type": "api_token", "email": "a@b.example", "token_env": "UNSET_TOKEN"},
        }
        for name in names
    ]
    entries.append({"name": "invalid", "subdomain": "not a subdomain"})
    return write_yaml(path, {"defaults": {"interval": "1h", "timeout": "5s"}, "tenants": entries})


def served_tenants(daemon: Daemon) -> list[str]:
    return [entry["tenant"] for entry in daemon.get("/status").json()["tenants"]]


@pytest.mark.process
def test_two_daemons_split_the_tenants_at_start_and_on_reload(tmp_path: Path) -> None:
    config = tenants_file(tmp_path / "config.yaml", [f"t{i:02d}" for i in range(30)])
    every = {f"t{i:02d}" for i in range(30)} | {"invalid"}
    with (
        Daemon("-c", str(config), "--shard", "0/2") as first,
        Daemon("-c", str(config), "--shard", "1/2") as second,
    ):
        for daemon, index in ((first, 0), (second, 1)):
            names = served_tenants(daemon)
            assert all(shard_of(name, 2) == index for name in names)
            listening = daemon.event("listening")
            assert listening is not None
            assert listening["tenants"] == len(names)
            samples = metric_samples(daemon.get("/metrics").text)
            assert samples["zendesk_monitor_tenants"] == len(names)
        assert sorted(served_tenants(first) + served_tenants(second)) == sorted(every)

        tenants_file(config, [f"t{i:02d}" for i in range(10, 50)])
        every = {f"t{i:02d}" for i in range(10, 50)} | {"invalid"}
        for daemon in (first, second):
            daemon.signal(signal.SIGHUP)
        for daemon, index in ((first, 0), (second, 1)):
            wanted = sorted(n for n in every if shard_of(n, 2) == index)

            def reloaded(daemon: Daemon = daemon, wanted: list[str] = wanted) -> bool:
                return sorted(served_tenants(daemon)) == wanted

            eventually(reloaded, what="the reload")
        assert sorted(served_tenants(first) + served_tenants(second)) == sorted(every)
