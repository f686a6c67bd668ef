"""The daemon benchmark's machinery at a tiny scale: every figure comes out, every process it
started is gone afterwards. No timing is asserted: this only proves the benchmark runs."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from benchmarks.daemon import Options, Report, parse_options, render, run
from benchmarks.daemon_procs import available_cpus

pytestmark = pytest.mark.process


def children_of_this_process() -> set[int]:
    """PIDs whose parent is this process (the benchmark's processes while they run)."""
    me, found = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == me:
                found.add(int(entry.name))
    return found


def tiny(tmp_path: Path, **changes: Any) -> Options:
    cpus = available_cpus()
    base = Options(
        tenants=20,
        interval=1.0,
        latency=0.01,
        duration=4.0,
        concurrency=200,
        scrape_interval=1.0,
        daemon_cpu=cpus[-1],
        simulator_cpu=cpus[0],
        folder=tmp_path,
    )
    return replace(base, **changes)


def assert_common_figures(report: Report) -> None:
    assert report.tenants == 20
    assert report.window_seconds > 0
    assert report.requests > 0
    assert report.daemon_cpu_seconds >= 0
    assert report.cpu_ms_per_request >= 0
    assert report.lag_p99_seconds is not None
    assert report.missed_runs >= 0
    assert report.skipped_runs >= 0
    assert report.peak_rss_mib > 0
    assert report.metrics.raw_bytes > report.metrics.gzip_bytes > 0
    assert report.metrics.fetch_seconds > 0
    assert report.metrics.gzip_fetch_seconds > 0
    assert report.metrics.samples > 0
    # Every tenant checked over HTTPS on its own host name, and found healthy.
    assert report.categories == {"ok": 20}
    assert report.log_lines > 0
    json.dumps(asdict(report))  # the --json output
    assert "ms per request" in render(report)


def test_steady_mode(tmp_path: Path) -> None:
    before = children_of_this_process()
    report = run(tiny(tmp_path))
    assert report.mode == "steady"
    assert_common_figures(report)
    assert report.window_scrape_seconds  # scraped in the window, as Prometheus would
    assert report.round_seconds is None
    assert children_of_this_process() <= before  # the simulator and the daemon are stopped
    assert (tmp_path / "daemon.log").exists()
    assert (tmp_path / "config.yaml").exists()


def test_round_mode(tmp_path: Path) -> None:
    before = children_of_this_process()
    report = run(tiny(tmp_path, round=True, latency=0.05, concurrency=5, duration=60.0))
    assert report.mode == "round"
    assert_common_figures(report)
    assert report.round_seconds is not None
    assert report.round_seconds > 0
    assert report.ideal_round_seconds == pytest.approx(20 * 2 * 0.05 / 5)
    assert "round:" in render(report)
    assert children_of_this_process() <= before


def test_options(tmp_path: Path) -> None:
    options, json_path = parse_options(
        ["--tenants", "10000", "--latency", "0.2", "--round", "--json", str(tmp_path / "f.json")]
    )
    assert (options.tenants, options.latency, options.round) == (10000, 0.2, True)
    assert (options.interval, options.duration, options.concurrency) == (60.0, 180.0, 200)
    assert options.daemon_cpu in available_cpus()
    assert json_path == tmp_path / "f.json"
